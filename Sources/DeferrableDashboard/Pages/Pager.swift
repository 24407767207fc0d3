/// The previous/next links under a paginated table.
enum Pager {
    /// Links to the pages around `page` of `route`; `total` rows when known.
    static func links(
        _ paths: DashboardPaths, _ route: DashboardPaths.Route, group: String? = nil, page: Pagination, shown: Int,
        total: Int?
    ) -> HTML {
        let first = shown == 0 ? 0 : page.offset + 1
        let range: String =
            if let total { "\(first)–\(page.offset + shown) of \(total)" } else { "\(first)–\(page.offset + shown)" }
        let previous: HTML =
            if let before = page.previous { "<a rel=\"prev\" href=\"\(paths.url(route, group: group, page: before))\">← previous</a>" } else
            { .empty }
        let next: HTML =
            if let after = page.next(total: total, shown: shown) {
                "<a rel=\"next\" href=\"\(paths.url(route, group: group, page: after))\">next →</a>"
            } else { .empty }
        return "<div class=\"pager\"><span class=\"muted\">\(range)</span>\(previous)\(next)</div>"
    }
}
