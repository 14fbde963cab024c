import Foundation

/// How post text and links are normalised before two posts are said to share them.
public enum CoordinationText {
    /// Texts with fewer words than this take part in neither co-text nor co-similar: "merci !",
    /// "so true", "+1" coincide by chance between strangers all day long. Five is also the
    /// coordination-network-toolkit's default minimum document size for its similarity network.
    public static let minimumWords = 5

    /// Query parameters that only track where a click came from; dropped from links.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid"]

    /// The text as co-text compares it: folded (``TextFolding``), links and mentions removed, a
    /// leading `RT @x:` removed, punctuation dropped, words separated by one space; `nil` when
    /// fewer than ``minimumWords`` words remain.
    ///
    /// Mentions go, as in the coordination-network-toolkit, because campaigns address the same
    /// message to different people; links go because shorteners and tracking make them differ
    /// between copies (co-link compares them separately).
    public static func normalizedText(_ text: String) -> String? {
        let words = comparableTokens(text)
        guard words.wordCount >= minimumWords else { return nil }
        return words.tokens.joined(separator: " ")
    }

    /// The coordination-network-toolkit's co-tweet key (its `message_preprocessor`): lowercased,
    /// each `@` and what follows it up to whitespace removed, whitespace runs made one space.
    public static func toolkitText(_ text: String) -> String {
        if let ascii = asciiToolkitText(text) { return ascii }
        var words: [Substring] = []
        let lowered = text.lowercased()
        var wordStart: String.Index?
        var inMention = false
        var index = lowered.startIndex
        while index < lowered.endIndex {
            let character = lowered[index]
            if character.isWhitespace {
                if let start = wordStart { words.append(lowered[start..<index]) }
                wordStart = nil
                inMention = false
            } else if character == "@" {
                if let start = wordStart { words.append(lowered[start..<index]) }
                wordStart = nil
                inMention = true
            } else if !inMention, wordStart == nil {
                wordStart = index
            }
            index = lowered.index(after: index)
        }
        if let start = wordStart { words.append(lowered[start...]) }
        return words.joined(separator: " ")
    }

    /// ``toolkitText(_:)`` on bytes, for ASCII text (most posts): the same result without
    /// going through Characters. `nil` when the text has a non-ASCII byte.
    static func asciiToolkitText(_ text: String) -> String? {
        var text = text
        var out: [UInt8] = []
        let ascii = text.withUTF8 { asciiToolkitText($0, into: &out) }
        return ascii ? String(decoding: out, as: UTF8.self) : nil
    }

    /// ``toolkitText(_:)`` of ASCII bytes, written to `out` (emptied first); false, with `out`
    /// unspecified, when a byte is not ASCII or is one of the separators 0x1C–0x1F (the
    /// `String` path then decides).
    public static func asciiToolkitText(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var inMention = false
        var pendingSpace = false
        for byte in bytes {
            guard byte < 0x80 else { return false }
            // Python's str.split() whitespace in ASCII: \t \n \v \f \r, 0x1C-0x1F and space;
            // Character.isWhitespace differs on 0x1C-0x1F, which the Unicode path keeps.
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                inMention = false
                pendingSpace = !out.isEmpty
            } else if (0x1C...0x1F).contains(byte) {
                return false
            } else if byte == UInt8(ascii: "@") {
                inMention = true
            } else if !inMention {
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
            }
        }
        return true
    }

    /// ``toolkitText(_:)`` of UTF-8 text, one Unicode scalar at a time (no `Character`s, no
    /// whole-text `lowercased()`): scalars lowercased by their own mapping, whitespace by the
    /// Unicode property, as the `String` path does for ordinary text. False, with `out`
    /// unspecified, where grapheme clusters could make the two differ (a mark or joiner right
    /// after whitespace or `@`, a prepended scalar, the ASCII separators 0x1C–0x1F): the
    /// `String` path then decides.
    public static func unicodeToolkitText(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var inMention = false
        var pendingSpace = false
        var afterBoundary = false
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            let whitespace: Bool
            if value < 0x80 {
                if (0x1C...0x1F).contains(value) { return false }
                whitespace = value == 0x20 || (0x09...0x0D).contains(value)
            } else {
                let properties = scalar.properties
                switch properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark:
                    if afterBoundary { return false }
                default:
                    if afterBoundary, value == 0x200D || (0x1F3FB...0x1F3FF).contains(value) || (0xE0020...0xE007F).contains(value) {
                        return false
                    }
                }
                if (0x0600...0x08FF).contains(value) || (0x11000...0x11FFF).contains(value) { return false }
                whitespace = properties.isWhitespace
            }
            afterBoundary = whitespace || value == 0x40
            if whitespace {
                inMention = false
                pendingSpace = !out.isEmpty
            } else if value == 0x40 {
                inMention = true
            } else if !inMention {
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                if value < 0x80 {
                    out.append((0x41...0x5A).contains(value) ? UInt8(value + 0x20) : UInt8(value))
                } else if scalar.properties.changesWhenLowercased {
                    out.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                } else {
                    UTF8.encode(scalar) { out.append($0) }
                }
            }
        }
        return true
    }

    /// Folded tokens kept for comparison, and how many of them are words.
    static func comparableTokens(_ text: String) -> (tokens: [String], wordCount: Int) {
        let tokens = Tokenizer.tokenize(text)
        var kept: [String] = []
        kept.reserveCapacity(tokens.count)
        var wordCount = 0
        var start = 0
        // A retweet prefix: `RT @handle:` (the colon is punctuation, so not a token).
        if tokens.count >= 2, tokens[0].kind == .word, tokens[0].folded == "rt", tokens[1].kind == .mention {
            start = 2
        }
        for token in tokens[start...] {
            switch token.kind {
            case .url, .mention:
                continue
            case .word:
                wordCount += 1
                kept.append(token.folded)
            case .elision, .emoji:
                kept.append(token.folded)
            case .hashtag:
                kept.append("#" + token.folded)
            }
        }
        return (kept, wordCount)
    }

    /// A link as co-link compares it: scheme dropped (`http` and `https` name the same page for
    /// this purpose), host lowercased without `www.`, fragment dropped, tracking parameters
    /// (`utm_*`, `fbclid`, `gclid`…) dropped, trailing slashes dropped. Path and remaining query
    /// keep their case: servers may treat it as significant. `nil` for an empty link.
    public static func normalizedURL(_ raw: String) -> String? {
        asciiNormalizedURL(raw) ?? generalNormalizedURL(raw)
    }

    /// The normalisation for any text, through Foundation (trimming, substring search);
    /// ``asciiNormalizedURL(_:)`` gives the same result faster for plain ASCII links.
    static func generalNormalizedURL(_ raw: String) -> String? {
        var rest = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var host = rest[..<slash].lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var path = rest[slash...]
        while path.hasSuffix("/") { path = path.dropLast() }
        guard !host.isEmpty else { return nil }
        let kept = query.split(separator: "&").filter { parameter in
            let name = (parameter.split(separator: "=", maxSplits: 1).first ?? "").lowercased()
            return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
        }
        var result = host + path
        if !kept.isEmpty { result += "?" + kept.joined(separator: "&") }
        return result
    }

    /// The co-hashtag key: the post's distinct folded hashtags, sorted, space-separated; `nil`
    /// without hashtags. The whole set is one key so that a shared common tag (`#news`) alone
    /// does not tie accounts, while the same unusual combination does.
    public static func hashtagSetKey(_ hashtags: [String]) -> String? {
        let folded = Set(hashtags.lazy.map { TextFolding.fold($0) }.filter { !$0.isEmpty })
        guard !folded.isEmpty else { return nil }
        return folded.sorted().joined(separator: " ")
    }
}

