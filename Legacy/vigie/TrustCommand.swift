import ArgumentParser
import Foundation
import VigieCore
import VigieIngest
import VigieStore
import VigieSynth

struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "How likely accounts are fake or automated, why, and how real an audience is.",
        discussion: """
            The inauthenticity score (0–1, calibrated) comes from a profile model for the \
            account's platform family (Instagram-like, Twitter-like, pooled for the rest: logistic \
            regression or boosted trees, chosen by cross-validation) plus posting-behaviour and \
            graph weights, trained by `vigie trust train` and kept in models/inauthenticity-v2.json. Missing fields lower the confidence and never count as \
            zero. Method and measured figures: docs/trust.md.
            """,
        subcommands: [Score.self, Report.self, Train.self, Evaluate.self]
    )
}

/// Where the model file is: --model, $VIGIE_TRUST_MODEL, else models/inauthenticity-v2.json
/// in the current folder or a parent, or beside the executable's build folder.
struct ModelOptions: ParsableArguments {
    static let fileName = "inauthenticity-v2.json"

    @Option(help: ArgumentHelp("Trust model file (default: $VIGIE_TRUST_MODEL, else models/\(fileName) of the repository).",
                               valueName: "path"))
    var model: String?

    static func defaultModelPath() -> String? {
        if let path = ProcessInfo.processInfo.environment["VIGIE_TRUST_MODEL"], !path.isEmpty { return path }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable.deletingLastPathComponent()]
        for start in starts {
            var folder = start
            for _ in 0..<8 {
                let candidate = folder.appendingPathComponent("models").appendingPathComponent(fileName)
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    func load() throws -> InauthenticityModel {
        guard let path = model ?? Self.defaultModelPath() else {
            throw CLIError("no trust model found: pass --model FILE, set VIGIE_TRUST_MODEL, or run `vigie trust train` "
                           + "in the repository (it writes models/\(Self.fileName))")
        }
        do { return try InauthenticityModel.load(from: URL(fileURLWithPath: path)) } catch let error as TrustError {
            throw CLIError(error.description)
        }
    }
}

/// Every account of a workspace, scored.
struct ScoredWorkspace: InauthenticityScoring {
    var subjects: [TrustSubject]
    var scores: [InauthenticityScore]
    var indexByID: [Int64: Int]

    init(store: SQLiteStore, workspace: String, model: InauthenticityModel) throws {
        subjects = try store.trustSubjects(workspace: workspace)
        scores = subjects.map { model.score($0) }
        indexByID = Dictionary(uniqueKeysWithValues: subjects.enumerated().map { ($1.id, $0) })
    }

    func score(of id: Int64) -> InauthenticityScore? { indexByID[id].map { scores[$0] } }

    /// The workspace scored when a model file is found; `nil` after a note otherwise, so that
    /// analyses that only show the score (influencer rankings) still run.
    init?(optionalModel options: ModelOptions, store: SQLiteStore, workspace: String) throws {
        let model: InauthenticityModel
        do { model = try options.load() } catch let error as CLIError {
            Output.printError("note: \(error.description); inauthenticity is not shown")
            return nil
        }
        try self.init(store: store, workspace: workspace, model: model)
    }

    /// For rankings: the calibrated probability, none when too little is known to say.
    func inauthenticity(of account: GraphAccount) -> Double? {
        guard let score = score(of: account.rowID), score.label != .unknown else { return nil }
        return score.probability
    }
}

/// One account's score for output.
struct AccountScore: Encodable {
    var platform: String
    var id: String
    var handle: String?
    var score: Double
    var label: String
    /// The profile model's family and its label threshold.
    var family: String
    var threshold: Double
    var confidence: Double
    var reasonsUp: [Reason]
    var reasonsDown: [Reason]
    var unknown: [String]
    var audience: AudienceQuality?

    struct Reason: Encodable {
        var feature: String
        var contribution: Double
        var value: Double
        var sentence: String
    }

    init(subject: TrustSubject, score: InauthenticityScore, reasons: Int, audience: AudienceQuality? = nil) {
        platform = subject.account.platform.rawValue
        id = subject.account.platformID
        handle = subject.account.handle
        self.score = (score.probability * 1000).rounded() / 1000
        label = score.label.rawValue
        family = score.family
        threshold = score.threshold
        confidence = (score.confidence * 100).rounded() / 100
        func reason(_ c: InauthenticityScore.Contribution) -> Reason {
            Reason(feature: c.feature.rawValue, contribution: (c.contribution * 100).rounded() / 100, value: c.value,
                   sentence: c.sentence)
        }
        reasonsUp = score.reasons(up: reasons).map(reason)
        reasonsDown = score.reasons(down: reasons).map(reason)
        unknown = score.unknown.map(\.rawValue)
        self.audience = audience
    }

    var name: String { handle.map { "@" + $0 } ?? id }
}

extension TrustCommand {
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score one account: how likely it is fake or automated, the reasons, and its audience quality.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var modelOptions: ModelOptions

        @Argument(help: "The account's handle (with or without @) or platform id.")
        var handle: String

        @Option(help: "How many reasons to show each way.")
        var reasons = 5

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: .hidden)
        var wholeWorkspace = false

        func run() throws {
            let model = try modelOptions.load()
            let sqlite = try store.openStore(mustExist: true)
            let ids = try sqlite.trustAccountIDs(workspace: store.workspace, handle: handle)
            guard !ids.isEmpty else {
                throw CLIError("no account '\(handle)' in workspace '\(store.workspace)': check the handle with `vigie accounts show`")
            }
            let results = wholeWorkspace
                ? try Self.scoreFromWholeWorkspace(ids, store: sqlite, workspace: store.workspace, model: model, reasons: reasons)
                : try Self.score(ids, store: sqlite, workspace: store.workspace, model: model, reasons: reasons)
            if json {
                print(try Output.json(results.count == 1 ? AnyEncodable(results[0]) : AnyEncodable(results)))
                return
            }
            for (n, result) in results.enumerated() {
                if n > 0 { print("") }
                let signals = model.signalCount(platform: Platform(rawValue: result.platform) ?? .other)
                let known = signals - result.unknown.count
                let learner = model.profiles.first { $0.family == result.family }?.learner.rawValue ?? ""
                print("\(result.name) (\(result.platform) \(result.id)): \(String(format: "%.2f", result.score)) \(result.label), "
                      + "confidence \(String(format: "%.2f", result.confidence)) (\(known) of \(signals) signals known; "
                      + "\(result.family) profile model, \(learner), threshold \(String(format: "%.2f", result.threshold)))")
                if !result.reasonsUp.isEmpty {
                    print("raises the score:")
                    for r in result.reasonsUp { print(String(format: "  %+.2f  ", r.contribution) + r.sentence) }
                }
                if !result.reasonsDown.isEmpty {
                    print("lowers the score:")
                    for r in result.reasonsDown { print(String(format: "  %+.2f  ", r.contribution) + r.sentence) }
                }
                if !result.unknown.isEmpty {
                    print("unknown (counts for nothing, lowers the confidence): "
                          + result.unknown.compactMap { TrustFeature(rawValue: $0)?.title }.joined(separator: ", "))
                }
                if let audience = result.audience {
                    let tier = audience.tier.map { "tier \($0.rawValue) (\($0.range))" } ?? "tier unknown"
                    let followers = audience.followers.map { Output.count($0) + " followers" } ?? "followers unknown"
                    print("audience: \(tier), \(followers)")
                    for finding in audience.findings { print("  " + finding) }
                }
            }
        }
    }

}

