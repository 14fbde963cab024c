import ArgumentParser
import Foundation
import VigieCore

struct LanguageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "language",
        abstract: "Identify the language of a text, or measure identification on labelled tweets.",
        discussion: """
            Character n-grams scored against langdetect's profiles (fetched by \
            scripts/fetch-lexicons). Prints "und" when the text is too short or unclear. \
            With --evaluate DIR (a folder laid out like ../shared/data/tweets-sentiment-xlmt: one \
            folder per language), prints the accuracy per language and the worst confusions.
            """
    )

    @OptionGroup var lexicon: LexiconOptions

    @Argument(help: "The text (quote it for the shell).")
    var text: String?

    @Option(help: ArgumentHelp("Measure accuracy on this labelled folder instead.", valueName: "dir"))
    var evaluate: String?

    @Option(help: ArgumentHelp("With --evaluate: the split to read.", valueName: "train|val"))
    var split = "val"

    @Option(help: ArgumentHelp("Candidate languages, comma-separated ('all': every profile).", valueName: "codes"))
    var languages: String?

    @Option(help: ArgumentHelp("Below this confidence the answer is 'und'.", valueName: "0…1"))
    var minConfidence = 0.5

    @Option(help: ArgumentHelp("n-grams counted as independent evidence for the confidence.", valueName: "n"))
    var effectiveNgrams = 25.0

    @Option(help: ArgumentHelp("With --evaluate: identify every text this many times (for throughput).", valueName: "n"))
    var `repeat` = 1

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1.") }
        guard (0...1).contains(minConfidence) else { throw ValidationError("--min-confidence must be in 0…1.") }
        guard effectiveNgrams > 0 else { throw ValidationError("--effective-ngrams must be positive.") }
        guard (text == nil) != (evaluate == nil) else {
            throw ValidationError("give either a TEXT or --evaluate DIR.")
        }
        guard LabelledTweets.Split(rawValue: split) != nil else {
            throw ValidationError("--split must be train or val, not '\(split)'.")
        }
    }

    func run() throws {
        let loading = Date()
        let identifier = try makeIdentifier()
        let loadSeconds = Date().timeIntervalSince(loading)
        if let evaluate {
            try runEvaluation(identifier, root: URL(fileURLWithPath: evaluate), loadSeconds: loadSeconds)
            return
        }
        let text = text ?? ""
        let answer = identifier.identify(text)
        let ranking = identifier.rank(text)
        if json {
            struct Result: Encodable {
                var language: String
                var confidence: Double
                var letters: Int
                var ngrams: Int
                var candidates: [String: Double]
            }
            let top = Dictionary(uniqueKeysWithValues: ranking.candidates.prefix(5).map { ($0.language, $0.probability) })
            print(try Output.json(Result(language: answer.language, confidence: answer.confidence,
                                         letters: ranking.letters, ngrams: ranking.ngrams, candidates: top)))
            return
        }
        print("\(answer.language)  confidence \(format(answer.confidence))")
        let shown = ranking.candidates.prefix(3).map { "\($0.language) \(format($0.probability))" }
        print("  candidates: \(shown.isEmpty ? "none" : shown.joined(separator: ", "))  (\(ranking.letters) letters, \(ranking.ngrams) n-grams)")
    }

    private func makeIdentifier() throws -> LanguageIdentifier {
        let directory = try lexicon.locate()
        let codes: [String]?
        switch languages {
        case nil: codes = LanguageIdentifier.defaultLanguages
        case "all": codes = nil
        case let list?: codes = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return try LanguageIdentifier(lexicons: directory, languages: codes, minimumConfidence: minConfidence,
                                      effectiveNGrams: effectiveNgrams)
    }

    private func runEvaluation(_ identifier: LanguageIdentifier, root: URL, loadSeconds: Double) throws {
        let split = LabelledTweets.Split(rawValue: split) ?? .validation
        var sets: [(truth: String, texts: [String])] = []
        for folder in try LabelledTweets.folders(root: root, split: split) {
            guard let truth = LabelledTweets.folderLanguages[folder] else { continue }
            sets.append((truth, try LabelledTweets.load(root: root, language: folder, split: split).examples.map(\.text)))
        }
        var evaluation = LanguageEvaluation()
        let started = Date()
        var identified = 0
        for round in 0..<`repeat` {
            for set in sets {
                for text in set.texts {
                    let language = identifier.identify(text).language
                    identified += 1
                    if round == 0 { evaluation.add(truth: set.truth, predicted: language) }
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if json {
            struct Result: Encodable {
                var accuracy: Double
                var rows: [LanguageEvaluation.Row]
                var confusions: [LanguageEvaluation.Confusion]
            }
            print(try Output.json(Result(accuracy: evaluation.accuracy, rows: evaluation.rows, confusions: evaluation.confusions())))
            return
        }
        let rows = evaluation.rows.map { row in
            [row.language, "\(row.texts)", "\(row.correct)", "\(row.undetermined)", format(row.accuracy)]
        }
        print(Output.table(["language", "texts", "correct", "und", "accuracy"], rows))
        print("overall: \(format(evaluation.accuracy)) of \(evaluation.texts) texts")
        let confusions = evaluation.confusions(limit: 8).map { "\($0.truth)→\($0.predicted) \($0.count)" }
        print("worst confusions: \(confusions.joined(separator: ", "))")
        print(String(format: "throughput: %d texts in %.3f s = %.0f texts/s (%.1f µs each); profiles loaded in %.3f s",
                     identified, seconds, Double(identified) / seconds, seconds / Double(identified) * 1e6, loadSeconds))
    }

    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
