import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct SentimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Sentiment of a French or English text, with the words that drove it.",
        discussion: """
            VADER lexicons (vaderSentiment, vaderSentiment-fr; fetched by scripts/fetch-lexicons) \
            with negation, boosters, contrast (mais/but), emoji, capitals and exclamation rules, \
            then a supervised model (logistic regression over the rules' output and stemmed, \
            negation-marked tokens) trained on the xlm-t training split: models/sentiment-v3.json. \
            Without that file, the lexicon-only calibration labels (less accurate), with a note. \
            See docs/text-analysis.md.
            """,
        subcommands: [SentimentAnalyzeCommand.self, SentimentEvaluateCommand.self, SentimentTrainCommand.self],
        defaultSubcommand: SentimentAnalyzeCommand.self
    )
}

/// `--model FILE`: the sentiment model file (default: $VIGIE_SENTIMENT_MODEL, else models/sentiment-v3.json).
struct SentimentModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Sentiment model file (default: $VIGIE_SENTIMENT_MODEL, else models/\(SentimentModelFile.fileName) here or above the executable).",
        valueName: "file"))
    var model: String?
}

struct SentimentAnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Score one text: label, score, probabilities, the features that drove the label, the lexicon evidence."
    )

    @OptionGroup var lexicon: LexiconOptions
    @OptionGroup var modelOptions: SentimentModelOptions

    @Argument(help: "The text (quote it for the shell).")
    var text: String

    @Option(help: ArgumentHelp("Its language: fr or en (default: identified from the text).", valueName: "code"))
    var lang: String?

    @Option(help: ArgumentHelp("How many of the model's features to show.", valueName: "n"))
    var top = 8

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let resources = lexicon.resources(sentimentModel: modelOptions.model)
        let analysis = try Engine.analyzeSentiment(SentimentRequest(text: text, language: lang), resources: resources)
        for note in analysis.notes { Output.printError("note: \(note)") }
        let result = analysis.result
        if json {
            print(try Output.json(result))
            return
        }
        let probabilities = SentimentLabel.allCases.map { "\($0.rawValue) \(String(format: "%.2f", result.probabilities[$0] ?? 0))" }
        print("\(result.label.rawValue)  score \(String(format: "%+.3f", result.score))  (\(probabilities.joined(separator: ", ")))")
        if let identified = analysis.identified {
            print("language: \(result.language) (identified: \(identified.language), confidence \(String(format: "%.2f", identified.confidence)))")
        } else {
            print("language: \(result.language)")
        }
        print("labelled by: \(result.labeller)")
        if !result.contributions.isEmpty {
            print("why \(result.label.rawValue) (push on its logit vs the other labels):")
            for item in result.contributions.prefix(max(0, top)) {
                print(String(format: "  %+.2f  %@ %@", item.contribution, item.kind.rawValue, item.text))
            }
        }
        print(String(format: "lexicon evidence (compound %+.3f):", result.compound))
        if result.evidence.isEmpty {
            print("  no sentiment word, emoji or emoticon")
        }
        for item in result.evidence {
            let rules = item.rules.isEmpty ? "" : "  — " + item.rules.joined(separator: "; ")
            print(String(format: "  %+.2f  %@ %@ (lexicon %+.2f)%@", item.valence, item.kind.rawValue, item.text, item.lexiconValence, rules))
        }
        for rule in result.rules { print("  rule: \(rule)") }
    }
}

struct SentimentEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Accuracy and macro-F1 per language on labelled tweets (a folder laid out like tweets-sentiment-xlmt)."
    )

    @OptionGroup var lexicon: LexiconOptions
    @OptionGroup var modelOptions: SentimentModelOptions

    @Argument(help: "The labelled folder (one folder per language: english, french).")
    var data: String

    @Option(help: ArgumentHelp("The split to read.", valueName: "train|val"))
    var split = "val"

    @Flag(help: "Ignore the model: the lexicon-only calibration (the fallback without models/sentiment-v3.json).")
    var calibration = false

    @Flag(help: "Ignore the model and the calibration: VADER's ±0.05 thresholds on the compound score.")
    var uncalibrated = false

    @Option(help: ArgumentHelp("Analyse every text this many times (for throughput).", valueName: "n"))
    var `repeat` = 1

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1.") }
        guard LabelledTweets.Split(rawValue: split) != nil else {
            throw ValidationError("--split must be train or val, not '\(split)'.")
        }
    }

    func run() async throws {
        let labeller: SentimentEvaluationRequest.Labeller = uncalibrated ? .uncalibrated : calibration ? .calibration : .model
        let result = try await Engine.evaluateSentiment(
            SentimentEvaluationRequest(data: data, split: LabelledTweets.Split(rawValue: split) ?? .validation,
                                       labeller: labeller, repeats: `repeat`),
            resources: lexicon.resources(sentimentModel: modelOptions.model))
        for note in result.notes { Output.printError("note: \(note)") }
        print(Output.table(["language", "split", "tweets", "accuracy", "macro-F1", "F1 neg/neu/pos", "labelled by"], result.rows.map { row in
            let evaluation = row.evaluation
            return [row.language, row.split, "\(evaluation.count)", String(format: "%.3f", evaluation.accuracy),
                    String(format: "%.3f", evaluation.macroF1),
                    SentimentLabel.allCases.map { String(format: "%.2f", evaluation.f1($0)) }.joined(separator: "/"), row.labeller]
        }))
        print(String(format: "throughput: %d texts in %.3f s = %.0f texts/s (%.1f µs each); lexicons and model loaded in %.3f s",
                     result.analysed, result.seconds, Double(result.analysed) / result.seconds,
                     result.seconds / Double(result.analysed) * 1e6, result.loadSeconds))
    }
}

