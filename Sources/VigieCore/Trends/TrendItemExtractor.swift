import Foundation

/// Decides which folded words are too common to be terms of their own.
///
/// The text feature's per-language stop-word lists plug in here; until then
/// ``BasicStopWords`` gives a short French and English list.
public protocol StopWordFilter: Sendable {
    /// Whether `folded` (``TextFolding`` form) is a stop word in `language` (`fr`, `en`; `nil`
    /// when unknown: a filter should then try every language it knows).
    func isStopWord(_ folded: String, language: String?) -> Bool

    /// Every stop word of `language`, when the filter is a plain set lookup: a caller then
    /// resolves the language once per text instead of once per word. `nil` (the default):
    /// ask ``isStopWord(_:language:)`` for each word.
    func stopWordSet(language: String?) -> Set<String>?
}

extension StopWordFilter {
    public func stopWordSet(language: String?) -> Set<String>? { nil }
}

/// A ``StopWordFilter`` made from a closure, to plug in another component's lists.
public struct ClosureStopWords: StopWordFilter {
    private let body: @Sendable (String, String?) -> Bool
    public init(_ body: @escaping @Sendable (_ folded: String, _ language: String?) -> Bool) { self.body = body }
    public func isStopWord(_ folded: String, language: String?) -> Bool { body(folded, language) }
}

/// The per-language lists (stopwords-iso) filter terms wherever they are loaded.
extension StopWords: StopWordFilter {
    public func isStopWord(_ folded: String, language: String?) -> Bool {
        contains(folded, language: language)
    }

    public func stopWordSet(language: String?) -> Set<String>? { setWithPlatformWords(language: language) }
}

extension BasicStopWords {
    public func stopWordSet(language: String?) -> Set<String>? { Self.words }
}

/// Turns a post into the items weak signals count: each distinct hashtag, mention, link, link
/// domain, term and word 3-gram once per post.
///
/// ```swift
/// let extractor = TrendItemExtractor(kinds: [.hashtag, .term])
/// let items = extractor.items(of: post)   // [(.hashtag, "velotaf"), (.term, "piste"), …]
/// ```
public struct TrendItemExtractor: Sendable {
    public var kinds: Set<TrendItemKind>
    public var stopWords: any StopWordFilter
    /// Terms shorter than this (in characters) are ignored.
    public var minimumTermLength: Int

    public init(kinds: Set<TrendItemKind> = Set(TrendItemKind.allCases), stopWords: any StopWordFilter = BasicStopWords(),
                minimumTermLength: Int = 3) {
        self.kinds = kinds
        self.stopWords = stopWords
        self.minimumTermLength = minimumTermLength
    }

    public struct Item: Sendable, Hashable {
        public var kind: TrendItemKind
        public var key: String
        public init(_ kind: TrendItemKind, _ key: String) {
            self.kind = kind
            self.key = key
        }
    }

    /// The distinct items of a post, in order of first appearance.
    public func items(of post: Post) -> [Item] {
        items(text: post.text, language: post.language, hashtags: post.hashtags,
              mentions: post.mentions.map(\.handle), urls: post.urls, isReply: post.replyToPostID != nil)
    }

    /// The distinct items of a text with the entities its source gave (hashtags without `#`).
    ///
    /// In a reply, the mentions that open the text only say who is answered (`@a @b merci !`):
    /// they are left out, or every busy conversation would look like an emerging account.
    public func items(text: String, language: String?, hashtags: [String] = [], mentions: [String] = [],
                      urls: [String] = [], isReply: Bool = false) -> [Item] {
        var seen = Set<Item>()
        var out: [Item] = []
        forEachItem(text: text, language: language, hashtags: hashtags, mentions: mentions, urls: urls, isReply: isReply) {
            let item = Item($0, $1)
            if seen.insert(item).inserted { out.append(item) }
        }
        return out
    }

