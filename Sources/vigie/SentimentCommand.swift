import ArgumentParser
import Foundation
import VigieCore

struct SentimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Sentiment of a French or English text, with the words that drove it.",
        discussion: """
            VADER lexicons (vaderSentiment, vaderSentiment-fr; fetched by scripts/fetch-lexicons) \
            with negation, boosters, contrast (mais/but), emoji, capitals and exclamation rules, \
            then a calibrated layer trained on the xlm-t training split. See docs/text-analysis.md.
            """,
        subcommands: [SentimentAnalyzeCommand.self, SentimentEvaluateCommand.self, SentimentTrainCommand.self],
        defaultSubcommand: SentimentAnalyzeCommand.self
    )
}

struct SentimentAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Score one text: label, compound score, probabilities and evidence."
    )

    @OptionGroup var lexicon: LexiconOptions

    @Argument(help: "The text (quote it for the shell).")
    var text: String

    @Option(help: ArgumentHelp("Its language: fr or en (default: identified from the text).", valueName: "code"))
    var lang: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let directory = try lexicon.locate()
        let analyzer = try SentimentAnalyzer(lexicons: directory)
        var language = lang
        var identified: (language: String, confidence: Double)?
        if language == nil {
            let answer = try LanguageIdentifier(lexicons: directory).identify(text)
            identified = answer
            if answer.language != LanguageIdentifier.undetermined { language = answer.language }
        }
        let result = analyzer.analyze(text, language: language)
        if json {
            print(try Output.json(result))
            return
        }
        let probabilities = SentimentLabel.allCases.map { "\($0.rawValue) \(String(format: "%.2f", result.probabilities[$0] ?? 0))" }
        print("\(result.label.rawValue)  score \(String(format: "%+.3f", result.score))  (\(probabilities.joined(separator: ", ")))")
        if let identified {
            print("language: \(result.language) (identified: \(identified.language), confidence \(String(format: "%.2f", identified.confidence)))")
        } else {
            print("language: \(result.language)")
        }
        if result.evidence.isEmpty {
            print("evidence: no sentiment word, emoji or emoticon")
        }
        for item in result.evidence {
            let rules = item.rules.isEmpty ? "" : "  — " + item.rules.joined(separator: "; ")
            print(String(format: "  %+.2f  %@ %@ (lexicon %+.2f)%@", item.valence, item.kind.rawValue, item.text, item.lexiconValence, rules))
        }
        for rule in result.rules { print("  rule: \(rule)") }
    }
}

struct SentimentEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Accuracy and macro-F1 on labelled tweets (a folder laid out like tweets-sentiment-xlmt)."
    )

    @OptionGroup var lexicon: LexiconOptions

    @Argument(help: "The labelled folder (one folder per language: english, french).")
    var data: String

    @Option(help: ArgumentHelp("The split to read.", valueName: "train|val"))
    var split = "val"

    @Flag(help: "Ignore the calibration: VADER's ±0.05 thresholds on the compound score.")
    var uncalibrated = false

    @Option(help: ArgumentHelp("Analyse every text this many times (for throughput).", valueName: "n"))
    var `repeat` = 1

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1.") }
        guard LabelledTweets.Split(rawValue: split) != nil else {
            throw ValidationError("--split must be train or val, not '\(split)'.")
        }
    }

    func run() throws {
        let loading = Date()
        var analyzer = try SentimentAnalyzer(lexicons: lexicon.locate())
        let loadSeconds = Date().timeIntervalSince(loading)
        if uncalibrated { analyzer.calibrations = [:] }
        let split = LabelledTweets.Split(rawValue: split) ?? .validation
        var rows: [[String]] = []
        var analysed = 0
        var seconds = 0.0
        for (folder, language) in [("english", "en"), ("french", "fr")] {
            let set = try LabelledTweets.load(root: URL(fileURLWithPath: data), language: folder, split: split)
            var evaluation = SentimentEvaluation()
            let started = Date()
            for round in 0..<`repeat` {
                for example in set.examples {
                    let label = analyzer.analyze(example.text, language: language).label
                    analysed += 1
                    if round == 0 { evaluation.add(truth: example.label, predicted: label) }
                }
            }
            seconds += Date().timeIntervalSince(started)
            rows.append([language, split.rawValue, "\(evaluation.count)", String(format: "%.3f", evaluation.accuracy),
                         String(format: "%.3f", evaluation.macroF1),
                         SentimentLabel.allCases.map { String(format: "%.2f", evaluation.f1($0)) }.joined(separator: "/")])
        }
        print(Output.table(["language", "split", "tweets", "accuracy", "macro-F1", "F1 neg/neu/pos"], rows))
        print(String(format: "throughput: %d texts in %.3f s = %.0f texts/s (%.1f µs each); lexicons loaded in %.3f s",
                     analysed, seconds, Double(analysed) / seconds, seconds / Double(analysed) * 1e6, loadSeconds))
    }
}

struct SentimentTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the calibrated layer on the training split and write its Swift source.",
        discussion: """
            Reads only the train split. Writes Sources/VigieCore/Sentiment/SentimentCalibration+Trained.swift \
            (or --out) and prints train-split figures; rebuild, then `vigie sentiment evaluate` for validation.
            """
    )

    @OptionGroup var lexicon: LexiconOptions

    @Argument(help: "The labelled folder (tweets-sentiment-xlmt).")
    var data: String

    @Option(help: ArgumentHelp("Where to write the Swift source.", valueName: "file"))
    var out = "Sources/VigieCore/Sentiment/SentimentCalibration+Trained.swift"

    @Option(help: "L2 penalty.")
    var l2 = 0.01

    func run() throws {
        var analyzer = try SentimentAnalyzer(lexicons: lexicon.locate(), calibrations: [:])
        var calibrations: [SentimentCalibration] = []
        for (folder, language) in [("english", "en"), ("french", "fr")] {
            let set = try LabelledTweets.load(root: URL(fileURLWithPath: data), language: folder, split: .train)
            let scores = set.examples.map { analyzer.score($0.text, language: language) }
            let calibration = SentimentCalibration.train(
                language: language, features: scores.map(\.features), labels: set.examples.map(\.label.classIndex), l2: l2,
                trainedOn: "xlm-t \(folder) train, \(set.examples.count) tweets")
            calibrations.append(calibration)
            analyzer.calibrations[language] = calibration
            var evaluation = SentimentEvaluation()
            for (score, example) in zip(scores, set.examples) {
                evaluation.add(truth: example.label, predicted: analyzer.label(score).label)
            }
            print("\(language) train: accuracy \(String(format: "%.3f", evaluation.accuracy)), macro-F1 \(String(format: "%.3f", evaluation.macroF1))")
        }
        let source = SentimentCalibration.swiftSource(calibrations, command: "vigie sentiment train DATA")
        do {
            try source.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out)")
    }
}