struct SentimentTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the sentiment models on the training split and write models/sentiment-v3.json.",
        discussion: """
            Reads only the train split of each language (english, french). For each language, every \
            grid point (L2 penalty × minimum token count × bigrams × stemming) is measured by \
            stratified k-fold cross-validation on the training split; the best macro-F1 (within \
            0.002 of it, the fewest token features) is fitted on the whole split and saved. \
            Deterministic: the same data gives the same file. Then `vigie sentiment evaluate DATA` \
            reports the validation figures. --calibration also rewrites the lexicon-only fallback \
            (Sources/VigieCore/Sentiment/SentimentCalibration+Trained.swift; rebuild after).
            """
    )

    @OptionGroup var lexicon: LexiconOptions

    @Argument(help: "The labelled folder (tweets-sentiment-xlmt).")
    var data: String

    @Option(help: ArgumentHelp("Where to write the model file.", valueName: "file"))
    var out = "models/\(SentimentModelFile.fileName)"

    @Option(help: ArgumentHelp("Cross-validation folds.", valueName: "k"))
    var folds = 5

    @Option(parsing: .upToNextOption, help: ArgumentHelp("L2 penalties to try.", valueName: "values"))
    var l2: [Double] = SentimentTrainingGrid().l2

    @Option(name: .customLong("min-count"), parsing: .upToNextOption,
            help: ArgumentHelp("Minimum numbers of training texts a token feature must appear in, to try.", valueName: "values"))
    var minimumCounts: [Int] = SentimentTrainingGrid().minimumCounts

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Bigram settings to try.", valueName: "true|false"))
    var bigrams: [Bool] = SentimentTrainingGrid().bigrams

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Stemming settings to try.", valueName: "true|false"))
    var stemming: [Bool] = SentimentTrainingGrid().stemming

    @Option(help: ArgumentHelp("How many of the best grid points to print per language.", valueName: "n"))
    var show = 8

    @Flag(help: "Also refit the lexicon-only calibration (the fallback) and rewrite its Swift source.")
    var calibration = false

    @Option(help: ArgumentHelp("Where --calibration writes the Swift source.", valueName: "file"))
    var calibrationOut = "Sources/VigieCore/Sentiment/SentimentCalibration+Trained.swift"

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2.") }
        guard !l2.isEmpty, l2.allSatisfy({ $0 > 0 }) else { throw ValidationError("--l2 needs positive values.") }
        guard !minimumCounts.isEmpty, minimumCounts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--min-count needs values of at least 1.")
        }
        guard !bigrams.isEmpty, !stemming.isEmpty else { throw ValidationError("--bigrams and --stemming need a value.") }
    }

    func run() async throws {
        let grid = SentimentTrainingGrid(l2: l2, minimumCounts: minimumCounts, bigrams: bigrams, stemming: stemming)
        let request = SentimentTrainingRequest(data: data, folds: folds, grid: grid, show: show, calibration: calibration)
        var result = try await Engine.trainSentiment(request, resources: lexicon.resources(), progress: Self.report)
        // The file says how to reproduce it, in this front end's words (the shipped file is byte-identical on retraining).
        result.file.notes = "Trained by `vigie sentiment train DATA` on the xlm-t training splits only; hyper-parameters by "
            + "\(folds)-fold cross-validation on them. Lexicons: vaderSentiment, vaderSentiment-fr (not included)."
        let text = try result.file.encoded()
        do {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out) (\(text.utf8.count / 1024) KiB)")
        if calibration {
            let source = SentimentCalibration.swiftSource(result.languages.compactMap(\.calibration),
                                                          command: "vigie sentiment train DATA --calibration")
            do {
                try source.write(toFile: calibrationOut, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(calibrationOut): \(error.localizedDescription)")
            }
            print("wrote \(calibrationOut); rebuild to use it")
        }
    }

    /// One language's training, printed as soon as it is done.
    @Sendable static func report(_ trained: SentimentTrainingResult.Language) {
        let model = trained.model
        let record = model.training
        print("\(trained.language): \(trained.examples) training tweets, \(trained.gridPoints) grid points × \(trained.folds) folds in "
              + String(format: "%.1f s", trained.seconds))
        print(Output.table(["stem", "bigrams", "min count", "L2", "CV accuracy", "CV macro-F1", "tokens"], trained.best.map { point in
            [point.options.stemming ? "yes" : "no", point.options.bigrams ? "yes" : "no", "\(point.minimumCount)",
             String(format: "%g", point.l2), String(format: "%.3f", point.accuracy), String(format: "%.3f", point.macroF1),
             String(format: "%.0f", point.tokenFeatures)]
        }))
        print(String(format: "  chosen: stem %@, bigrams %@, min count %d, L2 %g — CV accuracy %.3f, macro-F1 %.3f "
                     + "(lexicon features alone: %.3f / %.3f)",
                     model.options.stemming ? "yes" : "no", model.options.bigrams ? "yes" : "no", model.minimumCount, model.l2,
                     record.crossValidatedAccuracy, record.crossValidatedMacroF1, record.lexiconOnlyAccuracy, record.lexiconOnlyMacroF1))
        print(String(format: "  fitted on all %d: train accuracy %.3f, macro-F1 %.3f; %d token features kept of %d",
                     record.examples, record.trainAccuracy, record.trainMacroF1, record.tokenFeatures, record.tokenFeaturesBeforePruning))
    }
}
