import Deferrable

extension PostgresMigration {
    /// Migration 6: settlements find the running job by its lease and count a batch's statistics once per key.
    ///
    /// - `jobs_lease`: the running jobs by lease token. A settlement looked up by group and job id can be planned on
    ///   `jobs_next`'s group prefix while the table's statistics have not seen the group yet (every lookup then reads
    ///   the group's every row); a lookup by token has no such plan.
    /// - `wake(p_grp, p_due)`: the same test as before, planned on `jobs_next` whatever the statistics say.
    /// - `settle_lease(…)` replaces migration 1's `settle`: the same settlement, found by token, with its tally left
    ///   to the caller; returns 0 (the lease is not held by `p_token`), 1 (settled) or 2 (a repeat: the token was
    ///   settled before its deadline; nothing changes).
    /// - `count_tallies(p_grp, p_names, p_outcomes, p_runs, p_waits, p_now)` replaces migration 3's `count_tally`:
    ///   counts many runs with one upsert per counter, history bucket and histogram bucket, in key order (so
    ///   concurrent batches lock shared rows in the same order), saturating, pruning as `count_tally` did.
    /// - `settle_many(…)` (same arguments and answer as before) settles every completion that keeps no result with one
    ///   delete by token, each other element with `settle_lease`, then counts the tallies of the settled ones with
    ///   one `count_tallies`.
    static let leaseSettlement = PostgresMigration(version: 6, name: "lease settlement") { schema in
        let s = schema.sql
        let results = schema.resultChannel
        let saturated = "9223372036854775807"
        return """
            CREATE INDEX jobs_lease ON \(s).jobs (lease_token) WHERE lease_token IS NOT NULL;

            -- As migration 1's, asked as a minimum, which is planned as a walk of `jobs_next` from the group's earliest
            -- row: a `LIMIT 1` probe may be planned as a scan of the table, which reads every settled row not yet
            -- vacuumed.
            CREATE OR REPLACE FUNCTION \(s).wake(p_grp text, p_due bigint) RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
                IF (SELECT min(due_at) FROM \(s).jobs
                        WHERE grp = p_grp AND lease_token IS NULL AND due_at <= p_due) IS NULL THEN
                    PERFORM pg_notify('\(schema.wakeChannel)', p_grp);
                END IF;
            END $fn$;

            DROP FUNCTION \(s).settle_many(text, text[], uuid[], text[], bytea[], boolean[], bigint[], bytea[], bytea[],
                bigint[], text[], text[], integer[], integer[], integer, bigint);
            DROP FUNCTION \(s).settle(text, text, uuid, text, bytea, bigint, bytea, bytea, bigint, text, text, integer,
                integer, integer, bigint);
            DROP FUNCTION \(s).count_tally(text, text, text, integer, integer, bigint);

            CREATE FUNCTION \(s).settle_lease(
                p_grp text, p_id text, p_token uuid, p_mode text, p_payload bytea, p_delay bigint, p_error bytea,
                p_result bytea, p_result_ttl bigint, p_max_errors integer, p_max_age bigint, p_now bigint)
            RETURNS integer LANGUAGE plpgsql AS $fn$
            DECLARE
                v_row tid;
                v_grp text;
                v_id text;
                v_deadline bigint;
            BEGIN
                SELECT ctid, grp, id, due_at INTO v_row, v_grp, v_id, v_deadline FROM \(s).jobs
                WHERE lease_token = p_token FOR UPDATE;
                IF NOT FOUND OR v_grp IS DISTINCT FROM p_grp OR v_id IS DISTINCT FROM p_id THEN
                    RETURN 2 * (SELECT count(*) FROM \(s).settled_leases WHERE token = p_token)::integer;
                END IF;
                INSERT INTO \(s).settled_leases (token, deadline) VALUES (p_token, v_deadline);
                DELETE FROM \(s).settled_leases WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM \(s).settled_leases WHERE deadline < p_now ORDER BY deadline LIMIT 20));
                IF p_mode = 'requeue' THEN
                    PERFORM \(s).wake(p_grp, p_now + greatest(p_delay, 0));
                    UPDATE \(s).jobs
                    SET lease_token = NULL, payload = coalesce(p_payload, payload),
                        reclaims = CASE WHEN p_payload IS NULL THEN reclaims ELSE 0 END,
                        due_at = p_now + greatest(p_delay, 0), seq = nextval('\(s).job_seq')
                    WHERE ctid = v_row;
                    RETURN 1;
                END IF;
                DELETE FROM \(s).jobs WHERE ctid = v_row;
                IF p_mode = 'dead' THEN
                    INSERT INTO \(s).errors AS e (grp, id, payload, error, failed_at)
                    VALUES (p_grp, p_id, p_payload, p_error, p_now)
                    ON CONFLICT (grp, id) DO UPDATE
                        SET payload = excluded.payload, error = excluded.error, failed_at = excluded.failed_at,
                            seq = excluded.seq;
                    DELETE FROM \(s).errors WHERE grp = p_grp AND failed_at < p_now - p_max_age;
                    DELETE FROM \(s).errors WHERE (grp, id) IN (
                        SELECT grp, id FROM \(s).errors WHERE grp = p_grp
                        ORDER BY failed_at DESC, seq DESC OFFSET greatest(p_max_errors, 0));
                END IF;
                IF p_result_ttl IS NOT NULL THEN
                    PERFORM \(s).store_result(p_grp, p_id, p_result, p_result_ttl, p_now);
                ELSIF p_mode = 'dead' AND octet_length(p_grp) + octet_length(p_id) < 7900 THEN
                    -- No record (its envelope could not be read): its waiters look again and find none.
                    PERFORM pg_notify('\(results)', p_grp || '/' || p_id);
                END IF;
                RETURN 1;
            END $fn$;

            CREATE FUNCTION \(s).count_tallies(
                p_grp text, p_names text[], p_outcomes text[], p_runs integer[], p_waits integer[], p_now bigint
            ) RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_minute bigint := \(s).bucket_of(p_now, 60000);
                v_created boolean;
            BEGIN
                IF coalesce(cardinality(p_names), 0) = 0 THEN RETURN; END IF;
                INSERT INTO \(s).stat_counters AS c (grp, name, outcome, n, first_seen, last_seen)
                SELECT p_grp, t.name, t.outcome, count(*), p_now, p_now
                FROM unnest(p_names, p_outcomes) AS t (name, outcome)
                GROUP BY t.name, t.outcome ORDER BY t.name, t.outcome
                ON CONFLICT (grp, name, outcome) DO UPDATE
                SET n = c.n + least(excluded.n, \(saturated) - c.n), last_seen = GREATEST(c.last_seen, excluded.last_seen);

                WITH upserted AS (
                    INSERT INTO \(s).stat_history AS h (grp, resolution, bucket, name, outcome, n, expires_at)
                    SELECT p_grp, r.code, r.bucket, t.name, t.outcome, count(*), (r.bucket + 1) * r.size + r.retention
                    FROM unnest(p_names, p_outcomes) AS t (name, outcome), \(historyBuckets(schema: schema))
                    GROUP BY r.code, r.bucket, r.size, r.retention, t.name, t.outcome
                    ORDER BY r.code, r.bucket, t.name, t.outcome
                    ON CONFLICT (grp, resolution, bucket, name, outcome) DO UPDATE
                    SET n = h.n + least(excluded.n, \(saturated) - h.n)
                    RETURNING (h.xmax = 0) AS created
                )
                SELECT bool_or(created) INTO v_created FROM upserted;
                IF v_created THEN
                    \(pruneExpired("\(s).stat_history", limit: statisticsPrunedPerNewRow, now: "p_now"))
                END IF;

                WITH upserted AS (
                    INSERT INTO \(s).stat_histograms AS g (grp, minute, name, kind, bucket, n, expires_at)
                    SELECT p_grp, v_minute, v.name, v.kind, v.bucket, count(*),
                        (v_minute + 1 + \(TaskStatistics.recentWindowMinutes)) * 60000
                    FROM (
                        SELECT t.name, 'r' AS kind, t.run AS bucket FROM unnest(p_names, p_runs) AS t (name, run)
                        UNION ALL
                        SELECT t.name, 'w', t.wait FROM unnest(p_names, p_waits) AS t (name, wait)
                    ) AS v
                    WHERE v.bucket BETWEEN 0 AND \(DurationHistogram.bucketCount - 1)
                    GROUP BY v.name, v.kind, v.bucket ORDER BY v.name, v.kind, v.bucket
                    ON CONFLICT (grp, minute, name, kind, bucket) DO UPDATE
                    SET n = g.n + least(excluded.n, \(saturated) - g.n)
                    RETURNING (g.xmax = 0) AS created
                )
                SELECT bool_or(created) INTO v_created FROM upserted;
                IF v_created THEN
                    \(pruneExpired("\(s).stat_histograms", limit: statisticsPrunedPerNewRow, now: "p_now"))
                END IF;
            END $fn$;

            -- Settles many leases in one transaction (an empty payload with `p_has_payloads` false, a negative TTL,
            -- an empty name and negative buckets stand for NULL): first every completion that keeps no result, with
            -- one delete by token, then the others one by one with `settle_lease`, in array order; then counts the
            -- tallies of the settled ones. Returns 1 for each settled or repeated settlement, 0 for each lease not
            -- held.
            CREATE FUNCTION \(s).settle_many(
                p_grp text, p_ids text[], p_tokens uuid[], p_modes text[], p_payloads bytea[], p_has_payloads boolean[],
                p_delays bigint[], p_errors bytea[], p_results bytea[], p_result_ttls bigint[], p_names text[],
                p_outcomes text[], p_runs integer[], p_waits integer[], p_max_errors integer, p_max_age bigint)
            RETURNS integer[] LANGUAGE plpgsql AS $fn$
            DECLARE
                v_now bigint := \(s).now_ms();
                v_count integer := coalesce(cardinality(p_ids), 0);
                v_held integer[];
                v_completed boolean[];
                v_taken bigint[];
                v_answer integer;
                v_names text[] := '{}';
                v_outcomes text[] := '{}';
                v_runs integer[] := '{}';
                v_waits integer[] := '{}';
            BEGIN
                IF v_count = 0 THEN RETURN '{}'; END IF;
                v_held := array_fill(0, ARRAY[v_count]);
                v_completed := array_fill(false, ARRAY[v_count]);
                WITH deleted AS (
                    DELETE FROM \(s).jobs j
                    USING unnest(p_ids, p_tokens, p_modes, p_result_ttls) WITH ORDINALITY AS r (id, token, mode, ttl, ord)
                    WHERE j.lease_token = r.token AND r.mode = 'complete' AND r.ttl < 0
                        AND (j.grp, j.id) IS NOT DISTINCT FROM (p_grp, r.id)
                    RETURNING r.ord, j.lease_token, j.due_at
                ), recorded AS (
                    INSERT INTO \(s).settled_leases (token, deadline) SELECT lease_token, due_at FROM deleted
                    ON CONFLICT (token) DO NOTHING
                )
                SELECT coalesce(array_agg(ord), '{}') INTO v_taken FROM deleted;
                IF cardinality(v_taken) > 0 THEN
                    DELETE FROM \(s).settled_leases WHERE ctid = ANY (ARRAY(
                        SELECT ctid FROM \(s).settled_leases WHERE deadline < v_now
                        ORDER BY deadline LIMIT 20 * cardinality(v_taken)));
                END IF;
                FOR k IN 1 .. cardinality(v_taken) LOOP
                    v_completed[v_taken[k]] := true;
                END LOOP;
                FOR i IN 1 .. v_count LOOP
                    IF v_completed[i] THEN
                        v_answer := 1;
                    ELSIF p_modes[i] = 'complete' AND p_result_ttls[i] < 0 THEN
                        -- Not held: a repeat when the token was settled before its deadline.
                        v_answer := 2 * (SELECT count(*) FROM \(s).settled_leases WHERE token = p_tokens[i])::integer;
                    ELSE
                        v_answer := \(s).settle_lease(p_grp, p_ids[i], p_tokens[i], p_modes[i],
                            CASE WHEN p_has_payloads[i] THEN p_payloads[i] END, p_delays[i],
                            CASE WHEN p_modes[i] = 'dead' THEN p_errors[i] END,
                            CASE WHEN p_result_ttls[i] >= 0 THEN p_results[i] END,
                            CASE WHEN p_result_ttls[i] >= 0 THEN p_result_ttls[i] END,
                            p_max_errors, p_max_age, v_now);
                    END IF;
                    v_held[i] := least(v_answer, 1);
                    IF v_answer = 1 AND p_names[i] <> '' THEN
                        v_names := v_names || p_names[i];
                        v_outcomes := v_outcomes || p_outcomes[i];
                        v_runs := v_runs || p_runs[i];
                        v_waits := v_waits || p_waits[i];
                    END IF;
                END LOOP;
                PERFORM \(s).count_tallies(p_grp, v_names, v_outcomes, v_runs, v_waits, v_now);
                RETURN v_held;
            END $fn$;
            """
    }
}
