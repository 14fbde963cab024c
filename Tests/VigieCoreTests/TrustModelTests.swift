import Foundation
import Testing
@testable import VigieCore

@Suite struct TrustModelTests {
    /// Rows of standard normal features and labels drawn from a known logistic model.
    static func planted(weights: [Double], intercept: Double, count: Int, seed: UInt64) -> ([[Double]], [Double]) {
        var random = SeededRandom(seed: seed)
        var rows: [[Double]] = [], labels: [Double] = []
        for _ in 0..<count {
            let row = weights.map { _ in random.normal() }
            var z = intercept
            for (w, x) in zip(weights, row) { z += w * x }
            rows.append(row)
            labels.append(random.unit() < sigmoid(z) ? 1 : 0)
        }
        return (rows, labels)
    }

    @Test func logisticRegressionRecoversPlantedWeights() {
        let truth = [1.5, -2.0, 0.0, 0.7]
        let (rows, labels) = Self.planted(weights: truth, intercept: -1, count: 20_000, seed: 3)
        let fit = LogisticRegression(l2: 0.01).fit(rows, labels)
        for (estimated, planted) in zip(fit.weights, truth) {
            #expect(abs(estimated - planted) < 0.1, "weight \(estimated) vs planted \(planted)")
        }
        #expect(abs(fit.intercept - -1) < 0.1)
        #expect(fit.iterations < 30)
    }

    @Test func strongRegularisationShrinksWeights() {
        let (rows, labels) = Self.planted(weights: [2, -2], intercept: 0, count: 2_000, seed: 5)
        let loose = LogisticRegression(l2: 0.01).fit(rows, labels)
        let tight = LogisticRegression(l2: 2_000).fit(rows, labels)
        #expect(abs(tight.weights[0]) < abs(loose.weights[0]) / 2)
        #expect(abs(tight.weights[1]) < abs(loose.weights[1]) / 2)
    }

    @Test func offsetWithoutInterceptLearnsOnlyTheNewWeights() {
        // The label depends on a known offset plus 1.0 × x; the fit must find 1.0 and keep the intercept at 0.
        var random = SeededRandom(seed: 9)
        var rows: [[Double]] = [], labels: [Double] = [], offsets: [Double] = []
        for _ in 0..<20_000 {
            let x = random.normal(), offset = 2 * random.normal() - 1
            rows.append([x]); offsets.append(offset)
            labels.append(random.unit() < sigmoid(offset + x) ? 1 : 0)
        }
        let fit = LogisticRegression(l2: 0.01, fitIntercept: false).fit(rows, labels, offsets: offsets)
        #expect(fit.intercept == 0)
        #expect(abs(fit.weights[0] - 1) < 0.08)
    }

    @Test func plattScalingCorrectsOverconfidentScores() {
        // True probability sigmoid(z); a model that reports 3z is overconfident.
        var random = SeededRandom(seed: 11)
        var logits: [Double] = [], labels: [Double] = []
        for _ in 0..<20_000 {
            let z = random.normal()
            logits.append(3 * z)
            labels.append(random.unit() < sigmoid(z) ? 1 : 0)
        }
        let platt = PlattScaling.fit(logits: logits, labels: labels)
        #expect(abs(platt.a - 1.0 / 3) < 0.03)
        let raw = ClassifierMetrics(probabilities: logits.map(sigmoid), labels: labels, threshold: 0.5)
        let calibrated = ClassifierMetrics(probabilities: logits.map { sigmoid(platt.calibrated($0)) }, labels: labels, threshold: 0.5)
        #expect(calibrated.brier < raw.brier)
        for bin in calibrated.reliability where bin.count > 500 {
            #expect(abs(bin.meanPredicted - bin.observedRate) < 0.04, "bin \(bin.lower): \(bin.meanPredicted) vs \(bin.observedRate)")
        }
    }

    @Test func metricsOnKnownValues() {
        #expect(ClassifierMetrics.rocAUC([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75)
        #expect(ClassifierMetrics.rocAUC([0.5, 0.5], [0, 1]) == 0.5)
        let m = ClassifierMetrics(probabilities: [0.9, 0.8, 0.3, 0.6, 0.1], labels: [1, 1, 1, 0, 0], threshold: 0.5)
        #expect(m.truePositives == 2 && m.falsePositives == 1 && m.falseNegatives == 1)
        #expect(abs(m.precision - 2.0 / 3) < 1e-9 && abs(m.recall - 2.0 / 3) < 1e-9)
        #expect(abs(m.brier - (0.01 + 0.04 + 0.49 + 0.36 + 0.01) / 5) < 1e-9)
        #expect(m.reliability.map(\.count).reduce(0, +) == 5)
    }

