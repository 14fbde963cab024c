import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigieCore
import VigieIngest

/// An HTTP answer of a Mastodon instance that is not a page of statuses.
enum MastodonHTTPError: Error, CustomStringConvertible {
    /// 401 or 403: the token is missing, revoked or lacks the scope. The source pauses.
    case refused(status: Int, message: String)
    /// 429: come back after this date.
    case rateLimited(until: Date)
    /// 5xx: the instance is in trouble; tried again with backoff.
    case server(status: Int)
    /// Any other status (404 for a wrong instance URL…).
    case unexpected(status: Int, message: String)
    /// 200 with a body that is not a JSON array of statuses.
    case malformed(String)

    var description: String {
        switch self {
        case .refused(let status, let message):
            return "the instance refused the token (HTTP \(status)\(message.isEmpty ? "" : ": \(message)")): the source is paused; give it a valid token and resume it"
        case .rateLimited(let until):
            return "rate limited (HTTP 429) until \(DateParsing.iso8601(until))"
        case .server(let status):
            return "the instance failed (HTTP \(status)); trying again"
        case .unexpected(let status, let message):
            return "unexpected HTTP \(status)\(message.isEmpty ? "" : ": \(message)")"
        case .malformed(let reason):
            return "the instance answered with something that is not a timeline: \(reason)"
        }
    }
}

/// The `X-RateLimit-*` headers of an answer.
struct MastodonRateLimit: Sendable, Hashable {
    var limit: Int?
    var remaining: Int?
    var reset: Date?

    /// When the next request may go: the reset time once the allowance is spent, else now.
    func nextRequest(after now: Date) -> Date? {
        guard let remaining, remaining <= 0, let reset, reset > now else { return nil }
        return reset
    }
}

/// One page of a timeline.
struct MastodonPage: Sendable {
    var statuses: [JSONValue]
    /// The `min_id` of the next newer page (`Link: <…min_id=…>; rel="prev"`), when given.
    var newerMinID: String?
    var rateLimit: MastodonRateLimit
}

/// The REST side of an instance: timeline pages with the token in a header (never in the URL,
/// so that proxies' and servers' access logs do not keep it).
struct MastodonREST: Sendable {
    let baseURL: String
    let token: SourceToken?
    let session: URLSession

    init(baseURL: String, token: SourceToken?) {
        self.baseURL = baseURL
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// The path and query of a timeline page.
    static func path(of timeline: MastodonTimeline, minID: String?, limit: Int) -> String {
        var path: String
        var query = ["limit=\(limit)"]
        switch timeline {
        case .federated: path = "/api/v1/timelines/public"
        case .local:
            path = "/api/v1/timelines/public"
            query.append("local=true")
        case .hashtag(let tag):
            path = "/api/v1/timelines/tag/" + (tag.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? tag)
        }
        if let minID { query.append("min_id=" + (minID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? minID)) }
        return path + "?" + query.joined(separator: "&")
    }

    /// The page just newer than `minID` (the newest page when `nil`).
    func page(_ timeline: MastodonTimeline, minID: String?, limit: Int) async throws -> MastodonPage {
        guard let url = URL(string: baseURL + Self.path(of: timeline, minID: minID, limit: limit)) else {
            throw MastodonHTTPError.malformed("cannot build a URL from \(baseURL)")
        }
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(LiveErrorText.userAgent, forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer " + token.value, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw MastodonHTTPError.malformed("not an HTTP answer") }
        let now = Date()
        let rateLimit = Self.rateLimit(http)
        switch http.statusCode {
        case 200:
            break
        case 401, 403:
            throw MastodonHTTPError.refused(status: http.statusCode, message: Self.errorMessage(data))
        case 429:
            let until = Self.retryAfter(http, now: now) ?? rateLimit.reset ?? now.addingTimeInterval(60)
            throw MastodonHTTPError.rateLimited(until: until)
        case 500...599:
            throw MastodonHTTPError.server(status: http.statusCode)
        default:
            throw MastodonHTTPError.unexpected(status: http.statusCode, message: Self.errorMessage(data))
        }
        let value: JSONValue
        do {
            value = try [UInt8](data).withUnsafeBufferPointer { try JSONParser.parse($0) }
        } catch {
            throw MastodonHTTPError.malformed("\(error)")
        }
        guard let statuses = value.array else {
            throw MastodonHTTPError.malformed("expected a JSON array, found \(value.typeName)")
        }
        return MastodonPage(statuses: statuses, newerMinID: Self.linkMinID(http.value(forHTTPHeaderField: "Link")),
                            rateLimit: rateLimit)
    }

    static func rateLimit(_ response: HTTPURLResponse) -> MastodonRateLimit {
        MastodonRateLimit(
            limit: response.value(forHTTPHeaderField: "X-RateLimit-Limit").flatMap { Int($0) },
            remaining: response.value(forHTTPHeaderField: "X-RateLimit-Remaining").flatMap { Int($0) },
            reset: response.value(forHTTPHeaderField: "X-RateLimit-Reset").flatMap(DateParsing.parse))
    }

    /// `Retry-After`: seconds, or an HTTP date.
    static func retryAfter(_ response: HTTPURLResponse, now: Date) -> Date? {
        guard let value = response.value(forHTTPHeaderField: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return now.addingTimeInterval(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value)
    }

    /// The `min_id` of the `rel="prev"` link (Mastodon's link to newer statuses).
    static func linkMinID(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") where part.contains("rel=\"prev\"") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">"), open < close,
                  let components = URLComponents(string: String(part[part.index(after: open)..<close])) else { continue }
            if let minID = components.queryItems?.first(where: { $0.name == "min_id" })?.value { return minID }
        }
        return nil
    }

    static func errorMessage(_ data: Data) -> String {
        if let value = try? [UInt8](data).withUnsafeBufferPointer({ try JSONParser.parse($0) }), let message = value["error"]?.string {
            return String(message.prefix(200))
        }
        return String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
