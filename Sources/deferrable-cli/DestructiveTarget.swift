import ArgumentParser

/// The group a destructive command (`flush`, `errors purge`) acts on, and its `--yes` confirmation.
struct DestructiveTarget: ParsableArguments {
    @Argument(help: "The group.")
    var group: String

    @Flag(help: "Confirm: without it nothing is removed.")
    var yes = false

    /// Throws the usage error of a command run without `--yes`, saying what `verb` would have removed.
    ///
    /// - Parameter wouldRemove: what would be removed, e.g. `"12 entries"`; only asked for when refusing.
    func requireConfirmation(to verb: String, wouldRemove: () async throws -> String) async throws {
        guard yes else {
            throw CLIError.usage("refusing to \(verb) '\(group)' without --yes (it would remove \(try await wouldRemove()))")
        }
    }
}
