/// Why a request was refused; rendered as an error page with the matching status.
enum DashboardRequestError: Error, Sendable, Equatable {
    /// A malformed parameter (400).
    case badRequest(String)
    /// No such group, entry or page (404).
    case notFound(String)
    /// An action the configuration does not allow, or a form without the right CSRF token (403).
    case forbidden(String)
}
