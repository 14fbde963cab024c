import Foundation
import VigieCore
import VigieIngest
import VigieSynth

/// How to train the inauthenticity model.
public struct TrustTrainingRequest: Sendable {
    /// The labelled sets trained on by default, in the shared data folder beside the repository:
    /// the Bot Repository sets, the TwiBot annotation study, SRF and InstaFake.
    public static let defaultData = ["bot-repository", "bot-labels-twibot", "instagram-fake-followers-srf",
                                     "instagram-fake-instafake"]

    /// Labelled data folders; empty: ``defaultData``.
    public var data: [String]
    /// The model file to write; `nil`: `models/inauthenticity-v3.json` of the repository.
    public var out: String?
    /// Seed for folds and generated data.
    public var seed: UInt64
    /// Folds of the secondary random-fold cross-validation (the main figures leave one dataset out).
    public var folds: Int
    /// L2 regularisation strength of the logistic learner.
    public var l2: Double
    /// Generated posts for the behaviour stage (0: profile features only).
    public var synthPosts: Int
    /// Boosting rounds of the depth-2 tree candidate (the depth-3 one gets 2/3); 0: logistic only.
    public var treeRounds: Int
    /// Precision the label threshold is chosen for, on the held-out sets.
    public var precision: Double
    /// Share of fake accounts assumed when a workspace sets none.
    public var defaultPrior: Double
    /// Makes an empty scratch store for the generated data of the behaviour stage (a front end
    /// picks the backend; an in-memory store suits). Needed when `synthPosts > 0`.
    public var scratchStore: (@Sendable () throws -> any Store)?

    public init(data: [String] = [], out: String? = nil, seed: UInt64 = 42, folds: Int = 5, l2: Double = 2,
                synthPosts: Int = 30_000, treeRounds: Int = 150, precision: Double = 0.8, defaultPrior: Double = 0.15,
                scratchStore: (@Sendable () throws -> any Store)? = nil) {
        self.data = data
        self.out = out
        self.seed = seed
        self.folds = folds
        self.l2 = l2
        self.synthPosts = synthPosts
        self.treeRounds = treeRounds
        self.precision = precision
        self.defaultPrior = defaultPrior
        self.scratchStore = scratchStore
    }

    public func validate() throws(EngineError) {
        guard treeRounds >= 0 else { throw EngineError(.invalidArgument, field: "treeRounds", "the boosting rounds must not be negative") }
        guard precision > 0 && precision < 1 else {
            throw EngineError(.invalidArgument, field: "precision", "the target precision must be between 0 and 1")
        }
        guard defaultPrior > 0 && defaultPrior < 1 else {
            throw EngineError(.invalidArgument, field: "defaultPrior", "the default prior must be between 0 and 1")
        }
        guard folds >= 2 else { throw EngineError(.invalidArgument, field: "folds", "cross-validation needs at least 2 folds") }
        guard l2 > 0 else { throw EngineError(.invalidArgument, field: "l2", "the L2 strength must be positive") }
        guard synthPosts >= 0 else { throw EngineError(.invalidArgument, field: "synthPosts", "the generated posts must not be negative") }
        guard synthPosts == 0 || scratchStore != nil else {
            throw EngineError(.invalidArgument, field: "scratchStore", "the behaviour stage needs a scratch store for its generated data")
        }
    }
}

/// The trained model (with its leave-one-dataset-out figures in `model.evaluation`) and where it was written.
public struct TrustTrainingResult: Sendable {
    public var model: InauthenticityModel
    public var path: String
}

extension Engine {
    /// Trains the inauthenticity model: profile weights on the labelled sets (each scored by a model
    /// trained on the others), behaviour and graph
    /// weights on generated accounts (planted bots) of one seed, tested on another; writes the
    /// model file. Deterministic: the same data and seed write the same file.
    ///
    /// ```swift
    /// let result = try await engine.trustTraining(TrustTrainingRequest(
    ///     data: ["../shared/data/bot-labels-twibot"], out: "model.json", scratchStore: { try SQLiteStore.inMemory() }))
    /// print(result.model.evaluation?.lines ?? [])
    /// ```
    public func trustTraining(_ request: TrustTrainingRequest) async throws -> TrustTrainingResult {
        try await Self.trustTraining(request, configuration: configuration)
    }

