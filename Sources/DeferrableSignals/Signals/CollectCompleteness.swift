/// How many answers end a collection.
public enum CollectCompleteness: Sendable, Hashable {
    /// Every listener has answered or failed.
    case all
    /// This many listeners have answered with their own response (defaults of failed listeners do not count).
    /// Must be at least 1.
    case first(Int)
    /// One listener has answered with its own response.
    case firstSuccess
}
