/// Turns the small HTML dialect of the fediverse (Mastodon, Pleroma, Akkoma, Pixelfed `content`
/// and `note`) into plain text, and collects the links it holds.
///
/// Rules, chosen so that the text reads as the author typed it:
/// - `<br>` is a line break; paragraphs (`<p>`, and other block tags) are separated by a
///   **blank line**, which is what Mastodon itself turns a blank line of the source into.
/// - Tags are dropped, their text kept. Mastodon shortens link text with
///   `<span class="invisible">https://</span>…<span class="ellipsis">`; every span's text is kept,
///   so a link reads as the full URL.
/// - Entities are decoded: `&amp; &lt; &gt; &quot; &apos; &nbsp;` (a plain space, friendlier to
///   search than U+00A0), a few typographic ones, and any numeric `&#39;` / `&#x27;`. An unknown
///   entity is kept as written.
/// - Raw line breaks and tabs in the HTML source are spaces, as a browser shows them.
/// - A closing tag mangled as `</span}` (seen in real exports) ends at the `}`.
/// - Text with no tag and no entity at all (a Pixelfed note) is plain text already: only its
///   ends are trimmed, its line breaks are kept.
///
/// It is a single pass over the UTF-8 bytes: no regular expression, no XML parser.
public enum HTMLText {
    /// What an HTML fragment says, as text and links.
    public struct Rendering: Sendable, Hashable {
        public var text: String
        /// `href`s of links that are neither mentions nor hashtags, in order, without duplicates.
        public var links: [String]
        /// Hashtags linked in the text, as written, without `#`.
        public var hashtags: [String]

        public init(text: String, links: [String] = [], hashtags: [String] = []) {
            self.text = text
            self.links = links
            self.hashtags = hashtags
        }
    }

    /// The plain text of an HTML fragment.
    public static func plainText(_ html: String) -> String {
        render(html).text
    }

    /// The plain text of an HTML fragment, with its links and linked hashtags.
    public static func render(_ html: String) -> Rendering {
        // Plain text (a Pixelfed note, a bio typed without markup) needs no work.
        if !html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) {
            return Rendering(text: trimmed(html))
        }
        var copy = html
        return copy.withUTF8 { bytes in
            var renderer = Renderer(bytes)
            return renderer.run()
        }
    }

    private static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }),
              let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
        return String(text[first...last])
    }

    @inline(__always)
    fileprivate static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }
}

// MARK: - Renderer

