import Foundation

/// Identifies the language of a post from character n-grams (1 to 3 characters), scored against
/// the language profiles of the `langdetect` package (word-boundary-aware n-gram frequencies
/// from Wikipedia), which `scripts/fetch-lexicons` downloads.
///
/// Unlike `langdetect`, scoring is deterministic: every n-gram of the text counts once, as a
/// naive-Bayes log-likelihood per language. Before scoring, links, mentions, emoji, digits,
/// `RT` and the `http` placeholder are dropped, hashtags keep their word, words in capitals are
/// lowercased, Arabic presentation forms are normalised (NFKC), and in a text mostly in a
/// non-Latin script the Latin words are ignored (an Arabic tweet with `#sudan`).
///
/// The answer is `"und"` (ISO 639-2 "undetermined") when the text has fewer than
/// ``minimumLetters`` letters or the best language's confidence is under ``minimumConfidence``.
///
/// ```swift
/// let identifier = try LanguageIdentifier(lexicons: LexiconDirectory.locate())
/// identifier.identify("Je pense que c'est une très bonne idée")   // ("fr", 0.99…)
/// identifier.identify("ok")                                       // ("und", 0)
/// ```
public struct LanguageIdentifier: Sendable {
    public static let undetermined = "und"
    /// The languages used when none are given: the ones Vigie's users meet most, plus Dutch and
    /// Hindi so that their posts are not forced into German or left to chance.
    public static let defaultLanguages = ["ar", "de", "en", "es", "fr", "hi", "it", "nl", "pt", "ru"]

    /// ISO 639-1 codes (langdetect's names, e.g. `zh-cn`) in the order of the score arrays.
    public let languages: [String]
    public var minimumConfidence: Double
    public var minimumLetters: Int
    /// How many n-grams count as independent evidence when turning scores into a confidence
    /// (n-grams of one word are strongly correlated; without this every answer would be 1.0).
    public var effectiveNGrams: Double

    /// n-gram (packed scalars) → row in `logProbabilities`.
    private let rows: NGramTable
    /// `rows.count × languages.count` log(P(n-gram | language) + smoothing).
    private let logProbabilities: [Float]

