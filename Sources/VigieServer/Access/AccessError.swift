/// Why a user, a session or a token was refused, in words for any front end. The HTTP layer
/// turns each code into its status (401, 403, 404, 409, 429); the CLI prints the message.
package struct AccessError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Code: String, Sendable, Hashable {
        /// A user name that is not a valid login.
        case invalidName
        /// A password that does not meet the policy.
        case weakPassword
        /// Wrong login or password (never says which).
        case badCredentials
        /// Too many failed sign-ins: wait `retryAfterSeconds`.
        case throttled
        /// No session or token came with the request, or it expired or was revoked.
        case unauthenticated
        /// Signed in, but the role in this workspace does not allow the operation.
        case forbidden
        /// A user, token or workspace that does not exist (or that the caller may not see).
        case notFound
        /// A user that already exists.
        case alreadyExists
        /// A form or cookie-authenticated request without the right anti-forgery token.
        case csrf
    }

    package var code: Code
    package var message: String
    /// The request field at fault (`name`, `password`), when there is one.
    package var field: String?
    package var retryAfterSeconds: Int?

    package init(_ code: Code, field: String? = nil, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    package var description: String { message }
}
