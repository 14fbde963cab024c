import Foundation
import Hummingbird

/// The dashboard's languages. The choice: the language cookie (set by the switch in every
/// page's header), else the browser's `Accept-Language` (French for a browser that prefers
/// French), else English.
enum Language: String, Sendable, CaseIterable {
    case en, fr

    static func of(_ request: Request) -> Language {
        if let chosen = request.cookies[SessionCookies.languageName].flatMap({ Language(rawValue: $0.value) }) {
            return chosen
        }
        return negotiate(request.headers[.acceptLanguage])
    }

    /// The best of French and English for an `Accept-Language` header (`fr-CH, fr;q=0.9, en;q=0.8`).
    static func negotiate(_ header: String?) -> Language {
        guard let header else { return .en }
        var best: (language: Language, quality: Double)?
        for (order, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary), quality > 0 else { continue }
            // Equal qualities: the first listed wins (a tiny penalty by position).
            let score = quality - Double(order) * 1e-6
            if best == nil || score > best!.quality { best = (language, score) }
        }
        return best?.language ?? .en
    }

    /// The words of the dashboard in this language, for templates (`{{t.signIn}}`).
    var strings: [String: String] {
        switch self {
        case .en: Strings.english
        case .fr: Strings.french
        }
    }

    func text(_ key: String) -> String { strings[key] ?? key }

    /// The text of `key` with its `%@` placeholders replaced in order by `values`.
    func fill(_ key: String, _ values: String...) -> String {
        var parts = text(key).components(separatedBy: "%@")
        var filled = parts.removeFirst()
        for (index, part) in parts.enumerated() { filled += (index < values.count ? values[index] : "") + part }
        return filled
    }

    /// A date for people: `7 March 2025, 14:05` / `7 mars 2025, 14:05`, in UTC.
    func format(_ date: Date) -> String {
        var style = Date.FormatStyle(date: .long, time: .shortened)
        style.locale = Locale(identifier: self == .fr ? "fr_FR" : "en_GB")
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }

    /// `12,345` / `12 345`.
    func format(_ number: Int) -> String {
        number.formatted(.number.locale(Locale(identifier: self == .fr ? "fr_FR" : "en_GB")))
    }
}