    /// Loads the profiles of `languages` (nil: every profile in the folder).
    public init(
        lexicons: LexiconDirectory,
        languages: [String]? = LanguageIdentifier.defaultLanguages,
        minimumConfidence: Double = 0.5,
        minimumLetters: Int = 6,
        effectiveNGrams: Double = 25
    ) throws {
        let folder = try lexicons.path(LexiconDirectory.File.languageProfiles)
        let names: [String]
        if let languages {
            names = languages
        } else {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        }
        var profiles: [LanguageProfile] = []
        for name in names {
            let file = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw LanguageIdentifierError.unknownLanguage(name, available: folder.path)
            }
            profiles.append(try LanguageProfile(contentsOf: file))
        }
        self.init(profiles: profiles, minimumConfidence: minimumConfidence, minimumLetters: minimumLetters,
                  effectiveNGrams: effectiveNGrams)
    }

    init(profiles: [LanguageProfile], minimumConfidence: Double, minimumLetters: Int, effectiveNGrams: Double) {
        languages = profiles.map(\.name)
        self.minimumConfidence = minimumConfidence
        self.minimumLetters = minimumLetters
        self.effectiveNGrams = effectiveNGrams
        // langdetect's smoothing: alpha 0.5 over a base frequency of 10,000.
        let smoothing = 0.5 / 10_000.0
        var rows: [UInt64: Int32] = [:]
        var probabilities: [[Double]] = []
        for (index, profile) in profiles.enumerated() {
            for (gram, count) in profile.frequencies {
                guard let key = NGramKey.pack(gram) else { continue }
                let length = gram.unicodeScalars.count
                guard length <= profile.wordCounts.count, profile.wordCounts[length - 1] > 0 else { continue }
                let row: Int
                if let existing = rows[key] {
                    row = Int(existing)
                } else {
                    row = probabilities.count
                    rows[key] = Int32(row)
                    probabilities.append([Double](repeating: 0, count: profiles.count))
                }
                probabilities[row][index] = Double(count) / Double(profile.wordCounts[length - 1])
            }
        }
        var flat: [Float] = []
        flat.reserveCapacity(probabilities.count * profiles.count)
        for row in probabilities {
            for probability in row { flat.append(Float(log(probability + smoothing))) }
        }
        self.rows = NGramTable(rows)
        logProbabilities = flat
    }

    /// The most likely language and its confidence (0…1), or `("und", confidence)`.
    public func identify(_ text: String) -> (language: String, confidence: Double) {
        let ranking = rank(text)
        guard let best = ranking.candidates.first, ranking.letters >= minimumLetters else {
            return (Self.undetermined, 0)
        }
        if best.probability < minimumConfidence { return (Self.undetermined, best.probability) }
        return (best.language, best.probability)
    }

    /// Every candidate language with its probability, best first, and what was measured: for
    /// explanations (`vigie language TEXT`) and tuning.
    public func rank(_ text: String) -> LanguageRanking {
        var scores = [Double](repeating: 0, count: languages.count)
        let letters = scoreNGrams(of: text, into: &scores)
        guard letters.ngrams > 0 else {
            return LanguageRanking(candidates: [], letters: letters.letters, ngrams: 0)
        }
        // Scale the summed log-likelihoods down to `effectiveNGrams` independent observations.
        let scale = min(1, effectiveNGrams / Double(letters.ngrams))
        let top = scores.max() ?? 0
        var weights = scores.map { exp(($0 - top) * scale) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        let candidates = zip(languages, weights)
            .map { LanguageRanking.Candidate(language: $0, probability: $1) }
            .sorted { $0.probability > $1.probability }
        return LanguageRanking(candidates: candidates, letters: letters.letters, ngrams: letters.ngrams)
    }

    private func scoreNGrams(of text: String, into scores: inout [Double]) -> (letters: Int, ngrams: Int) {
        let (scalars, letters) = Self.scoringScalars(text)
        let width = languages.count
        var sums = [Float](repeating: 0, count: width)
        var ngrams = 0
        // langdetect's n-gram buffer: the last (up to) three characters since a word boundary.
        var b0: UInt32 = 0x20, b1: UInt32 = 0, b2: UInt32 = 0
        var filled = 1
        logProbabilities.withUnsafeBufferPointer { table in
            sums.withUnsafeMutableBufferPointer { sums in
                @inline(__always) func add(_ key: UInt64) {
                    ngrams += 1
                    // An n-gram no language knows says nothing about which one it is.
                    guard let row = rows.row(for: key) else { return }
                    let base = Int(row) * width
                    for index in 0..<width { sums[index] += table[base + index] }
                }
                for character in scalars {
                    let last = filled == 1 ? b0 : filled == 2 ? b1 : b2
                    if last == 0x20 {
                        b0 = 0x20
                        filled = 1
                        if character == 0x20 { continue }
                    } else if filled == 3 {
                        b0 = b1
                        b1 = b2
                        filled = 2
                    }
                    if filled == 1 { b1 = character } else { b2 = character }
                    filled += 1
                    if character != 0x20 { add(UInt64(character)) }
                    if filled == 2 {
                        add(UInt64(b0) << 21 | UInt64(b1))
                    } else {
                        add(UInt64(b1) << 21 | UInt64(b2))
                        add(UInt64(b0) << 42 | UInt64(b1) << 21 | UInt64(b2))
                    }
                }
            }
        }
        for index in 0..<width { scores[index] = Double(sums[index]) }
        return (letters, ngrams)
    }

    /// The text as scored, words separated by one space: for tests and explanations.
    static func scoringText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for value in scoringScalars(text).scalars {
            if let scalar = Unicode.Scalar(value) { out.append(scalar) }
        }
        return String(out).trimmingCharacters(in: .whitespaces)
    }

    /// The normalised characters of the words that say something about the language, each word
    /// followed by a space, and the number of letters. One pass over the scalars, no strings.
    static func scoringScalars(_ text: String) -> (scalars: [UInt32], letters: Int) {
        var source = text
        if text.unicodeScalars.contains(where: { (0xFB50...0xFDFF).contains($0.value) || (0xFE70...0xFEFF).contains($0.value) }) {
            source = text.precomposedStringWithCompatibilityMapping
        }
        let input = Array(source.unicodeScalars)
        var output: [UInt32] = []
        output.reserveCapacity(input.count + 2)
        var word: [UInt32] = []
        var latinWords: [(start: Int, end: Int)] = []
        var latin = 0
        var other = 0
        var index = 0
        var previousIsWord = false

        func endWord() {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty else { return }
            if word.count <= 5, isIgnored(word) { return }
            var hasLower = false
            var upper = 0
            var isLatin = false
            for value in word {
                if value < 0x80 {
                    if value >= 0x61 { hasLower = true } else { upper += 1 }
                    isLatin = true
                } else if let scalar = Unicode.Scalar(value) {
                    if value < 0x250 { isLatin = true }
                    if scalar.properties.isLowercase { hasLower = true } else if scalar.properties.isUppercase { upper += 1 }
                }
            }
            if upper >= 2 && !hasLower {
                for position in word.indices { word[position] = lowercase(word[position]) }
            }
            let start = output.count
            output.append(contentsOf: word)
            output.append(0x20)
            if isLatin {
                latin += word.count
                latinWords.append((start, output.count))
            } else {
                other += word.count
            }
        }

        while index < input.count {
            let scalar = input[index]
            let value = scalar.value
            if !previousIsWord {
                // A mention: "@" and the handle (and instance) that follows.
                if value == 0x40 || value == 0xFF20 {
                    index += 1
                    while index < input.count, isHandleScalar(input[index]) { index += 1 }
                    continue
                }
                // A link: skipped to the next space.
                if value == 0x68 || value == 0x48 || value == 0x77 || value == 0x57, startsLink(input, at: index) {
                    while index < input.count, !input[index].properties.isWhitespace { index += 1 }
                    continue
                }
            }
            let normalized = NGramKey.normalize(scalar)
            if normalized == 0x20 {
                endWord()
                previousIsWord = value < 0x80 && (isASCIIAlphanumeric(value) || value == 0x5F)
            } else {
                word.append(normalized)
                previousIsWord = true
            }
            index += 1
        }
        endWord()
        var letters = latin + other
        // Mostly non-Latin text: Latin words are hashtags, brands and handles, not the language.
        if latin > 0, latin * 3 < other {
            var kept: [UInt32] = []
            kept.reserveCapacity(output.count)
            var cursor = 0
            for range in latinWords {
                kept.append(contentsOf: output[cursor..<range.start])
                cursor = range.end
            }
            kept.append(contentsOf: output[cursor...])
            output = kept
            letters = other
        }
        return (output, letters)
    }

    private static func isIgnored(_ word: [UInt32]) -> Bool {
        var folded = ""
        for value in word {
            guard value < 0x80 else { return false }
            folded.unicodeScalars.append(Unicode.Scalar(UInt8(value | 0x20)))
        }
        return ignoredWords.contains(folded)
    }

    private static func lowercase(_ value: UInt32) -> UInt32 {
        if value >= 0x41 && value <= 0x5A { return value + 0x20 }
        guard value >= 0x80, let scalar = Unicode.Scalar(value) else { return value }
        let lowered = scalar.properties.lowercaseMapping.unicodeScalars
        return lowered.count == 1 ? lowered.first!.value : value
    }

    private static func isASCIIAlphanumeric(_ value: UInt32) -> Bool {
        (value >= 0x30 && value <= 0x39) || (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A)
    }

    private static func isHandleScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return isASCIIAlphanumeric(value) || value == 0x5F || value == 0x2E || value == 0x40 || value == 0x2D
    }

    private static func startsLink(_ input: [Unicode.Scalar], at index: Int) -> Bool {
        func matches(_ prefix: String) -> Bool {
            var position = index
            for expected in prefix.unicodeScalars {
                guard position < input.count, input[position].value | 0x20 == expected.value else { return false }
                position += 1
            }
            return true
        }
        if matches("www.") { return true }
        return matches("http") && (matches("https://") || matches("http://") || matches("http:") || matches("https:"))
    }
    /// Twitter and placeholder words that belong to no language.
    private static let ignoredWords: Set<String> = ["rt", "http", "https", "amp", "via", "cc"]
}

