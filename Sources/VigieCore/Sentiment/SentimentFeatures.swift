import Foundation

/// What the supervised sentiment model reads of one text: a few dense features taken from the
/// lexicon rules' output (``SentimentScore``) and a bag of sparse, binary token features.
///
/// Token features, each present once per text:
/// - `w:<stem>` — a word or a hashtag's word, folded (case and accents) and stemmed with the
///   language's Snowball stemmer (`écologiques` → `w:ecolog`); numbers become `w:<num>`;
///   French elisions are split off and dropped (`l'écologie` → `w:ecolog`), except `n'`, which negates;
/// - `not:<stem>` — the same word inside a negation's scope: the words after a negation word
///   (`not`, `n't`, `never`, `pas`, `jamais`, `ne`/`n'`, `sans`…) up to the end of the clause
///   (`,` `.` `;` `:` `!` `?`) or ``SentimentFeatureOptions/negationWindow`` words; in French also
///   the word just before a trailing `pas`/`plus`/`jamais` when `ne` was dropped (`j'aime pas`);
/// - `b:<stem>_<stem>` — two adjacent words of the same clause (with ``SentimentFeatureOptions/bigrams``);
/// - `e:<emoji>` — an emoji (skin tones and variation selectors folded); `<mention>`, `<url>`.
///
/// ```swift
/// let extractor = SentimentFeatureExtractor(language: "fr", lexicon: analyzer.french)
/// extractor.tokens("Je n'aime pas l'éolien, c'est moche")
/// // ["w:je", "w:n'", "not:aim", "w:pas", "not:eolien", "w:est", "w:moch"]
/// ```
public struct SentimentFeatureOptions: Sendable, Codable, Hashable {
    /// Stem words with Snowball (else the folded word).
    public var stemming: Bool
    /// Add adjacent word pairs.
    public var bigrams: Bool
    /// How many words after a negation word are marked negated (the clause end stops it earlier).
    public var negationWindow: Int

    public init(stemming: Bool = true, bigrams: Bool = false, negationWindow: Int = 3) {
        self.stemming = stemming
        self.bigrams = bigrams
        self.negationWindow = negationWindow
    }
}

public struct SentimentFeatureExtractor: Sendable {
    /// The dense features, in order: the rule score's own (``SentimentScore/featureNames``), then
    /// counts of the evidence (capped at 4 so that an unusual text cannot push far beyond training).
    public static let denseNames = SentimentScore.featureNames + [
        "positive items", "negative items", "emoji sum", "boosted items", "idioms", "capitals",
        "mentions", "links", "hashtags",
    ]

    public let language: String
    public let options: SentimentFeatureOptions
    private let negations: Set<String>
    private let trailingNegations: Set<String>
    private let stemmer: Stemmer?

    public init(language: String, lexicon: SentimentLexicon, options: SentimentFeatureOptions = SentimentFeatureOptions()) {
        self.language = language
        self.options = options
        var negations = lexicon.negations
        if language == "fr" {
            negations.formUnion(SentimentRules.frenchNegations)
            negations.formUnion(["pas", "jamais", "rien", "sans", "ni", "aucun", "aucune", "personne", "guere"])
            trailingNegations = SentimentRules.frenchTrailingNegations
        } else {
            negations.formUnion(["not", "no", "never", "without", "nothing", "nobody", "none", "nor", "cannot"])
            trailingNegations = []
        }
        self.negations = negations
        stemmer = options.stemming ? Stemmer(language: language == "fr" ? "french" : "english") : nil
    }

    /// The dense features of a rule score.
    public func dense(_ score: SentimentScore, text: String) -> [Double] { dense(score, SentimentText(text)) }

