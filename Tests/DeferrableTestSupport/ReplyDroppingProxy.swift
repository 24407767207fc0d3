import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP proxy in front of a server, run as a `python3` process, that can lose replies: after
/// ``dropRepliesOnOpenConnections()`` every byte the server sends on the connections open at that moment is
/// discarded (requests still reach the server), while connections opened later are forwarded whole. A command
/// sent on such a connection runs, but its reply never arrives. Stopped by its pid with ``stop()``.
public final class ReplyDroppingProxy: @unchecked Sendable {
    /// The port the proxy listens on (127.0.0.1).
    public let port: Int
    private let process: Process
    private let flag: URL

    public static var isAvailable: Bool { RedisServerProcess.executablePath("python3") != nil }

    /// Starts a proxy to `127.0.0.1:upstreamPort` and waits until it listens (or has exited).
    public init(upstreamPort: Int) async throws {
        guard let python = RedisServerProcess.executablePath("python3") else { throw FaultTestError("python3 is not on PATH") }
        flag = FileManager.default.temporaryDirectory.appendingPathComponent("reply-proxy-\(UUID().uuidString.prefix(8))")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", "-c", Self.script, String(upstreamPort), flag.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try await launchWithUnblockedSignals(process)
        self.process = process
        // The script prints its port as its first line (or exits).
        let line = await Self.firstLine(of: output.fileHandleForReading)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw FaultTestError("the reply-dropping proxy did not start")
        }
        self.port = port
    }

    /// The first line `handle` yields, read on a thread of its own (never on one of the tasks' threads).
    private static func firstLine(of handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                var line: [UInt8] = []
                while line.last != UInt8(ascii: "\n"), let byte = handle.readData(ofLength: 1).first {
                    line.append(byte)
                }
                continuation.resume(returning: String(decoding: line, as: UTF8.self))
            }.start()
        }
    }

    /// From now on, replies on the connections open at this moment are lost.
    public func dropRepliesOnOpenConnections() throws {
        try Data().write(to: flag)
    }

    /// Sends the proxy (by its pid) SIGTERM and returns; the wait for its exit (SIGKILL after 10 s) and the removal
    /// of its flag file go on in the background.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let (process, flag) = (process, flag)
        inBackground {
            stopProcessBlocking(process)
            try? FileManager.default.removeItem(at: flag)
        }
    }

    private static let script = """
        import os, socket, sys, threading
        upstream_port, flag = int(sys.argv[1]), sys.argv[2]
        listener = socket.socket()
        listener.bind(('127.0.0.1', 0))
        listener.listen(64)
        print(listener.getsockname()[1], flush=True)
        def pump(source, target, lossy):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    if not (lossy and os.path.exists(flag)):
                        target.sendall(data)
            except OSError:
                pass
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        while True:
            client, _ = listener.accept()
            server = socket.create_connection(('127.0.0.1', upstream_port))
            lossy = not os.path.exists(flag)
            threading.Thread(target=pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=pump, args=(server, client, lossy), daemon=True).start()
        """
}
