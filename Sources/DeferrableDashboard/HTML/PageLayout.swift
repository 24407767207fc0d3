import HTTPTypes
import Hummingbird
import NIOCore

/// The frame of every page: the head with its nonce'd style sheet and optional refresh, the navigation, and the
/// response with the security headers.
struct PageLayout: Sendable {
    let paths: DashboardPaths
    let title: String
    /// Seconds between reloads of pages that show live numbers; `nil` for none.
    let refreshSeconds: Int?

    /// The response showing `body` as a page titled `heading`. `refreshes` reloads it every ``refreshSeconds``.
    /// The `main` element carries `data-status="ok"` on success and `data-status="error"` on error pages.
    func response(heading: String, body: HTML, status: HTTPResponse.Status = .ok, refreshes: Bool = false) -> Response {
        let nonce = RandomToken.hex(byteCount: 16)
        let refresh: HTML =
            if refreshes, let refreshSeconds { "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" } else { .empty }
        let pageStatus = status.code < 400 ? "ok" : "error"
        let page: HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh)<title>\(heading) · \(title)</title>
            <style nonce="\(nonce)">\(Self.styleSheet)</style>
            </head>
            <body>
            <nav><span class="brand">\(title)</span>
            <a href="\(paths.url(.overview))">Overview</a>
            <a href="\(paths.url(.workers))">Workers</a>
            <a href="\(paths.url(.metrics))">Metrics</a></nav>
            <main data-status="\(pageStatus)">
            <h1>\(heading)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
        var headers = SecurityHeaders.fields(nonce: nonce)
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page.rendered)))
    }

    /// The error page for `error`: its status, and a message that says what went wrong.
    func failure(_ error: any Error) -> Response {
        let (status, message): (HTTPResponse.Status, String) =
            switch error {
            case DashboardRequestError.badRequest(let reason): (.badRequest, reason)
            case DashboardRequestError.notFound(let reason): (.notFound, reason)
            case DashboardRequestError.forbidden(let reason): (.forbidden, reason)
            default: (.serviceUnavailable, "The backend failed: \(String(describing: error))")
            }
        return response(
            heading: status.reasonPhrase, body: "<p class=\"failure\">\(message)</p>", status: status)
    }

    /// A `303 See Other` to `location` (a path of this dashboard).
    func redirect(to location: String) -> Response {
        var headers = SecurityHeaders.fields(nonce: RandomToken.hex(byteCount: 16))
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    private static let styleSheet: HTML = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}\
        nav{background:#1d2330;padding:10px 24px;display:flex;gap:18px;align-items:center}\
        nav a{color:#cfd6e4;text-decoration:none}nav a:hover{color:#fff}.brand{color:#fff;font-weight:600;margin-right:12px}\
        main{padding:16px 24px;max-width:1200px}h1{font-size:22px;margin:6px 0 14px}h2{font-size:17px;margin:22px 0 8px}\
        table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px #0002}\
        th,td{padding:6px 10px;border-bottom:1px solid #e4e7ec;text-align:left;vertical-align:top}\
        th{background:#eef1f5;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
        td.time,td.actions{white-space:nowrap}\
        code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}pre{background:#fff;padding:10px;overflow:auto;\
        white-space:pre-wrap;word-break:break-all;box-shadow:0 1px 2px #0002}\
        .muted{color:#6b7385}.unavailable{color:#6b7385;font-style:italic}.failure{color:#b42318;font-weight:600}\
        .notice{background:#e7f6ec;border:1px solid #9bd3ae;padding:8px 12px;margin:0 0 12px}\
        .pager{margin:10px 0;display:flex;gap:14px}form.inline{display:inline}\
        button{font:inherit;padding:2px 10px;border:1px solid #9aa3b5;border-radius:4px;background:#fff;cursor:pointer}\
        button.danger{border-color:#d92d20;color:#b42318}.actions{margin:10px 0;display:flex;gap:10px}\
        .chart{background:#fff;box-shadow:0 1px 2px #0002;padding:8px}.legend span{margin-right:14px}\
        .swatch-ok{color:#2e90fa}.swatch-failed{color:#d92d20}
        """
}