    @Test func foldsAreStratifiedAndDeterministic() {
        let labels = (0..<100).map { $0 < 20 ? 1.0 : 0.0 }
        let folds = stratifiedFolds(labels: labels, folds: 5, seed: 1)
        #expect(folds == stratifiedFolds(labels: labels, folds: 5, seed: 1))
        #expect(folds != stratifiedFolds(labels: labels, folds: 5, seed: 2))
        for fold in 0..<5 {
            #expect(labels.indices.filter { folds[$0] == fold && labels[$0] == 1 }.count == 4)
            #expect(folds.filter { $0 == fold }.count == 20)
        }
    }

    static func tinyModel() -> InauthenticityModel {
        let profile = InauthenticityModel.ProfileModel(
            family: "pooled", platforms: [.other], trainedOn: "test", learner: .logistic, intercept: -2,
            parameters: [
                .init(feature: .followers, mean: 0, scale: 1, weight: -1, importance: 0.5, learnedFrom: "test"),
                .init(feature: .defaultImage, mean: 0.1, scale: 0.3, weight: 0.6, importance: 0.3, learnedFrom: "test"),
            ],
            threshold: 0.5, platt: PlattScaling())
        var model = InauthenticityModel(
            name: "test", notes: "", profiles: [profile], defaultFamily: "pooled",
            behaviour: [
                .init(feature: .repostShare, mean: 0.2, scale: 0.2, weight: 0.8, importance: 0.2, learnedFrom: "test"),
                .init(feature: .declaredBot, mean: 0, scale: 1, weight: 3, importance: 0, learnedFrom: "prior"),
            ],
            evaluation: nil)
        model.defaultPrior = 0.5 // log odds 0: the arithmetic below is the weights' alone
        return model
    }

    @Test func scoreAddsContributionsAndMissingFeaturesCountForNothing() {
        let model = Self.tinyModel()
        let full = model.score(TrustFeatureVector([.followers: 0.5, .defaultImage: 1, .repostShare: 0.9, .declaredBot: 0]), platform: .other)
        let expected = -2 + -1 * log1p(0.5) + 0.6 * (1 - 0.1) / 0.3 + 0.8 * (0.9 - 0.2) / 0.2
        #expect(abs(full.logit - expected) < 1e-9)
        #expect(abs(full.contributions.reduce(-2) { $0 + $1.contribution } - full.logit) < 1e-9)
        #expect(full.confidence == 1)
        #expect(full.reasons(up: 1).first?.feature == .repostShare)
        #expect(full.label == .likelyInauthentic && full.unsure.isEmpty)

        // Without the repost share: no contribution, named unknown; the profile is still whole.
        let partial = model.score(TrustFeatureVector([.followers: 0.5, .defaultImage: 1]), platform: .other)
        #expect(partial.unknown.contains(.repostShare))
        #expect(!partial.contributions.contains { $0.feature == .repostShare })
        #expect(partial.confidence == 1)
        #expect(abs(partial.logit - (expected - 0.8 * 0.7 / 0.2)) < 1e-9)

        // Nothing known: a number (the prior), labelled unsure with the reason.
        let nothing = model.score(TrustFeatureVector(), platform: .other)
        #expect(nothing.label == .unsure && nothing.unsure.contains { $0.contains("too little of the profile") })
        #expect(nothing.confidence == 0)
        #expect(abs(nothing.probability - sigmoid(-2)) < 1e-12)
    }

    @Test func thePriorShiftsTheLogOddsAndIsStated() {
        let model = Self.tinyModel()
        let vector = TrustFeatureVector([.followers: 0.5, .defaultImage: 1])
        let even = model.score(vector, platform: .other)
        let rare = model.score(vector, platform: .other, prior: 0.05)
        #expect(abs(rare.logit - (even.logit + log(0.05 / 0.95))) < 1e-9)
        #expect(rare.prior == 0.05 && even.prior == 0.5)
        #expect(abs(rare.contributions.reduce(rare.bias) { $0 + $1.contribution } - rare.logit) < 1e-9)
    }

