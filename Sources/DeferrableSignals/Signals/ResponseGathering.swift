/// What a collection has gathered so far, and whether it is over.
struct ResponseGathering<Payload: Sendable, Response: Sendable> {
    private let signal: String
    private let entries: [ImmediateListener<Payload, Response>]
    private let completeness: CollectCompleteness
    private let errors: SignalErrorPolicy
    private var responses: [CollectedResponse<Response>] = []
    private var failures: [ListenerFailure] = []
    private var answered: [Bool]
    private var answeredCount = 0
    private var ownResponses = 0
    private(set) var end: CollectionEnd?

    init(signal: String, entries: [ImmediateListener<Payload, Response>], options: CollectOptions) {
        self.signal = signal
        self.entries = entries
        self.completeness = options.completeness
        self.errors = options.errors
        answered = Array(repeating: false, count: entries.count)
        if entries.isEmpty { end = completeness == .all ? .complete : .listenersExhausted }
    }

    /// `true` once the collection has ended: nothing more is taken.
    var isOver: Bool { end != nil }

    /// Takes the answer of the listener at `index`; returns its failure, if it failed, for logging.
    mutating func add(_ index: Int, _ result: Result<Response, any Error>) -> ListenerFailure? {
        guard end == nil, entries.indices.contains(index), !answered[index] else { return nil }
        answered[index] = true
        answeredCount += 1
        let listener = entries[index].listener
        var failed: ListenerFailure?
        switch result {
        case .success(let response):
            responses.append(CollectedResponse(listener: listener, response: response, isDefault: false))
            ownResponses += 1
        case .failure(let error):
            let failure = ListenerFailure(listener: listener, error: error)
            failures.append(failure)
            if let defaultResponse = entries[index].defaultResponse {
                responses.append(CollectedResponse(listener: listener, response: defaultResponse, isDefault: true))
            }
            if errors == .stopAtFirstFailure { end = .stoppedByFailure }
            failed = failure
        }
        if end == nil { end = evaluate() }
        return failed
    }

    /// Ends the collection at its deadline, unless it has ended already.
    mutating func passDeadline() {
        if end == nil { end = .deadlinePassed }
    }

    /// The collection as it stands.
    func collection(ranOnPool: Bool) -> SignalCollection<Response> {
        SignalCollection(
            signal: signal, responses: responses, failures: failures,
            unanswered: entries.indices.filter { !answered[$0] }.map { entries[$0].listener },
            end: end ?? .listenersExhausted, ranOnPool: ranOnPool)
    }

    private func evaluate() -> CollectionEnd? {
        let reached =
            switch completeness {
            case .all: answeredCount == entries.count
            case .first(let count): ownResponses >= count
            case .firstSuccess: ownResponses >= 1
            }
        if reached { return .complete }
        return answeredCount == entries.count ? .listenersExhausted : nil
    }
}
