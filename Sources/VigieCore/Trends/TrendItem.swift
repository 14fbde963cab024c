import Foundation

/// What a weak signal is about: a term, a hashtag, a link or its domain, a mention, or a phrase.
public enum TrendItemKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A folded word that is not a stop word (at least three letters).
    case term
    /// A hashtag, folded, without `#`.
    case hashtag
    /// A normalised link (``CoordinationText/normalizedURL(_:)``).
    case link
    /// The host of a link, lowercased, without `www.`.
    case domain
    /// An account named with `@`, folded, without `@`.
    case mention
    /// Three consecutive folded words (a word 3-gram): repeated and near-repeated phrases share
    /// them, since folding drops case, accents and punctuation.
    case phrase

    /// How the item is written in explanations: `#tag`, `@handle`, `"a phrase"`.
    public func display(_ key: String) -> String {
        switch self {
        case .hashtag: return "#" + key
        case .mention: return "@" + key
        case .phrase: return "\"" + key + "\""
        case .term, .link, .domain: return key
        }
    }

    /// Parses a comma-separated list (`hashtag,term`); throws a message naming the bad value.
    public static func parseList(_ text: String) throws(TrendOptionError) -> Set<TrendItemKind> {
        var kinds = Set<TrendItemKind>()
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            let singular = name.hasSuffix("s") ? String(name.dropLast()) : name
            guard let kind = TrendItemKind(rawValue: name) ?? TrendItemKind(rawValue: singular) else {
                throw TrendOptionError("unknown kind '\(part)': use \(TrendItemKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.insert(kind)
        }
        guard !kinds.isEmpty else { throw TrendOptionError("no kind given: use \(TrendItemKind.allCases.map(\.rawValue).joined(separator: ", "))") }
        return kinds
    }
}

/// A bad trend or alert setting, with what to do about it.
public struct TrendOptionError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Durations written `90s`, `30m`, `6h`, `14d`, `2w`.
public enum TrendDuration {
    public static func parse(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let value = Double(trimmed.dropLast()), value > 0, value.isFinite else {
            return nil
        }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86_400
        case "w": return value * 7 * 86_400
        default: return nil
        }
    }

    /// `6h`, `14d`, `90m`: the largest unit that divides the duration.
    public static func format(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s > 0, s % 86_400 == 0 { return "\(s / 86_400) d" }
        if s > 0, s % 3600 == 0 { return "\(s / 3600) h" }
        if s > 0, s % 60 == 0 { return "\(s / 60) min" }
        return "\(s) s"
    }
}
