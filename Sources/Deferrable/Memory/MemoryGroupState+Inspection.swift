import DequeModule

/// Read-only views of the ready queue (``MemoryQueueInspector``): what ``takeReady(leaseMillis:now:)`` would lease,
/// without leasing it.
extension MemoryGroupState {
    /// The most ready-queue entries one look skips per job it lists: entries of a job already leased under a reused
    /// id are skipped (as a pop skips them), and this bound keeps a look bounded even when many of them pile up.
    static let maxSkippedPerListed = 10

    /// Up to `limit` runnable jobs from ready-queue position `offset` on, next to run first.
    func peekReady(offset: Int, limit: Int) -> [PeekedJob] {
        var listed: [PeekedJob] = []
        forEachRunnable(from: offset, upTo: limit) { item, payload in
            listed.append(PeekedJob(id: item.id, payload: payload.bytes))
        }
        return listed
    }

    /// Since when the next runnable job is runnable, `nil` when none is.
    func nextRunnableSince() -> Int64? {
        var since: Int64?
        forEachRunnable(from: 0, upTo: 1) { item, _ in since = item.runnableAt }
        return since
    }

    /// Calls `body` with up to `limit` ready-queue entries a pop would lease, from position `offset` on, and their
    /// payloads; looks at no more than `(limit + 1) × (maxSkippedPerListed + 1)` entries.
    private func forEachRunnable(from offset: Int, upTo limit: Int, _ body: (ReadyItem, JobPayload) -> Void) {
        guard limit > 0, offset >= 0, offset < ready.count else { return }
        let budget = (limit + 1) * (Self.maxSkippedPerListed + 1)
        var index = offset
        var found = 0
        while index < ready.count, found < limit, index - offset < budget {
            let item = ready[index]
            index += 1
            let stored = jobs[item.id]
            guard stored?.lease == nil, let payload = item.payload ?? stored?.payload else { continue }
            body(item, payload)
            found += 1
        }
    }
}
