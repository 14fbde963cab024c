import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct LanguageCommand: AsyncParsableCommand {
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

    func run() async throws {
        let codes: [String]?
        switch languages {
        case nil: codes = LanguageIdentifier.defaultLanguages
        case "all": codes = nil
        case let list?: codes = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let settings = LanguageSettings(languages: codes, minimumConfidence: minConfidence, effectiveNGrams: effectiveNgrams)
        if let evaluate {
            try await runEvaluation(settings, data: evaluate)
            return
        }
        let answer = try Engine.identifyLanguage(text ?? "", settings: settings, resources: lexicon.resources())
        if json {
            struct Result: Encodable {
                var language: String
                var confidence: Double
                var letters: Int
                var ngrams: Int
                var candidates: [String: Double]
            }
            let top = Dictionary(uniqueKeysWithValues: answer.candidates.prefix(5).map { ($0.language, $0.probability) })
            print(try Output.json(Result(language: answer.language, confidence: answer.confidence,
                                         letters: answer.letters, ngrams: answer.ngrams, candidates: top)))
            return
        }
        print("\(answer.language)  confidence \(format(answer.confidence))")
        let shown = answer.candidates.prefix(3).map { "\($0.language) \(format($0.probability))" }
        print("  candidates: \(shown.isEmpty ? "none" : shown.joined(separator: ", "))  (\(answer.letters) letters, \(answer.ngrams) n-grams)")
    }

    private func runEvaluation(_ settings: LanguageSettings, data: String) async throws {
        let result = try await Engine.evaluateLanguage(
            LanguageEvaluationRequest(data: data, split: LabelledTweets.Split(rawValue: split) ?? .validation, settings: settings,
                                      repeats: `repeat`),
            resources: lexicon.resources())
        let evaluation = result.evaluation
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
                     result.identified, result.seconds, Double(result.identified) / result.seconds,
                     result.seconds / Double(result.identified) * 1e6, result.loadSeconds))
    }

    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
