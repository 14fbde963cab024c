import Foundation

/// One unit of post text: a word, an elided French article, a hashtag, a mention, a link or an emoji.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case word
        /// A French elided word split off the word it leans on: `l'`, `qu'`, `jusqu'`.
        case elision
        case hashtag
        case mention
        case url
        case emoji
    }

    public var kind: Kind
    /// As written; hashtags keep their `#`, mentions their `@`.
    public var text: String
    /// Folded (``TextFolding``) form used for matching; hashtags and mentions without `#`/`@`.
    public var folded: String
    /// Index of the token in the text (0, 1, 2…): what phrases and `NEAR/n` measure distances in.
    public var position: Int

    public init(kind: Kind, text: String, folded: String, position: Int) {
        self.kind = kind
        self.text = text
        self.folded = folded
        self.position = position
    }
}

/// Splits post text into ``Token``s.
///
/// - A word is a run of letters, marks and digits; an apostrophe (`'` or `’`) between two letters
///   stays inside it (`aujourd'hui`, `don't`) unless what precedes it is a French elision
///   (`l'`, `d'`, `qu'`, `j'`, `n'`, `s'`, `c'`, `m'`, `t'`, `jusqu'`, `lorsqu'`, `puisqu'`), which
///   becomes its own `.elision` token: `l'influenceuse` gives `l'` and `influenceuse`.
/// - Hyphens, dots and other punctuation separate words (`peut-être` is two words).
/// - Hashtags, mentions and links follow ``EntityExtractor``'s rules (a hashtag needs a letter and
///   must not follow a word character; a mention is an ASCII handle with an optional fediverse
///   instance; a link starts with `http://`, `https://` or `www.` and loses trailing punctuation).
/// - An emoji, with its modifiers, variation selectors and zero-width-joined parts, is one token.
public enum Tokenizer {
    private static let elisions: Set<String> = [
        "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu",
    ]

    public static func tokenize(_ text: String) -> [Token] {
        var scanner = TokenScanner(text)
        scanner.run()
        return scanner.tokens
    }

    /// The tokens and, for each, the UTF-8 offset in `text` where it starts: for callers that
    /// tokenise once and then need to know which part of the text a token came from.
    static func tokenizeWithOffsets(_ text: String) -> (tokens: [Token], starts: [Int]) {
        var scanner = TokenScanner(text)
        scanner.run()
        return (scanner.tokens, scanner.starts)
    }

    static func isElision(_ foldedStem: String) -> Bool { elisions.contains(foldedStem) }
}

private struct TokenScanner {
    let scalars: [Unicode.Scalar]
    /// UTF-8 of the text and the offset of each scalar in it (plus the end), so that token text is
    /// copied from bytes rather than rebuilt scalar by scalar.
    private let utf8: [UInt8]
    private let offsets: [Int]
    var tokens: [Token] = []
    /// UTF-8 offset of each token's first byte.
    var starts: [Int] = []

    init(_ text: String) {
        utf8 = Array(text.utf8)
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(utf8.count)
        offsets.reserveCapacity(utf8.count + 1)
        var offset = 0
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        self.scalars = scalars
        self.offsets = offsets
    }

