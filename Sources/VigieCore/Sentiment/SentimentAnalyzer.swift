import Foundation

/// Sentiment of French and English posts: VADER's lexicons and rules, then a supervised model
/// (``SentimentModel``: multinomial logistic regression over the rules' output and a bag of
/// stemmed, negation-marked tokens, trained on the xlm-t training split, shipped in
/// `models/sentiment-v3.json`) that picks the label. Without a model for the language, the
/// lexicon-only calibrated layer (``SentimentCalibration``) labels it, and `rules` says so.
///
/// Rules, applied to each sentiment word in the order VADER applies them:
/// - **boosters and dampeners** in the three words before it (`very`, `très`, `un peu`),
///   weighed 1, 0.95 and 0.9 by distance;
/// - **capitals**: a word in capitals in a text that is not all capitals is stronger;
/// - **negation** in the three words before it (`not`, `never`, `n't`, `pas`, `jamais`,
///   `aucun`, `ne`/`n'` … `pas`, `plus` after `ne`), and in French a negation right after it
///   (`j'aime pas`): the valence is multiplied by -0.74, once;
/// - **idioms** that replace their words' valence (`yeah right`, `c'est pas terrible`, `pas mal`);
/// - **contrast**: after the first `but`/`mais`, valences weigh 1.5; before it, 0.5;
/// - **emoji** (valence of their English description), **emoticons** (`:)`, `<3`);
/// - **exclamation marks** (up to 4) and repeated question marks push the score further.
/// French elisions are split (`j'adore` → `j'` + `adore`); matching folds case and accents.
///
/// ```swift
/// let models = try SentimentModelFile.load(from: SentimentModelFile.locate(searchingUpFrom: repository)).models
/// let analyzer = try SentimentAnalyzer(lexicons: LexiconDirectory.locate(), models: models)
/// let result = analyzer.analyze("C'est pas terrible, mais j'adore la musique 😍", language: "fr")
/// result.label      // .positive
/// result.evidence   // "pas terrible" -1.6 ×0.5 before 'mais', "adore" ×1.5, "😍"…
/// result.contributions   // the model's features that pushed toward the label, strongest first
/// ```
public struct SentimentAnalyzer: Sendable {
    public static let supportedLanguages = ["en", "fr"]

    public let english: SentimentLexicon
    public let french: SentimentLexicon
    public let emoji: EmojiLexicon
    /// Language → supervised model; it labels the texts of its language.
    public var models: [String: SentimentModel] {
        didSet { extractors = Self.extractors(for: models, english: english, french: french) }
    }
    private var extractors: [String: SentimentFeatureExtractor]
    /// Language → calibration (lexicon features only), for a language without a model; a
    /// language with neither is labelled by VADER's ±0.05 thresholds.
    public var calibrations: [String: SentimentCalibration]

    public init(lexicons: LexiconDirectory, models: [String: SentimentModel] = [:],
                calibrations: [String: SentimentCalibration] = SentimentCalibration.trained) throws {
        english = try SentimentLexicon.english(lexicons: lexicons)
        french = try SentimentLexicon.french(lexicons: lexicons)
        emoji = try EmojiLexicon(lexicons: lexicons, english: english)
        self.models = models
        self.calibrations = calibrations
        extractors = Self.extractors(for: models, english: english, french: french)
    }

    private static func extractors(for models: [String: SentimentModel], english: SentimentLexicon, french: SentimentLexicon)
        -> [String: SentimentFeatureExtractor] {
        models.compactMapValues { model in
            guard model.language == "en" || model.language == "fr" else { return nil }
            return SentimentFeatureExtractor(language: model.language, lexicon: model.language == "fr" ? french : english,
                                             options: model.options)
        }
    }

