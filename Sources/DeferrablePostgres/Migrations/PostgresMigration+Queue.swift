extension PostgresMigration {
    /// The job queue: jobs, settled leases, the error queue, known groups, and the functions that push, pop and
    /// settle in one statement each.
    ///
    /// Time is the database clock in epoch milliseconds (`now_ms()`). A job row's `due_at` is when it can be taken
    /// next: its runnable time while it waits (`lease_token` NULL), its lease deadline while it runs. So one index,
    /// `(grp, due_at, seq)`, finds ready jobs, due delayed jobs and lapsed leases alike, in the order they became
    /// runnable.
    static let queue = PostgresMigration(version: 1, name: "queue") { schema in
        let s = schema.sql
        let wake = schema.wakeChannel
        let results = schema.resultChannel
        return """
            CREATE FUNCTION \(s).now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS
            $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

            CREATE SEQUENCE \(s).job_seq AS bigint;

            CREATE TABLE \(s).jobs (
                grp text NOT NULL,
                id text NOT NULL,
                payload bytea NOT NULL,
                due_at bigint NOT NULL,
                seq bigint NOT NULL DEFAULT nextval('\(s).job_seq'),
                lease_token uuid,
                reclaims integer NOT NULL DEFAULT 0,
                keeps_result boolean NOT NULL DEFAULT false,
                PRIMARY KEY (grp, id)
            ) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02,
                autovacuum_vacuum_cost_delay = 0);
            CREATE INDEX jobs_next ON \(s).jobs (grp, due_at, seq);

            -- Leases settled recently, kept until their deadline so that a repeated settlement (its reply was lost)
            -- is recognised. Unlogged: a crash empties it, after which a repeat is answered as a lost lease.
            CREATE UNLOGGED TABLE \(s).settled_leases (
                token uuid PRIMARY KEY,
                deadline bigint NOT NULL
            );
            CREATE INDEX settled_leases_deadline ON \(s).settled_leases (deadline);

            CREATE TABLE \(s).errors (
                grp text NOT NULL,
                id text NOT NULL,
                payload bytea NOT NULL,
                error bytea NOT NULL,
                failed_at bigint NOT NULL,
                seq bigint NOT NULL DEFAULT nextval('\(s).job_seq'),
                PRIMARY KEY (grp, id)
            );
            CREATE INDEX errors_age ON \(s).errors (grp, failed_at, seq);

            CREATE TABLE \(s).groups (
                name text PRIMARY KEY
            );

            -- Wakes idle consumers of the group when no other waiting job is due at or before `p_due`: then a consumer
            -- may be waiting for exactly this job. Sent at commit only; identical notifications of one transaction
            -- are folded into one.
            CREATE FUNCTION \(s).wake(p_grp text, p_due bigint) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM \(s).jobs
                        WHERE grp = p_grp AND lease_token IS NULL AND due_at <= p_due LIMIT 1) THEN
                    PERFORM pg_notify('\(wake)', p_grp);
                END IF;
            END $$;

            -- Records an element that cannot be queued as a trace in the error queue, under an entry id of its own.
            CREATE FUNCTION \(s).trace(p_grp text, p_reason text, p_id text, p_payload bytea, p_message text, p_now bigint)
            RETURNS void LANGUAGE sql AS $$
                INSERT INTO \(s).errors (grp, id, payload, error, failed_at)
                VALUES (p_grp, p_reason || ':' || p_id || ':' || p_now, p_payload,
                    convert_to(json_build_object('type', p_reason, 'message', p_message, 'attempts', 0,
                        'host', 'postgres', 'at', p_now)::text, 'UTF8'), p_now)
                ON CONFLICT (grp, id) DO NOTHING
            $$;

            -- Pushes jobs in array order. A job whose id is already queued and waiting is replaced (payload, due time,
            -- queue position); one whose id is running is left alone and the push leaves a `DuplicateJobID` trace in
            -- the error queue. The ids of one call are distinct (the caller splits batches). Returns the time.
            CREATE FUNCTION \(s).push(p_grp text, p_ids text[], p_payloads bytea[], p_delays bigint[], p_keeps boolean[])
            RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE
                v_now bigint := \(s).now_ms();
                v_first bigint;
                v_stored text[];
            BEGIN
                SELECT min(v_now + greatest(d, 0)) INTO v_first FROM unnest(p_delays) AS d;
                PERFORM \(s).wake(p_grp, v_first);
                WITH stored AS (
                    INSERT INTO \(s).jobs AS j (grp, id, payload, due_at, keeps_result)
                    SELECT p_grp, t.id, t.payload, v_now + greatest(t.delay, 0), t.keeps
                    FROM unnest(p_ids, p_payloads, p_delays, p_keeps) WITH ORDINALITY AS t(id, payload, delay, keeps, ord)
                    ORDER BY t.ord
                    ON CONFLICT (grp, id) DO UPDATE
                        SET payload = excluded.payload, due_at = excluded.due_at, seq = excluded.seq, reclaims = 0,
                            keeps_result = excluded.keeps_result
                        WHERE j.lease_token IS NULL
                    RETURNING j.id)
                SELECT coalesce(array_agg(id), '{}') INTO v_stored FROM stored;
                IF cardinality(v_stored) < cardinality(p_ids) THEN
                    PERFORM \(s).trace(p_grp, 'DuplicateJobID', t.id, t.payload,
                            'a job with this id was running when it was pushed again; the running job was left alone', v_now)
                    FROM unnest(p_ids, p_payloads) AS t(id, payload)
                    WHERE NOT t.id = ANY (v_stored);
                END IF;
                RETURN v_now;
            END $$;

            -- Leases up to `p_limit` jobs: ready ones, due delayed ones, and ones whose lease lapsed (which count a
            -- reclaim), in the order they became runnable, skipping rows other consumers are taking. When it takes fewer
            -- than `p_limit`, a last row has NULLs, the time, and when the next job or lease is due (NULL if none).
            CREATE FUNCTION \(s).pop(p_grp text, p_lease_ms bigint, p_limit integer)
            RETURNS TABLE (o_id text, o_payload bytea, o_reclaims integer, o_token uuid, o_now bigint, o_next bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
                v_now bigint := \(s).now_ms();
                v_taken integer;
            BEGIN
                -- By row address (`ctid`), so the update never joins the table to itself (a plan that, with
                -- stale statistics, reads every row of the group).
                RETURN QUERY
                UPDATE \(s).jobs j
                SET reclaims = j.reclaims + (j.lease_token IS NOT NULL)::integer, lease_token = gen_random_uuid(),
                    due_at = v_now + p_lease_ms
                WHERE j.ctid = ANY (ARRAY(
                    SELECT n.ctid FROM \(s).jobs n
                    WHERE n.grp = p_grp AND n.due_at <= v_now
                    ORDER BY n.due_at, n.seq
                    LIMIT p_limit
                    FOR UPDATE SKIP LOCKED))
                RETURNING j.id, j.payload, j.reclaims, j.lease_token, v_now, NULL::bigint;
                GET DIAGNOSTICS v_taken = ROW_COUNT;
                IF v_taken < p_limit THEN
                    RETURN QUERY SELECT NULL::text, NULL::bytea, NULL::integer, NULL::uuid, v_now,
                        (SELECT min(j.due_at) FROM \(s).jobs j WHERE j.grp = p_grp AND j.due_at > v_now);
                END IF;
            END $$;

            -- Ends a lease: `complete` deletes the job, `requeue` puts it back after `p_delay` ms (a new payload
            -- replaces the stored one and resets its reclaims), `dead` moves it to the error queue (then trimmed to
            -- `p_max_errors` entries and `p_max_age` ms). A result is stored and a tally counted in the same
            -- transaction. Returns 1, or 0 when the lease is not held by `p_token`; a repeat of a settlement (the token
            -- settled before its deadline) returns 1 and changes nothing.
            CREATE FUNCTION \(s).settle(
                p_grp text, p_id text, p_token uuid, p_mode text, p_payload bytea, p_delay bigint, p_error bytea,
                p_result bytea, p_result_ttl bigint, p_name text, p_outcome text, p_run integer, p_wait integer,
                p_max_errors integer, p_max_age bigint)
            RETURNS integer LANGUAGE plpgsql AS $$
            DECLARE
                v_now bigint := \(s).now_ms();
                v_deadline bigint;
            BEGIN
                SELECT due_at INTO v_deadline FROM \(s).jobs
                WHERE grp = p_grp AND id = p_id AND lease_token = p_token FOR UPDATE;
                IF NOT FOUND THEN
                    RETURN (SELECT count(*) FROM \(s).settled_leases WHERE token = p_token)::integer;
                END IF;
                INSERT INTO \(s).settled_leases (token, deadline) VALUES (p_token, v_deadline);
                DELETE FROM \(s).settled_leases WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM \(s).settled_leases WHERE deadline < v_now LIMIT 20));
                IF p_mode = 'requeue' THEN
                    PERFORM \(s).wake(p_grp, v_now + greatest(p_delay, 0));
                    UPDATE \(s).jobs
                    SET lease_token = NULL, payload = coalesce(p_payload, payload),
                        reclaims = CASE WHEN p_payload IS NULL THEN reclaims ELSE 0 END,
                        due_at = v_now + greatest(p_delay, 0), seq = nextval('\(s).job_seq')
                    WHERE grp = p_grp AND id = p_id;
                ELSE
                    DELETE FROM \(s).jobs WHERE grp = p_grp AND id = p_id;
                    IF p_mode = 'dead' THEN
                        INSERT INTO \(s).errors AS e (grp, id, payload, error, failed_at)
                        VALUES (p_grp, p_id, p_payload, p_error, v_now)
                        ON CONFLICT (grp, id) DO UPDATE
                            SET payload = excluded.payload, error = excluded.error, failed_at = excluded.failed_at,
                                seq = excluded.seq;
                        DELETE FROM \(s).errors WHERE grp = p_grp AND failed_at < v_now - p_max_age;
                        DELETE FROM \(s).errors WHERE (grp, id) IN (
                            SELECT grp, id FROM \(s).errors WHERE grp = p_grp
                            ORDER BY failed_at DESC, seq DESC OFFSET greatest(p_max_errors, 0));
                    END IF;
                    IF p_result_ttl IS NOT NULL THEN
                        PERFORM \(s).store_result(p_grp, p_id, p_result, p_result_ttl, v_now);
                    ELSIF p_mode = 'dead' AND octet_length(p_grp) + octet_length(p_id) < 7900 THEN
                        -- No record (its envelope could not be read): its waiters look again and find none.
                        PERFORM pg_notify('\(results)', p_grp || '/' || p_id);
                    END IF;
                END IF;
                IF p_name IS NOT NULL THEN
                    PERFORM \(s).count_tally(p_grp, p_name, p_outcome, p_run, p_wait, v_now);
                END IF;
                RETURN 1;
            END $$;

            -- Settles many leases in one transaction, in array order (the arguments of `settle`, one element each; an
            -- empty payload with `p_has_payloads` false, a negative TTL, an empty name and negative buckets stand for
            -- NULL). Returns `settle`'s answer for each.
            CREATE FUNCTION \(s).settle_many(
                p_grp text, p_ids text[], p_tokens uuid[], p_modes text[], p_payloads bytea[], p_has_payloads boolean[],
                p_delays bigint[], p_errors bytea[], p_results bytea[], p_result_ttls bigint[], p_names text[],
                p_outcomes text[], p_runs integer[], p_waits integer[], p_max_errors integer, p_max_age bigint)
            RETURNS integer[] LANGUAGE plpgsql AS $$
            DECLARE
                v_held integer[] := '{}';
            BEGIN
                FOR i IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
                    v_held := v_held || \(s).settle(p_grp, p_ids[i], p_tokens[i], p_modes[i],
                        CASE WHEN p_has_payloads[i] THEN p_payloads[i] END, p_delays[i],
                        CASE WHEN p_modes[i] = 'dead' THEN p_errors[i] END,
                        CASE WHEN p_result_ttls[i] >= 0 THEN p_results[i] END,
                        CASE WHEN p_result_ttls[i] >= 0 THEN p_result_ttls[i] END,
                        nullif(p_names[i], ''), nullif(p_outcomes[i], ''),
                        CASE WHEN p_runs[i] >= 0 THEN p_runs[i] END, CASE WHEN p_waits[i] >= 0 THEN p_waits[i] END,
                        p_max_errors, p_max_age);
                END LOOP;
                RETURN v_held;
            END $$;

            -- Moves error queue entry `p_entry` back onto the main queue as job `p_id`; false, changing nothing, when
            -- there is no such entry or job `p_id` is running.
            CREATE FUNCTION \(s).requeue_error(p_grp text, p_entry text, p_id text, p_payload bytea, p_keeps boolean)
            RETURNS boolean LANGUAGE plpgsql AS $$
            DECLARE
                v_now bigint := \(s).now_ms();
            BEGIN
                PERFORM 1 FROM \(s).errors WHERE grp = p_grp AND id = p_entry FOR UPDATE;
                IF NOT FOUND THEN RETURN false; END IF;
                PERFORM \(s).wake(p_grp, v_now);
                INSERT INTO \(s).jobs AS j (grp, id, payload, due_at, keeps_result)
                VALUES (p_grp, p_id, p_payload, v_now, p_keeps)
                ON CONFLICT (grp, id) DO UPDATE
                    SET payload = excluded.payload, due_at = excluded.due_at, seq = excluded.seq, reclaims = 0,
                        keeps_result = excluded.keeps_result
                    WHERE j.lease_token IS NULL;
                IF NOT FOUND THEN RETURN false; END IF;
                DELETE FROM \(s).errors WHERE grp = p_grp AND id = p_entry;
                RETURN true;
            END $$;
            """
    }
}
