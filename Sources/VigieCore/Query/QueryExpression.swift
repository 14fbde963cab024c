import Foundation

/// The parsed form of a listening query. Text values are already folded (``TextFolding``).
///
/// `description` prints the expression back in normalised query syntax: explicit `AND`, `NOT`
/// instead of `-`, parentheses only where precedence needs them. Parsing a description gives the
/// same expression back.
public indirect enum QueryExpression: Sendable, Hashable {
    /// One word (or emoji); matches a word, emoji or hashtag token of the text with that folded form.
    case term(String)
    /// A trailing wildcard, `influenc*`: any word or hashtag starting with the stem.
    case prefix(String)
    /// Tokens that must follow each other in the text (`"réseaux sociaux"`, or `peut-être` written bare).
    case phrase([String])
    /// `#tag`, without `#`: a hashtag in the text or in the post's hashtag list.
    case hashtag(String)
    /// `@handle`, without `@`: a mention in the text or in the post's mention list. A handle
    /// without instance also matches the fediverse form `handle@instance`.
    case mention(String)
    /// `author:handle`, without `@`.
    case author(String)
    /// `lang:fr`: the post's language, or its primary subtag (`fr-CA` is `fr`).
    case language(String)
    /// `platform:mastodon`.
    case platform(Platform)
    /// `url:text`: a link of the post contains the text.
    case url(String)
    /// `site:domain`: a link of the post points at the domain or one of its subdomains.
    case site(String)
    /// `since:`: posted at or after the date.
    case since(Date)
    /// `until:`: posted before the date (a date without a time stands for the end of that day,
    /// so the bound kept here is the next midnight, UTC).
    case until(Date)
    /// The two sides within `distance` words of each other (at most that many words between), either order.
    case near(QueryExpression, QueryExpression, distance: Int)
    case not(QueryExpression)
    case and([QueryExpression])
    case or([QueryExpression])
}

extension QueryExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .term(let word): return word
        case .prefix(let stem): return stem + "*"
        case .phrase(let words): return "\"" + Self.joinPhrase(words) + "\""
        case .hashtag(let tag): return "#" + tag
        case .mention(let handle): return "@" + handle
        case .author(let handle): return "author:" + handle
        case .language(let code): return "lang:" + code
        case .platform(let platform): return "platform:" + platform.rawValue
        case .url(let text): return "url:" + text
        case .site(let domain): return "site:" + domain
        case .since(let date): return "since:" + Self.printDate(date)
        case .until(let date):
            if Self.isMidnight(date) { return "until:" + Self.printDate(date.addingTimeInterval(-86_400)) }
            return "until:" + DateParsing.iso8601(date)
        case .near(let left, let right, let distance): return "\(left) NEAR/\(distance) \(right)"
        case .not(let operand):
            switch operand {
            case .and, .or: return "NOT (\(operand))"
            default: return "NOT \(operand)"
            }
        case .and(let operands):
            return operands.map { operand in
                if case .or = operand { return "(\(operand))" }
                return operand.description
            }.joined(separator: " AND ")
        case .or(let operands):
            return operands.map(\.description).joined(separator: " OR ")
        }
    }

    /// Elided articles print attached to the next word so that the phrase tokenizes the same way again.
    static func joinPhrase(_ words: [String]) -> String {
        var text = ""
        for word in words {
            if !text.isEmpty, !text.hasSuffix("'") { text += " " }
            text += word
        }
        return text
    }

    private static func isMidnight(_ date: Date) -> Bool {
        date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0
    }

    private static func printDate(_ date: Date) -> String {
        let iso = DateParsing.iso8601(date)
        return isMidnight(date) ? String(iso.prefix(10)) : iso
    }
}