/// The candidates for one text, best first; `letters` and `ngrams` counted what was scored.
public struct LanguageRanking: Sendable, Hashable {
    public struct Candidate: Sendable, Hashable {
        public var language: String
        public var probability: Double
    }

    public var candidates: [Candidate]
    public var letters: Int
    public var ngrams: Int
}

public enum LanguageIdentifierError: Error, CustomStringConvertible, Equatable {
    case unknownLanguage(String, available: String)

    public var description: String {
        switch self {
        case .unknownLanguage(let name, let folder):
            return "no language profile named '\(name)' in \(folder) (names are langdetect's: fr, en, zh-cn…)"
        }
    }
}

/// One langdetect profile: `{"freq": {n-gram: count}, "n_words": [1-grams, 2-grams, 3-grams], "name": "fr"}`.
struct LanguageProfile: Decodable, Sendable {
    var name: String
    var frequencies: [String: Int]
    var wordCounts: [Int]

    enum CodingKeys: String, CodingKey {
        case name
        case frequencies = "freq"
        case wordCounts = "n_words"
    }

    init(contentsOf file: URL) throws {
        do {
            self = try JSONDecoder().decode(LanguageProfile.self, from: Data(contentsOf: file))
        } catch {
            throw LexiconError.malformed(file: file.path, line: 1, reason: "not a langdetect profile (\(error))")
        }
    }
}

