import Foundation

/// The PostgreSQL ceiling for one job pushed at a time, measured in the same run: `pgbench` with a one-row
/// `INSERT` script and one client, `pgbench -n -c 1 -T S -f script URL`, into a table of its own
/// (`id bigserial` primary key, a `timestamptz` and a 290-byte `text` payload, close to a job's row) that `psql`
/// creates before and drops after.
///
/// Every transaction is one statement and one commit, as one `later()` is; its transactions per second are the
/// reference every PostgreSQL ratio divides by.
struct PgbenchReference {
    /// The PostgreSQL URL (libpq accepts it as given).
    let url: String
    /// How long pgbench runs.
    let seconds: Int
    /// Unique suffix for the table written.
    let runID: String

    /// Runs pgbench and returns its row.
    /// - Throws: ``BenchError/reference(_:)`` when `pgbench` or `psql` is missing or fails.
    func run() async throws -> PhaseResult {
        guard let pgbench = ExternalTool.postgres("pgbench"), let psql = ExternalTool.postgres("psql") else {
            throw BenchError.reference("pgbench and psql are needed for the PostgreSQL reference (install postgresql)")
        }
        let table = "deferrable_bench_reference_\(runID.filter { $0.isLetter || $0.isNumber })"
        try await sql(
            psql, "CREATE TABLE \(table) (id bigserial PRIMARY KEY, due_at timestamptz NOT NULL, payload text NOT NULL)")
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("deferrable-bench-\(runID).sql")
        let payload = String(repeating: "x", count: 290)
        try "INSERT INTO \(table) (due_at, payload) VALUES (now(), '\(payload)');\n".write(
            to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let started = ContinuousClock.now
        let output: ExternalTool.Output
        do {
            output = try await pgbench.run(["-n", "-c", "1", "-T", String(seconds), "-f", script.path, url])
        } catch {
            try? await sql(psql, "DROP TABLE \(table)")
            throw error
        }
        let elapsed = started.duration(to: .now)
        try await sql(psql, "DROP TABLE \(table)")
        guard output.status == 0, let tps = Self.transactionsPerSecond(output.text), tps > 0 else {
            throw BenchError.reference("could not read pgbench's output: \(output.text.suffix(300))")
        }
        let transactions = Self.transactions(output.text) ?? Int(tps * Double(seconds))
        return PhaseResult(
            phase: "reference-pgbench-insert", backend: "pgbench", job: "-", n: transactions, concurrency: 1,
            seconds: Double(transactions) / tps, jobsPerSecond: tps, latency: nil, cpuSeconds: nil,
            peakRSSBytes: ResourceUsage.now().peakRSSBytes, ratioToReference: 1,
            extra: [("tool_wall_seconds", .double(elapsed.seconds))])
    }

    private func sql(_ psql: ExternalTool, _ statement: String) async throws {
        let output = try await psql.run(["-q", "-X", "-v", "ON_ERROR_STOP=1", "-c", statement, url])
        guard output.status == 0 else {
            throw BenchError.reference("psql failed: \(output.text.suffix(300))")
        }
    }

    /// `tps = 1234.5 (without initial connection time)` (PostgreSQL 14 and later print only this one).
    static func transactionsPerSecond(_ text: String) -> Double? {
        let line = text.split(separator: "\n").first { $0.hasPrefix("tps = ") && $0.contains("without initial connection") }
        return line?.dropFirst("tps = ".count).split(separator: " ").first.flatMap { Double($0) }
    }

    /// `number of transactions actually processed: 12345`.
    static func transactions(_ text: String) -> Int? {
        let prefix = "number of transactions actually processed: "
        let line = text.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line?.dropFirst(prefix.count).split(separator: "/").first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}