    /// The same without a workspace store: training reads only files and its scratch stores.
    public static func trustTraining(_ request: TrustTrainingRequest,
                                     configuration: EngineConfiguration) async throws -> TrustTrainingResult {
        try request.validate()
        let base = TrainingLocations.repositoryRoot(from: configuration.searchFolders)
            ?? URL(fileURLWithPath: configuration.searchFolders.first ?? FileManager.default.currentDirectoryPath)
        let folders = request.data.isEmpty
            ? TrustTrainingRequest.defaultData.map { TrainingLocations.sharedData(above: base).appendingPathComponent($0) }
            : request.data.map { URL(fileURLWithPath: $0) }
        let defaultData = request.data.isEmpty
        let (sets, notes) = try await Offload.run { () throws -> ([String: [InauthenticityTrainer.Example]], [TrustTrainingReport.DatasetNote]) in
            var sets: [String: [InauthenticityTrainer.Example]] = [:]
            var notes: [TrustTrainingReport.DatasetNote] = []
            for folder in folders {
                let loaded: [LabelledSet]
                do {
                    loaded = try LabelledData.load(directory: folder)
                } catch {
                    throw EngineError(.unreadableInput, field: "data",
                                      "\(error)" + (defaultData ? " (name the labelled data folders)" : ""))
                }
                for set in loaded {
                    // Accounts the label rule leaves out are trained on (soft target), never evaluated.
                    sets[set.name, default: []] += (set.accounts + set.ambiguous).map {
                        InauthenticityTrainer.Example(features: $0.features, label: $0.label, target: $0.target,
                                                      dataset: set.name, platform: $0.platform)
                    }
                    var note = TrustTrainingReport.DatasetNote(
                        name: set.name, accounts: set.accounts.count, positives: set.accounts.filter { ($0.label ?? 0) >= 0.5 }.count,
                        excluded: set.excluded, labelRule: set.labelRule)
                    note.expertCeiling = LabelledData.expertCeiling(set.accounts + set.ambiguous)
                    notes.append(note)
                }
            }
            return (sets, notes)
        }
        var synthTrain: [InauthenticityTrainer.Example] = []
        var synthTest: [InauthenticityTrainer.Example] = []
        var synthDescription: String?
        if request.synthPosts > 0, let makeStore = request.scratchStore {
            try Task.checkCancellation()
            synthTrain = try await SynthLabelled.generate(posts: request.synthPosts, seed: request.seed, into: makeStore()).examples()
            try Task.checkCancellation()
            synthTest = try await SynthLabelled.generate(posts: request.synthPosts, seed: request.seed &+ 1, into: makeStore()).examples()
            synthDescription = "vigie synth twitter-v2, \(request.synthPosts) posts, train seed \(request.seed), test seed \(request.seed &+ 1)"
        }
        let learners: [ProfileLearnerChoice] = [.logistic]
            + (request.treeRounds > 0 ? InauthenticityTrainer.defaultTrees(rounds: request.treeRounds).map { .trees($0) } : [])
        let trainer = InauthenticityTrainer(l2: request.l2, folds: request.folds, seed: request.seed, learners: learners,
                                            precisionTarget: request.precision, defaultPrior: request.defaultPrior)
        let (train, test, description) = (synthTrain, synthTest, synthDescription)
        var model = try await Offload.run {
            trainer.train(sets: sets, synthTrain: train, synthTest: test, synthDescription: description)
        }
        model.evaluation?.datasets = notes
        let path = request.out ?? base.appendingPathComponent("models").appendingPathComponent(Resources.trustModelFileName).path
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try model.write(to: URL(fileURLWithPath: path))
        } catch {
            throw EngineError(.unreadableInput, field: "out", "cannot write the model to \(path): \(error.localizedDescription)")
        }
        return TrustTrainingResult(model: model, path: path)
    }
}

/// Where training data is found by default: the repository (the folder with Vigie's
/// Package.swift) and the shared data folder beside it.
enum TrainingLocations {
    /// The repository root above one of `folders`, if any.
    static func repositoryRoot(from folders: [String]) -> URL? {
        for start in folders {
            var folder = URL(fileURLWithPath: start).standardizedFileURL
            for _ in 0..<8 {
                let manifest = folder.appendingPathComponent("Package.swift")
                if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("name: \"Vigie\"") { return folder }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// `../shared/data` beside the repository (a worktree may sit one level deeper: its parents
    /// are tried too).
    static func sharedData(above base: URL) -> URL {
        var folder = base.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("shared/data")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return base.deletingLastPathComponent().appendingPathComponent("shared/data")
    }
}

/// Accounts of a generated corpus, labelled by its ground truth (planted bots = 1).
struct SynthLabelled: Sendable {
    var subjects: [TrustSubject]
    var truth: GroundTruth

    /// Generates `posts` posts (Twitter v2, with profiles, apps and counts) for `seed`, imports
    /// them into `store` (an empty scratch store) and reads the accounts back.
    static func generate(posts: Int, seed: UInt64, into store: any Store) async throws -> SynthLabelled {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-trust-\(seed)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try await Offload.run {
            try SynthGenerator(configuration: SynthConfiguration(posts: posts, seed: seed))
                .generate(format: .twitterV2, to: directory, progress: nil)
        }
        try await importFile(summary.dataFile.path, into: store)
        let truth = try GroundTruthFile.load(summary.groundTruthFile.path, field: "synthPosts")
        return SynthLabelled(subjects: try await store.trustSubjects(workspace: Workspace.defaultName), truth: truth)
    }

    private static func importFile(_ path: String, into writer: some StoreWriter) async throws {
        _ = try await Importer(store: writer).importFile(at: path)
    }

    /// Accounts that posted (the others are only names in mentions), with their labels.
    func examples() -> [InauthenticityTrainer.Example] {
        let bots = Set(truth.bots.map(\.id))
        return subjects.filter { $0.activity != nil }.map {
            InauthenticityTrainer.Example(features: TrustFeatureExtractor.features(of: $0),
                                          label: bots.contains($0.account.platformID) ? 1 : 0, dataset: "synth")
        }
    }
}
