/// Tallies of settlements made outside a run.
extension Deferrable {
    /// The tally of a job handed back without running (a `Worker` popped it as its shutdown began): `handedBack`,
    /// under its name when this instance runs jobs of that name; `nil` when this instance counts nothing.
    func untouchedHandBackTally(_ leased: LeasedJob) -> TaskTally? {
        guard countsStatistics else { return nil }
        let name = leased.envelope?.name ?? JobEnvelope.name(inPrefix: leased.payload.prefix(JobEnvelope.nameHeadBytes))
        let counted = name.flatMap { runnableRegistration(named: $0) == nil ? nil : $0 } ?? TaskStatistics.unknownName
        return TaskTally(name: counted, outcome: .handedBack)
    }
}
