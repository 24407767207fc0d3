#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A RESP2 reply read by ``rawCommand(port:password:_:)``.
public indirect enum RawReply: Equatable, Sendable {
    case simple(String)
    case error(String)
    case integer(Int)
    case bulk(String)
    case null
    case array([RawReply])
}

/// Sends one command (after `AUTH password` when given) on a fresh blocking loopback connection with 1 s timeouts
/// and returns its reply, or `nil` when the server cannot be reached or the reply cannot be read. For setting up
/// and watching test servers outside the client under test.
public func rawCommand(port: Int, password: String? = nil, _ arguments: [String]) -> RawReply? {
    guard let fd = loopbackConnection(port: port) else { return nil }
    defer { close(fd) }
    var reader = RawReplyReader(fd: fd)
    if let password {
        guard sendCommand(fd, ["AUTH", password]), case .simple = reader.next() else { return nil }
    }
    guard sendCommand(fd, arguments) else { return nil }
    return reader.next()
}

private func sendBytes(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(fd, pointer, count, flags)
}

private func sendCommand(_ fd: Int32, _ arguments: [String]) -> Bool {
    var bytes = Array("*\(arguments.count)\r\n".utf8)
    for argument in arguments {
        bytes += Array("$\(argument.utf8.count)\r\n".utf8) + Array(argument.utf8) + Array("\r\n".utf8)
    }
    return bytes.withUnsafeBytes { sendBytes(fd, $0.baseAddress, $0.count, 0) } == bytes.count
}

/// Reads RESP2 replies from a blocking socket.
private struct RawReplyReader {
    let fd: Int32
    var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    mutating func next() -> RawReply? {
        guard let line = readLine(), let kind = line.first else { return nil }
        let rest = String(decoding: line.dropFirst(), as: UTF8.self)
        switch kind {
        case UInt8(ascii: "+"): return .simple(rest)
        case UInt8(ascii: "-"): return .error(rest)
        case UInt8(ascii: ":"): return Int(rest).map(RawReply.integer)
        case UInt8(ascii: "$"):
            guard let length = Int(rest) else { return nil }
            if length < 0 { return .null }
            guard let body = read(length + 2) else { return nil }
            return .bulk(String(decoding: body.prefix(length), as: UTF8.self))
        case UInt8(ascii: "*"):
            guard let count = Int(rest) else { return nil }
            if count < 0 { return .null }
            var elements: [RawReply] = []
            for _ in 0..<count {
                guard let element = next() else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            return nil
        }
    }

    private mutating func readLine() -> [UInt8]? {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")), end > 0, buffer[end - 1] == UInt8(ascii: "\r") {
                let line = Array(buffer[..<(end - 1)])
                buffer.removeFirst(end + 1)
                return line
            }
            guard fill() else { return nil }
        }
    }

    private mutating func read(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { return false }
        buffer += chunk[..<received]
        return true
    }
}