extension TrustCommand.Score {
    /// Scores the accounts `ids` reading only what they need: their own rows, posts and
    /// interactions, the subjects of the accounts that engaged with them (to score those), and
    /// the recent engagement counts of their follower tier (for the tier's likes per reply).
    static func score(_ ids: [Int64], store: SQLiteStore, workspace: String, model: InauthenticityModel,
                      reasons: Int) throws -> [AccountScore] {
        let subjects = try store.trustSubjects(workspace: workspace, accountIDs: ids)
        var results: [AccountScore] = []
        var tierMedians: [InfluenceTier: Double] = [:]
        var measuredTiers = Set<InfluenceTier>()
        for subject in subjects {
            let engagements = try store.engagements(workspace: workspace, accountID: subject.id)
            let snapshots = try store.metricSnapshots(workspace: workspace, accountID: subject.id)
            let engagers = try store.trustSubjects(workspace: workspace, accountIDs: engagements.map(\.source))
            var scores: [Int64: InauthenticityScore] = [:]
            for engager in engagers { scores[engager.id] = model.score(engager) }
            if let followers = subject.account.followers {
                let tier = InfluenceTier(followers: followers)
                if measuredTiers.insert(tier).inserted {
                    tierMedians[tier] = AudienceAnalyzer.tierMedian(try store.recentEngagement(workspace: workspace, tier: tier))
                }
            }
            let analyzer = AudienceAnalyzer(tierLikesPerReply: tierMedians)
            let audience = analyzer.analyse(subject, engagements: engagements, snapshots: snapshots) { scores[$0] }
            results.append(AccountScore(subject: subject, score: model.score(subject),
                                        reasons: reasons, audience: audience))
        }
        return results
    }