    @Test func outOfDistributionProfilesAreUnsureWithTheirReason() {
        var model = Self.tinyModel()
        model.trainedPlatforms = [.twitter, .instagram]
        model.featureRanges = [.init(feature: .followers, low: 0, high: 5_000_000)]
        let vector = TrustFeatureVector([.followers: 300, .defaultImage: 0])
        #expect(model.score(vector, platform: .twitter).label != .unsure)
        let mastodon = model.score(vector, platform: .mastodon)
        #expect(mastodon.label == .unsure && mastodon.unsure.first?.contains("platform mastodon not seen in training") == true)
        let celebrity = model.score(TrustFeatureVector([.followers: 90_000_000, .defaultImage: 0]), platform: .twitter)
        #expect(celebrity.label == .unsure && celebrity.unsure.contains { $0.contains("above anything in training") })
        // The number is still given.
        #expect(celebrity.probability > 0 && celebrity.probability < 1)
    }

    @Test func modelFileRoundTripsAndBadFilesAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-trust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.json")
        try Self.tinyModel().write(to: url)
        #expect(try InauthenticityModel.load(from: url) == Self.tinyModel())

        let bad = folder.appendingPathComponent("bad.json")
        try Data(#"{"format": 3, "name": "x"}"#.utf8).write(to: bad)
        do {
            _ = try InauthenticityModel.load(from: bad)
            Issue.record("a model without parameters loaded")
        } catch let error as TrustError {
            #expect(error.message.contains("bad.json") && error.message.contains("missing field"))
        }
        let unknownFeature = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"repostShare\"", with: "\"shoeSize\"")
        try Data(unknownFeature.utf8).write(to: bad)
        #expect(throws: TrustError.self) { try InauthenticityModel.load(from: bad) }
        // A file of the previous layout is refused with the format named.
        try Data(#"{"format": 2, "name": "x", "profiles": []}"#.utf8).write(to: bad)
        do {
            _ = try InauthenticityModel.load(from: bad)
            Issue.record("a format-2 model loaded")
        } catch let error as TrustError {
            #expect(error.message.contains("format 2") && error.message.contains("format 3"))
        }
    }

    /// Labelled sets like the real ones: two with both labels, one of bots only, one of humans
    /// only. Fakes follow many and are followed by few; set "b" is shifted (another population).
    static func plantedSets(seed: UInt64) -> [String: [InauthenticityTrainer.Example]] {
        var random = SeededRandom(seed: seed)
        var sets: [String: [InauthenticityTrainer.Example]] = [:]
        for (name, count, share, shift) in [("a", 300, 0.2, 1.0), ("b", 300, 0.3, 2.0), ("bots", 120, 1.0, 1.5), ("people", 150, 0.0, 1.0)] {
            for i in 0..<count {
                let fake = Double(i) < Double(count) * share
                let following = (fake ? 1_000 + random.unit() * 3_000 : 50 + random.unit() * 800) * shift
                let followers = (fake ? random.unit() * 100 : 20 + random.unit() * 2_000) * shift
                var v = TrustFeatureVector([.followers: followers, .following: following,
                                            .defaultImage: fake ? (random.unit() < 0.6 ? 1 : 0) : (random.unit() < 0.1 ? 1 : 0)])
                if i % 3 == 0 { v[.handleDigits] = random.unit() } // known for a third only, no signal
                sets[name, default: []].append(.init(features: v, label: fake ? 1 : 0, dataset: name))
            }
        }
        return sets
    }

