/// The POST forms of the error-queue actions, each carrying the CSRF token. Rendered only when actions are allowed.
struct ActionForms: Sendable {
    /// Whether the dashboard allows actions (otherwise no form is rendered, and posts are refused).
    let enabled: Bool
    let csrf: CSRFToken
    let paths: DashboardPaths

    /// A button: the action's route, its label, and whether it destroys data.
    typealias Button = (route: DashboardPaths.Route, label: String, destructive: Bool)

    /// Buttons acting on entry `id` of `group`.
    func entry(group: String, id: String, _ buttons: [Button]) -> HTML {
        HTML(joining: buttons.map { form($0, group: group, id: id) })
    }

    /// Buttons acting on the whole error queue of `group`.
    func bulk(group: String, _ buttons: [Button]) -> HTML {
        guard enabled else { return .empty }
        return "<div class=\"actions\">\(buttons.map { form($0, group: group, id: nil) })</div>"
    }

    private func form(_ button: Button, group: String, id: String?) -> HTML {
        guard enabled else { return .empty }
        let idField: HTML = id.map { "<input type=\"hidden\" name=\"id\" value=\"\($0)\">" } ?? .empty
        return """
            <form class="inline" method="post" action="\(paths.url(button.route, group: group))">\(csrf.hiddenField)\(idField)\
            <button type="submit" name="action" value="\(button.route.actionName)"\(button.destructive ? " class=\"danger\"" : .empty)>\
            \(button.label)</button></form>
            """
    }
}

extension DashboardPaths.Route {
    /// The last path component of an action route (`requeue`, `delete`, `requeue-all`, `purge`).
    var actionName: String {
        String(rawValue.split(separator: "/").last ?? "")
    }
}
