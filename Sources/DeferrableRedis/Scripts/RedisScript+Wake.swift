extension RedisScript {
    /// Wakes one consumer waiting on the group's ready list: pushes a wake-up marker unless one is outstanding
    /// (`push_marker` of ``wakePrelude``). The woken consumer's pop reclaims lapsed leases and promotes due delayed
    /// jobs, so ``RedisWakeAlarm`` runs this when the wait of an idle consumer is due to end.
    ///
    /// KEYS: ready, markers. Returns 1 if it pushed a marker, 0 if one was outstanding.
    static let wake = RedisScript(
        name: "deferrable.wake",
        source: wakePrelude + """
            return push_marker(KEYS[1], KEYS[2])
            """
    )
}
