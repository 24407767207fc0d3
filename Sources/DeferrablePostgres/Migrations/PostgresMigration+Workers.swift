extension PostgresMigration {
    /// Migration 4: worker heartbeats.
    ///
    /// - `workers (grp, id, heartbeat, expires_at)`: each worker's latest heartbeat (its JSON, as bytes) and when it
    ///   expires (epoch ms, database clock); an expired row is invisible to reads.
    /// - `workers_grp_expires_at`: the group's heartbeats by expiry.
    /// - `worker_beat(p_grp, p_id, p_heartbeat, p_ttl_ms, p_max)`: deletes the group's expired heartbeats, upserts this
    ///   one to expire `p_ttl_ms` from now (the database clock), then deletes the heartbeats past the `p_max` that
    ///   expire last.
    static let workers = PostgresMigration(version: 4, name: "workers") { schema in
        let s = schema.sql
        return """
            CREATE TABLE \(s).workers (
                grp text NOT NULL,
                id text NOT NULL,
                heartbeat bytea NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (grp, id)
            );
            CREATE INDEX workers_grp_expires_at ON \(s).workers (grp, expires_at);

            CREATE FUNCTION \(s).worker_beat(p_grp text, p_id text, p_heartbeat bytea, p_ttl_ms bigint, p_max integer)
            RETURNS void LANGUAGE plpgsql AS $fn$
            DECLARE
                v_now bigint := \(s).now_ms();
            BEGIN
                DELETE FROM \(s).workers WHERE grp = p_grp AND expires_at <= v_now;
                INSERT INTO \(s).workers (grp, id, heartbeat, expires_at)
                VALUES (p_grp, p_id, p_heartbeat, v_now + p_ttl_ms)
                ON CONFLICT (grp, id) DO UPDATE SET heartbeat = excluded.heartbeat, expires_at = excluded.expires_at;
                DELETE FROM \(s).workers WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM \(s).workers WHERE grp = p_grp ORDER BY expires_at DESC, id OFFSET p_max));
            END
            $fn$;
            """
    }
}
