import Deferrable
import HTTPTypes
import Hummingbird
import NIOCore

/// The error-queue actions behind the POST forms: requeue or delete one entry, requeue all, purge. Each checks that
/// actions are allowed and that the form carries the CSRF token, then redirects to the error queue with a notice.
struct ErrorActions: Sendable {
    let source: DashboardSource
    let paths: DashboardPaths
    let forms: ActionForms

    /// The largest form body read.
    static let maxBodyBytes = 16 * 1024

    /// The fields of an action form.
    struct Form: Decodable {
        var csrf: String?
        var id: String?
    }

    /// Runs `route`'s action on `group` and returns the URL to redirect to.
    /// - Throws: ``DashboardRequestError/forbidden(_:)`` when actions are not allowed or the CSRF token is missing or
    ///   wrong; ``DashboardRequestError/badRequest(_:)`` when the form is malformed or lacks the entry id.
    func perform(_ route: DashboardPaths.Route, group: String, request: Request) async throws -> String {
        guard forms.enabled else {
            throw DashboardRequestError.forbidden("This dashboard is read-only: start it with --allow-actions to change queues.")
        }
        let form = try await Self.form(of: request)
        guard forms.csrf.accepts(form.csrf) else {
            throw DashboardRequestError.forbidden("The form's CSRF token is missing or wrong: reload the page and try again.")
        }
        let errors = try source.deferrable(group: group).errors
        let (notice, count): (ActionNotice, Int?)
        switch route {
        case .requeue:
            do {
                notice = try await errors.requeue(id: Self.entryID(form)) ? .requeued : .missing
            } catch is RequeueError {
                notice = .notAnEnvelope
            }
            count = nil
        case .delete:
            notice = try await errors.remove(id: Self.entryID(form)) ? .deleted : .missing
            count = nil
        case .requeueAll:
            count = try await errors.requeueAll()
            notice = .requeuedAll
        default:
            count = try await errors.purge()
            notice = .purged
        }
        return paths.url(.errors, group: group, query: [("notice", notice.rawValue), ("count", count.map(String.init))])
    }

    private static func form(of request: Request) async throws -> Form {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            throw DashboardRequestError.badRequest("The form is larger than \(maxBodyBytes) bytes.")
        }
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        } catch {
            throw DashboardRequestError.badRequest("The form is not URL-encoded.")
        }
    }

    private static func entryID(_ form: Form) throws -> String {
        guard let id = form.id, !id.isEmpty else { throw DashboardRequestError.badRequest("The form names no entry id.") }
        return id
    }
}