    /// Analyses `text` in `language` (`en`, `fr`; a regional tag like `fr-CA` counts as `fr`).
    /// With `nil`, the lexicon that recognises more of the text's words is used. Another
    /// language gets emoji and emoticons only, and says so in `rules`.
    public func analyze(_ text: String, language: String?) -> SentimentResult {
        let prepared = SentimentText(text)
        let scored = score(prepared, language: language)
        guard let model = models[scored.language], let extractor = extractors[scored.language] else { return label(scored) }
        let dense = extractor.dense(scored, prepared)
        let (probabilities, contributions) = model.predict(dense: dense, tokens: extractor.tokenFeatures(prepared),
                                                           evidence: scored.evidence)
        return result(scored, probabilities: probabilities, rules: scored.rules, labeller: "model \(SentimentModelFile.fileName) (\(model.language))",
                      contributions: contributions)
    }

    /// The label and score only, as ``analyze(_:language:)`` gives them, without building the
    /// explanation: for dashboards and alerts that count labels over many posts.
    public func classify(_ text: String, language: String?) -> (label: SentimentLabel, score: Double) {
        let prepared = SentimentText(text)
        let scored = score(prepared, language: language)
        guard let model = models[scored.language], let extractor = extractors[scored.language] else {
            let result = label(scored)
            return (result.label, result.score)
        }
        let p = model.probabilities(dense: extractor.dense(scored, prepared), tokens: extractor.tokenFeatures(prepared).map(\.feature))
        return (SentimentModelTrainer.label(p), p[2] - p[0])
    }

    /// The rule-based part only: valences, compound score and the features the calibration reads.
    public func score(_ text: String, language: String?) -> SentimentScore { score(SentimentText(text), language: language) }

    func score(_ text: SentimentText, language: String?) -> SentimentScore {
        let base = language.map { String($0.lowercased().prefix(2)) }
        switch base {
        case "en": return SentimentScorer(lexicon: english, emoji: emoji, wordsOnly: true).score(text)
        case "fr": return SentimentScorer(lexicon: french, emoji: emoji, wordsOnly: true).score(text)
        case nil:
            let inEnglish = SentimentScorer(lexicon: english, emoji: emoji, wordsOnly: true).score(text)
            let inFrench = SentimentScorer(lexicon: french, emoji: emoji, wordsOnly: true).score(text)
            return inFrench.knownWords > inEnglish.knownWords ? inFrench : inEnglish
        case let other?:
            var scored = SentimentScorer(lexicon: english, emoji: emoji, wordsOnly: false).score(text)
            scored.language = other
            scored.rules.insert("language '\(other)' has no lexicon: emoji and emoticons only", at: 0)
            return scored
        }
    }

    /// The label for a rule-based score without the supervised model: the lexicon-only
    /// calibration where the language has one, else VADER's thresholds.
    public func label(_ scored: SentimentScore) -> SentimentResult {
        var rules = scored.rules
        let probabilities: [Double]
        let labeller: String
        if let calibration = calibrations[scored.language], scored.language == "en" || scored.language == "fr" {
            probabilities = calibration.probabilities(scored.features)
            labeller = "lexicon calibration v\(calibration.version) (\(scored.language))"
            rules.append("no sentiment model for '\(scored.language)': lexicon-only calibration")
        } else {
            let index = scored.compound >= 0.05 ? 2 : scored.compound <= -0.05 ? 0 : 1
            probabilities = (0..<3).map { $0 == index ? 1 : 0 }
            labeller = "VADER thresholds"
            rules.append("uncalibrated: VADER thresholds ±0.05 on the compound score")
        }
        return result(scored, probabilities: probabilities, rules: rules, labeller: labeller, contributions: [])
    }

    private func result(_ scored: SentimentScore, probabilities: [Double], rules: [String], labeller: String,
                        contributions: [SentimentContribution]) -> SentimentResult {
        var best = 0
        for index in 1..<3 where probabilities[index] > probabilities[best] { best = index }
        var byLabel: [SentimentLabel: Double] = [:]
        for label in SentimentLabel.allCases { byLabel[label] = probabilities[label.classIndex] }
        let label = SentimentLabel(classIndex: best) ?? .neutral
        // Uncalibrated, the score is the compound itself; otherwise P(positive) − P(negative).
        let score = labeller == "VADER thresholds" ? scored.compound : probabilities[2] - probabilities[0]
        return SentimentResult(label: label, score: score, compound: scored.compound, probabilities: byLabel,
                               language: scored.language, labeller: labeller, evidence: scored.evidence, rules: rules,
                               contributions: contributions)
    }
}

