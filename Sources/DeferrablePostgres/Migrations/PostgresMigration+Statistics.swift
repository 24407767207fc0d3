import Deferrable

extension PostgresMigration {
    /// The most expired rows of a group that one new history bucket or histogram row deletes (of its own table).
    static let statisticsPrunedPerNewRow = 100

    /// A `VALUES` list, one row per ``HistoryResolution`` (`r (code, bucket, size, retention)`: its code, the number
    /// of the bucket holding `p_now`, its bucket and retention in ms), for the functions that count history.
    static func historyBuckets(schema: PostgresSchema) -> String {
        let rows = HistoryResolution.allCases.map { r in
            "('\(r.postgresCode)', \(schema.sql).bucket_of(p_now, \(r.bucketMillis)), \(r.bucketMillis)::bigint, \(r.retentionMillis)::bigint)"
        }
        return "(VALUES \(rows.joined(separator: ", "))) AS r (code, bucket, size, retention)"
    }

    /// Migration 3: task statistics.
    ///
    /// - `stat_names (grp, name)`: the job names consumers registered.
    /// - `stat_counters (grp, name, outcome, n, first_seen, last_seen)`: runs per name and ``TaskOutcome`` raw
    ///   value, with the first and last time (epoch ms) one ended; removed only by a reset.
    /// - `stat_history (grp, resolution, bucket, name, outcome, n, expires_at)`: runs per ``HistoryResolution``
    ///   bucket (`m`, `t`, `d`; bucket number = floor(ms / bucket ms)), each row expiring a retention after its
    ///   bucket ends; index `stat_history_grp_expires_at`.
    /// - `stat_histograms (grp, minute, name, kind, bucket, n, expires_at)`: per minute, counts of
    ///   ``DurationHistogram`` bucket indices of run time (`r`) and queue wait (`w`), expiring
    ///   ``TaskStatistics/recentWindowMinutes`` after the minute ends; index `stat_histograms_grp_expires_at`.
    /// - `bucket_of(p_ms, p_size)`: the number of the bucket of length `p_size` holding `p_ms`.
    /// - `count_tally(p_grp, p_name, p_outcome, p_run_bucket, p_wait_bucket, p_now)`: called by the settlement in
    ///   its own transaction; counts one run (upserts on primary keys; histogram buckets NULL or out of range are not
    ///   counted; counts saturate). Each history or histogram row it creates deletes up to
    ///   ``statisticsPrunedPerNewRow`` expired rows of the group from the same table, so the tables stay bounded
    ///   without a scheduled job.
    static let statistics = PostgresMigration(version: 3, name: "statistics") { schema in
        let s = schema.sql
        let history = historyBuckets(schema: schema)
        return """
            CREATE TABLE \(s).stat_names (
                grp text NOT NULL,
                name text NOT NULL,
                PRIMARY KEY (grp, name)
            );
            CREATE TABLE \(s).stat_counters (
                grp text NOT NULL,
                name text NOT NULL,
                outcome text NOT NULL,
                n bigint NOT NULL,
                first_seen bigint NOT NULL,
                last_seen bigint NOT NULL,
                PRIMARY KEY (grp, name, outcome)
            );
            CREATE TABLE \(s).stat_history (
                grp text NOT NULL,
                resolution text NOT NULL,
                bucket bigint NOT NULL,
                name text NOT NULL,
                outcome text NOT NULL,
                n bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (grp, resolution, bucket, name, outcome)
            );
            CREATE INDEX stat_history_grp_expires_at ON \(s).stat_history (grp, expires_at);
            CREATE TABLE \(s).stat_histograms (
                grp text NOT NULL,
                minute bigint NOT NULL,
                name text NOT NULL,
                kind text NOT NULL,
                bucket integer NOT NULL,
                n bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (grp, minute, name, kind, bucket)
            );
            CREATE INDEX stat_histograms_grp_expires_at ON \(s).stat_histograms (grp, expires_at);

            CREATE FUNCTION \(s).bucket_of(p_ms bigint, p_size bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE AS $fn$
                SELECT CASE WHEN p_ms >= 0 THEN p_ms / p_size ELSE (p_ms + 1) / p_size - 1 END
            $fn$;

            CREATE FUNCTION \(s).count_tally(
                p_grp text, p_name text, p_outcome text, p_run_bucket integer, p_wait_bucket integer, p_now bigint
            ) RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_minute bigint := \(s).bucket_of(p_now, 60000);
                v_created boolean;
            BEGIN
                INSERT INTO \(s).stat_counters AS c (grp, name, outcome, n, first_seen, last_seen)
                VALUES (p_grp, p_name, p_outcome, 1, p_now, p_now)
                ON CONFLICT (grp, name, outcome) DO UPDATE
                SET n = c.n + (c.n < 9223372036854775807)::integer, last_seen = GREATEST(c.last_seen, excluded.last_seen);

                WITH upserted AS (
                    INSERT INTO \(s).stat_history AS h (grp, resolution, bucket, name, outcome, n, expires_at)
                    SELECT p_grp, r.code, r.bucket, p_name, p_outcome, 1, (r.bucket + 1) * r.size + r.retention
                    FROM \(history)
                    ON CONFLICT (grp, resolution, bucket, name, outcome) DO UPDATE
                    SET n = h.n + (h.n < 9223372036854775807)::integer
                    RETURNING (h.xmax = 0) AS created
                )
                SELECT bool_or(created) INTO v_created FROM upserted;
                IF v_created THEN
                    \(pruneExpired("\(s).stat_history", limit: statisticsPrunedPerNewRow, now: "p_now"))
                END IF;

                IF p_run_bucket IS NULL AND p_wait_bucket IS NULL THEN RETURN; END IF;
                WITH upserted AS (
                    INSERT INTO \(s).stat_histograms AS g (grp, minute, name, kind, bucket, n, expires_at)
                    SELECT p_grp, v_minute, p_name, v.kind, v.bucket, 1, (v_minute + 1 + \(TaskStatistics.recentWindowMinutes)) * 60000
                    FROM (VALUES ('r', p_run_bucket), ('w', p_wait_bucket)) AS v (kind, bucket)
                    WHERE v.bucket BETWEEN 0 AND \(DurationHistogram.bucketCount - 1)
                    ON CONFLICT (grp, minute, name, kind, bucket) DO UPDATE
                    SET n = g.n + (g.n < 9223372036854775807)::integer
                    RETURNING (g.xmax = 0) AS created
                )
                SELECT bool_or(created) INTO v_created FROM upserted;
                IF v_created THEN
                    \(pruneExpired("\(s).stat_histograms", limit: statisticsPrunedPerNewRow, now: "p_now"))
                END IF;
            END
            $fn$;
            """
    }
}
