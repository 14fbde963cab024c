import Foundation
import Testing
@testable import VigieCore

/// The supervised sentiment model: its features, the L-BFGS fit, the model file, the explanation.
@Suite struct SentimentFeatureTests {
    let analyzer: SentimentAnalyzer

    init() throws {
        analyzer = try LanguageTestSupport.analyzer.get()
    }

    func french(_ options: SentimentFeatureOptions = SentimentFeatureOptions()) -> SentimentFeatureExtractor {
        SentimentFeatureExtractor(language: "fr", lexicon: analyzer.french, options: options)
    }

    func english(_ options: SentimentFeatureOptions = SentimentFeatureOptions()) -> SentimentFeatureExtractor {
        SentimentFeatureExtractor(language: "en", lexicon: analyzer.english, options: options)
    }

    @Test func negationScopeRunsToTheClauseEnd() {
        let extractor = french()
        let aime = extractor.stem("aime"), belle = extractor.stem("belle"), ville = extractor.stem("ville")
        let tokens = Set(extractor.tokens("Je n'aime pas cette ville, elle est belle"))
        #expect(tokens.contains("not:\(aime)"))
        #expect(!tokens.contains("w:\(aime)"))
        #expect(tokens.contains("not:\(ville)"))                 // "pas" opens a new scope of 3 words
        #expect(tokens.contains("w:\(belle)"))                   // the comma closed it
        #expect(!tokens.contains("not:\(belle)"))
        #expect(tokens.contains("w:n'") && tokens.contains("w:pas"))
    }

    @Test func negationScopeIsLimitedToTheWindow() {
        let tokens = Set(english(SentimentFeatureOptions(negationWindow: 2)).tokens("I do not really like the new park"))
        #expect(tokens.contains("not:realli"))
        #expect(tokens.contains("not:like"))
        #expect(tokens.contains("w:the"))
        #expect(tokens.contains("w:park"))
        #expect(Set(english().tokens("This isn't good")).contains("not:good"))
    }

    @Test func frenchTrailingNegationNegatesTheWordBefore() {
        let extractor = french()
        let features = extractor.tokenFeatures("J'aime pas")
        let negated = features.first { $0.feature == "not:\(extractor.stem("aime"))" }
        #expect(negated?.surface == "aime pas")
    }

    @Test func elisionsAreSplitAndDropped() {
        let extractor = french()
        let tokens = extractor.tokens("L'écologie d'abord")
        #expect(tokens == ["w:\(extractor.stem("ecologie"))", "w:\(extractor.stem("abord"))"])
        #expect(extractor.stem("ecologiques") == extractor.stem("ecologique"))   // stemmed
        #expect(french(SentimentFeatureOptions(stemming: false)).tokens("écologiques") == ["w:ecologiques"])   // folded
    }

    @Test func entitiesEmojiNumbersAndHashtags() {
        let tokens = Set(french().tokens("@user Super 😍😍 http #Nucléaire 2014 https://example.org/a.b"))
        #expect(tokens.contains("<mention>"))
        #expect(tokens.contains("<url>"))
        #expect(tokens.contains("e:😍"))
        #expect(tokens.contains("w:<num>"))
        #expect(tokens.contains("w:\(french().stem("nucleaire"))"))   // a hashtag counts as its word
        #expect(french().tokens("😍 😍").count == 1)                    // each feature once
    }

    @Test func bigramsOnlyWhenAsked() {
        let plain = french().tokens("énergie propre")
        let paired = french(SentimentFeatureOptions(bigrams: true)).tokens("énergie propre")
        #expect(!plain.contains { $0.hasPrefix("b:") })
        #expect(paired.contains { $0.hasPrefix("b:") })
        #expect(french(SentimentFeatureOptions(bigrams: true)).tokens("énergie, propre").allSatisfy { !$0.hasPrefix("b:") })
    }

    @Test func denseFeaturesCountTheEvidence() {
        let text = "J'adore cette belle ville mais c'est triste 😢 @user http"
        let score = analyzer.score(text, language: "fr")
        let dense = french().dense(score, text: text)
        #expect(dense.count == SentimentFeatureExtractor.denseNames.count)
        func value(_ name: String) -> Double { dense[SentimentFeatureExtractor.denseNames.firstIndex(of: name)!] }
        #expect(value("positive items") == Double(score.evidence.filter { $0.valence > 0 }.count))
        #expect(value("negative items") >= 2)           // triste, 😢
        #expect(value("emoji sum") < 0)
        #expect(value("mentions") == 1)
        #expect(value("links") == 1)
        #expect(value("contrast") == 1)
    }
}

@Suite struct SentimentModelFitTests {
    /// Label = which of three tokens the row holds; a dense feature is noise.
    func rows() -> [SoftmaxRegression.Row] {
        (0..<150).map { i in
            SoftmaxRegression.Row(dense: [Double(i % 7) - 3], sparse: [Int32(i % 3), 3 + Int32(i % 5)], label: i % 3)
        }
    }

    @Test func lbfgsFindsTheSignal() {
        let model = SoftmaxRegression.fit(rows(), denseCount: 1, sparseCount: 8, l2: 0.001)
        for row in rows() {
            let p = model.probabilities(dense: row.dense, sparse: row.sparse)
            #expect(p.firstIndex(of: p.max()!) == row.label)
        }
        #expect(model.loss < 0.1)
        #expect(model.iterations > 1)
    }

