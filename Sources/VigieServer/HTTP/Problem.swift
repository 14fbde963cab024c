import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigieCore
import VigieEngine
import VigieIngest

/// An error answer in the RFC 9457 "problem details" form (`application/problem+json`): a
/// stable `type` URI per kind of problem, the HTTP status, a human `detail`, and Vigie's own
/// members: `code`, the request `field` at fault and, for a query, the `column`.
///
/// ```json
/// {"type": "urn:vigie:problem:invalid-query", "title": "Invalid query", "status": 400,
///  "detail": "column 7: expected a word, found end of query", "field": "query", "column": 7}
/// ```
///
/// Every error a route throws becomes one (``Problem/init(error:)``), so a client never sees a
/// stack trace or an empty 500.
package struct Problem: Error, Sendable, Encodable, HTTPResponseError {
    package var type: String
    package var title: String
    package var statusCode: Int
    package var detail: String
    /// The request path that failed.
    package var instance: String?
    /// Vigie's name of the problem: the last part of `type`.
    package var code: String
    /// The request field at fault (a JSON member, a query parameter, a form field).
    package var field: String?
    /// For a query: the 1-based column of the error in `field`.
    package var column: Int?
    /// For `429` and `503`: seconds to wait before trying again (also the `Retry-After` header).
    package var retryAfter: Int?
    /// The request id, to find the server's log line.
    package var requestId: String?

    package var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode, reasonPhrase: title) }

    package init(_ status: HTTPResponse.Status, code: String, title: String, detail: String, field: String? = nil,
                column: Int? = nil, retryAfter: Int? = nil) {
        self.type = "urn:vigie:problem:" + code
        self.title = title
        self.statusCode = status.code
        self.detail = detail
        self.code = code
        self.field = field
        self.column = column
        self.retryAfter = retryAfter
    }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, instance, code, field, column, retryAfter, requestId
        case statusCode = "status"
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var problem = self
        problem.instance = problem.instance ?? request.uri.path
        problem.requestId = problem.requestId ?? context.id
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(problem)
        var headers: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if statusCode == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"vigie\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

// MARK: Common problems

extension Problem {
    static func invalidArgument(_ detail: String, field: String? = nil) -> Problem {
        Problem(.badRequest, code: "invalid-argument", title: "Invalid request", detail: detail, field: field)
    }

    static func notFound(_ detail: String = "nothing here", field: String? = nil) -> Problem {
        Problem(.notFound, code: "not-found", title: "Not found", detail: detail, field: field)
    }

    /// The answer for a workspace the caller may not see: the same whether it exists or not.
    static func noWorkspace(_ name: String) -> Problem {
        .notFound("no workspace '\(name)'", field: "workspace")
    }

    static func unauthenticated(_ detail: String = "sign in, or send an API token (Authorization: Bearer …)") -> Problem {
        Problem(.unauthorized, code: "unauthenticated", title: "Authentication required", detail: detail)
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, code: "forbidden", title: "Not allowed", detail: detail)
    }

    static func tooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, code: "body-too-large", title: "Request body too large",
                detail: "the request body is larger than the limit of \(limit) bytes")
    }

    /// A route that could show people of a workspace that shows them by pseudonym.
    static func pseudonymised(_ workspace: String) -> Problem {
        Problem(.conflict, code: "pseudonymised", title: "Workspace pseudonymised",
                detail: "workspace '\(workspace)' shows people by pseudonym, and this page or route cannot hide identities yet; "
                    + "query, search and accounts show pseudonyms, and an owner can turn the mode off (PUT /api/v1/workspaces/\(workspace)/privacy/pseudonyms)")
    }

    static func internalError() -> Problem {
        Problem(.internalServerError, code: "internal", title: "Internal error",
                detail: "the server failed to answer; the request id finds the details in its log")
    }
}

// MARK: From the engine's, the store's and the access errors

