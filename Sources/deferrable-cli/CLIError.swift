import Deferrable
import DeferrablePostgres
import DeferrableRedis

/// An error the CLI reports as one line on stderr, with its exit code.
struct CLIError: Error {
    static let operationalExitCode: Int32 = 1
    static let usageExitCode: Int32 = 2
    static let notFoundExitCode: Int32 = 3

    let message: String
    let exitCode: Int32

    /// Redis down, bad URL, a script failed…
    static func operational(_ message: String) -> CLIError { CLIError(message: message, exitCode: operationalExitCode) }
    /// A command line that cannot be run as given.
    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: usageExitCode) }
    /// An unknown group or job id.
    static func notFound(_ message: String) -> CLIError { CLIError(message: message, exitCode: notFoundExitCode) }

    /// Wraps any error thrown while talking to Redis, PostgreSQL or the library.
    static func wrapping(_ error: any Error) -> CLIError {
        switch error {
        case let error as CLIError: error
        case let error as RedisError: .operational(error.description)
        case let error as PostgresBackendError:
            switch error {
            case .invalidSchemaName: .usage(error.description)
            // The URL itself is left out: it may hold a password.
            case .invalidURL(_, let reason): .operational("invalid PostgreSQL URL: \(reason)")
            default: .operational(error.description)
            }
        case let error as DeferrableError:
            if case .invalidGroupName = error { .usage(error.description) } else { .operational(error.description) }
        default: .operational(String(describing: error))
        }
    }
}
