/// The debounce decision, as a pure function of the recorded state and the clock.
///
/// State per job identity: `runnableAt` of the latest pushed copy, its `id`, and `burstStart`, the first
/// call of the current burst (for `extend`'s maximum wait). A pending copy can be joined only while
/// `runnableAt` is still in the future, so the joined copy starts after the call (no lost trailing call).
/// The Redis debouncer's Lua script implements the same rule.
package enum DebounceRule {
    package struct State: Sendable, Equatable {
        package var runnableAt: Int64
        package var id: String
        package var burstStart: Int64

        package init(runnableAt: Int64, id: String, burstStart: Int64) {
            self.runnableAt = runnableAt
            self.id = id
            self.burstStart = burstStart
        }
    }

    package enum Action: Sendable, Equatable {
        /// Push the new copy to run at `runnableAt`.
        case push(runnableAt: Int64)
        /// Join the pending copy.
        case join
        /// Move the pending copy to `runnableAt`.
        case postpone(runnableAt: Int64)
    }

    /// The action for a call at `now`, given the state and whether the pending copy is still waiting.
    package static func decide(
        state: State?,
        pendingIsWaiting: Bool,
        now: Int64,
        window: Int64,
        mode: Debounce.Mode
    ) -> Action {
        if let state, state.runnableAt > now, pendingIsWaiting {
            if case .extend(let maxWait) = mode {
                var target = now.addingSaturated(window)
                if let maxWait { target = min(target, state.burstStart.addingSaturated(maxWait.wholeMilliseconds)) }
                if target > state.runnableAt { return .postpone(runnableAt: target) }
            }
            return .join
        }
        switch mode {
        case .leading:
            guard let state, now.subtractingSaturated(state.runnableAt) < window else { return .push(runnableAt: now) }
            return .push(runnableAt: state.runnableAt.addingSaturated(window))
        case .alwaysDelay, .extend:
            return .push(runnableAt: max(now.addingSaturated(window), (state?.runnableAt ?? now).addingSaturated(window)))
        }
    }

    /// How long a state record must be kept: until a window after its copy becomes runnable.
    package static func retention(of state: State, now: Int64, window: Int64) -> Int64 {
        max(state.runnableAt - now, 0) + window + 1000
    }
}
