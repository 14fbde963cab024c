import Foundation
import Hummingbird
import NIOCore
import VigieCore

/// Fields of a query string or of an `application/x-www-form-urlencoded` body, decoded the way
/// browsers encode forms (`+` is a space), with typed reads that fail as a 400 naming the field.
struct FormFields: Sendable {
    private(set) var values: [String: String] = [:]

    init(_ encoded: String?) {
        for pair in (encoded ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), !key.isEmpty else { continue }
            // The first value of a repeated field wins, as a form sends a field once.
            if values[key] == nil { values[key] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : "" }
        }
    }

    /// The fields of a request's query string.
    init(query request: Request) {
        self.init(request.uri.query)
    }

    /// Reads a form body (at most `limit` bytes).
    static func body(of request: Request, limit: Int = 64 * 1024) async throws -> FormFields {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: limit)
        }
        return FormFields(String(buffer: buffer))
    }

    subscript(_ name: String) -> String? { values[name] }

    /// A non-empty value (trimmed), or `nil`.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func require(_ name: String) throws -> String {
        guard let value = text(name) else { throw Problem.invalidArgument("'\(name)' is required", field: name) }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem.invalidArgument("'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                                          field: name)
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = text(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw Problem.invalidArgument("'\(name)' must be true or false", field: name)
        }
    }

    func date(_ name: String) throws -> Date? {
        guard let text = text(name) else { return nil }
        guard let date = DateParsing.parse(text) else {
            throw Problem.invalidArgument("'\(name)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z", field: name)
        }
        return date
    }

    /// Refuses fields outside `known` (a misspelt parameter must not be ignored).
    func refuseUnknown(_ known: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw Problem(.badRequest, code: "unknown-field", title: "Unknown field",
                          detail: "unknown parameter '\(unknown)'; this request takes \(known.sorted().joined(separator: ", "))",
                          field: unknown)
        }
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

extension Parameters {
    /// A path parameter, percent-decoded (`%40alice` is `@alice`).
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
