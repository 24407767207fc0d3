/// Why a benchmark run stopped.
enum BenchError: Error, CustomStringConvertible {
    /// A phase did not finish in time.
    case timedOut(String)
    /// The options do not make sense together.
    case invalidOptions(String)
    /// A reference measurement could not be taken.
    case reference(String)

    var description: String {
        switch self {
        case .timedOut(let detail): "timed out: \(detail)"
        case .invalidOptions(let detail): "invalid options: \(detail)"
        case .reference(let detail): "reference: \(detail)"
        }
    }
}
