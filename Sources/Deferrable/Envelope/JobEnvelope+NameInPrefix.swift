extension JobEnvelope {
    /// How many leading bytes of a payload ``name(inPrefix:)`` is given by the backends that read running jobs' names.
    package static let nameHeadBytes = 256

    /// The job name read from the start of an envelope's bytes (a prefix may be cut anywhere): the top-level `name`
    /// string when it comes before the prefix ends, as every envelope this library writes has it (`v`, `id`, `name`
    /// first). `nil` when the prefix ends first or is not an envelope.
    package static func name(inPrefix bytes: ArraySlice<UInt8>) -> String? {
        struct Found: Error {
            let name: String
        }
        do {
            try JSONTopLevelScanner.forEachMember(of: bytes) { key, value in
                guard key.elementsEqual("name".utf8) else { return }
                throw Found(name: try JSONValueReader.string(value))
            }
        } catch let found as Found {
            return found.name.isEmpty ? nil : found.name
        } catch {
            return nil
        }
        return nil
    }
}