/// The rule-based score of one text.
public struct SentimentScore: Sendable, Hashable {
    public var language: String
    /// VADER's compound: the sum of valences (plus punctuation emphasis) normalised to -1…1.
    public var compound: Double
    public var positive: Double
    public var negative: Double
    public var evidence: [SentimentEvidence]
    public var rules: [String]
    /// How many of the text's words are in the lexicon (used to choose a lexicon when the
    /// language is unknown).
    public var knownWords: Int
    /// The calibration's input, in ``SentimentScore/featureNames`` order.
    public var features: [Double]

    /// Sums are capped at 8 and counts at 4, so that a text unlike the training tweets (ten
    /// emoji) cannot push a weight far beyond what training saw.
    public static let featureNames = [
        "compound", "positive sum", "negative sum", "exclamations", "questions", "negations",
        "log words", "contrast", "no evidence",
    ]
}

/// Applies one lexicon's rules to a text.
struct SentimentScorer {
    let lexicon: SentimentLexicon
    let emoji: EmojiLexicon
    /// false: only emoji and emoticons count (a language without a lexicon).
    let wordsOnly: Bool

    private struct Item {
        var token: Token
        var folded: String
    }

    func score(_ prepared: SentimentText) -> SentimentScore {
        let text = prepared.text
        let tokens = prepared.tokens
        var items: [Item] = []
        items.reserveCapacity(tokens.count)
        var emojiEvidence: [SentimentEvidence] = []
        for token in tokens {
            switch token.kind {
            case .word, .elision, .hashtag:
                items.append(Item(token: token, folded: token.folded))
            case .emoji:
                if let entry = emoji.entry(for: token.text), entry.valence != 0 {
                    emojiEvidence.append(SentimentEvidence(kind: .emoji, text: token.text, lexiconValence: entry.valence,
                                                           valence: entry.valence, rules: ["'\(entry.description)'"]))
                }
            case .mention, .url:
                continue
            }
        }
        var evidence: [(position: Int, item: SentimentEvidence)] = []
        var knownWords = 0
        var negations = 0
        if wordsOnly {
            let capsDifferential = Self.isCapsDifferential(items)
            var consumed = Set<Int>()
            var index = 0
            while index < items.count {
                if let idiom = idiom(at: index, in: items) {
                    let words = items[index..<index + idiom.length].map(\.token.text).joined(separator: " ")
                        .replacingOccurrences(of: "' ", with: "'").replacingOccurrences(of: "\u{2019} ", with: "\u{2019}")
                    evidence.append((index, SentimentEvidence(kind: .idiom, text: words, lexiconValence: idiom.valence,
                                                              valence: idiom.valence, rules: ["idiom"])))
                    for position in index..<index + idiom.length { consumed.insert(position) }
                    knownWords += idiom.length
                    index += idiom.length
                    continue
                }
                if let found = valence(at: index, in: items, consumed: consumed, capsDifferential: capsDifferential) {
                    knownWords += 1
                    if found.rules.contains(where: { $0.hasPrefix("negated") }) { negations += 1 }
                    evidence.append((index, found))
                } else if lexicon.words[items[index].folded] != nil {
                    knownWords += 1
                }
                index += 1
            }
        }
        var rules: [String] = []
        // Contrast: the part after the first "but"/"mais" weighs more than the part before.
        var hasContrast = false
        if let contrast = items.firstIndex(where: { lexicon.contrasts.contains($0.folded) }),
           evidence.contains(where: { $0.position > contrast }) {
            hasContrast = true
            rules.append("contrast '\(items[contrast].token.text)': before ×0.5, after ×1.5")
            for index in evidence.indices {
                let factor = evidence[index].position < contrast ? 0.5 : 1.5
                evidence[index].item.valence *= factor
                evidence[index].item.rules.append(evidence[index].position < contrast
                    ? "before '\(items[contrast].token.text)' ×0.5" : "after '\(items[contrast].token.text)' ×1.5")
            }
        }
        var all = evidence.map(\.item)
        all += emojiEvidence
        let emoticons = emoticonEvidence(text)
        all += emoticons
        var sum = all.reduce(0) { $0 + $1.valence }
        let exclamations = min(4, text.utf8.reduce(0) { $1 == 0x21 ? $0 + 1 : $0 })
        let questions = text.utf8.reduce(0) { $1 == 0x3F ? $0 + 1 : $0 }
        if sum != 0 {
            var emphasis = Double(exclamations) * 0.292
            if questions > 1 { emphasis += questions <= 3 ? Double(questions) * 0.18 : 0.96 }
            if emphasis > 0 {
                rules.append(String(format: "punctuation emphasis %+.2f (%d '!', %d '?')", sum > 0 ? emphasis : -emphasis,
                                    exclamations, questions))
                sum += sum > 0 ? emphasis : -emphasis
            }
        }
        let compound = sum == 0 ? 0 : max(-1, min(1, sum / (sum * sum + 15).squareRoot()))
        let positive = all.filter { $0.valence > 0 }
        let negative = all.filter { $0.valence < 0 }
        let features: [Double] = [
            compound,
            min(8, positive.reduce(0) { $0 + $1.valence }),
            min(8, -negative.reduce(0) { $0 + $1.valence }),
            Double(exclamations),
            questions > 0 ? 1 : 0,
            Double(min(4, negations)),
            log(1 + Double(min(60, items.count))),
            hasContrast ? 1 : 0,
            all.isEmpty ? 1 : 0,
        ]
        return SentimentScore(language: lexicon.language, compound: compound,
                              positive: positive.reduce(0) { $0 + $1.valence },
                              negative: negative.reduce(0) { $0 + $1.valence },
                              evidence: all, rules: rules, knownWords: knownWords, features: features)
    }

