import Foundation

/// One language's sentiment lexicon and rule words, as read from the VADER packages that
/// `scripts/fetch-lexicons` downloads (`vaderSentiment` for English, `vaderSentiment-fr` for
/// French), plus the few rules Vigie adds for French (see ``SentimentRules``).
public struct SentimentLexicon: Sendable {
    public var language: String
    /// Folded word → valence (-4…4).
    public var words: [String: Double]
    /// Emoticons as written (`:)`, `:-(`, `<3`) → valence.
    public var emoticons: [String: Double]
    /// Folded negation words (`not`, `never`, `pas`, `jamais`…); contractions ending in `n't` also negate.
    public var negations: Set<String>
    /// Folded booster (+) and dampener (−) words → the amount they add to a sentiment word's valence.
    public var boosters: [String: Double]
    /// Folded multi-word phrases whose valence replaces their words' (`yeah right`, `pas terrible`).
    public var idioms: [String: Double] {
        didSet { idiomFirstWords = Self.firstWords(of: idioms) }
    }
    /// The first word of each idiom (an elided first word like `n'` included), to look idioms up
    /// only where one can start.
    public private(set) var idiomFirstWords: Set<String> = []

    private static func firstWords(of idioms: [String: Double]) -> Set<String> {
        Set(idioms.keys.map { key -> String in
            let first = key.split(separator: " ").first.map(String.init) ?? key
            if let apostrophe = first.firstIndex(of: "'") { return String(first[...apostrophe]) }
            return first
        })
    }
    /// Folded words that a negation does not flip (vaderSentiment-fr's `no_negate.txt`).
    public var notNegated: Set<String>
    /// Words after which the rest of the sentence weighs more (`but`, `mais`).
    public var contrasts: Set<String>
    public var boosterIncrement: Double
    public var capitalsIncrement: Double
    public var negationScalar: Double

    /// English: `vader_lexicon.txt` (tab-separated: token, mean valence, …) and `rules.json`.
    public static func english(lexicons: LexiconDirectory) throws -> SentimentLexicon {
        let rules = try RuleFile(lexicons: lexicons, file: LexiconDirectory.File.englishRules)
        var lexicon = SentimentLexicon(language: "en", rules: rules)
        let file = LexiconDirectory.File.englishLexicon
        try forEachLine(of: lexicons.text(file), file: file) { line, number in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, let valence = Double(fields[1]) else {
                throw LexiconError.malformed(file: file, line: number, reason: "expected 'token<TAB>valence<TAB>…'")
            }
            lexicon.add(String(fields[0]), valence)
        }
        lexicon.contrasts = ["but"]
        for (idiom, valence) in SentimentRules.englishIdioms { lexicon.idioms[TextFolding.fold(idiom)] = valence }
        return lexicon
    }

    /// French: `fr_lexicon.txt` (`word->valence`), `no_negate.txt` and `rules.json`.
    public static func french(lexicons: LexiconDirectory) throws -> SentimentLexicon {
        let rules = try RuleFile(lexicons: lexicons, file: LexiconDirectory.File.frenchRules)
        var lexicon = SentimentLexicon(language: "fr", rules: rules)
        // vaderSentiment-fr keeps VADER's English idioms; they do not occur in French text.
        lexicon.idioms = [:]
        let file = LexiconDirectory.File.frenchLexicon
        try forEachLine(of: lexicons.text(file), file: file) { line, number in
            guard let arrow = line.range(of: "->"), let valence = Double(line[arrow.upperBound...].trimmingCharacters(in: .whitespaces)) else {
                throw LexiconError.malformed(file: file, line: number, reason: "expected 'word->valence'")
            }
            lexicon.add(String(line[..<arrow.lowerBound]), valence)
        }
        let noNegate = LexiconDirectory.File.frenchNoNegate
        try forEachLine(of: lexicons.text(noNegate), file: noNegate) { line, _ in
            lexicon.notNegated.insert(TextFolding.fold(line.trimmingCharacters(in: .whitespaces)))
        }
        for word in SentimentRules.frenchNegations { lexicon.negations.insert(word) }
        for (idiom, valence) in SentimentRules.frenchIdioms { lexicon.idioms[TextFolding.fold(idiom)] = valence }
        lexicon.contrasts = ["mais"]
        return lexicon
    }

