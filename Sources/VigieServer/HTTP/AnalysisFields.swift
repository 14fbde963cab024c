import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Typed reads of the fields the analyses share (a topic, a period, durations, lists), failing as
/// a 400 that names the field, as the CLI's flags do.
extension FormFields {
    /// The fields that choose a topic: a saved `watch`, or a `query` (with `stemmed`).
    static let topicFields: Set<String> = ["watch", "query", "stemmed"]
    static let periodFields: Set<String> = ["since", "until"]

    /// `watch=velo` or `query=…` (one of them); `nil` when neither is given and `required` is false.
    func topic(required: Bool) throws -> Topic? {
        let watch = text("watch"), query = text("query")
        if watch != nil, query != nil {
            throw Problem.invalidArgument("give a watch or a query, not both", field: "query")
        }
        if let watch { return .watch(watch) }
        if let query {
            // Parsed here so that a syntax error is a 400 with its column, before any job starts.
            let stemmed = try bool("stemmed") ?? false
            _ = try Query.parse(query, options: QueryOptions(stemmed: stemmed))
            return .query(query, stemmed: stemmed)
        }
        if required { throw Problem.invalidArgument("name a watch (watch=…) or a query (query=…)", field: "watch") }
        return nil
    }

    /// The posts an analysis reads: a watch's, a query's, else every post.
    func selection() throws -> PostSelection {
        switch try topic(required: false) {
        case .watch(let name)?: .watch(name)
        case .query(let text, let stemmed)?: .query(text, stemmed: stemmed)
        case nil: .all
        }
    }

    /// `since` and `until` as a graph period (either end open).
    func period() throws -> GraphPeriod {
        GraphPeriod(since: try date("since"), until: try date("until"))
    }

    /// A duration such as `30s`, `15m`, `1h`, `2d` (or seconds), at least `minimum` seconds.
    func duration(_ name: String, minimum: TimeInterval = 1) throws -> TimeInterval? {
        guard let text = text(name) else { return nil }
        guard let seconds = TrendDuration.parse(text), seconds >= minimum else {
            throw Problem.invalidArgument("'\(name)' must be a duration of at least \(Int(minimum)) seconds, such as 30s, 15m, 1h or 2d",
                                          field: name)
        }
        return seconds
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = text(name) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw Problem.invalidArgument("'\(name)' must be a number from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return value
    }

    /// A comma-separated list (`watches=velo,climat`), empty items dropped.
    func list(_ name: String) -> [String] {
        (text(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A value of a closed set (`tier=micro`), naming the choices when it is not one of them.
    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, of type: Value.Type) throws -> Value?
        where Value.RawValue == String {
        guard let text = text(name) else { return nil }
        guard let value = Value(rawValue: text.lowercased()) else {
            throw Problem.invalidArgument("'\(name)' must be one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
                                          field: name)
        }
        return value
    }
}

/// Any encodable value as an API answer (the engine's results are `Codable` already).
struct JSONAnswer<Value: Encodable & Sendable>: ResponseEncodable, Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

/// A JSON answer encoded once, for answers served many times from the cache: the same bytes
/// and headers as the context's encoder gives.
struct EncodedJSON: ResponseGenerator, Sendable {
    let bytes: ByteBuffer

    init(_ value: some Encodable, encoder: JSONEncoder) throws {
        bytes = ByteBuffer(bytes: try encoder.encode(value))
    }

    func response(from request: Request, context: some RequestContext) -> Response {
        Response(status: .ok,
                 headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.readableBytes)],
                 body: .init(byteBuffer: bytes))
    }
}

extension APIController {
    /// A long analysis's answer: `200` with the result when it is ready, else `202 Accepted`
    /// with the job computing it, its `Location`, and `Retry-After: 1`.
    func analysisResponse<Value: Encodable & Sendable>(_ answer: AnalysisAnswer<Value>, request: Request,
                                                         context: ServerRequestContext, scope: WorkspaceScope) throws -> Response {
        switch answer {
        case .ready(let value):
            return try JSONAnswer(value).response(from: request, context: context)
        case .pending(let job):
            var response = try JobView(job: job).response(from: request, context: context)
            response.status = .accepted
            response.headers[.location] = "\(Self.prefix)/workspaces/\(scope.name)/jobs/\(job.id)"
            response.headers[.retryAfter] = "1"
            return response
        }
    }

    /// The API path of this request (with its query), which a finished job points back to.
    static func selfLink(_ request: Request) -> String { request.uri.description }
}