    func dense(_ score: SentimentScore, _ prepared: SentimentText) -> [Double] {
        let text = prepared.text
        var positives = 0, negatives = 0, boosted = 0, idioms = 0, capitals = 0
        var emojiSum = 0.0
        for item in score.evidence {
            if item.valence > 0 { positives += 1 } else if item.valence < 0 { negatives += 1 }
            if item.kind == .emoji || item.kind == .emoticon { emojiSum += item.valence }
            if item.kind == .idiom { idioms += 1 }
            for rule in item.rules {
                if rule.hasPrefix("boosted") || rule.hasPrefix("dampened") { boosted += 1 }
                if rule == "capitals" { capitals += 1 }
            }
        }
        var mentions = 0, links = 0, hashtags = 0
        for token in prepared.tokens {
            switch token.kind {
            case .mention: mentions += 1
            case .url: links += 1
            case .hashtag: hashtags += 1
            default: break
            }
        }
        if links == 0, Self.hasLinkPlaceholder(text) { links = 1 }
        func capped(_ value: Int) -> Double { Double(min(4, value)) }
        return score.features + [
            capped(positives), capped(negatives), max(-4, min(4, emojiSum)), capped(boosted), capped(idioms),
            capped(capitals), capped(mentions), capped(links), capped(hashtags),
        ]
    }

    /// Data sets that anonymise links as a bare `http` word (xlm-t) count it as a link.
    private static func hasLinkPlaceholder(_ text: String) -> Bool {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains { $0 == "http" || $0 == "https" }
    }

    /// The sparse token features (each once, in first-seen order).
    public func tokens(_ text: String) -> [String] { tokenFeatures(text).map(\.feature) }

    /// The sparse token features with the words as written that gave each (first occurrence).
    public func tokenFeatures(_ text: String) -> [(feature: String, surface: String)] { tokenFeatures(SentimentText(text)) }

    func tokenFeatures(_ prepared: SentimentText) -> [(feature: String, surface: String)] {
        var seen = Set<String>()
        var out: [(feature: String, surface: String)] = []
        var surface = ""
        var previousSurface = ""
        func add(_ feature: String) {
            if seen.insert(feature).inserted { out.append((feature, surface)) }
        }
        var negatedLeft = 0
        var previous: String?
        // Whitespace-separated chunks keep links whole and tell where a clause ends.
        for chunk in prepared.chunks() {
            for token in prepared.tokens[chunk.tokens] {
                surface = token.text
                switch token.kind {
                case .mention:
                    add("<mention>")
                    previous = nil
                case .url:
                    add("<url>")
                    previous = nil
                case .emoji:
                    add("e:" + EmojiLexicon.key(token.text))
                case .elision:
                    if token.folded == "n'" {
                        negatedLeft = options.negationWindow
                        add("w:n'")
                    }
                case .word, .hashtag:
                    let folded = token.folded
                    if folded == "http" || folded == "https" {
                        add("<url>")
                        previous = nil
                        continue
                    }
                    let isNegation = negations.contains(folded) || (language == "en" && folded.hasSuffix("n't"))
                    let stem = self.stem(folded)
                    if isNegation {
                        add("w:" + stem)
                        // "j'aime pas": the trailing negation negates the word before it.
                        if trailingNegations.contains(folded), negatedLeft == 0, let previous {
                            surface = previousSurface + " " + token.text
                            add("not:" + previous)
                        }
                        negatedLeft = options.negationWindow
                        previous = nil
                        continue
                    }
                    if negatedLeft > 0 {
                        add("not:" + stem)
                        negatedLeft -= 1
                    } else {
                        add("w:" + stem)
                    }
                    if options.bigrams, let previous {
                        surface = previousSurface + " " + token.text
                        add("b:" + previous + "_" + stem)
                    }
                    previous = stem
                    previousSurface = token.text
                }
            }
            if chunk.endsClause {
                negatedLeft = 0
                previous = nil
            }
        }
        return out
    }

    func stem(_ folded: String) -> String {
        if folded.allSatisfy(\.isNumber) { return "<num>" }
        guard let stemmer, folded.count > 3 else { return folded }
        return stemmer.stem(folded)
    }
}