    private init(language: String, rules: RuleFile) {
        self.language = language
        words = [:]
        emoticons = [:]
        negations = Set(rules.negate.map(TextFolding.fold))
        boosters = Dictionary(rules.boosters.map { (TextFolding.fold($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        idioms = Dictionary(rules.specialCases.map { (TextFolding.fold($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        idiomFirstWords = Self.firstWords(of: idioms)
        notNegated = []
        contrasts = []
        boosterIncrement = rules.constants["B_INCR"] ?? 0.293
        capitalsIncrement = rules.constants["C_INCR"] ?? 0.733
        negationScalar = rules.constants["N_SCALAR"] ?? -0.74
    }

    private mutating func add(_ token: String, _ valence: Double) {
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        // An entry with a symbol in it (`:)`, `<3`, `:-D`) is an emoticon, matched as written.
        if trimmed.unicodeScalars.contains(where: { !$0.properties.isAlphabetic && $0 != "'" && $0 != "-" && $0 != " " }) {
            emoticons[trimmed] = valence
        } else {
            let folded = TextFolding.fold(trimmed)
            if words[folded] == nil { words[folded] = valence }
        }
    }

    private static func forEachLine(of text: String, file: String, _ body: (Substring, Int) throws -> Void) throws {
        var number = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            if content.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            try body(content, number)
        }
    }
}

/// The emoji lexicon: each emoji's valence, computed from its English description in
/// `emoji_utf8_lexicon.txt` with the English word lexicon, as VADER does when it replaces an
/// emoji with its description (`😂` → "face with tears of joy").
public struct EmojiLexicon: Sendable {
    public struct Entry: Sendable, Hashable {
        public var description: String
        public var valence: Double
    }

    public var entries: [String: Entry]

    public init(lexicons: LexiconDirectory, english: SentimentLexicon) throws {
        let file = LexiconDirectory.File.englishEmoji
        var entries: [String: Entry] = [:]
        for (index, line) in try lexicons.text(file).split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count >= 2 else {
                throw LexiconError.malformed(file: file, line: index + 1, reason: "expected 'emoji<TAB>description'")
            }
            let description = String(fields[1])
            var valence = 0.0
            var negated = false
            for word in description.split(separator: " ") {
                let folded = TextFolding.fold(String(word))
                if english.negations.contains(folded) { negated = true; continue }
                if let value = english.words[folded] {
                    valence += negated ? value * english.negationScalar : value
                    negated = false
                }
            }
            entries[Self.key(String(fields[0]))] = Entry(description: description, valence: max(-4, min(4, valence)))
        }
        self.entries = entries
    }

    /// The emoji without variation selectors and skin-tone modifiers, so `👍🏽` finds `👍`.
    public static func key(_ emoji: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in emoji.unicodeScalars {
            switch scalar.value {
            case 0xFE0E, 0xFE0F, 0x1F3FB...0x1F3FF: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    public func entry(for emoji: String) -> Entry? {
        entries[Self.key(emoji)] ?? entries[emoji]
    }
}

/// `rules.json`, written by `scripts/fetch-lexicons` from a VADER module's constants.
private struct RuleFile: Decodable {
    var negate: [String]
    var boosters: [String: Double]
    var specialCases: [String: Double]
    var constants: [String: Double]

    enum CodingKeys: String, CodingKey {
        case negate = "NEGATE"
        case boosters = "BOOSTER_DICT"
        case specialCases = "SPECIAL_CASES"
        case constants
    }

    init(lexicons: LexiconDirectory, file: String) throws {
        let url = try lexicons.path(file)
        do {
            self = try JSONDecoder().decode(RuleFile.self, from: Data(contentsOf: url))
        } catch {
            throw LexiconError.malformed(file: url.path, line: 1, reason: "not a rules file (\(error))")
        }
    }
}