    @Test func trainerIsDeterministicAndHoldsOnSetsLeftOut() {
        let sets = Self.plantedSets(seed: 21)
        let trainer = InauthenticityTrainer(l2: 1, folds: 3, seed: 4,
                                            learners: [.logistic, .trees(GradientBoosting(depth: 2, rounds: 30, shrinkage: 0.1))])
        let model = trainer.train(sets: sets)
        #expect(model == trainer.train(sets: sets))
        let report = try! #require(model.evaluation)
        // Units: each mixed set alone, the bots-only set paired with the humans-only one.
        #expect(report.units.map(\.unit.name) == ["a", "b", "bots + people"])
        #expect(report.units.map(\.unit.mixed) == [true, true, false])
        #expect(report.candidates.count == 2 && report.candidates.allSatisfy { $0.aucByUnit.count == 3 })
        for unit in report.units {
            #expect(unit.metrics.auc > 0.9, "\(unit.unit.name): \(unit.metrics.summary)")
            #expect(unit.metrics.brier < unit.metrics.brierBaseline, "\(unit.unit.name): \(unit.metrics.summary)")
        }
        #expect(report.heldOutPrecision >= 0.8 && report.threshold > 0 && report.threshold < 1)
        #expect(report.targets.count == 4 && report.randomFolds != nil)
        #expect(report.heldOutTable.count == 2 + 3)
        let shipped = model.profiles[0]
        #expect(shipped.learner == (report.shipped == "logistic" ? .logistic : .boostedTrees))
        #expect(model.behaviour.contains { $0.feature == .declaredBot && $0.learnedFrom == "prior" })
        #expect(!shipped.features.contains(.repostShare))
        #expect(model.trainedPlatforms == [.twitter])
        let fake = model.score(TrustFeatureVector([.followers: 10, .following: 3_000, .defaultImage: 1]), platform: .twitter, prior: 0.5)
        let person = model.score(TrustFeatureVector([.followers: 1_500, .following: 300, .defaultImage: 0]), platform: .twitter, prior: 0.5)
        #expect(fake.probability > 0.7 && person.probability < 0.3, "\(fake.probability) \(person.probability)")
        #expect(abs(fake.contributions.reduce(fake.bias) { $0 + $1.contribution } - fake.logit) < 1e-9)
        // The default image's sign is known: it never lowers a score.
        #expect(fake.contributions.first { $0.feature == .defaultImage }.map { $0.contribution >= 0 } ?? true)
    }

    @Test func signConstraintsHoldWhenTheDataPointsTheOtherWay() {
        // In this data a default image goes with genuine accounts; the learners must not say so.
        var random = SeededRandom(seed: 5)
        var rows: [[Double?]] = [], targets: [Double] = []
        var examples: [InauthenticityTrainer.Example] = []
        for i in 0..<600 {
            let fake = i % 4 == 0
            let image: Double = fake ? (random.unit() < 0.1 ? 1 : 0) : (random.unit() < 0.5 ? 1 : 0)
            let followers = fake ? random.unit() * 600 : random.unit() * 900
            rows.append([image, log1p(followers)])
            targets.append(fake ? 1 : 0)
            examples.append(.init(features: TrustFeatureVector([.defaultImage: image, .followers: followers]), label: fake ? 1 : 0, dataset: "x"))
        }
        let trees = GradientBoosting(depth: 2, rounds: 40, shrinkage: 0.2).fit(rows, targets, directions: [1, 0])
        for followers in [0.0, 3, 6] {
            #expect(trees.logit([1, followers]) >= trees.logit([0, followers]) - 1e-12)
        }
        let free = GradientBoosting(depth: 2, rounds: 40, shrinkage: 0.2).fit(rows, targets)
        #expect(free.logit([1, 3]) < free.logit([0, 3]), "the data alone would make the default image look genuine")
        let trainer = InauthenticityTrainer(l2: 1)
        let (standardiser, fit) = trainer.constrainedLogistic(examples, candidates: [.defaultImage, .followers],
                                                              weights: examples.map { _ in 1 })
        for (j, feature) in standardiser.features.enumerated() where feature.knownDirection != 0 {
            #expect(Double(feature.knownDirection) * fit.weights[j] >= 0)
        }
    }

    /// A label that needs an interaction (bot when both inputs are high) and a third feature
    /// known for half the rows only.
    static func interaction(count: Int, seed: UInt64, exclusive: Bool = false) -> ([[Double?]], [Double]) {
        var random = SeededRandom(seed: seed)
        var rows: [[Double?]] = [], labels: [Double] = []
        for i in 0..<count {
            let a = random.unit(), b = random.unit(), c = random.unit()
            rows.append([a, b, i % 2 == 0 ? c : nil])
            // Both high (or, exclusive: exactly one above 0.5, which no linear model can express).
            let bot = exclusive ? (a > 0.5) != (b > 0.5) : a > 0.6 && b > 0.6
            let z = (bot ? 3.0 : -2.5) + (c - 0.5)
            labels.append(random.unit() < sigmoid(z) ? 1 : 0)
        }
        return (rows, labels)
    }

