extension CollectOptions {
    /// The reason these options cannot work, or `nil`.
    func problem() -> String? {
        if let deadline, deadline <= .zero { return "the deadline must be above zero" }
        if let deadline, deadline > .seconds(86_400) { return "the deadline must be at most a day" }
        if case .first(let count) = completeness, count < 1 { return "first(\(count)): the count must be at least 1" }
        if case .poolAbove(let threshold, _) = execution, threshold < 0 { return "the pool threshold must not be negative" }
        return nil
    }
}
