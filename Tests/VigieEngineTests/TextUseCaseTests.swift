import Foundation
import Testing
import VigieCore
import Synchronization
import VigieEngine

@Suite(.serialized) struct TextUseCaseTests {
    static let resources = Resources(configuration: ListeningFixture.configuration())

    /// A labelled folder laid out like tweets-sentiment-xlmt (`english/` and `french/`, one text
    /// and one label per line: 0 negative, 1 neutral, 2 positive), removed by the caller.
    static func labelledFolder(split: String, copies: Int = 1) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-labelled-\(UUID().uuidString)")
        let sets: [(String, [(String, Int)])] = [
            ("english", [("I love this wonderful park, great job", 2), ("This is terrible, awful and sad", 0),
                         ("The meeting is on Tuesday at the town hall", 1)]),
            ("french", [("J'adore ce parc magnifique, bravo", 2), ("C'est horrible, nul et triste", 0),
                        ("La réunion a lieu mardi à la mairie", 1)]),
        ]
        for (folder, examples) in sets {
            let directory = root.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let repeated = Array(repeating: examples, count: copies).flatMap { $0 }
            try (repeated.map(\.0).joined(separator: "\n") + "\n")
                .write(to: directory.appendingPathComponent("\(split)_text.txt"), atomically: true, encoding: .utf8)
            try (repeated.map { String($0.1) }.joined(separator: "\n") + "\n")
                .write(to: directory.appendingPathComponent("\(split)_labels.txt"), atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func sentimentIdentifiesTheLanguageWhenNoneIsGiven() throws {
        let analysis = try Engine.analyzeSentiment(SentimentRequest(text: "Les éoliennes tuent les oiseaux, quelle horreur 😢"),
                                                   resources: Self.resources)
        #expect(analysis.identified?.language == "fr")
        #expect(analysis.result.label == .negative)
        #expect(analysis.result.labeller == "model sentiment-v3.json (fr)")
        #expect(analysis.notes.isEmpty, "\(analysis.notes)")
        let given = try Engine.analyzeSentiment(SentimentRequest(text: "I love this new park :)", language: "en"),
                                                resources: Self.resources)
        #expect(given.identified == nil && given.result.label == .positive)
    }

    @Test func aModelFileThatCannotBeReadIsAnError() throws {
        var configuration = ListeningFixture.configuration()
        configuration.sentimentModel = "/nonexistent/model.json"
        #expect {
            try Engine.analyzeSentiment(SentimentRequest(text: "bonjour", language: "fr"), resources: Resources(configuration: configuration))
        } throws: { error in
            guard let error = error as? EngineError else { return false }
            return error.code == .resourceMissing && error.field == "sentimentModel"
                && error.message.contains("cannot read the sentiment model") && !error.message.contains("--")
        }
    }

    @Test func sentimentEvaluationCountsEveryPassAndTheFirstForAccuracy() async throws {
        let root = try Self.labelledFolder(split: "val")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await Engine.evaluateSentiment(SentimentEvaluationRequest(data: root.path, repeats: 2),
                                                        resources: Self.resources)
        #expect(result.rows.map(\.language) == ["en", "fr"])
        #expect(result.rows.allSatisfy { $0.evaluation.count == 3 && $0.split == "val" })
        #expect(result.rows.allSatisfy { $0.labeller.hasPrefix("model") })
        #expect(result.analysed == 12)
        #expect(result.rows.allSatisfy { $0.evaluation.accuracy >= 2.0 / 3 }, "\(result.rows.map(\.evaluation.accuracy))")

        let vader = try await Engine.evaluateSentiment(SentimentEvaluationRequest(data: root.path, labeller: .uncalibrated),
                                                       resources: Self.resources)
        #expect(vader.rows.allSatisfy { $0.labeller == "VADER thresholds" })
        await #expect {
            try await Engine.evaluateSentiment(SentimentEvaluationRequest(data: root.path, split: .train), resources: Self.resources)
        } throws: { error in
            (error as? EngineError).map { $0.code == .unreadableInput && $0.field == "data" } ?? false
        }
    }

    @Test func trainingIsDeterministicAndReportsEachLanguage() async throws {
        let root = try Self.labelledFolder(split: "train", copies: 4)
        defer { try? FileManager.default.removeItem(at: root) }
        let request = SentimentTrainingRequest(
            data: root.path, folds: 2, grid: .single(l2: 0.01, minimumCount: 1, options: SentimentFeatureOptions()), show: 3)
        let seen = LanguagesSeen()
        let first = try await Engine.trainSentiment(request, resources: Self.resources) { seen.add($0.language) }
        let second = try await Engine.trainSentiment(request, resources: Self.resources)
        #expect(seen.languages == ["en", "fr"])
        #expect(first.languages.map(\.examples) == [12, 12])
        #expect(first.languages.allSatisfy { $0.best.count == 1 && $0.calibration == nil })
        #expect(first.file.models.keys.sorted() == ["en", "fr"])
        #expect(try first.file.encoded() == second.file.encoded())
        await #expect(throws: EngineError.self) {
            try await Engine.trainSentiment(SentimentTrainingRequest(data: root.path, folds: 1), resources: Self.resources)
        }
    }

    @Test func languagesAreIdentifiedAndMeasured() async throws {
        let answer = try Engine.identifyLanguage("Ceci est un texte en français, écrit pour vérifier l'identification",
                                                 resources: Self.resources)
        #expect(answer.language == "fr" && answer.confidence > 0.9)
        #expect(answer.candidates.first?.language == "fr")
        #expect(zip(answer.candidates, answer.candidates.dropFirst()).allSatisfy { $0.probability >= $1.probability })
        #expect(throws: EngineError.self) {
            try Engine.identifyLanguage("bonjour", settings: LanguageSettings(languages: ["xx"]), resources: Self.resources)
        }

        let root = try Self.labelledFolder(split: "val")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await Engine.evaluateLanguage(LanguageEvaluationRequest(data: root.path, repeats: 3),
                                                       resources: Self.resources)
        #expect(result.evaluation.texts == 6 && result.identified == 18)
        #expect(Set(result.evaluation.rows.map(\.language)) == ["en", "fr"])
    }
}

/// Languages reported by a training's progress, in order (the callback is `@Sendable`).
final class LanguagesSeen: Sendable {
    private let seen = Mutex<[String]>([])
    var languages: [String] { seen.withLock { $0 } }
    func add(_ language: String) { seen.withLock { $0.append(language) } }
}
