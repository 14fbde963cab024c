import Foundation
import VigieCore

/// A CSV header, looked up by column name.
struct CSVHeader {
    let columns: [String]
    private let trimmed: [String]
    private let lowercased: [String]
    private let normalized: [String]

    init(_ columns: [String]) {
        self.columns = columns
        trimmed = columns.map(Self.trim)
        lowercased = trimmed.map { $0.lowercased() }
        normalized = columns.map(Self.normalize)
    }

    /// The column with this exact name, else with this name in any case.
    func index(of name: String) -> Int? {
        let wanted = Self.trim(name)
        return trimmed.firstIndex(of: wanted) ?? lowercased.firstIndex(of: wanted.lowercased())
    }

    /// The first of these names (compared with `normalize`) that the header has.
    func index(anyOf names: [String]) -> Int? {
        for name in names {
            if let index = normalized.firstIndex(of: Self.normalize(name)) { return index }
        }
        return nil
    }

    /// Lowercased, without `.`, `_`, `-` and spaces: `Number.of.posts`, `number_of_posts` and
    /// `Number of posts` name the same column in exports from R, pandas and spreadsheets.
    static func normalize(_ name: String) -> String {
        String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter {
            $0 != "." && $0 != "_" && $0 != "-" && $0 != " " && $0 != "\t"
        }))
    }

    private static func trim(_ name: String) -> String {
        var scalars = Substring(name).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{FEFF}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }

    var list: String { columns.joined(separator: ", ") }
}

/// Reading typed values out of CSV fields, with errors that name the column.
enum CSVField {
    /// A row whose field count differs from the header's is almost always a broken quote that
    /// shifted the fields: its values cannot be trusted.
    static func checkCount(_ row: [String], header: CSVHeader) throws {
        guard row.count == header.columns.count else {
            throw RecordError.invalid("row has \(row.count) fields, the header has \(header.columns.count)")
        }
    }

    /// The field's text, or nil when the column is absent or the field is empty.
    @inline(__always)
    static func text(_ row: [String], _ index: Int?) -> String? {
        guard let index, index < row.count else { return nil }
        let value = row[index]
        return value.isEmpty ? nil : value
    }

    /// Spellings of "no value" that R, pandas and spreadsheets write in numeric columns.
    private static let missingMarkers: Set<String> = ["na", "nan", "null", "none", "n/a", "-"]

    static func integer(_ row: [String], _ index: Int?, column: String) throws -> Int? {
        guard let raw = text(row, index) else { return nil }
        let value = raw.trimmingSpaces
        if value.isEmpty || missingMarkers.contains(value.lowercased()) { return nil }
        if let number = Int(value), number >= 0 { return number }
        // pandas writes `177.0` once a column holds a missing value.
        if let number = Double(value), number >= 0, number.rounded() == number, number < 9.0e15 { return Int(number) }
        throw RecordError.invalid("column '\(column)' should be a whole number ≥ 0, found '\(raw.prefix(40))'", field: column)
    }

    static func boolean(_ row: [String], _ index: Int?, column: String) throws -> Bool? {
        guard let raw = text(row, index) else { return nil }
        switch raw.trimmingSpaces.lowercased() {
        case "true", "t", "yes", "y", "1", "vrai", "oui": return true
        case "false", "f", "no", "n", "0", "faux", "non": return false
        case "", "na", "nan", "null", "none": return nil
        default:
            throw RecordError.invalid("column '\(column)' should be true or false, found '\(raw.prefix(40))'", field: column)
        }
    }

    /// A timestamp in any form `DateParsing` reads.
    static func date(_ row: [String], _ index: Int?, column: String) throws -> Date? {
        guard let raw = text(row, index) else { return nil }
        guard let date = DateParsing.parse(raw) else {
            throw RecordError.invalid("column '\(column)' is not a date or Unix time: '\(raw.prefix(40))'"
                                      + DateParsing.explanation(for: raw), field: column)
        }
        return date
    }

    /// Splits a list field: space- or comma-separated, tolerating the Python list spelling
    /// (`['a', 'b']`) that pandas exports write.
    static func list(_ raw: String, dropping prefix: Character? = nil) -> [String] {
        var items: [String] = []
        for piece in raw.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }) {
            var item = piece
            while let first = item.first, first == "[" || first == "'" || first == "\"" { item.removeFirst() }
            while let last = item.last, last == "]" || last == "'" || last == "\"" { item.removeLast() }
            if let prefix, item.first == prefix { item.removeFirst() }
            if !item.isEmpty { items.append(String(item)) }
        }
        return items
    }

    /// `first` followed by the items of `more` it does not already hold.
    static func union(_ first: [String], _ more: [String]) -> [String] {
        var result = first
        for item in more where !result.contains(item) { result.append(item) }
        return result
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return slice
    }
}

/// Remembers the authors whose account was already emitted in this file, so that a file of a
/// million posts by a thousand authors does not write a thousand times more accounts. Bounded:
/// past `capacity` it forgets everything and starts again (the store merges repeats anyway).
struct SeenAccounts {
    private var handles: [String: String] = [:]
    private let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    /// True the first time an (id, handle) pair is seen.
    mutating func insert(id: String, handle: String) -> Bool {
        if handles[id] == handle { return false }
        if handles.count >= capacity { handles.removeAll(keepingCapacity: true) }
        handles[id] = handle
        return true
    }
}
