#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP listener that accepts connections (the kernel completes the handshake) but never reads or
/// answers: a hung server.
public final class SilentListener: @unchecked Sendable {
    public let fd: Int32
    public let port: Int

    /// Listens on a free loopback port.
    public init() throws {
        let (descriptor, port) = try boundLoopbackSocket()
        guard listen(descriptor, 16) == 0 else {
            closeDescriptor(descriptor)
            throw FaultTestError("listen() failed")
        }
        fd = descriptor
        self.port = port
    }

    /// Stops listening.
    public func close() {
        closeDescriptor(fd)
    }
}