    // MARK: Words

    private func valence(at index: Int, in items: [Item], consumed: Set<Int>, capsDifferential: Bool) -> SentimentEvidence? {
        let item = items[index]
        let folded = item.folded
        // A booster before a sentiment word modifies it rather than counting itself.
        if lexicon.boosters[folded] != nil, index + 1 < items.count, lexicon.words[items[index + 1].folded] != nil {
            return nil
        }
        // "no" before a sentiment word negates it rather than counting itself.
        if folded == "no", index + 1 < items.count, lexicon.words[items[index + 1].folded] != nil { return nil }
        if isNegation(at: index, in: items) { return nil }
        guard let lexiconValence = lexicon.words[folded] else { return nil }
        var valence = lexiconValence
        var rules: [String] = []
        if capsDifferential, Self.isCapitals(item.token.text) {
            valence += valence > 0 ? lexicon.capitalsIncrement : -lexicon.capitalsIncrement
            rules.append("capitals")
        }
        // Boosters and dampeners in the three words before.
        for distance in 1...3 where index - distance >= 0 {
            let before = items[index - distance]
            guard !consumed.contains(index - distance), lexicon.words[before.folded] == nil || lexicon.boosters[before.folded] != nil,
                  var scalar = lexicon.boosters[before.folded] else { continue }
            if valence < 0 { scalar = -scalar }
            if capsDifferential, Self.isCapitals(before.token.text) {
                scalar += valence > 0 ? lexicon.capitalsIncrement : -lexicon.capitalsIncrement
            }
            scalar *= distance == 1 ? 1 : distance == 2 ? 0.95 : 0.9
            valence += scalar
            rules.append(String(format: "%@ by '%@' %+.2f", scalar * valence >= 0 ? "boosted" : "dampened", before.token.text, scalar))
        }
        // Negation: once, whatever the number of negation words.
        if !lexicon.notNegated.contains(folded), let negator = negator(for: index, in: items, consumed: consumed) {
            valence *= lexicon.negationScalar
            rules.append("negated by '\(negator)' ×\(lexicon.negationScalar)")
        }
        return SentimentEvidence(kind: .word, text: item.token.text, lexiconValence: lexiconValence, valence: valence, rules: rules)
    }

