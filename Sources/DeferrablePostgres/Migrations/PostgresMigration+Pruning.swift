extension PostgresMigration {
    /// A statement for a function body that deletes up to `limit` rows of `table` (schema-qualified) of group `p_grp`
    /// whose `expires_at` is at or before `now` (an SQL expression), earliest first, skipping rows other transactions
    /// hold; `condition` (SQL, may be empty) narrows the rows further.
    ///
    /// The rows are chosen once, by address (`ARRAY(...)`): a subquery joined to the delete may be scanned again
    /// and delete more than `limit`.
    static func pruneExpired(_ table: String, limit: Int, now: String, condition: String = "") -> String {
        let narrowed = condition.isEmpty ? "" : " AND \(condition)"
        return """
            DELETE FROM \(table) WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM \(table)
                WHERE grp = p_grp AND expires_at <= \(now)\(narrowed)
                ORDER BY expires_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED));
            """
    }
}
