extension PostgresMigration {
    /// Migration 7: pushes that go in only if their job id is free (caller-chosen ids and unique jobs).
    ///
    /// - `id_holds`: ids kept taken after their jobs left, until `expires_at` (database ms); each push prunes up to
    ///   100 lapsed holds of its group, so the table stays near its live size.
    /// - `push_absent(p_grp, p_ids, p_payloads, p_delays, p_keeps, p_hold_ms)`: stores each job whose id no job of the
    ///   group has (ready, delayed or running) and no hold lasts on, in array order (a later element with an id an
    ///   earlier one took is skipped); holds each stored id for `p_hold_ms` when it is positive. Returns the ids it
    ///   stored. Concurrent pushes of one id are decided by the `jobs` primary key: one stores, the others skip.
    static let idempotentPush = PostgresMigration(version: 7, name: "idempotent push") { schema in
        let s = schema.sql
        return """
            CREATE TABLE \(s).id_holds (
                grp text NOT NULL,
                id text NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (grp, id)
            );
            CREATE INDEX id_holds_expiry ON \(s).id_holds (grp, expires_at);

            CREATE FUNCTION \(s).push_absent(
                p_grp text, p_ids text[], p_payloads bytea[], p_delays bigint[], p_keeps boolean[], p_hold_ms bigint)
            RETURNS text[] LANGUAGE plpgsql AS $$
            DECLARE
                v_now bigint := \(s).now_ms();
                v_first bigint;
                v_stored text[];
            BEGIN
                \(pruneExpired("\(s).id_holds", limit: 100, now: "v_now"))
                -- Before the insert, as `push` does: `wake` notifies when no runnable job is due before the first of
                -- these (a batch of duplicates may wake a consumer for nothing).
                SELECT min(v_now + greatest(d, 0)) INTO v_first FROM unnest(p_delays) AS d;
                PERFORM \(s).wake(p_grp, v_first);
                WITH candidates AS (
                    SELECT t.id, t.payload, t.delay, t.keeps, t.ord
                    FROM unnest(p_ids, p_payloads, p_delays, p_keeps) WITH ORDINALITY AS t(id, payload, delay, keeps, ord)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM \(s).id_holds h WHERE h.grp = p_grp AND h.id = t.id AND h.expires_at > v_now)
                ), stored AS (
                    INSERT INTO \(s).jobs AS j (grp, id, payload, due_at, keeps_result)
                    SELECT p_grp, c.id, c.payload, v_now + greatest(c.delay, 0), c.keeps FROM candidates c ORDER BY c.ord
                    ON CONFLICT (grp, id) DO NOTHING
                    RETURNING j.id)
                SELECT coalesce(array_agg(id), '{}') INTO v_stored FROM stored;
                IF p_hold_ms > 0 AND cardinality(v_stored) > 0 THEN
                    INSERT INTO \(s).id_holds AS h (grp, id, expires_at)
                    SELECT p_grp, id, v_now + p_hold_ms FROM unnest(v_stored) AS id
                    ON CONFLICT (grp, id) DO UPDATE SET expires_at = greatest(h.expires_at, excluded.expires_at);
                END IF;
                RETURN v_stored;
            END $$;
            """
    }
}