    @Test func boostedTreesLearnAnInteractionLogisticRegressionCannot() {
        let (rows, labels) = Self.interaction(count: 3_000, seed: 31, exclusive: true)
        let (testRows, testLabels) = Self.interaction(count: 2_000, seed: 32, exclusive: true)
        let trees = GradientBoosting(depth: 2, rounds: 60, shrinkage: 0.2).fit(rows, labels)
        let linear = LogisticRegression(l2: 1).fit(rows.map { $0.map { $0 ?? 0.5 } }, labels)
        let treeAUC = ClassifierMetrics.rocAUC(testRows.map { trees.logit($0) }, testLabels)
        let linearAUC = ClassifierMetrics.rocAUC(testRows.map { linear.logit($0.map { $0 ?? 0.5 }) }, testLabels)
        #expect(treeAUC > linearAUC + 0.2, "trees \(treeAUC) vs logistic \(linearAUC)")
        #expect(treeAUC > 0.8)
        // Deterministic.
        #expect(GradientBoosting(depth: 2, rounds: 60, shrinkage: 0.2).fit(rows, labels) == trees)
    }

    @Test func treeContributionsSumToTheLogitAndUnknownFeaturesGiveNothing() {
        let (rows, labels) = Self.interaction(count: 2_000, seed: 33)
        let trees = GradientBoosting(depth: 3, rounds: 40, shrinkage: 0.1, minimumChildWeight: 5).fit(rows, labels)
        for row in rows.prefix(200) + [[nil, nil, nil], [0.9, nil, 0.2], [nil, 0.1, nil]] {
            let (logit, contributions) = trees.explain(row)
            #expect(abs(logit - trees.logit(row)) < 1e-9)
            #expect(abs(trees.bias + contributions.values.reduce(0, +) - logit) < 1e-9)
            for (j, value) in row.enumerated() where value == nil { #expect(contributions[j] == nil) }
        }
        // Nothing known: the bias, the training accounts' cover-weighted mean.
        #expect(abs(trees.logit([nil, nil, nil]) - trees.bias) < 1e-9)
        // The signal is where it was planted: high a and b together raise the logit.
        let bot = trees.explain([0.9, 0.9, 0.5]), person = trees.explain([0.1, 0.2, 0.5])
        #expect(bot.logit > 0 && person.logit < -1.5)
        #expect((bot.contributions[0] ?? 0) > 0 && (bot.contributions[1] ?? 0) > 0)
        // Platt folded in: every output scaled, contributions too.
        let scaled = trees.scaled(a: 0.5, b: -1)
        let (scaledLogit, scaledContributions) = scaled.explain([0.9, 0.9, 0.5])
        #expect(abs(scaledLogit - (0.5 * bot.logit - 1)) < 1e-9)
        #expect(abs((scaledContributions[0] ?? 0) - 0.5 * (bot.contributions[0] ?? 0)) < 1e-9)
    }

    @Test func treeModelScoresThroughTheModelFileWithExactReasons() throws {
        let (rows, labels) = Self.interaction(count: 1_500, seed: 34)
        let trees = GradientBoosting(depth: 2, rounds: 30, shrinkage: 0.2).fit(rows, labels).scaled(a: 1, b: 0)
        let features: [TrustFeature] = [.handleDigits, .nameDigits, .bioLength]
        let profile = InauthenticityModel.ProfileModel(
            family: "twitter", platforms: [.twitter], trainedOn: "test", learner: .boostedTrees, intercept: trees.bias,
            parameters: [], trees: trees, treeFeatures: features.map { .init(feature: $0, importance: 1) },
            threshold: 0.3, platt: PlattScaling())
        var model = Self.tinyModel()
        model.profiles.append(profile)
        // bioLength's model input is log1p: use raw values whose input is the planted value.
        let vector = TrustFeatureVector([.handleDigits: 0.9, .nameDigits: 0.95])
        let score = model.score(vector, platform: .twitter)
        #expect(score.family == "twitter" && score.threshold == 0.3)
        #expect(abs(score.logit - trees.logit([0.9, 0.95, nil])) < 1e-9)
        #expect(abs(score.contributions.reduce(score.bias) { $0 + $1.contribution } - score.logit) < 1e-9)
        #expect(score.unknown.contains(.bioLength) && !score.contributions.contains { $0.feature == .bioLength })
        // Other platforms keep their family (here the pooled logistic one).
        #expect(model.score(vector, platform: .youtube).family == "pooled")
        #expect(InauthenticityModel.family(of: .instagram) == "instagram" && InauthenticityModel.family(of: .bluesky) == "twitter")
        // Round trip through the file.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-trees-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.write(to: url)
        let loaded = try InauthenticityModel.load(from: url)
        #expect(loaded.score(vector, platform: .twitter) == score)
    }
}
