import Foundation

/// Decides which folded words are too common to be terms of their own.
///
/// The text feature's per-language stop-word lists plug in here; until then
/// ``BasicStopWords`` gives a short French and English list.
public protocol StopWordFilter: Sendable {
    /// Whether `folded` (``TextFolding`` form) is a stop word in `language` (`fr`, `en`; `nil`
    /// when unknown: a filter should then try every language it knows).
    func isStopWord(_ folded: String, language: String?) -> Bool
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
        func add(_ kind: TrendItemKind, _ key: String) {
            guard kinds.contains(kind), !key.isEmpty else { return }
            let item = Item(kind, key)
            if seen.insert(item).inserted { out.append(item) }
        }
        let tokens = Tokenizer.tokenize(text)
        var addressed = Set<String>()
        if isReply {
            for token in tokens {
                guard token.kind == .mention else { break }
                addressed.insert(token.folded)
            }
        }
        for tag in hashtags { add(.hashtag, TextFolding.fold(tag)) }
        for handle in mentions where !addressed.contains(TextFolding.fold(handle)) { add(.mention, TextFolding.fold(handle)) }
        var links = urls
        var words: [String] = []
        var window: [String] = []
        func flushPhrase() { window.removeAll(keepingCapacity: true) }
        for token in tokens {
            switch token.kind {
            case .hashtag:
                add(.hashtag, token.folded)
                flushPhrase()
            case .mention:
                if !addressed.contains(token.folded) { add(.mention, token.folded) }
                flushPhrase()
            case .url:
                if urls.isEmpty { links.append(token.text) }
                flushPhrase()
            case .emoji:
                flushPhrase()
            case .elision:
                continue
            case .word:
                let word = token.folded
                words.append(word)
                guard kinds.contains(.phrase) else { continue }
                window.append(word)
                if window.count > 3 { window.removeFirst() }
                if window.count == 3 {
                    let content = window.filter { isContentWord($0, language) }.count
                    if content >= 2 { add(.phrase, window.joined(separator: " ")) }
                }
            }
        }
        if kinds.contains(.term) {
            for word in words where isContentWord(word, language) {
                add(.term, word)
            }
        }
        if kinds.contains(.link) || kinds.contains(.domain) {
            for link in links {
                guard let normalized = CoordinationText.normalizedURL(link) else { continue }
                add(.link, normalized)
                let host = normalized.prefix { $0 != "/" && $0 != "?" }
                add(.domain, String(host))
            }
        }
        return out
    }

    /// A word long enough, not a number and not a stop word.
    private func isContentWord(_ word: String, _ language: String?) -> Bool {
        word.count >= minimumTermLength && !isNumber(word) && !stopWords.isStopWord(word, language: language)
    }

    private func isNumber(_ word: String) -> Bool { word.allSatisfy(\.isNumber) }
}
