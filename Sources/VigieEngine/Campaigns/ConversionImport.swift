import Foundation
import VigieCore

/// The outcome of a conversion import: what was recorded, attributed, replayed, and each bad
/// line with its reason (a bad line never stops the others).
public struct ConversionImportResult: Sendable, Codable, Hashable {
    public struct BadLine: Sendable, Codable, Hashable {
        public var line: Int
        public var reason: String
    }

    public var recorded = 0
    public var attributed = 0
    public var replayed = 0
    public var bad: [BadLine] = []
}

extension Engine {
    /// The columns of a conversions CSV; `idempotency_key`, `value` and `currency` are required,
    /// `click_id` (or `code` with `visitor`) attributes, `at` defaults to now.
    public static let conversionColumns = ["idempotency_key", "value", "currency", "click_id", "code", "visitor", "at"]

    /// Records the conversions of a CSV file (a header line naming its columns, then one
    /// conversion a line, comma-separated, no quoted fields).
    ///
    /// ```swift
    /// let result = try await engine.importConversions(csv: "idempotency_key,value,currency,click_id\no-1,49.90,EUR,Xy…\n", file: "orders.csv")
    /// ```
    public func importConversions(csv text: String, file: String, now: Date = Date()) async throws -> ConversionImportResult {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw EngineError(.unreadableInput, field: "file", "\(file) is empty: give a header line (\(Self.conversionColumns.joined(separator: ",")))")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for required in ["idempotency_key", "value", "currency"] where !header.contains(required) {
            throw EngineError(.unreadableInput, field: "file", "\(file), line 1: the header has no column '\(required)' "
                              + "(columns: \(Self.conversionColumns.joined(separator: ",")))")
        }
        if let unknown = header.first(where: { !Self.conversionColumns.contains($0) }) {
            throw EngineError(.unreadableInput, field: "file", "\(file), line 1: unknown column '\(unknown)' "
                              + "(columns: \(Self.conversionColumns.joined(separator: ",")))")
        }
        var result = ConversionImportResult()
        for (index, line) in lines.enumerated().dropFirst() {
            try Task.checkCancellation()
            let number = index + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count else {
                result.bad.append(.init(line: number, reason: "\(fields.count) fields where the header has \(header.count)"))
                continue
            }
            var row: [String: String] = [:]
            for (name, value) in zip(header, fields) where !value.isEmpty { row[name] = value }
            guard let valueText = row["value"], let value = Double(valueText) else {
                result.bad.append(.init(line: number, reason: "value '\(row["value"] ?? "")' is not a number"))
                continue
            }
            var at: Date?
            if let atText = row["at"] {
                guard let date = DateParsing.parse(atText) else {
                    result.bad.append(.init(line: number, reason: "at '\(atText)' is not a date"))
                    continue
                }
                at = date
            }
            do {
                let outcome = try await recordConversion(RecordConversionRequest(
                    idempotencyKey: row["idempotency_key"] ?? "", value: value, currency: row["currency"] ?? "", clickID: row["click_id"],
                    code: row["code"], visitor: row["visitor"], at: at), now: now)
                if !outcome.recorded {
                    result.replayed += 1
                } else {
                    result.recorded += 1
                    if outcome.code != nil { result.attributed += 1 }
                }
            } catch let error as EngineError {
                result.bad.append(.init(line: number, reason: (error.field.map { "\($0): " } ?? "") + error.message))
            }
        }
        return result
    }
}
