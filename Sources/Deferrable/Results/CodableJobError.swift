/// An error type a job can throw that a ``JobFuture`` re-raises as itself on the caller's side.
///
/// List the type in the job's ``JobOptions/resultErrors`` on both sides: the consumer then stores a thrown value as
/// JSON under ``storedName`` with the failure, and a future of that job decodes it and throws it. Only listed types are
/// ever decoded; a stored name that no listed type has is ignored, and the failure arrives as
/// ``JobResultError/failed(jobID:_:)`` with its text record. No type is ever looked up from a name found in stored
/// data.
///
/// ```swift
/// struct PaymentDeclined: CodableJobError { let code: String }
/// let charge = try deferrable.register(
///     "charge", returning: Receipt.self, options: JobOptions(resultErrors: [PaymentDeclined.self])
/// ) { (order: Order, _) in … }
/// ```
public protocol CodableJobError: Error, Codable, Sendable {
    /// The name the error is stored under; defaults to the type's qualified name (`MyApp.PaymentDeclined`). Keep it
    /// stable across deploys: set it yourself for a type nested in a function or generic context (whose qualified
    /// name is not stable), or that may move between modules.
    static var storedName: String { get }
}

extension CodableJobError {
    /// The type's qualified name.
    public static var storedName: String { String(reflecting: Self.self) }
}

/// The error types of one job that futures re-raise, by stored name.
struct CodableJobErrorRegistry: Sendable {
    private let types: [String: any CodableJobError.Type]

    init(_ types: [any CodableJobError.Type]) {
        var byName: [String: any CodableJobError.Type] = [:]
        for type in types { byName[type.storedName] = type }
        self.types = byName
    }

    static let empty = CodableJobErrorRegistry([])

    var isEmpty: Bool { types.isEmpty }

    /// Whether `type` is listed.
    func contains(_ type: any CodableJobError.Type) -> Bool {
        types[type.storedName].map { ObjectIdentifier($0) == ObjectIdentifier(type) } ?? false
    }

    /// The stored form of `error` if its type is listed and it encodes.
    func typedError(for error: any Error) -> JobResultRecord.TypedError? {
        guard let typed = error as? any CodableJobError, contains(type(of: typed)),
            let json = try? CanonicalJSONEncoder.encode(typed)
        else { return nil }
        return JobResultRecord.TypedError(name: type(of: typed).storedName, valueJSON: json)
    }

    /// The stored error as its listed type, or `nil` when no listed type has its name or its JSON does not decode.
    func decode(_ stored: JobResultRecord.TypedError) -> (any Error)? {
        guard let type = types[stored.name] else { return nil }
        return try? ArgumentsDecoder.decode(type, from: stored.valueJSON)
    }

    /// Both registries' types; `other`'s win on a shared name.
    func merging(_ other: CodableJobErrorRegistry) -> CodableJobErrorRegistry {
        CodableJobErrorRegistry(Array(types.values) + Array(other.types.values))
    }
}
