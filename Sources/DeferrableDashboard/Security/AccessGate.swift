import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Checks the access token on every request of the dashboard, when one is configured: the request must carry it as
/// `Authorization: Bearer TOKEN` or in the `deferrable_token` cookie. A request with `?token=TOKEN` gets the cookie
/// (HttpOnly, SameSite=Strict) and is redirected to the same URL without the token. Tokens are compared in constant
/// time. Anything else gets `401` with a form to enter the token.
struct AccessGate<Context: RequestContext>: RouterMiddleware {
    /// The cookie that carries the token for browsers.
    static var cookieName: String { "deferrable_token" }

    let token: String?
    let layout: PageLayout

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else { return try await next(request, context) }
        if let submitted = request.uri.queryParameters["token"] {
            guard ConstantTime.equals(String(submitted), token) else { return unauthorized(request) }
            var response = layout.redirect(to: Self.locationWithoutToken(request.uri))
            response.setCookie(
                Cookie(
                    name: Self.cookieName, value: token, path: layout.paths.base.isEmpty ? "/" : layout.paths.base,
                    httpOnly: true, sameSite: .strict))
            return response
        }
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            ConstantTime.equals(String(authorization.dropFirst("Bearer ".count)), token)
        {
            return try await next(request, context)
        }
        if let cookie = request.cookies[Self.cookieName], ConstantTime.equals(cookie.value, token) {
            return try await next(request, context)
        }
        return unauthorized(request)
    }

    private func unauthorized(_ request: Request) -> Response {
        var response = layout.response(
            heading: "Sign in",
            body: """
                <p class="failure">This dashboard needs its access token.</p>
                <form method="get" action="\(Self.path(of: request.uri))"><label>Token <input type="password" name="token" \
                autocomplete="current-password"></label> <button type="submit">Sign in</button></form>
                """,
            status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer realm=\"deferrable\""
        return response
    }

    /// The request's path and query without the `token` item; the dashboard's root when the path is not a local one.
    static func locationWithoutToken(_ uri: URI) -> String {
        let kept = (uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("token=") && $0 != "token" }
        return path(of: uri) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    /// The request's path when it is local (starts with one `/`), else `/`, so a redirect cannot leave the site.
    private static func path(of uri: URI) -> String {
        let path = uri.path
        return path.hasPrefix("/") && !path.hasPrefix("//") && !path.contains("\\") ? path : "/"
    }
}
