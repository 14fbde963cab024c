/// Hashtags, mentions and links found in a tweet's bare text, for sources that give the text
/// without Twitter's entities (TwiBot-20 keeps only the text). Follows Twitter's rules in their
/// common form: a `#tag` has at least one non-digit; a mention is 1–15 letters, digits or `_`;
/// neither counts inside a word (`a@b.c` is an e-mail address); a link starts with `http(s)://`.
struct TweetTextEntities {
    var hashtags: [String] = []
    var mentions: [String] = []
    var urls: [String] = []

    init(text: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let startsToken = index == 0 || !Self.isWordScalar(scalars[index - 1])
            if startsToken, scalar == "#" || scalar == "\u{FF03}" {
                let end = Self.scan(scalars, from: index + 1, limit: 140) { Self.isWordScalar($0) }
                let tag = scalars[(index + 1)..<end]
                if !tag.isEmpty, tag.contains(where: { !("0"..."9").contains($0) }) {
                    hashtags.append(Self.string(tag))
                }
                index = max(end, index + 1)
            } else if startsToken, scalar == "@" || scalar == "\u{FF20}" {
                let end = Self.scan(scalars, from: index + 1, limit: 15) { $0.isASCII && Self.isWordScalar($0) }
                if end > index + 1 { mentions.append(Self.string(scalars[(index + 1)..<end])) }
                index = max(end, index + 1)
            } else if startsToken, scalar == "h" || scalar == "H", let end = Self.linkEnd(scalars, from: index) {
                urls.append(Self.string(scalars[index..<end]))
                index = end
            } else {
                index += 1
            }
        }
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || scalar.properties.generalCategory == .nonspacingMark
    }

    private static func scan(
        _ scalars: [Unicode.Scalar], from start: Int, limit: Int, while accepts: (Unicode.Scalar) -> Bool
    ) -> Int {
        var end = start
        while end < scalars.count, end - start < limit, accepts(scalars[end]) { end += 1 }
        return end
    }

    /// The end of a link starting at `start`, without trailing punctuation or the `…` of a cut text.
    private static func linkEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        let prefix = scalars[start..<min(scalars.count, start + 8)].map { Character($0).lowercased() }.joined()
        let schemeLength = prefix.hasPrefix("https://") ? 8 : prefix.hasPrefix("http://") ? 7 : 0
        guard schemeLength > 0 else { return nil }
        var end = start + schemeLength
        while end < scalars.count, !scalars[end].properties.isWhitespace { end += 1 }
        while end > start + schemeLength, ".,;:!?)]}'\"…".unicodeScalars.contains(scalars[end - 1]) { end -= 1 }
        return end > start + schemeLength ? end : nil
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }
}