    /// The same result from one pass over the whole workspace (`--whole-workspace`, hidden: kept
    /// to check that `score` agrees with it).
    static func scoreFromWholeWorkspace(_ ids: [Int64], store: SQLiteStore, workspace: String, model: InauthenticityModel,
                                        reasons: Int) throws -> [AccountScore] {
        let scored = try ScoredWorkspace(store: store, workspace: workspace, model: model)
        let analyzer = AudienceAnalyzer(
                                        tierLikesPerReply: AudienceAnalyzer.tierMedians(scored.subjects))
        var results: [AccountScore] = []
        for id in ids {
            guard let index = scored.indexByID[id] else { continue }
            let subject = scored.subjects[index]
            let engagements = try store.engagements(workspace: workspace, accountID: subject.id)
            let snapshots = try store.metricSnapshots(workspace: workspace, accountID: subject.id)
            let audience = analyzer.analyse(subject, engagements: engagements, snapshots: snapshots,
                                            scoreOf: scored.score(of:))
            results.append(AccountScore(subject: subject, score: scored.scores[index], reasons: reasons, audience: audience))
        }
        return results
    }
}

extension TrustCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accounts ranked by inauthenticity score, with their main reasons.",
            discussion: """
                --query restricts the report to the authors of the posts that match a listening \
                query (docs/query-language.md), --watch to the authors of a watch's posts (`vigie \
                watch`). Accounts with too little data to score are left out unless --include-unknown.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: ArgumentHelp("Only authors of posts matching this query.", valueName: "query"))
        var query: String?

        @Option(help: ArgumentHelp("Only authors of this watch's posts.", valueName: "name"))
        var watch: String?

        @Option(help: "Only accounts scored at least this (0–1).")
        var minScore = 0.7

        @Option(help: "How many accounts to list, highest score first.")
        var limit = 50

        @Flag(help: "Also list accounts with too little data to score.")
        var includeUnknown = false

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Print CSV.")
        var csv = false

        func validate() throws {
            guard (0...1).contains(minScore) else { throw ValidationError("--min-score must be between 0 and 1.") }
            guard limit >= 0 else { throw ValidationError("--limit must not be negative.") }
            guard !(json && csv) else { throw ValidationError("choose one of --json and --csv.") }
            guard query == nil || watch == nil else { throw ValidationError("choose one of --query and --watch.") }
        }

        /// The accounts (platform:id) that authored the watch's or the query's posts; nil without either.
        func selectedAuthors(_ sqlite: SQLiteStore) throws -> Set<String>? {
            if let watch {
                // The watch's matches are kept up to date incrementally: no scan of every post.
                do {
                    guard let span = try sqlite.watchSpan(named: watch, workspace: store.workspace) else { return [] }
                    var authors = Set<String>()
                    try sqlite.forEachWatchedPost(named: watch, workspace: store.workspace,
                                                  in: span.lowerBound..<span.upperBound.addingTimeInterval(1)) { matched in
                        authors.insert(matched.post.platform.rawValue + ":" + matched.post.authorID)
                    }
                    return authors
                } catch let error as WatchError {
                    throw CLIError(error.description)
                }
            }
            guard let query else { return nil }
            let parsed: Query
            do { parsed = try Query.parse(query) } catch { throw CLIError("invalid --query\n\(error.description)") }
            var authors = Set<String>()
            try sqlite.forEachPost(workspace: store.workspace) { post in
                if parsed.matches(post) { authors.insert(post.platform.rawValue + ":" + post.authorID) }
            }
            return authors
        }

        func run() throws {
            let model = try modelOptions.load()
            let sqlite = try store.openStore(mustExist: true)
            let started = Date()
            let authors = try selectedAuthors(sqlite)
            let scored = try ScoredWorkspace(store: sqlite, workspace: store.workspace, model: model)
            let ranked = TrustRanking.rank(scored.subjects, scores: scored.scores, minScore: minScore,
                                           includeUnknown: includeUnknown, limit: limit) { subject in
                authors.map { $0.contains(subject.account.platform.rawValue + ":" + subject.account.platformID) } ?? true
            }
            let rows = ranked.map { AccountScore(subject: scored.subjects[$0], score: scored.scores[$0], reasons: 3) }
            let seconds = Date().timeIntervalSince(started)
            if json {
                struct Result: Encodable {
                    var scoredAccounts: Int
                    /// Label threshold of each profile family.
                    var thresholds: [String: Double]
                    var minScore: Double
                    var query: String?
                    var seconds: Double
                    var accounts: [AccountScore]
                }
                print(try Output.json(Result(scoredAccounts: scored.subjects.count,
                                             thresholds: Dictionary(uniqueKeysWithValues: model.profiles.map { ($0.family, $0.threshold) }),
                                             minScore: minScore, query: query, seconds: (seconds * 100).rounded() / 100,
                                             accounts: rows)))
            } else if csv {
                print("rank,platform,account_id,handle,score,label,confidence,reasons")
                for (rank, row) in rows.enumerated() {
                    let reasons = row.reasonsUp.map(\.sentence).joined(separator: "; ")
                    print([String(rank + 1), row.platform, CSVText.field(row.id), CSVText.field(row.handle ?? ""),
                           String(format: "%.3f", row.score), row.label, String(format: "%.2f", row.confidence),
                           CSVText.field(reasons)].joined(separator: ","))
                }
            } else {
                print("\(Output.count(rows.count)) accounts scored ≥ \(minScore) of \(Output.count(scored.subjects.count)) "
                      + "(thresholds " + model.profiles.map { "\($0.family) \($0.threshold)" }.joined(separator: ", ")
                      + ", \(String(format: "%.1fs", seconds)))")
                for (rank, row) in rows.enumerated() {
                    print("\(rank + 1). \(row.name)  \(String(format: "%.2f", row.score))  \(row.label)  confidence "
                          + String(format: "%.2f", row.confidence))
                    for r in row.reasonsUp { print(String(format: "     %+.2f  ", r.contribution) + r.sentence) }
                }
            }
        }
    }
}

/// Ranking for `vigie trust report`: a set of accounts (any predicate) ordered by score.
enum TrustRanking {
    static func rank(_ subjects: [TrustSubject], scores: [InauthenticityScore], minScore: Double,
                     includeUnknown: Bool, limit: Int, include: (TrustSubject) -> Bool) -> [Int] {
        let kept = subjects.indices.filter { i in
            scores[i].probability >= minScore && (includeUnknown || scores[i].label != .unknown) && include(subjects[i])
        }
        return Array(kept.sorted { scores[$0].probability != scores[$1].probability
            ? scores[$0].probability > scores[$1].probability : subjects[$0].id < subjects[$1].id }.prefix(limit))
    }
}

/// A type-erased encodable, to print one result or a list.
struct AnyEncodable: Encodable {
    let encodeBody: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeBody = value.encode }
    func encode(to encoder: Encoder) throws { try encodeBody(encoder) }
}

/// The repository root (the folder with Vigie's Package.swift) above the current folder, if any.
func repositoryRoot() -> URL? {
    var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<8 {
        let manifest = folder.appendingPathComponent("Package.swift")
        if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("name: \"Vigie\"") { return folder }
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { break }
        folder = parent
    }
    return nil
}

/// `../shared/data` beside the repository (a worktree may sit one level deeper: its parents are tried too).
func sharedData(above base: URL) -> URL {
    var folder = base.deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("shared/data")
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        folder.deleteLastPathComponent()
    }
    return base.deletingLastPathComponent().appendingPathComponent("shared/data")
}

/// Accounts of a generated corpus, labelled by its ground truth (planted bots = 1).
struct SynthLabelled {
    var subjects: [TrustSubject]
    var truth: GroundTruth

    /// Generates `posts` posts (Twitter v2, with profiles, apps and counts) for `seed`, imports
    /// them into a scratch store and reads the accounts back.
    static func generate(posts: Int, seed: UInt64) throws -> SynthLabelled {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-trust-\(seed)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try SynthGenerator(configuration: SynthConfiguration(posts: posts, seed: seed))
            .generate(format: .twitterV2, to: directory, progress: nil)
        let store = try SQLiteStore(path: directory.appendingPathComponent("scratch.sqlite").path)
        _ = try Importer(store: store).importFile(at: summary.dataFile.path)
        let truth = try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: summary.groundTruthFile))
        return SynthLabelled(subjects: try store.trustSubjects(workspace: Workspace.defaultName), truth: truth)
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

extension TrustCommand {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the inauthenticity model on labelled data and print the cross-validated figures.",
            discussion: """
                Profile weights are learnt on the labelled sets (--data, default \
                ../shared/data/bot-labels-twibot and ../shared/data/instagram-fake-followers-srf \
                beside the repository); behaviour and graph weights on `vigie synth` accounts \
                (planted bots), generated with --seed and tested on another seed. Deterministic: \
                the same data and seed write the same file.
                """)

        @Option(name: .customLong("data"), help: ArgumentHelp("A labelled data folder (repeat for several).", valueName: "dir"))
        var data: [String] = []

        @Option(help: ArgumentHelp("Model file to write (default: models/\(ModelOptions.fileName) of the repository).",
                                   valueName: "path"))
        var out: String?

        @Option(help: "Seed for folds and generated data.")
        var seed: UInt64 = 42

        @Option(help: "Cross-validation folds.")
        var folds = 5

        @Option(help: "L2 regularisation strength.")
        var l2 = 2.0

        @Option(help: "Generated posts for the behaviour stage (0: profile features only).")
        var synthPosts = 30_000

        @Option(help: ArgumentHelp("Weight of each TwiBot account in the fit (soft-labelled: the experts' mean / 4); 0.25 keeps the pooled model as good as before on SRF (docs/trust.md).",
                                   valueName: "w"))
        var twibotWeight = 0.25

        @Option(help: ArgumentHelp("Boosting rounds of the depth-2 tree candidate (the depth-3 one gets 2/3 of it); 0 = logistic regression only.",
                                   valueName: "n"))
        var treeRounds = 150

        @Flag(help: "Print the figures as JSON.")
        var json = false

        func validate() throws {
            guard treeRounds >= 0 else { throw ValidationError("--tree-rounds must not be negative.") }
            guard twibotWeight > 0 else { throw ValidationError("--twibot-weight must be positive.") }
            guard folds >= 2 else { throw ValidationError("--folds must be at least 2.") }
            guard l2 > 0 else { throw ValidationError("--l2 must be positive.") }
            guard synthPosts >= 0 else { throw ValidationError("--synth-posts must not be negative.") }
        }

        func run() throws {
            let root = repositoryRoot()
            let base = root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let folders = data.isEmpty
                ? ["bot-labels-twibot", "instagram-fake-followers-srf"].map { sharedData(above: base).appendingPathComponent($0) }
                : data.map { URL(fileURLWithPath: $0) }
            var sets: [String: [InauthenticityTrainer.Example]] = [:]
            var notes: [TrustTrainingReport.DatasetNote] = []
            for folder in folders {
                let loaded: [LabelledSet]
                do { loaded = try LabelledData.load(directory: folder) } catch let error as TrustError {
                    throw CLIError(error.description + (data.isEmpty ? " (name the labelled data with --data DIR)" : ""))
                }
                for set in loaded {
                    // Accounts the label rule leaves out are trained on (soft target), never evaluated.
                    sets[set.name, default: []] += (set.accounts + set.ambiguous).map {
                        InauthenticityTrainer.Example(features: TrustFeatureExtractor.features(of: $0.subject),
                                                      label: $0.label, target: $0.target, majorityLabel: $0.majorityLabel,
                                                      dataset: set.name, weight: set.name.hasPrefix("twibot") ? twibotWeight : 1)
                    }
                    let all = set.accounts + set.ambiguous
                    var note = TrustTrainingReport.DatasetNote(
                        name: set.name, accounts: set.accounts.count, positives: set.accounts.filter { ($0.label ?? 0) >= 0.5 }.count,
                        excluded: set.excluded, labelRule: set.labelRule, majorityRule: set.majorityRule,
                        majorityPositives: set.majorityRule == nil ? nil : all.filter { ($0.majorityLabel ?? 0) >= 0.5 }.count)
                    let agreement = LabelledData.expertAgreement(all)
                    note.expertAgreement = agreement.isEmpty ? nil : agreement
                    note.expertCeiling = LabelledData.expertCeiling(all)
                    notes.append(note)
                }
            }
            var synthTrain: [InauthenticityTrainer.Example] = []
            var synthTest: [InauthenticityTrainer.Example] = []
            var synthDescription: String?
            if synthPosts > 0 {
                synthTrain = try SynthLabelled.generate(posts: synthPosts, seed: seed).examples()
                synthTest = try SynthLabelled.generate(posts: synthPosts, seed: seed &+ 1).examples()
                synthDescription = "vigie synth twitter-v2, \(synthPosts) posts, train seed \(seed), test seed \(seed &+ 1)"
            }
            let learners: [ProfileLearnerChoice] = [.logistic]
                + (treeRounds > 0 ? InauthenticityTrainer.defaultTrees(rounds: treeRounds).map { .trees($0) } : [])
            var model = InauthenticityTrainer(l2: l2, folds: folds, seed: seed, learners: learners)
                .train(sets: sets, synthTrain: synthTrain, synthTest: synthTest, synthDescription: synthDescription)
            model.evaluation?.datasets = notes
            let path = out ?? base.appendingPathComponent("models").appendingPathComponent(ModelOptions.fileName).path
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try model.write(to: URL(fileURLWithPath: path))
            if json {
                print(try Output.json(model.evaluation))
            } else {
                for line in model.evaluation?.lines ?? [] { print(line) }
                for profile in model.profiles {
                    print("\(profile.family) profile model (\(profile.learner.rawValue), \(profile.selection)):")
                    if let features = profile.treeFeatures {
                        print("  feature importance (mean |contribution| in calibrated logit units):")
                        for f in features.sorted(by: { $0.importance > $1.importance }).prefix(12) where f.importance > 0 {
                            print(String(format: "  %.3f  %@", f.importance, f.feature.title))
                        }
                    } else {
                        print("  weights (calibrated logit per standard deviation):")
                        for p in profile.parameters.sorted(by: { abs($0.weight) > abs($1.weight) }).prefix(12) {
                            print(String(format: "  %+.2f  %@", p.weight, p.feature.title))
                        }
                    }
                }
                print("behaviour and graph weights, every family (calibrated logit per standard deviation):")
                for p in model.behaviour.sorted(by: { abs($0.weight) > abs($1.weight) }) {
                    print(String(format: "  %+.2f  %@  (%@)", p.weight, p.feature.title, p.learnedFrom))
                }
                print("wrote \(path)")
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the score on imported `vigie synth` data against its planted bots.",
            discussion: "Scores every account that posted and compares with ground-truth.json (bots, hard negatives).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: ArgumentHelp("The ground-truth.json written by `vigie synth`.", valueName: "path"))
        var truth: String

        @Flag(help: "Print JSON.")
        var json = false

        struct Result: Encodable {
            var accounts: Int
            var bots: Int
            var seconds: Double
            var metrics: ClassifierMetrics
            var hardNegatives: Int
            var hardNegativesFlagged: Int
            var regularFlagged: Int
            var regular: Int
            var coordinated: Int
            var coordinatedFlagged: Int
        }

        func run() throws {
            let model = try modelOptions.load()
            let truthData: GroundTruth
            do {
                truthData = try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: URL(fileURLWithPath: truth)))
            } catch {
                throw CLIError("--truth \(truth): not a vigie synth ground-truth.json (\(error.localizedDescription))")
            }
            let started = Date()
            let scored = try ScoredWorkspace(store: try store.openStore(mustExist: true), workspace: store.workspace, model: model)
            let seconds = Date().timeIntervalSince(started)
            let bots = Set(truthData.bots.map(\.id))
            let hard = Set(truthData.hardNegatives.map(\.id))
            let coordinated = Set(truthData.coordinatedGroups.flatMap { $0.members.map(\.id) })
            let posted = scored.subjects.indices.filter { scored.subjects[$0].activity != nil }
            guard posted.contains(where: { bots.contains(scored.subjects[$0].account.platformID) }) || bots.isEmpty else {
                throw CLIError("none of the \(bots.count) planted bots of \(truth) is in workspace '\(store.workspace)': import the generated data first")
            }
            let probabilities = posted.map { scored.scores[$0].probability }
            let labels = posted.map { bots.contains(scored.subjects[$0].account.platformID) ? 1.0 : 0.0 }
            // Each account decided at its family's threshold (synth data is Twitter-like: one threshold).
            let metrics = ClassifierMetrics(probabilities: probabilities, labels: labels,
                                            thresholds: posted.map { scored.scores[$0].threshold })
            func flagged(_ set: (String) -> Bool) -> (Int, Int) {
                let members = posted.filter { set(scored.subjects[$0].account.platformID) }
                return (members.count, members.filter { scored.scores[$0].probability >= scored.scores[$0].threshold }.count)
            }
            let (hardCount, hardFlagged) = flagged { hard.contains($0) }
            let (regularCount, regularFlagged) = flagged { !bots.contains($0) && !hard.contains($0) && !coordinated.contains($0) }
            let (coordinatedCount, coordinatedFlagged) = flagged { coordinated.contains($0) }
            let result = Result(accounts: posted.count, bots: metrics.positives, seconds: (seconds * 100).rounded() / 100,
                                metrics: metrics, hardNegatives: hardCount, hardNegativesFlagged: hardFlagged,
                                regularFlagged: regularFlagged, regular: regularCount, coordinated: coordinatedCount,
                                coordinatedFlagged: coordinatedFlagged)
            if json {
                print(try Output.json(result))
                return
            }
            print("scored \(Output.count(scored.subjects.count)) accounts in \(String(format: "%.2fs", seconds)); "
                  + "\(Output.count(posted.count)) posted, \(metrics.positives) planted bots")
            print(metrics.summary)
            for line in metrics.reliabilityLines { print(line) }
            print("hard negatives (people with bot-like traits) flagged: \(hardFlagged) of \(hardCount)")
            print("other people flagged: \(regularFlagged) of \(regularCount)")
            print("members of coordinated groups flagged: \(coordinatedFlagged) of \(coordinatedCount) (not counted as bots)")
        }
    }
}
