import ArgumentParser
import NIOCore
import NIOPosix

/// Which executor runs the benchmark's tasks (the producers, the `Worker`'s slots and the job bodies).
enum BenchExecutor: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Swift's default global executor (the cooperative thread pool): every Redis reply resumes its caller on
    /// another thread than the connection's event loop.
    case `default`
    /// SwiftNIO's event loops as the global executor
    /// (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`), an application
    /// choice: a caller and its connection share a thread, so a round trip costs no thread hop.
    case nio

    /// Installs the executor named by `--executor` in `arguments`, before anything runs; returns it.
    ///
    /// NIO can only take over the global executor before the first task is enqueued, so this reads the raw
    /// command line ahead of the argument parser (which validates the option again and reports errors).
    static func installRequested(in arguments: [String]) -> BenchExecutor {
        var requested = BenchExecutor.default
        for (index, argument) in arguments.enumerated() {
            if argument == "--executor", index + 1 < arguments.count {
                requested = BenchExecutor(rawValue: arguments[index + 1]) ?? requested
            } else if argument.hasPrefix("--executor=") {
                requested = BenchExecutor(rawValue: String(argument.dropFirst("--executor=".count))) ?? requested
            }
        }
        guard requested == .nio else { return .default }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() ? .nio : .default
    }
}
