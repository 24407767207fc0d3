extension PostgresMigration {
    /// The most lapsed records of a group that one recorded decision deletes.
    static let debouncePrunedPerDecision = 100

    /// Migration 5: debounce records.
    ///
    /// - `debounce (grp, key, at, id, first, expires_at)`: per debounce key, when its pending copy `id` runs (`at`),
    ///   when its burst began (`first`), and when the record lapses (epoch ms, database clock); a lapsed record counts
    ///   as absent and is replaced by the next decision of its key.
    /// - `debounce_grp_expires_at`: the group's records by expiry; each decision deletes up to 100 lapsed records of
    ///   its group.
    /// - `debounce(p_grp, p_key, p_mode, p_window_ms, p_max_wait_ms, p_id, p_payload, p_keeps_result, p_push)`: the
    ///   decision of `DebounceRule` on the database clock, serialised per key by a transaction advisory lock, returning
    ///   `(action, job_id, runnable_at, db_now)` with action `now`, `delayed`, `joined` or `extended`. With `p_push` it
    ///   also pushes the job with `push` (or postpones the pending copy in `jobs`), in the same transaction; a
    ///   pending copy counts as waiting only while its row exists without a lease and is not yet due. Without
    ///   `p_push` it only decides and records; the caller pushes elsewhere.
    /// - `release_debounce(p_grp, p_key, p_id)`: deletes the key's record if it still names job `p_id`.
    static let debounce = PostgresMigration(version: 5, name: "debounce") { schema in
        let s = schema.sql
        return """
            CREATE TABLE \(s).debounce (
                grp text NOT NULL,
                key text NOT NULL,
                at bigint NOT NULL,
                id text NOT NULL,
                first bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (grp, key)
            );
            CREATE INDEX debounce_grp_expires_at ON \(s).debounce (grp, expires_at);

            CREATE FUNCTION \(s).debounce(
                p_grp text, p_key text, p_mode text, p_window_ms bigint, p_max_wait_ms bigint, p_id text, p_payload bytea,
                p_keeps_result boolean, p_push boolean
            ) RETURNS TABLE (action text, job_id text, runnable_at bigint, db_now bigint) LANGUAGE plpgsql AS $fn$
            DECLARE
                v_now bigint;
                v_at bigint;
                v_pending text;
                v_first bigint;
                v_waiting boolean;
                v_target bigint;
                v_run_at bigint;
            BEGIN
                PERFORM pg_advisory_xact_lock(hashtextextended(p_grp || '/' || p_key, 5));
                v_now := \(s).now_ms();
                SELECT d.at, d.id, d.first INTO v_at, v_pending, v_first
                FROM \(s).debounce d WHERE d.grp = p_grp AND d.key = p_key AND d.expires_at > v_now;
                v_waiting := v_at IS NOT NULL AND v_at > v_now;
                IF v_waiting AND p_push THEN
                    v_waiting := EXISTS (
                        SELECT 1 FROM \(s).jobs j
                        WHERE j.grp = p_grp AND j.id = v_pending AND j.lease_token IS NULL AND j.due_at > v_now);
                END IF;
                IF v_waiting THEN
                    IF p_mode = 'extend' THEN
                        v_target := v_now + p_window_ms;
                        IF p_max_wait_ms >= 0 THEN v_target := LEAST(v_target, v_first + p_max_wait_ms); END IF;
                        IF v_target > v_at THEN
                            IF p_push THEN
                                UPDATE \(s).jobs j SET due_at = v_target
                                WHERE j.grp = p_grp AND j.id = v_pending AND j.lease_token IS NULL;
                            END IF;
                            UPDATE \(s).debounce d SET at = v_target, expires_at = v_target + p_window_ms + 1000
                            WHERE d.grp = p_grp AND d.key = p_key;
                            RETURN QUERY SELECT 'extended'::text, v_pending, v_target, v_now;
                            RETURN;
                        END IF;
                    END IF;
                    RETURN QUERY SELECT 'joined'::text, v_pending, v_at, v_now;
                    RETURN;
                END IF;
                IF p_mode = 'leading' THEN
                    IF v_at IS NULL OR v_now - v_at >= p_window_ms THEN v_run_at := v_now; ELSE v_run_at := v_at + p_window_ms; END IF;
                ELSE
                    v_run_at := v_now + p_window_ms;
                    IF v_at IS NOT NULL AND v_at + p_window_ms > v_run_at THEN v_run_at := v_at + p_window_ms; END IF;
                END IF;
                \(pruneExpired("\(s).debounce", limit: debouncePrunedPerDecision, now: "v_now", condition: "key <> p_key"))
                INSERT INTO \(s).debounce AS d (grp, key, at, id, first, expires_at)
                VALUES (p_grp, p_key, v_run_at, p_id, v_now, GREATEST(v_run_at, v_now) + p_window_ms + 1000)
                ON CONFLICT (grp, key) DO UPDATE
                SET at = excluded.at, id = excluded.id, first = excluded.first, expires_at = excluded.expires_at;
                IF p_push THEN
                    PERFORM \(s).push(p_grp, ARRAY[p_id], ARRAY[p_payload], ARRAY[v_run_at - v_now], ARRAY[p_keeps_result]);
                END IF;
                IF v_run_at > v_now THEN
                    RETURN QUERY SELECT 'delayed'::text, p_id, v_run_at, v_now;
                ELSE
                    RETURN QUERY SELECT 'now'::text, p_id, v_run_at, v_now;
                END IF;
            END
            $fn$;

            CREATE FUNCTION \(s).release_debounce(p_grp text, p_key text, p_id text) RETURNS boolean
            LANGUAGE sql AS $fn$
                WITH released AS (DELETE FROM \(s).debounce WHERE grp = p_grp AND key = p_key AND id = p_id RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM released)
            $fn$;
            """
    }
}
