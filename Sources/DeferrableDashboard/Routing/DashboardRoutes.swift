import Deferrable
import HTTPTypes
import Hummingbird
import NIOCore

/// Registers the dashboard's pages, actions and `/metrics` on a router group: every request passes the
/// ``AccessGate``, every page is rendered by ``PageLayout`` (an error becomes an error page with its status).
struct DashboardRoutes: Sendable {
    let source: DashboardSource
    let layout: PageLayout
    let forms: ActionForms
    let token: String?

    var paths: DashboardPaths { layout.paths }

    func add<Context: RequestContext>(to router: some RouterMethods<Context>) {
        let routes = router.group(RouterPath(paths.base)).add(middleware: AccessGate<Context>(token: token, layout: layout))
        let overview = OverviewPage(source: source, paths: paths)
        let tasks = TasksPage(source: source, paths: paths)
        let workers = WorkersPage(source: source, paths: paths)
        let queue = QueuePage(source: source, paths: paths)
        let errors = ErrorQueuePage(source: source, paths: paths, forms: forms)
        let entry = ErrorEntryPage(source: source, paths: paths, forms: forms)
        let actions = ErrorActions(source: source, paths: paths, forms: forms)
        let metrics = MetricsEndpoint(source: source)

        page(routes, .overview, heading: "Overview", refreshes: true) { request, _ in
            try await overview.render(page: Self.pagination(request))
        }
        page(routes, .workers, heading: "Workers", refreshes: true) { request, _ in
            try await workers.render(page: Self.pagination(request))
        }
        page(routes, .tasks, heading: "Tasks of", refreshes: true) { request, group in
            try await tasks.render(group: group, page: Self.pagination(request))
        }
        page(routes, .queue, heading: "Queue of", refreshes: true) { request, group in
            try await queue.render(group: group, page: Self.pagination(request))
        }
        page(routes, .errors, heading: "Error queue of", refreshes: false) { request, group in
            try await errors.render(group: group, page: Self.pagination(request), notice: Self.notice(request))
        }
        page(routes, .errorEntry, heading: "Error entry in", refreshes: false) { request, group in
            guard let id = request.uri.queryParameters.get("id"), !id.isEmpty else {
                throw DashboardRequestError.badRequest("The URL names no entry id (?id=…).")
            }
            return try await entry.render(group: group, id: id)
        }
        for route in [DashboardPaths.Route.requeue, .delete, .requeueAll, .purge] {
            routes.post(RouterPath(route.rawValue)) { request, context -> Response in
                do {
                    let group = try Self.group(context)
                    return layout.redirect(to: try await actions.perform(route, group: group, request: request))
                } catch {
                    return layout.failure(error)
                }
            }
        }
        routes.get(RouterPath(DashboardPaths.Route.metrics.rawValue)) { _, _ -> Response in
            do {
                var headers = SecurityHeaders.fields(nonce: RandomToken.hex(byteCount: 16))
                headers[.contentType] = PrometheusText.contentType
                return Response(
                    status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: try await metrics.render())))
            } catch {
                return layout.failure(error)
            }
        }
    }

    /// A GET page of `route` titled `heading` (followed by the group on pages of a group): `render` gets the request
    /// and the group of the path (`""` for pages without one).
    private func page<Context: RequestContext>(
        _ routes: RouterGroup<Context>, _ route: DashboardPaths.Route, heading: String,
        refreshes: Bool, render: @escaping @Sendable (Request, String) async throws -> HTML
    ) {
        let takesGroup = route.rawValue.contains(":group")
        routes.get(RouterPath(route.rawValue)) { request, context -> Response in
            do {
                let group = takesGroup ? try Self.group(context) : ""
                return layout.response(
                    heading: takesGroup ? "\(heading) \(group)" : heading, body: try await render(request, group), refreshes: refreshes)
            } catch {
                return layout.failure(error)
            }
        }
    }

    private static func group(_ context: some RequestContext) throws -> String {
        guard let group = context.parameters.get("group") else { throw DashboardRequestError.notFound("No group in the URL.") }
        return group
    }

    private static func pagination(_ request: Request) throws -> Pagination {
        let query = request.uri.queryParameters
        return try Pagination(offset: query.get("offset"), limit: query.get("limit"))
    }

    /// The notice of `?notice=&count=`: empty when absent or not one of ``ActionNotice``.
    private static func notice(_ request: Request) -> HTML {
        let query = request.uri.queryParameters
        guard let name = query.get("notice"), let notice = ActionNotice(rawValue: name) else { return .empty }
        let count = query.get("count").flatMap(QueryNumber.parse)
        return "<p class=\"notice\" id=\"notice\">\(notice.message(count: count))</p>"
    }
}