    /// Calls `body` with the items of ``items(text:language:hashtags:mentions:urls:isReply:)`` in
    /// the same order, repeats included (callers that intern items drop repeats by id, which is
    /// cheaper than hashing each item twice).
    public func forEachItem(text: String, language: String?, hashtags: [String] = [], mentions: [String] = [],
                            urls: [String] = [], isReply: Bool = false, _ body: (TrendItemKind, String) -> Void) {
        func add(_ kind: TrendItemKind, _ key: String) {
            guard kinds.contains(kind), !key.isEmpty else { return }
            body(kind, key)
        }
        let tokens = Tokenizer.tokenize(text)
        var addressed: Set<String> = []
        if isReply {
            for token in tokens {
                guard token.kind == .mention else { break }
                addressed.insert(token.folded)
            }
        }
        for tag in hashtags { add(.hashtag, TextFolding.fold(tag)) }
        for handle in mentions {
            let folded = TextFolding.fold(handle)
            if addressed.isEmpty || !addressed.contains(folded) { add(.mention, folded) }
        }
        let stopSet = stopWordSet(language)
        let wantsPhrases = kinds.contains(.phrase)
        let wantsTerms = kinds.contains(.term)
        var links: [String] = []
        // Content words: whether each word is one is decided once (terms and phrases both ask).
        var terms: [String] = []
        // The last three words and whether each is a content word.
        var window: [(word: String, content: Bool)] = []
        window.reserveCapacity(3)
        for token in tokens {
            switch token.kind {
            case .hashtag:
                add(.hashtag, token.folded)
                window.removeAll(keepingCapacity: true)
            case .mention:
                if addressed.isEmpty || !addressed.contains(token.folded) { add(.mention, token.folded) }
                window.removeAll(keepingCapacity: true)
            case .url:
                if urls.isEmpty { links.append(token.text) }
                window.removeAll(keepingCapacity: true)
            case .emoji:
                window.removeAll(keepingCapacity: true)
            case .elision:
                continue
            case .word:
                let word = token.folded
                guard wantsPhrases || wantsTerms else { continue }
                let content = isContentWord(word, language, stopSet)
                if content && wantsTerms { terms.append(word) }
                guard wantsPhrases else { continue }
                if window.count == 3 { window.removeFirst() }
                window.append((word, content))
                if window.count == 3, (window[0].content ? 1 : 0) + (window[1].content ? 1 : 0) + (window[2].content ? 1 : 0) >= 2 {
                    add(.phrase, window[0].word + " " + window[1].word + " " + window[2].word)
                }
            }
        }
        for word in terms { add(.term, word) }
        if kinds.contains(.link) || kinds.contains(.domain) {
            for link in urls.isEmpty ? links : urls {
                guard let normalized = CoordinationText.normalizedURL(link) else { continue }
                add(.link, normalized)
                let host = normalized.prefix { $0 != "/" && $0 != "?" }
                add(.domain, String(host))
            }
        }
    }

    /// The filter's set for `language`, resolved once per text.
    private func stopWordSet(_ language: String?) -> Set<String>? { stopWords.stopWordSet(language: language) }

    /// A word long enough, not a number and not a stop word (looked up in `stopSet` when the
    /// filter gave one).
    private func isContentWord(_ word: String, _ language: String?, _ stopSet: Set<String>?) -> Bool {
        let utf8 = word.utf8
        // Characters are never more than bytes: too few bytes is too short.
        if utf8.count < minimumTermLength { return false }
        var ascii = true
        var digits = true
        for byte in utf8 {
            if byte >= 0x80 { ascii = false; break }
            if byte < 0x30 || byte > 0x39 { digits = false }
        }
        if ascii {
            // One character per byte (words hold no CR LF); a number is all ASCII digits.
            if digits { return false }
        } else if word.count < minimumTermLength || word.allSatisfy(\.isNumber) {
            return false
        }
        if let stopSet { return !stopSet.contains(word) }
        return !stopWords.isStopWord(word, language: language)
    }
}
