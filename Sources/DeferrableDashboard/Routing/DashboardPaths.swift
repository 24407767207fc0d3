import Foundation

/// The URLs of the dashboard's pages under its mount path. Every group name, job id and query value is
/// percent-encoded here, so pages never assemble URLs themselves.
struct DashboardPaths: Sendable {
    /// The mount path without a trailing slash (`""` at the root).
    let base: String

    /// Paths under `mountPath` (`"/"`, `"/dashboard"`, `"dashboard/"` …).
    init(mountPath: String) {
        let trimmed = mountPath.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        base = trimmed.isEmpty ? "" : "/" + trimmed
    }

    /// The route of a page relative to the mount path, as the router registers it.
    enum Route: String, CaseIterable, Sendable {
        case overview = ""
        case workers = "workers"
        case metrics = "metrics"
        case tasks = "groups/:group/tasks"
        case queue = "groups/:group/queue"
        case errors = "groups/:group/errors"
        case errorEntry = "groups/:group/errors/entry"
        case requeue = "groups/:group/errors/requeue"
        case delete = "groups/:group/errors/delete"
        case requeueAll = "groups/:group/errors/requeue-all"
        case purge = "groups/:group/errors/purge"
    }

    /// The URL of `route` for `group`, with `query` items (values percent-encoded, `nil` values left out).
    func url(_ route: Route, group: String? = nil, query: [(String, String?)] = []) -> String {
        var path = route.rawValue
        if let group { path = path.replacingOccurrences(of: ":group", with: PercentEncoding.encode(group)) }
        var url = base + "/" + path
        let items = query.compactMap { key, value in value.map { "\(key)=\(PercentEncoding.encode($0))" } }
        if !items.isEmpty { url += "?" + items.joined(separator: "&") }
        return url
    }

    /// The URL of `route` for `group` showing `page`.
    func url(_ route: Route, group: String? = nil, page: Pagination) -> String {
        url(route, group: group, query: [("offset", String(page.offset)), ("limit", String(page.limit))])
    }
}
