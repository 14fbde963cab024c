import Foundation

/// Tests many posts against one query, as ``Query/matches(_:)`` does, but remembering the
/// Snowball stems of the words already seen: in stemmed mode, stemming every word of every
/// candidate was most of the cost (about 25 µs a post), and a corpus repeats its words.
///
/// ```swift
/// var matcher = QueryMatcher(try Query.parse("influenceur", options: QueryOptions(stemmed: true)))
/// let hits = posts.filter { matcher.matches($0) }
/// ```
public struct QueryMatcher {
    public let query: Query
    private var stems: [String: [String]] = [:]
    /// Bounds the memory a long scan of a varied corpus can take.
    private static let capacity = 500_000

    public init(_ query: Query) {
        self.query = query
    }

    public mutating func matches(_ post: Post) -> Bool {
        guard query.options.stemmed else { return query.matches(post) }
        let tokens = Tokenizer.tokenize(post.text)
        var tokenStems: [[String]] = []
        tokenStems.reserveCapacity(tokens.count)
        for token in tokens {
            // The tokens `MatchDocument.stems(of:)` stems: words and hashtags.
            guard token.kind == .word || token.kind == .hashtag else {
                tokenStems.append([])
                continue
            }
            if let known = stems[token.folded] {
                tokenStems.append(known)
            } else {
                let computed = QueryStemming.stems(of: token.folded)
                if stems.count < Self.capacity { stems[token.folded] = computed }
                tokenStems.append(computed)
            }
        }
        return query.matches(QueryDocument(post: post, tokens: tokens, tokenStems: tokenStems))
    }
}
