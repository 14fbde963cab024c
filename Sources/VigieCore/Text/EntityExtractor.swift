/// Finds hashtags, mentions and links in plain post text, for sources that give bare text
/// (CSV exports) and for generated data.
///
/// One pass over the UTF-8 bytes, decoding scalars only where a rule needs them; no regular
/// expressions (`NSRegularExpression` is slow on Linux and ingest reads millions of posts).
///
/// Rules, close to what the platforms themselves link:
/// - a hashtag is `#` (or the full-width `＃`) followed by letters, marks, digits, `_`; it needs
///   at least one letter, and must not follow a letter, digit, `_` or `&` (`a#b`, `&#39;`);
/// - a mention is `@` (or `＠`) followed by an ASCII handle (letters, digits, `_`, and `.`/`-`
///   inside, as Mastodon, Bluesky and Instagram allow), optionally `@instance.domain` for the
///   fediverse form; it must not follow a word character (so e-mail addresses are not mentions);
/// - a link starts with `http://`, `https://` or `www.` and runs to whitespace or a quoting
///   character; trailing punctuation (`.,;:!?…'`) and unbalanced closing brackets are left out.
///   Nothing inside a link is taken as a hashtag or mention (`/page#section`, `medium.com/@user`).
///
/// Each list keeps the first-seen order and drops exact repeats.
public enum EntityExtractor {
    /// Everything one pass finds.
    public struct Entities: Sendable, Hashable {
        /// Without `#`, as written.
        public var hashtags: [String] = []
        /// Without `@`; fediverse mentions keep their instance (`user@instance.social`).
        public var mentions: [String] = []
        public var urls: [String] = []

        public init(hashtags: [String] = [], mentions: [String] = [], urls: [String] = []) {
            self.hashtags = hashtags
            self.mentions = mentions
            self.urls = urls
        }
    }

    public static func hashtags(in text: String) -> [String] { entities(in: text).hashtags }
    public static func mentions(in text: String) -> [String] { entities(in: text).mentions }
    public static func urls(in text: String) -> [String] { entities(in: text).urls }

    /// Hashtags, mentions and links in one pass (what a decoder should call).
    public static func entities(in text: String) -> Entities {
        var copy = text
        return copy.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            scanner.run()
            return scanner.found
        }
    }
}

// MARK: - The scan

