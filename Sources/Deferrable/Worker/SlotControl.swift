import Synchronization

/// The slots of a running ``Worker`` and what each one is doing, so that a shutdown can cancel the slots that wait
/// for or take jobs at once, and the slots that run jobs only when the grace period is over.
///
/// Each slot is one long-lived task that takes a job and runs it (the job body runs on a task of its own, which a lost
/// lease cancels; cancelling the slot cancels it too). A slot says what it is about to do with ``begin(_:slot:)``; the
/// stop methods cancel the tasks of the slots doing what they stop. A slot that took a job while intake stopped is refused ``Activity/job`` and hands the job back untouched.
final class SlotControl: Sendable {
    /// What a slot is doing.
    enum Activity: Sendable {
        /// Waiting for, taking, or pausing before taking a job.
        case intake
        /// Running a job it took.
        case job
    }

    private struct Slot {
        var task: Task<Void, Never>?
        var activity = Activity.intake
    }

    private struct State {
        var intakeStopped = false
        var jobsStopped = false
        var slots: [Slot]

        func isStopped(_ activity: Activity) -> Bool {
            switch activity {
            case .intake: intakeStopped
            case .job: jobsStopped
            }
        }
    }

    private let state: Mutex<State>
    /// Slots running a job now.
    let running = Atomic<Int>(0)

    /// Control over `count` slots, numbered from 0.
    init(slots count: Int) {
        state = Mutex(State(slots: Array(repeating: Slot(), count: count)))
    }

    /// Whether intake stopped: no slot takes another job.
    var intakeStopped: Bool {
        state.withLock { $0.intakeStopped }
    }

    /// Records the task running `slot`, cancelling it at once if what the slot does was stopped already.
    func attach(_ task: Task<Void, Never>, to slot: Int) {
        let cancel = state.withLock { state in
            state.slots[slot].task = task
            return state.isStopped(state.slots[slot].activity)
        }
        if cancel { task.cancel() }
    }

    /// Marks `slot` as doing `activity`. Returns `false`, changing nothing, once intake stopped (stopping jobs stops
    /// intake too): the slot ends, and a job it took meanwhile must be handed back untouched.
    func begin(_ activity: Activity, slot: Int) -> Bool {
        state.withLock { state in
            guard !state.intakeStopped else { return false }
            state.slots[slot].activity = activity
            return true
        }
    }

    /// Stops intake: the slots waiting for or taking a job are cancelled, and no slot takes another one.
    func stopIntake() {
        stop { $0.intakeStopped = true }
    }

    /// Stops everything: every slot is cancelled; a running job sees the cancellation and is handed back.
    func stopAll() {
        stop { state in
            state.intakeStopped = true
            state.jobsStopped = true
        }
    }

    private func stop(_ mark: (inout State) -> Void) {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            mark(&state)
            return state.slots.compactMap { slot in state.isStopped(slot.activity) ? slot.task : nil }
        }
        for task in tasks { task.cancel() }
    }
}