    mutating func run() {
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let previous: Unicode.Scalar? = index > 0 ? scalars[index - 1] : nil
            let afterWord = previous.map(isWordScalar) ?? false
            if !afterWord {
                if (scalar == "#" || scalar == "\u{FF03}"), previous != "&", let end = hashtagEnd(from: index + 1) {
                    emit(.hashtag, index, end, foldedFrom: index + 1)
                    index = end
                    continue
                }
                if (scalar == "@" || scalar == "\u{FF20}"), previous != "@", let end = mentionEnd(from: index + 1) {
                    emit(.mention, index, end, foldedFrom: index + 1)
                    index = end
                    continue
                }
                if isASCIILetter(scalar), let end = linkEnd(from: index, previous: previous) {
                    emit(.url, index, end, foldedFrom: index)
                    index = end
                    continue
                }
            }
            if isWordScalar(scalar) {
                index = word(from: index)
                continue
            }
            // Spaces and ASCII punctuation: nothing else to find there.
            if scalar.value < 0x80 {
                index += 1
                continue
            }
            if isEmojiStart(at: index) {
                let end = emojiEnd(from: index)
                emit(.emoji, index, end, foldedFrom: index)
                index = end
                continue
            }
            index += 1
        }
    }

    private mutating func emit(_ kind: Token.Kind, _ start: Int, _ end: Int, foldedFrom foldStart: Int) {
        let text = string(start, end)
        let folded = foldStart == start ? TextFolding.fold(text) : TextFolding.fold(string(foldStart, end))
        tokens.append(Token(kind: kind, text: text, folded: folded, position: tokens.count))
        starts.append(offsets[start])
    }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: utf8[offsets[start]..<offsets[end]], as: UTF8.self)
    }

    // MARK: Words

    /// Scans a word from `start`, splitting off elisions; returns where it ends.
    private mutating func word(from start: Int) -> Int {
        var segmentStart = start
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if isWordScalar(scalar) {
                index += 1
            } else if isApostrophe(scalar), index + 1 < scalars.count, isWordScalar(scalars[index + 1]),
                      index > segmentStart {
                let stem = TextFolding.fold(string(segmentStart, index))
                if Tokenizer.isElision(stem) {
                    let text = string(segmentStart, index + 1)
                    tokens.append(Token(kind: .elision, text: text, folded: stem + "'", position: tokens.count))
                    starts.append(offsets[segmentStart])
                    segmentStart = index + 1
                }
                index += 1
            } else {
                break
            }
        }
        emit(.word, segmentStart, index, foldedFrom: segmentStart)
        return index
    }

    private func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}" || scalar == "\u{02BC}"
    }

    // MARK: Hashtags and mentions

    private func hashtagEnd(from start: Int) -> Int? {
        var index = start
        var hasLetter = false
        while index < scalars.count {
            let scalar = scalars[index]
            let category = scalar.properties.generalCategory
            if isLetter(category) {
                hasLetter = true
            } else if category == .decimalNumber || scalar == "_" {
            } else if isMark(category) || scalar == "\u{200C}" || scalar == "\u{200D}" || scalar == "\u{B7}" {
                // Marks and joiners continue a tag but cannot open one.
                if index == start { return nil }
            } else {
                break
            }
            index += 1
        }
        while index > start, ["\u{200C}", "\u{200D}", "\u{B7}"].contains(scalars[index - 1]) { index -= 1 }
        return hasLetter ? index : nil
    }

    private func mentionEnd(from start: Int) -> Int? {
        guard let local = handleEnd(from: start) else { return nil }
        if local < scalars.count, scalars[local] == "@", let domain = domainEnd(from: local + 1) { return domain }
        return local
    }

    private func handleEnd(from start: Int) -> Int? {
        HandleScanning.handleEnd(in: scalars, from: start, ascii: Self.asciiByte)
    }

    private func domainEnd(from start: Int) -> Int? {
        HandleScanning.domainEnd(in: scalars, from: start, ascii: Self.asciiByte)
    }

    private static func asciiByte(_ scalar: Unicode.Scalar) -> UInt8 {
        scalar.isASCII ? UInt8(scalar.value) : 0
    }

    // MARK: Links

    private func linkEnd(from start: Int, previous: Unicode.Scalar?) -> Int? {
        let bodyStart: Int
        if matches("https://", at: start) {
            bodyStart = start + 8
        } else if matches("http://", at: start) {
            bodyStart = start + 7
        } else if matches("www.", at: start), previous != ".", previous != "/", previous != "@" {
            bodyStart = start + 4
        } else {
            return nil
        }
        var index = bodyStart
        while index < scalars.count, !endsLink(scalars[index]) { index += 1 }
        let end = trimTrailingPunctuation(from: bodyStart, to: index)
        guard end > bodyStart, isASCIIAlphanumeric(scalars[bodyStart]) || scalars[bodyStart].value >= 0x80 else {
            return nil
        }
        return end
    }

    private func matches(_ word: String, at start: Int) -> Bool {
        var index = start
        for expected in word.unicodeScalars {
            guard index < scalars.count else { return false }
            var value = scalars[index].value
            if value >= 0x41 && value <= 0x5A { value += 0x20 }
            if value != expected.value { return false }
            index += 1
        }
        return true
    }

    private func endsLink(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0...0x20, 0x7F, 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D: return true
        case 0xA0, 0xAB, 0xBB: return true
        case 0x2000...0x200B, 0x2018...0x201F, 0x2028, 0x2029, 0x202F, 0x2039, 0x203A: return true
        case 0x3000...0x303F, 0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F: return true
        default: return false
        }
    }

    /// Drops sentence punctuation after a link, and closing brackets not opened inside it.
    private func trimTrailingPunctuation(from start: Int, to end: Int) -> Int {
        var end = end
        while end > start {
            let scalar = scalars[end - 1]
            switch scalar {
            case ".", ",", ";", ":", "!", "?", "'", "*", "\u{2026}":
                end -= 1
                continue
            case ")", "]":
                let opener: Unicode.Scalar = scalar == ")" ? "(" : "["
                let opened = scalars[start..<end].filter { $0 == opener }.count
                let closed = scalars[start..<end].filter { $0 == scalar }.count
                if closed > opened {
                    end -= 1
                    continue
                }
            default:
                break
            }
            break
        }
        return end
    }

    // MARK: Emoji

    private func isEmojiStart(at index: Int) -> Bool {
        let scalar = scalars[index]
        let properties = scalar.properties
        guard properties.isEmoji else { return false }
        if properties.isEmojiPresentation { return true }
        // Text-default symbols (❤, ☀) count when followed by the emoji variation selector.
        return index + 1 < scalars.count && scalars[index + 1] == "\u{FE0F}" && scalar.value > 0x7F
    }

    private func emojiEnd(from start: Int) -> Int {
        var index = start + 1
        // A flag is a pair of regional indicators.
        if (0x1F1E6...0x1F1FF).contains(scalars[start].value), index < scalars.count,
           (0x1F1E6...0x1F1FF).contains(scalars[index].value) {
            return index + 1
        }
        while index < scalars.count {
            let value = scalars[index].value
            switch value {
            case 0xFE0F, 0xFE0E, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F, 0x20E3:
                index += 1
            case 0x200D where index + 1 < scalars.count && scalars[index + 1].properties.isEmoji:
                index += 2
            default:
                return index
            }
        }
        return index
    }

    // MARK: Character classes

    private func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return isASCIIAlphanumeric(scalar) || scalar == "_" }
        let category = scalar.properties.generalCategory
        return isLetter(category) || isMark(category) || category == .decimalNumber
    }

    private func isLetter(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private func isMark(_ category: Unicode.GeneralCategory) -> Bool {
        category == .nonspacingMark || category == .spacingMark || category == .enclosingMark
    }

    private func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value | 0x20) >= 0x61 && (scalar.value | 0x20) <= 0x7A
    }

    private func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || (scalar.value >= 0x30 && scalar.value <= 0x39)
    }
}