private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var found = EntityExtractor.Entities()

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func run() {
        var index = 0
        // The scalar before `index`; a newline stands for "start of text".
        var previous: UInt32 = 0x0A
        while index < bytes.count {
            let (scalar, length) = decode(at: index)
            var next = index + length
            switch scalar {
            case 0x23, 0xFF03: // # ＃
                if !isWordScalar(previous), previous != 0x26, let end = hashtagEnd(from: next) {
                    append(&found.hashtags, next, end)
                    next = end
                }
            case 0x40, 0xFF20: // @ ＠
                if !isWordScalar(previous), previous != 0x40, let end = mentionEnd(from: next) {
                    append(&found.mentions, next, end)
                    next = end
                }
            case 0x68, 0x48, 0x77, 0x57: // h H w W
                if !isWordScalar(previous), let end = linkEnd(from: index, previous: previous) {
                    append(&found.urls, index, end)
                    next = end
                }
            default:
                break
            }
            if next != index + length {
                let (last, _) = decodeBackward(before: next)
                previous = last
            } else {
                previous = scalar
            }
            index = next
        }
    }

    private func append(_ list: inout [String], _ start: Int, _ end: Int) {
        let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if !list.contains(value) { list.append(value) }
    }

    // MARK: Hashtags

    private func hashtagEnd(from start: Int) -> Int? {
        var index = start
        var hasLetter = false
        while index < bytes.count {
            let (scalar, length) = decode(at: index)
            switch characterClass(scalar) {
            case .letter: hasLetter = true
            case .digit: break
            // A mark or joiner continues a tag but cannot open one (`#️⃣` is the keycap emoji).
            case .mark: if index == start { return nil }
            case .other:
                guard scalar == 0x5F || ((scalar == 0x200C || scalar == 0x200D || scalar == 0xB7) && index > start) else {
                    return hasLetter ? trimJoiners(from: start, to: index) : nil
                }
            }
            index += length
        }
        return hasLetter ? trimJoiners(from: start, to: index) : nil
    }

    /// A joiner or middle dot ends no tag (`#l·l` keeps its inner dot, `#tag·` drops it).
    private func trimJoiners(from start: Int, to end: Int) -> Int {
        var end = end
        while end > start {
            let (scalar, length) = decodeBackward(before: end)
            guard scalar == 0x200C || scalar == 0x200D || scalar == 0xB7 else { break }
            end -= length
        }
        return end
    }

    // MARK: Mentions

    private func mentionEnd(from start: Int) -> Int? {
        guard let local = handleEnd(from: start) else { return nil }
        // Fediverse form: `@user@instance.social`.
        if local < bytes.count, bytes[local] == 0x40, let domain = domainEnd(from: local + 1) {
            return domain
        }
        return local
    }

    private func handleEnd(from start: Int) -> Int? {
        HandleScanning.handleEnd(in: bytes, from: start) { $0 < 0x80 ? $0 : 0 }
    }

    private func domainEnd(from start: Int) -> Int? {
        HandleScanning.domainEnd(in: bytes, from: start) { $0 < 0x80 ? $0 : 0 }
    }

    // MARK: Links

    private func linkEnd(from start: Int, previous: UInt32) -> Int? {
        let bodyStart: Int
        if let afterScheme = schemeEnd(at: start) {
            bodyStart = afterScheme
        } else if matchesASCIIFolded("www.", at: start), previous != 0x2E, previous != 0x2F, previous != 0x40 {
            bodyStart = start + 4
        } else {
            return nil
        }
        var index = bodyStart
        while index < bytes.count {
            let (scalar, length) = decode(at: index)
            if endsLink(scalar) { break }
            index += length
        }
        let end = trimTrailingPunctuation(from: bodyStart, to: index)
        // Something must follow the scheme, starting with a host character.
        guard end > bodyStart, isASCIIAlphanumeric(bytes[bodyStart]) || bytes[bodyStart] >= 0x80 else { return nil }
        return end
    }

    private func schemeEnd(at start: Int) -> Int? {
        if matchesASCIIFolded("https://", at: start) { return start + 8 }
        if matchesASCIIFolded("http://", at: start) { return start + 7 }
        return nil
    }

    private func matchesASCIIFolded(_ word: StaticString, at start: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        let pattern = word.utf8Start
        for offset in 0..<count {
            var byte = bytes[start + offset]
            if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
            if byte != pattern[offset] { return false }
        }
        return true
    }

    private func endsLink(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0...0x20, 0x7F: return true
        case 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D: return true // " < > \ ^ ` { | }
        case 0xA0, 0xAB, 0xBB: return true // no-break space, « »
        case 0x2000...0x200B, 0x2018...0x201F, 0x2028, 0x2029, 0x202F, 0x2039, 0x203A: return true
        case 0x3000...0x303F, 0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F: return true // CJK punctuation
        default: return false
        }
    }

    /// Leaves out sentence punctuation after a link, and closing brackets that close something
    /// opened before the link: `(see https://x.fr/a_(b))` keeps `…/a_(b)`.
    private func trimTrailingPunctuation(from start: Int, to end: Int) -> Int {
        var end = end
        while end > start {
            let (scalar, length) = decodeBackward(before: end)
            switch scalar {
            case 0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x27, 0x2A, 0x2026: // . , ; : ! ? ' * …
                end -= length
                continue
            case 0x29: // )
                if count(0x28, from: start, to: end) < count(0x29, from: start, to: end) { end -= length; continue }
            case 0x5D: // ]
                if count(0x5B, from: start, to: end) < count(0x5D, from: start, to: end) { end -= length; continue }
            default:
                break
            }
            break
        }
        return end
    }

    private func count(_ byte: UInt8, from start: Int, to end: Int) -> Int {
        var total = 0
        for index in start..<end where bytes[index] == byte { total += 1 }
        return total
    }

    // MARK: UTF-8 and character classes

    /// The scalar at a byte index and its length. The text comes from a `String`, so it is valid
    /// UTF-8; the bounds checks only guard against reading past the end.
    private func decode(at index: Int) -> (UInt32, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard index + length <= bytes.count else { return (0xFFFD, 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (value, length)
    }

    private func decodeBackward(before end: Int) -> (UInt32, Int) {
        var start = end - 1
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return (decode(at: start).0, end - start)
    }

    private func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }

    private enum CharacterClass { case letter, mark, digit, other }

    private func characterClass(_ scalar: UInt32) -> CharacterClass {
        if scalar < 0x80 {
            if scalar >= 0x30 && scalar <= 0x39 { return .digit }
            return (scalar | 0x20) >= 0x61 && (scalar | 0x20) <= 0x7A ? .letter : .other
        }
        guard let properties = Unicode.Scalar(scalar)?.properties else { return .other }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        case .decimalNumber: return .digit
        default: return .other
        }
    }

    /// Letters, marks, digits and `_`: what may not stand right before a `#` or `@`.
    private func isWordScalar(_ scalar: UInt32) -> Bool {
        scalar == 0x5F || characterClass(scalar) != .other
    }
}
