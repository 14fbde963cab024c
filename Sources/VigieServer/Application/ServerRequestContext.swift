import Hummingbird
import NIOCore
import Synchronization
import VigieCore

/// Who is calling, as the authentication middleware found out.
package struct Principal: Sendable, Hashable {
    package enum Credential: Sendable, Hashable {
        /// A browser session; unsafe requests must carry its anti-forgery token.
        case session(id: String, csrfToken: String)
        /// An API token, limited to `workspace` when set.
        case token(id: String, workspace: String?)
    }

    package var user: String
    package var credential: Credential

    var csrfToken: String? {
        if case .session(_, let token) = credential { return token }
        return nil
    }

    var sessionID: String? {
        if case .session(let id, _) = credential { return id }
        return nil
    }
}

/// The request context of every route: Hummingbird's core storage, the client's address, and
/// the caller once authenticated.
package struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let remoteAddress: SocketAddress?
    /// `nil` until the authentication middleware finds a valid session or token.
    package var principal: Principal?
    /// A session cookie came with the request but was unknown or expired.
    package var sessionExpired = false
    /// The user's name for the request log, which wraps the authentication middleware and so
    /// does not see the context it changes (contexts are values; this box is shared).
    let loggedUser = LoggedUser()

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies are read by ``JSONBody`` with the configured limit; this is Hummingbird's own
    /// limit for anything else it collects.
    package var maxUploadSize: Int { 1 << 20 }

    /// The client's address for the audit log and the sign-in throttle (`local` in tests).
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "local"
    }

    /// The caller, or a 401 (saying so when their session just expired).
    func requirePrincipal() throws -> Principal {
        if let principal { return principal }
        throw sessionExpired ? Problem.unauthenticated("your session expired; sign in again") : Problem.unauthenticated()
    }
}

/// A value set inside the middleware chain and read outside it.
final class LoggedUser: Sendable {
    private let name = Mutex<String?>(nil)

    var value: String? {
        get { name.withLock { $0 } }
        set { name.withLock { $0 = newValue } }
    }
}
