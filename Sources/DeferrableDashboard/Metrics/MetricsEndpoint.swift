import Deferrable

/// `GET /metrics`: queue gauges of every known group (up to ``maxGroups``) in the Prometheus text format.
struct MetricsEndpoint: Sendable {
    let source: DashboardSource

    /// The most groups reported; `deferrable_groups` tells how many exist.
    static let maxGroups = 1000

    func render() async throws -> String {
        let groups = try await source.groups()
        var snapshots: [GroupSnapshot] = []
        for group in groups.prefix(Self.maxGroups) {
            snapshots.append(try await GroupSnapshot.load(source.backend(group: group)))
        }
        var text = PrometheusText()
        text.gauge("deferrable_groups", help: "Known groups (at most \(Self.maxGroups) are reported below).")
        text.sample("deferrable_groups", value: Double(groups.count))
        let gauges: [(String, String, (GroupSnapshot) -> Double?)] = [
            ("deferrable_queue_ready", "Jobs runnable now.", { Double($0.stats.available) }),
            ("deferrable_queue_delayed", "Jobs waiting for their delay to pass.", { Double($0.stats.delayed) }),
            ("deferrable_queue_in_flight", "Jobs held by a consumer under a lease.", { Double($0.stats.inFlight) }),
            ("deferrable_error_queue_size", "Entries in the error queue.", { Double($0.stats.errors) }),
            (
                "deferrable_queue_latency_seconds", "Age of the oldest runnable job (0 when none is runnable).",
                { $0.latency.value.map { Self.seconds($0 ?? .zero) } }
            ),
            ("deferrable_workers", "Live workers consuming the group.", { $0.workers.value.map(Double.init) }),
        ]
        for (name, help, value) in gauges {
            text.gauge(name, help: help)
            for snapshot in snapshots {
                if let sample = value(snapshot) { text.sample(name, labels: [("group", snapshot.group)], value: sample) }
            }
        }
        return text.text
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