/// n-gram key → row, with open addressing and a multiplicative hash: about three times faster to
/// probe than `Dictionary` (whose hash is seeded SipHash) in the identifier's inner loop.
struct NGramTable: Sendable {
    private let keys: [UInt64]
    private let values: [Int32]
    private let shift: UInt64

    init(_ rows: [UInt64: Int32]) {
        var bits: UInt64 = 4
        while (1 << bits) < rows.count * 2 { bits += 1 }
        let capacity = 1 << Int(bits)
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Int32](repeating: -1, count: capacity)
        shift = 64 - bits
        for (key, row) in rows {
            var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = key
            values[slot] = row
        }
        self.keys = keys
        self.values = values
    }

    /// Keys are never 0 (every scalar of an n-gram is non-zero), so 0 marks an empty slot.
    @inline(__always) func row(for key: UInt64) -> Int32? {
        let mask = keys.count - 1
        var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }
}

/// Packs n-grams of up to three scalars into one integer, after langdetect's normalisation.
enum NGramKey {
    static func pack(_ gram: String) -> UInt64? {
        var key: UInt64 = 0
        var count = 0
        for scalar in gram.unicodeScalars {
            count += 1
            if count > 3 { return nil }
            key = key << 21 | UInt64(scalar.value)
        }
        return count == 0 ? nil : key
    }

    /// langdetect's `NGram.normalize`: punctuation, digits and symbols become a space; Farsi yeh
    /// becomes Arabic yeh; Romanian comma-below letters become cedilla letters; Vietnamese
    /// Latin Extended Additional letters collapse to one; CJK is left alone.
    static func normalize(_ scalar: Unicode.Scalar) -> UInt32 {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            let isLetter = (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
            return isLetter ? value : 0x20
        case 0x80..<0x100:
            if value == 0xA0 || value == 0xAB || value == 0xB0 || value == 0xBB { return 0x20 }
            return scalar.properties.isAlphabetic ? value : 0x20
        case 0x219: return 0x15F
        case 0x21B: return 0x163
        case 0x6CC: return 0x64A
        case 0x1EA0...0x1EFF: return 0x1EC3
        case 0x2000...0x206F: return 0x20
        case 0x3040...0x309F: return 0x3042
        case 0x30A0...0x30FF: return 0x30A2
        default:
            let properties = scalar.properties
            return properties.isAlphabetic || properties.generalCategory == .nonspacingMark
                || properties.generalCategory == .spacingMark ? value : 0x20
        }
    }
}