/// One pass over the bytes of a fragment.
private struct Renderer {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var out: [UInt8] = []
    /// A paragraph boundary was crossed; it becomes a blank line before the next text.
    var pendingParagraph = false
    var links: [String] = []
    var hashtags: [String] = []
    /// The `<a>` being read: its href, whether it is a mention or hashtag by its attributes, and
    /// where its text starts in `out` (its first character tells `@user` and `#tag` apart too).
    var openAnchor: (href: String, isEntity: Bool, isHashtag: Bool, textStart: Int)?

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        out.reserveCapacity(bytes.count)
    }

    mutating func run() -> HTMLText.Rendering {
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "<"), readTag() { continue }
            if c == UInt8(ascii: "&") {
                appendScalar(entity())
                continue
            }
            if HTMLText.isSpace(c) {
                appendSpace()
            } else {
                startText()
                out.append(c)
            }
            index += 1
        }
        closeAnchor()
        trimTrailingSpaces(keepingNewlines: false)
        var start = 0
        while start < out.count, HTMLText.isSpace(out[start]) { start += 1 }
        let text = String(decoding: out[start...], as: UTF8.self)
        return HTMLText.Rendering(text: text, links: links, hashtags: hashtags)
    }

    // MARK: Output

    /// Emits the blank line of a paragraph boundary crossed before this text.
    mutating func startText() {
        if pendingParagraph {
            pendingParagraph = false
            if !out.isEmpty { breakLine(blank: true) }
        }
    }

    mutating func appendScalar(_ scalar: Unicode.Scalar) {
        if scalar == " " { return appendSpace() }
        startText()
        UTF8.encode(scalar) { out.append($0) }
    }

    /// Whitespace of the source is a space, and none at the start of a line or between blocks.
    mutating func appendSpace() {
        guard !pendingParagraph, let last = out.last, last != 0x0A else { return }
        out.append(0x20)
    }

    /// Ends the current line (spaces before a line break are noise); `blank` leaves an empty line.
    mutating func breakLine(blank: Bool) {
        trimTrailingSpaces(keepingNewlines: true)
        guard !out.isEmpty else { return }
        var newlines = 0
        var i = out.count - 1
        while i >= 0, out[i] == 0x0A { newlines += 1; i -= 1 }
        let wanted = blank ? 2 : newlines + 1
        while newlines < wanted { out.append(0x0A); newlines += 1 }
    }

    mutating func trimTrailingSpaces(keepingNewlines: Bool) {
        while let last = out.last, last == 0x20 || (!keepingNewlines && last == 0x0A) { out.removeLast() }
    }

    // MARK: Tags

    /// Reads a tag at `index` (on `<`). Returns false when the `<` does not open a tag, so it is text.
    mutating func readTag() -> Bool {
        var i = index + 1
        guard i < bytes.count else { return false }
        if bytes[i] == UInt8(ascii: "!") {
            // Comment or doctype: skip to the end of it.
            index = find(">", from: i).map { $0 + 1 } ?? bytes.count
            return true
        }
        let closing = bytes[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        let nameStart = i
        while i < bytes.count, isNameByte(bytes[i]) { i += 1 }
        guard i > nameStart, isLetter(bytes[nameStart]) else { return false }
        let name = lowercasedName(nameStart, i)

        if closing {
            // `</name>`, tolerating spaces, and a `}` standing for a lost `>`.
            while i < bytes.count, HTMLText.isSpace(bytes[i]) { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: ">") || bytes[i] == UInt8(ascii: "}") { i += 1 }
            index = i
            if bytes[i - 1] == UInt8(ascii: "}") {
                // A mangled `</span}` most often stood for `</span></a>`.
                closeAnchor()
            }
            handleClose(name)
            return true
        }

        var attributes = Attributes()
        i = readAttributes(from: i, into: &attributes, wanted: name == "a")
        index = i
        handleOpen(name, attributes)
        return true
    }

    mutating func handleOpen(_ name: String, _ attributes: Attributes) {
        switch name {
        case "br":
            pendingParagraph = false
            breakLine(blank: false)
        case "a":
            closeAnchor()
            let classes = attributes.classes
            let isHashtag = hasWord(classes, "hashtag") || hasWord(attributes.rel, "tag")
            let isEntity = isHashtag || hasWord(classes, "mention")
            openAnchor = (attributes.href, isEntity, isHashtag, out.count)
        default:
            if Self.blockTags.contains(name) { pendingParagraph = true }
        }
    }

    mutating func handleClose(_ name: String) {
        if name == "a" {
            closeAnchor()
        } else if Self.blockTags.contains(name) {
            pendingParagraph = true
        }
    }

    static let blockTags: Set<String> = [
        "p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    ]

    /// Files the link that just ended as a URL, a hashtag or nothing (a mention).
    mutating func closeAnchor() {
        guard let anchor = openAnchor else { return }
        openAnchor = nil
        let textStart = min(anchor.textStart, out.count)
        let first = textStart < out.count ? out[textStart] : 0
        if anchor.isHashtag || (!anchor.isEntity && first == UInt8(ascii: "#")) {
            var tagStart = textStart
            if tagStart < out.count, out[tagStart] == UInt8(ascii: "#") { tagStart += 1 }
            let tag = String(decoding: out[tagStart...], as: UTF8.self)
            if !tag.isEmpty, !tag.contains(" ") { hashtags.append(tag) }
            return
        }
        guard !anchor.isEntity, first != UInt8(ascii: "@"), !anchor.href.isEmpty,
              !links.contains(anchor.href) else { return }
        links.append(anchor.href)
    }

    // MARK: Attributes

    struct Attributes {
        var href = ""
        var classes = ""
        var rel = ""
    }

    /// Reads attributes up to the end of the tag; keeps `href`, `class` and `rel` when `wanted`.
    /// Returns the index after the tag.
    func readAttributes(from start: Int, into attributes: inout Attributes, wanted: Bool) -> Int {
        var i = start
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: ">") { return i + 1 }
            if HTMLText.isSpace(c) || c == UInt8(ascii: "/") { i += 1; continue }
            let nameStart = i
            while i < bytes.count, !HTMLText.isSpace(bytes[i]), bytes[i] != UInt8(ascii: "="),
                  bytes[i] != UInt8(ascii: ">") { i += 1 }
            let nameEnd = i
            while i < bytes.count, HTMLText.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { continue }
            i += 1
            while i < bytes.count, HTMLText.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            let valueStart: Int
            let valueEnd: Int
            let quote = bytes[i]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                valueStart = i + 1
                var j = valueStart
                while j < bytes.count, bytes[j] != quote { j += 1 }
                valueEnd = j
                i = min(j + 1, bytes.count)
            } else {
                valueStart = i
                while i < bytes.count, !HTMLText.isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
                valueEnd = i
            }
            guard wanted, nameEnd - nameStart <= 5 else { continue }
            switch lowercasedName(nameStart, nameEnd) {
            case "href": attributes.href = decodedValue(valueStart, valueEnd)
            case "class": attributes.classes = decodedValue(valueStart, valueEnd)
            case "rel": attributes.rel = decodedValue(valueStart, valueEnd)
            default: break
            }
        }
        return bytes.count
    }

    /// An attribute value with its entities decoded (`&amp;` in query strings).
    func decodedValue(_ start: Int, _ end: Int) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var sub = Renderer(raw)
        var value: [UInt8] = []
        while sub.index < raw.count {
            if raw[sub.index] == UInt8(ascii: "&") {
                UTF8.encode(sub.entity()) { value.append($0) }
            } else {
                value.append(raw[sub.index])
                sub.index += 1
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    // MARK: Entities

    /// Decodes the entity at `index` (on `&`) and moves past it; an unknown one stays as written.
    mutating func entity() -> Unicode.Scalar {
        let start = index
        index += 1
        var i = start + 1
        while i < bytes.count, i - start <= 10, isNameByte(bytes[i]) || bytes[i] == UInt8(ascii: "#") { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ";"), i > start + 1,
              let scalar = Self.scalar(ofEntity: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<i]))
        else { return "&" }
        index = i + 1
        return scalar
    }

    static func scalar(ofEntity name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        if name.first == UInt8(ascii: "#") {
            var value: UInt32 = 0
            var digits = name.dropFirst()
            var radix: UInt32 = 10
            if let x = digits.first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 8 else { return nil }
            for d in digits {
                guard let digit = hexValue(d), digit < radix else { return nil }
                value = value * radix + digit
            }
            return value == 0 ? nil : Unicode.Scalar(value)
        }
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        case "hellip": return "\u{2026}"
        case "ndash": return "\u{2013}"
        case "mdash": return "\u{2014}"
        case "lsquo": return "\u{2018}"
        case "rsquo": return "\u{2019}"
        case "ldquo": return "\u{201C}"
        case "rdquo": return "\u{201D}"
        case "laquo": return "\u{00AB}"
        case "raquo": return "\u{00BB}"
        default: return nil
        }
    }

    // MARK: Bytes

    func find(_ target: Unicode.Scalar, from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: target) { return i }
            i += 1
        }
        return nil
    }

    /// Tag and attribute names are short ASCII, so this small string is not heap-allocated.
    func lowercasedName(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end].lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    func hasWord(_ list: String, _ word: String) -> Bool {
        list.split(separator: " ").contains { $0.lowercased() == word }
    }

    @inline(__always)
    func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }

    @inline(__always)
    func isNameByte(_ c: UInt8) -> Bool { isLetter(c) || (c >= 48 && c <= 57) || c == UInt8(ascii: "-") }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 48...57: return UInt32(c - 48)
        case 97...102: return UInt32(c - 87)
        case 65...70: return UInt32(c - 55)
        default: return nil
        }
    }
}
