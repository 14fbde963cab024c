import Foundation
import Hummingbird
import NIOCore

/// A request body type that names its JSON members, so that a member the API does not know is
/// refused (a misspelt `sinse` must not be silently ignored).
protocol StrictDecodable: Decodable {
    static var members: Set<String> { get }
}

/// Reads JSON request bodies strictly: the content type, the size limit, the syntax, unknown
/// members and every type error become a ``Problem`` naming the member at fault.
enum JSONBody {
    static func decode<Body: StrictDecodable>(_ type: Body.Type, from request: Request, limit: Int) async throws -> Body {
        try decode(type, from: try await data(from: request, limit: limit))
    }

    /// The body's bytes, checked for its content type and size (for routes that read it twice).
    static func data(from request: Request, limit: Int) async throws -> Data {
        if let contentType = request.headers[.contentType]?.lowercased(),
           !(contentType.hasPrefix("application/json") || contentType.contains("+json")) {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Unsupported media type",
                          detail: "send the body as JSON (Content-Type: application/json)")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: limit)
        }
        return Data(buffer: buffer)
    }

    static func decode<Body: StrictDecodable>(_ type: Body.Type, from data: Data) throws -> Body {
        guard !data.isEmpty else { throw Problem.invalidArgument("the request body is empty: send a JSON object") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem(.badRequest, code: "malformed-json", title: "Malformed JSON",
                          detail: "the body is not valid JSON" + Self.position(of: error))
        }
        guard let members = object as? [String: Any] else {
            throw Problem(.badRequest, code: "malformed-json", title: "Malformed JSON", detail: "the body must be a JSON object")
        }
        if let unknown = members.keys.sorted().first(where: { !Body.members.contains($0) }) {
            throw Problem(.badRequest, code: "unknown-field", title: "Unknown field",
                          detail: "unknown member '\(unknown)'; this request takes \(Body.members.sorted().joined(separator: ", "))",
                          field: unknown)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    /// A decoding error as a problem naming the member (`filters.since`) at fault.
    static func problem(for error: DecodingError) -> Problem {
        func path(_ context: DecodingError.Context, plus key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, plus: key)
            return .invalidArgument("member '\(field)' is required", field: field)
        case .valueNotFound(_, let context):
            let field = path(context)
            return .invalidArgument("member '\(field)' must not be null", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context)
            return .invalidArgument("member '\(field)' must be \(describe(type))", field: field)
        case .dataCorrupted(let context):
            let field = path(context)
            return .invalidArgument(field.isEmpty ? "the body cannot be read: \(context.debugDescription)"
                                                  : "member '\(field)' is invalid: \(context.debugDescription)",
                                    field: field.isEmpty ? nil : field)
        @unknown default:
            return .invalidArgument("the body cannot be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is Date.Type: "a date (ISO 8601)"
        default: "of type \(type)"
        }
    }

    private static func position(of error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return text.map { " (\($0))" } ?? ""
    }
}