/// Word 3-shingles and their MinHash signature, for near-identical text.
///
/// A shingle is three consecutive comparable tokens (``CoordinationText/comparableTokens(_:)``),
/// hashed to 32 bits; a post keeps its sorted distinct shingle hashes, which give the exact
/// Jaccard similarity of two posts by a merge. The signature applies ``hashCount`` seeded hash
/// functions and keeps each minimum; ``bands`` bands of ``rows`` rows are hashed into bucket
/// keys, so two posts with Jaccard similarity `s` share at least one bucket with probability
/// `1 - (1 - s^4)^16`: 0.99 at s = 0.7, 0.64 at s = 0.5, 0.06 at s = 0.2.
public enum MinHash {
    public static let hashCount = 64
    public static let bands = 16
    public static let rows = 4

    /// Sorted distinct 32-bit hashes of the word 3-shingles of `tokens` (one shingle for two
    /// tokens, none for fewer).
    static func shingles(_ tokens: [String]) -> [UInt32] {
        guard tokens.count >= 2 else { return [] }
        let tokenHashes = tokens.map(fnv1a)
        var result: [UInt32] = []
        if tokenHashes.count == 2 {
            result.append(UInt32(truncatingIfNeeded: mix(tokenHashes[0] &* 31 ^ tokenHashes[1])))
        } else {
            result.reserveCapacity(tokenHashes.count - 2)
            for index in 0..<(tokenHashes.count - 2) {
                let combined = (tokenHashes[index] &* 0x9E37_79B9_7F4A_7C15 ^ tokenHashes[index + 1]) &* 0xBF58_476D_1CE4_E5B9
                    ^ tokenHashes[index + 2]
                result.append(UInt32(truncatingIfNeeded: mix(combined)))
            }
        }
        result.sortAndRemoveDuplicates()
        return result
    }

    /// Band keys of the MinHash signature of `shingles`, appended to `bandKeys`.
    static func appendBandKeys(of shingles: ArraySlice<UInt32>, to bandKeys: inout [UInt32]) {
        for band in 0..<bands {
            var key: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(band)
            for row in 0..<rows {
                let seed = seeds[band * rows + row]
                var minimum = UInt32.max
                for shingle in shingles {
                    let value = UInt32(truncatingIfNeeded: mix(UInt64(shingle) ^ seed))
                    if value < minimum { minimum = value }
                }
                key = (key ^ UInt64(minimum)) &* 0x100_0000_01B3
            }
            bandKeys.append(UInt32(truncatingIfNeeded: mix(key)))
        }
    }

    /// Exact Jaccard similarity of two sorted distinct hash lists.
    static func jaccard(_ first: ArraySlice<UInt32>, _ second: ArraySlice<UInt32>) -> Double {
        guard !first.isEmpty || !second.isEmpty else { return 0 }
        var i = first.startIndex
        var j = second.startIndex
        var shared = 0
        while i < first.endIndex, j < second.endIndex {
            if first[i] == second[j] {
                shared += 1
                i += 1
                j += 1
            } else if first[i] < second[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(shared) / Double(first.count + second.count - shared)
    }

    /// A fixed seed per hash function: signatures are reproducible across runs and machines.
    private static let seeds: [UInt64] = (0..<hashCount).map { mix(0x5EED_0000_0000_0000 &+ UInt64($0) &* 0x9E37_79B9_7F4A_7C15) }

    /// SplitMix64's finaliser: a cheap, well-spread 64-bit mix.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}
