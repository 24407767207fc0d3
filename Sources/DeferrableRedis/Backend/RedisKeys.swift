/// The Redis keys of one group. The group is a hash tag (`{group}`), so all of a group's keys live in one
/// Redis Cluster slot and every multi-key script is legal there.
///
/// | key | type | content |
/// |---|---|---|
/// | `P:{G}:jobs` | HASH | job id → envelope (delayed and in-flight jobs, and ready jobs pushed by id) |
/// | `P:{G}:ready` | LIST | runnable jobs (LPUSH in, RPOP out: FIFO), as ``RedisReadyEntry`` elements |
/// | `P:{G}:inbox` | LIST | elements an idle consumer moved out of `ready` while it waited (`BRPOPLPUSH`); taken first |
/// | `P:{G}:markers` | STRING | wake-up markers in `ready` and `inbox`, 0 or 1 (not jobs; stats subtract them) |
/// | `P:{G}:delayed` | ZSET | id → due time (server ms) |
/// | `P:{G}:inflight` | ZSET | id → lease deadline (server ms) |
/// | `P:{G}:leases` | HASH | id → lease token of the consumer holding it |
/// | `P:{G}:reclaims` | HASH | id → times its lease lapsed since its payload was written |
/// | `P:{G}:settled` | ZSET | lease token of a settlement → its lease deadline (server ms): a repeat is recognised |
/// | `P:{G}:errors` | ZSET | id → time it entered the error queue (server ms) |
/// | `P:{G}:errors:payloads` | HASH | id → payload as it was |
/// | `P:{G}:errors:records` | HASH | id → error record JSON |
/// | `P:{G}:result:<id>` | STRING | the job's terminal record (``JobResultRecord`` JSON); expires after its result TTL |
/// | `P:{G}:results` | ZSET | id → expiry of its record (server ms), for counting; expires with its latest member |
/// | `P:{G}:holds` | ZSET | id → end of its hold (server ms): ids an idempotent push keeps taken after their jobs left |
/// | `P:{G}:debounce:<sha1>` | HASH | debounce state of one job identity: `at`, `id`, `first` (expires) |
/// | `P:{G}:stats` | HASH | task counters: `<name> NUL <outcome>` → runs, `<name> NUL first` / `last` → ms |
/// | `P:{G}:stats:names` | SET | job names consumers registered (other names count as `unknown`) |
/// | `P:{G}:stats:<r>:<n>` | HASH | history bucket `n` of resolution `r` (`m`, `t`, `d`): `<name> NUL <outcome>` → runs; expires |
/// | `P:{G}:stats:h:<minute>` | HASH | histograms of one minute: `<name> NUL r|w NUL <bucket>` → count; expires |
/// | `P:{G}:workers` | ZSET | worker id → expiry of its heartbeat (server ms); expires with its latest member |
/// | `P:{G}:worker:<id>` | STRING | the worker's last heartbeat (``WorkerHeartbeat`` JSON); expires with it |
/// | `P:groups` | SET | names of groups that were used (for tools) |
///
/// The settlement that stores a record publishes the job id on the channel `P:{G}:results:done`.
struct RedisKeys: Sendable {
    let jobs: String
    let ready: String
    let delayed: String
    let inflight: String
    let leases: String
    let reclaims: String
    let inbox: String
    let markers: String
    let settled: String
    let holds: String
    let errors: String
    let errorPayloads: String
    let errorRecords: String
    let results: String
    let resultPrefix: String
    let resultChannel: String
    let groups: String
    /// The task counters; also the prefix of the other statistics keys.
    let statistics: String
    let statisticsNames: String
    let workers: String
    let workerPrefix: String
    let base: String
    /// The Redis Cluster slot of every key above but ``groups``.
    let slot: RedisHashSlot

    init(prefix: String, group: String) {
        let base = "\(prefix):{\(group)}:"
        self.base = base
        jobs = base + "jobs"
        ready = base + "ready"
        delayed = base + "delayed"
        inflight = base + "inflight"
        leases = base + "leases"
        reclaims = base + "reclaims"
        inbox = base + "inbox"
        markers = base + "markers"
        settled = base + "settled"
        holds = base + "holds"
        errors = base + "errors"
        errorPayloads = base + "errors:payloads"
        errorRecords = base + "errors:records"
        results = base + "results"
        resultPrefix = base + "result:"
        resultChannel = base + "results:done"
        groups = "\(prefix):groups"
        statistics = base + "stats"
        statisticsNames = base + "stats:names"
        workers = base + "workers"
        workerPrefix = base + "worker:"
        slot = RedisHashSlot(key: base)
    }

    /// The key of a job's stored result.
    func result(_ id: String) -> String {
        resultPrefix + id
    }

    /// The key of a worker's heartbeat.
    func worker(_ id: String) -> String {
        workerPrefix + id
    }

    /// The debounce state key of a job identity.
    func debounce(_ key: String) -> String {
        base + "debounce:" + key
    }

    /// Keys of the postpone script, in its KEYS order.
    var postponeKeys: [String] { [delayed, ready, markers] }
    /// Keys of the push script, in its KEYS order.
    var pushKeys: [String] { [jobs, ready, delayed, markers] }
    /// Keys of the main queue.
    var queueKeys: [String] { [jobs, ready, delayed, inflight, leases, reclaims, inbox, markers] }
    /// Keys of the push-if-absent script, in its KEYS order.
    var pushIfAbsentKeys: [String] { pushKeys + [holds] }
    /// Keys the flush script deletes.
    var flushKeys: [String] { queueKeys + [settled, holds] }
    /// Keys of the settle-and-pop script, in its KEYS order.
    var leaseKeys: [String] { queueKeys + errorKeys + [settled, results] }
    /// Keys of the error queue.
    var errorKeys: [String] { [errors, errorPayloads, errorRecords] }
}
