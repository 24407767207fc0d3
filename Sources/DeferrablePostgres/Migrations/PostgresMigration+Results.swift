extension PostgresMigration {
    /// The most expired records of a group that one stored result deletes.
    static let resultsPrunedPerStore = 100

    /// Migration 2: the terminal records of jobs that keep a result.
    ///
    /// - `results (grp, id, record, expires_at)`: one record per job, keyed by group and job id; a row whose
    ///   `expires_at` (epoch ms, database clock) has passed is invisible to every read.
    /// - `results_grp_expires_at`: the group's records by expiry, for pruning and counting.
    /// - `store_result(p_grp, p_id, p_record, p_ttl_ms, p_now)`: called by the settlement in its own transaction;
    ///   upserts the record to expire `p_ttl_ms` after `p_now` (a TTL below 1 ms counts as 1 ms; the expiry saturates
    ///   at the largest bigint), deletes up to ``resultsPrunedPerStore`` expired records of the group (skipping rows
    ///   other transactions hold), and notifies `<schema>_results` with `<group>/<id>`, which is delivered at commit.
    static let results = PostgresMigration(version: 2, name: "results") { schema in
        let s = schema.sql
        return """
            CREATE TABLE \(s).results (
                grp text NOT NULL,
                id text NOT NULL,
                record bytea NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (grp, id)
            );
            CREATE INDEX results_grp_expires_at ON \(s).results (grp, expires_at);

            CREATE FUNCTION \(s).store_result(p_grp text, p_id text, p_record bytea, p_ttl_ms bigint, p_now bigint)
            RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_expires bigint := p_now + LEAST(GREATEST(p_ttl_ms, 1), 9223372036854775807 - GREATEST(p_now, 0));
            BEGIN
                \(pruneExpired("\(s).results", limit: resultsPrunedPerStore, now: "p_now", condition: "id <> p_id"))
                INSERT INTO \(s).results (grp, id, record, expires_at)
                VALUES (p_grp, p_id, p_record, v_expires)
                ON CONFLICT (grp, id) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at;
                PERFORM pg_notify('\(schema.resultChannel)', p_grp || '/' || p_id);
            END
            $fn$;
            """
    }
}