extension Problem {
    /// The problem for any error a route throws.
    init(error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as EngineError:
            self.init(engine: error)
        case let error as QueryError:
            self.init(.badRequest, code: "invalid-query", title: "Invalid query", detail: error.message,
                      field: "query", column: error.column)
        case let error as WatchError:
            self.init(watch: error)
        case let error as StoreError:
            self.init(store: error)
        case let error as AccessError:
            self.init(access: error)
        case let error as ImportError:
            self.init(.unprocessableContent, code: "unreadable-input", title: "Unreadable input", detail: error.message)
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, code: "body-too-large", title: "Request body too large",
                      detail: "the request body is larger than this route accepts")
        case is CancellationError:
            self.init(.serviceUnavailable, code: "shutting-down", title: "Server stopping",
                      detail: "the server is stopping; try again shortly", retryAfter: 5)
        case let error as any HTTPResponseError:
            let status = error.status
            let code = status == .notFound ? "not-found" : "http-\(status.code)"
            self.init(status, code: code, title: status.reasonPhrase,
                      detail: status == .notFound ? "no such route" : status.reasonPhrase.lowercased())
        default:
            self = .internalError()
        }
    }

    private init(engine error: EngineError) {
        switch error.code {
        case .invalidArgument:
            self.init(.badRequest, code: "invalid-argument", title: "Invalid request", detail: error.message, field: error.field)
        case .notFound:
            self.init(.notFound, code: "not-found", title: "Not found", detail: error.message, field: error.field)
        case .noData:
            self.init(.conflict, code: "no-data", title: "Nothing to work on", detail: error.message, field: error.field)
        case .resourceMissing:
            self.init(.serviceUnavailable, code: "resource-missing", title: "Server resource missing",
                      detail: error.message, field: error.field)
        case .unreadableInput:
            self.init(.unprocessableContent, code: "unreadable-input", title: "Unreadable input", detail: error.message,
                      field: error.field)
        }
    }

    private init(watch error: WatchError) {
        switch error {
        case .invalidName:
            self.init(.badRequest, code: "invalid-argument", title: "Invalid request", detail: error.description, field: "name")
        case .invalidQuery(let query):
            self.init(.badRequest, code: "invalid-query", title: "Invalid query", detail: query.message,
                      field: "query", column: query.column)
        case .alreadyExists:
            self.init(.conflict, code: "already-exists", title: "Already exists", detail: error.description, field: "name")
        case .notFound:
            self.init(.notFound, code: "not-found", title: "Not found", detail: error.description, field: "watch")
        }
    }

    /// Store errors never show the store's location: a client has no business with server paths.
    private init(store error: StoreError) {
        switch error.code {
        case .notFound:
            self.init(.notFound, code: "not-found", title: "Not found", detail: error.message)
        case .alreadyExists:
            self.init(.conflict, code: "already-exists", title: "Already exists", detail: error.message)
        case .invalidWorkspace:
            self.init(.notFound, code: "not-found", title: "Not found", detail: "no such workspace", field: "workspace")
        case .locked:
            self.init(.serviceUnavailable, code: "store-busy", title: "Store busy",
                      detail: "the store is busy with another writer; try again shortly", retryAfter: 5)
        case .diskFull:
            self.init(.insufficientStorage, code: "disk-full", title: "Disk full", detail: "the server's disk is full")
        case .readOnly:
            self.init(.serviceUnavailable, code: "read-only", title: "Store read-only",
                      detail: "the server's store cannot be written at the moment")
        default:
            self = .internalError()
        }
    }

    private init(access error: AccessError) {
        switch error.code {
        case .invalidName, .weakPassword:
            self.init(.badRequest, code: "invalid-argument", title: "Invalid request", detail: error.message, field: error.field)
        case .badCredentials:
            self.init(.unauthorized, code: "bad-credentials", title: "Sign-in failed", detail: error.message)
        case .throttled:
            self.init(.tooManyRequests, code: "throttled", title: "Too many attempts", detail: error.message,
                      retryAfter: error.retryAfterSeconds)
        case .unauthenticated:
            self = .unauthenticated(error.message)
        case .forbidden:
            self = .forbidden(error.message)
        case .notFound:
            self.init(.notFound, code: "not-found", title: "Not found", detail: error.message, field: error.field)
        case .alreadyExists:
            self.init(.conflict, code: "already-exists", title: "Already exists", detail: error.message, field: error.field)
        case .csrf:
            self.init(.forbidden, code: "csrf", title: "Form expired",
                      detail: "the form's anti-forgery token is missing or stale; reload the page and try again")
        }
    }
}

extension HTTPResponse.Status {
    static var insufficientStorage: Self { .init(code: 507, reasonPhrase: "Insufficient Storage") }
}