    /// Whether the word at `index` is itself a negation word (and carries no valence of its own).
    private func isNegation(at index: Int, in items: [Item]) -> Bool {
        let folded = items[index].folded
        if lexicon.language == "fr" {
            if folded == "plus" { return followsNe(index, in: items) }
            return lexicon.negations.contains(folded) || SentimentRules.frenchTrailingNegations.contains(folded) && folded != "plus"
        }
        return lexicon.negations.contains(folded) || folded.hasSuffix("n't")
    }

    /// The negation word that negates the word at `index`, if any.
    private func negator(for index: Int, in items: [Item], consumed: Set<Int>) -> String? {
        for distance in 1...3 where index - distance >= 0 {
            let position = index - distance
            if consumed.contains(position) { continue }
            let before = items[position].folded
            if lexicon.language == "fr" {
                if before == "plus" {
                    if followsNe(position, in: items) { return items[position].token.text }
                    continue
                }
                if lexicon.negations.contains(before) { return items[position].token.text }
            } else {
                if lexicon.negations.contains(before) || before.hasSuffix("n't") || (before == "no" && distance <= 2) {
                    return items[position].token.text
                }
            }
        }
        // French without "ne": "j'aime pas", "ça marche plus".
        if lexicon.language == "fr", index + 1 < items.count, !consumed.contains(index + 1),
           SentimentRules.frenchTrailingNegations.contains(items[index + 1].folded) {
            return items[index + 1].token.text
        }
        return nil
    }

    private func followsNe(_ index: Int, in items: [Item]) -> Bool {
        for distance in 1...3 where index - distance >= 0 {
            let before = items[index - distance].folded
            if before == "ne" || before == "n'" { return true }
        }
        return false
    }

    private func idiom(at index: Int, in items: [Item]) -> (length: Int, valence: Double)? {
        guard lexicon.idiomFirstWords.contains(items[index].folded) else { return nil }
        for length in [3, 2] where index + length <= items.count {
            let phrase = items[index..<index + length].map(\.folded).joined(separator: " ")
                .replacingOccurrences(of: "' ", with: "'")
            if let valence = lexicon.idioms[phrase] { return (length, valence) }
        }
        return nil
    }

    // MARK: Emoticons

    private func emoticonEvidence(_ text: String) -> [SentimentEvidence] {
        guard !lexicon.emoticons.isEmpty || !wordsOnly else { return [] }
        var found: [SentimentEvidence] = []
        for chunk in text.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            // An ASCII scalar is alphabetic exactly when it is a Latin letter.
            guard chunk.count >= 2, chunk.count <= 8, chunk.contains(where: { $0.isASCII && !Self.isASCIILetter($0) && !("0"..."9").contains($0) })
            else { continue }
            var candidate = String(String.UnicodeScalarView(chunk))
            var valence = lexicon.emoticons[candidate]
            if valence == nil, let last = candidate.last, ",.;".contains(last) {
                candidate.removeLast()
                valence = lexicon.emoticons[candidate]
            }
            if let valence {
                found.append(SentimentEvidence(kind: .emoticon, text: candidate, lexiconValence: valence, valence: valence, rules: []))
            }
        }
        return found
    }

    // MARK: Capitals

    private static func isCapitals(_ text: String) -> Bool {
        var letters = 0
        for scalar in text.unicodeScalars {
            // ASCII: only a-z are lowercase and A-Z uppercase; the Unicode properties otherwise.
            if scalar.isASCII {
                if scalar.value >= 0x61 && scalar.value <= 0x7A { return false }
                if scalar.value >= 0x41 && scalar.value <= 0x5A { letters += 1 }
                continue
            }
            if scalar.properties.isLowercase { return false }
            if scalar.properties.isUppercase { letters += 1 }
        }
        return letters >= 2
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
    }

    /// Some but not all words are in capitals (VADER's `allcap_differential`).
    private static func isCapsDifferential(_ items: [Item]) -> Bool {
        let words = items.filter { $0.token.kind == .word }
        let capitals = words.filter { isCapitals($0.token.text) }.count
        return capitals > 0 && capitals < words.count
    }
}