    @Test func fitIsDeterministicAndRegularised() {
        let a = SoftmaxRegression.fit(rows(), denseCount: 1, sparseCount: 8, l2: 0.01)
        let b = SoftmaxRegression.fit(rows(), denseCount: 1, sparseCount: 8, l2: 0.01)
        #expect(a == b)
        let strong = SoftmaxRegression.fit(rows(), denseCount: 1, sparseCount: 8, l2: 1)
        #expect(abs(strong.sparseWeight(0, 0)) < abs(a.sparseWeight(0, 0)))
    }

    @Test func foldsAreStratified() throws {
        let trainer = try SentimentModelTrainer(analyzer: LanguageTestSupport.analyzer.get(), language: "fr", folds: 5)
        let labels = (0..<300).map { $0 % 3 }
        let fold = trainer.foldOf(labels)
        for k in 0..<5 {
            for label in 0..<3 {
                #expect(labels.indices.filter { fold[$0] == k && labels[$0] == label }.count == 20)
            }
        }
        #expect(fold == trainer.foldOf(labels))
    }

    @Test func chooseTakesTheSmallestModelNearTheBest() {
        func point(_ f1: Double, _ tokens: Double) -> SentimentCrossValidation {
            SentimentCrossValidation(options: SentimentFeatureOptions(), l2: 0.01, minimumCount: 1, accuracy: f1, macroF1: f1, tokenFeatures: tokens)
        }
        #expect(SentimentModelTrainer.choose([point(0.650, 3000), point(0.649, 1000), point(0.640, 10)])?.tokenFeatures == 1000)
    }
}

@Suite struct SentimentModelFileTests {
    func tinyModel() throws -> SentimentModel {
        let analyzer = try LanguageTestSupport.analyzer.get()
        let examples: [LabelledTweets.Example] = [
            .init(text: "j'adore ce parc magnifique", label: .positive), .init(text: "super projet bravo", label: .positive),
            .init(text: "quelle horreur ce projet", label: .negative), .init(text: "c'est nul et triste", label: .negative),
            .init(text: "réunion mardi à la mairie", label: .neutral), .init(text: "le rapport est publié", label: .neutral),
        ]
        let trainer = SentimentModelTrainer(analyzer: analyzer, language: "fr", folds: 2)
        return trainer.train(examples, grid: .single(l2: 0.01, minimumCount: 1, options: SentimentFeatureOptions()), data: "tiny").model
    }

    @Test func roundTripsThroughJSON() throws {
        let file = SentimentModelFile(notes: "test", models: ["fr": try tinyModel()])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-sentiment-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let text = try file.encoded()
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try SentimentModelFile.load(from: url)
        let original = try #require(file.models["fr"]), back = try #require(loaded.models["fr"])
        #expect(back.tokenWeights.keys.sorted() == original.tokenWeights.keys.sorted())
        for (feature, weights) in original.tokenWeights {
            for k in 0..<3 { #expect(abs(weights[k] - back.tokenWeights[feature]![k]) <= 0.00005) }
        }
        #expect(text.contains("\"bias\" : ["))   // number arrays on one line
    }

    @Test func refusesAnotherFormatAndSaysWhatToDo() throws {
        var file = SentimentModelFile(notes: "test", models: ["fr": try tinyModel()])
        file.format = 2
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-sentiment-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.encoded().write(to: url, atomically: true, encoding: .utf8)
        #expect {
            try SentimentModelFile.load(from: url)
        } throws: { error in
            "\(error)".contains("format 2") && "\(error)".contains("train the models again")
        }
        #expect(throws: SentimentModelError.self) {
            try SentimentModelFile.locate(searchingUpFrom: URL(fileURLWithPath: "/"))
        }
    }

    @Test func contributionsExplainTheLogits() throws {
        let model = try tinyModel()
        let analyzer = try SentimentAnalyzer(lexicons: LanguageTestSupport.lexicons(), models: ["fr": model])
        let text = "J'adore ce parc, bravo"
        let result = analyzer.analyze(text, language: "fr")
        #expect(result.label == .positive)
        #expect(result.labeller.contains("model"))
        #expect(result.contributions.contains { $0.kind == .word && $0.text == "bravo" && $0.contribution > 0 })
        #expect(result.contributions.contains { $0.kind == .lexicon && $0.text.contains("adore") })
        // Sum of every contribution (all kept with a large limit) + the bias = the logit gap.
        let extractor = SentimentFeatureExtractor(language: "fr", lexicon: analyzer.french, options: model.options)
        let score = analyzer.score(text, language: "fr")
        let (p, all) = model.predict(dense: extractor.dense(score, text: text), tokens: extractor.tokenFeatures(text),
                                     evidence: score.evidence, limit: 10_000)
        let k = SentimentLabel.positive.classIndex
        let logGap = log(p[k]) - (log(p[0]) + log(p[1]) + log(p[2])) / 3
        let biasPart = model.bias[k] - model.bias.reduce(0, +) / 3
        #expect(abs(all.map(\.contribution).reduce(0, +) + biasPart - logGap) < 0.05)   // parts under 0.005 left out
        #expect(analyzer.classify(text, language: "fr").label == result.label)
        #expect(abs(analyzer.classify(text, language: "fr").score - result.score) < 1e-12)
    }

    @Test func withoutAModelTheCalibrationLabelsAndSaysSo() throws {
        let analyzer = try SentimentAnalyzer(lexicons: LanguageTestSupport.lexicons())
        let result = analyzer.analyze("J'adore cette ville", language: "fr")
        #expect(result.labeller.contains("calibration"))
        #expect(result.rules.contains { $0.contains("no sentiment model") })
        #expect(result.contributions.isEmpty)
    }
}
