import Foundation

/// Conventions shared by Twitter's API versions.
enum TwitterConventions {
    /// The language code as Vigie keeps it: `nil` for Twitter's "undetermined" (`und`), "no
    /// linguistic content" (`zxx`) and its private-use codes (`qme` media only, `qht` hashtags
    /// only, `qam`, `qct`, `qst`…, from ISO 639's local-use range `qaa`–`qtz`), which name no language.
    static func language(_ code: String?) -> String? {
        guard let code, !code.isEmpty, code != "und", code != "zxx" else { return nil }
        let scalars = code.unicodeScalars
        if scalars.count == 3, let first = scalars.first, first == "q",
           let second = scalars.dropFirst().first, second >= "a", second <= "t" {
            return nil
        }
        return code
    }

    /// The text of v1.1's `source` (`<a href="…" rel="nofollow">Twitter for iPhone</a>`): the
    /// markup is dropped, the application name kept. Plain text is returned as is.
    static func sourceName(_ source: String?) -> String? {
        guard let source, !source.isEmpty else { return nil }
        guard source.contains("<") else { return source }
        var name = ""
        var insideTag = false
        for character in source {
            switch character {
            case "<": insideTag = true
            case ">": insideTag = false
            default: if !insideTag { name.append(character) }
            }
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Whether a profile image URL is the default egg/silhouette. No URL at all counts as default
    /// (the account shows the default picture), an unknown field stays unknown.
    static func isDefaultProfileImage(_ url: String?) -> Bool? {
        guard let url else { return nil }
        return url.isEmpty || url.contains("default_profile_images")
    }

    /// An empty URL is "no URL", not a URL.
    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// Milliseconds since 1970 at Twitter's snowflake epoch (2010-11-04T01:42:54.657Z).
    static let snowflakeEpochMilliseconds: UInt64 = 1_288_834_974_657

    /// The creation time a snowflake id encodes (its top 42 bits count milliseconds since the
    /// snowflake epoch); `nil` for an id that is not a number.
    static func snowflakeTime(_ id: String) -> Date? {
        guard let value = UInt64(id) else { return nil }
        let milliseconds = (value >> 22) + snowflakeEpochMilliseconds
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
