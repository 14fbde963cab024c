import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct TrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "How likely accounts are fake or automated, why, and how real an audience is.",
        discussion: """
            The inauthenticity score (0–1, calibrated) comes from a profile model for the \
            account's platform family (Instagram-like, Twitter-like, pooled for the rest: logistic \
            regression or boosted trees, chosen by cross-validation) plus posting-behaviour and \
            graph weights, trained by `vigie trust train` and kept in models/inauthenticity-v3.json. Missing fields lower the confidence and never count as \
            zero. Method and measured figures: docs/trust.md.
            """,
        subcommands: [Score.self, Report.self, Prior.self, Train.self, Evaluate.self]
    )
}

extension TrustCommand {
    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "score",
            abstract: "Score one account: how likely it is fake or automated, the reasons, and its audience quality.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var modelOptions: ModelOptions

        @Argument(help: "The account's handle (with or without @) or platform id.")
        var handle: String

        @Option(help: "How many reasons to show each way.")
        var reasons = 5

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let result = try await store.engine(readOnly: true, trustModel: modelOptions.model)
                .trustScore(TrustScoreRequest(handle: handle, reasons: reasons))
            try Self.print(result, json: json)
        }

        /// The scores as JSON (one object for one account, else a list) or as text.
        static func print(_ result: TrustScoreResult, json: Bool) throws {
            let accounts = result.accounts
            if json {
                Swift.print(try accounts.count == 1 ? Output.json(accounts[0]) : Output.json(accounts))
                return
            }
            let model = result.model
            for (n, account) in accounts.enumerated() {
                if n > 0 { Swift.print("") }
                let signals = model.signalCount(platform: Platform(rawValue: account.platform) ?? .other)
                let known = signals - account.unknown.count
                let learner = model.profiles.first { $0.family == account.family }?.learner.rawValue ?? ""
                Swift.print("\(account.name) (\(account.platform) \(account.id)): \(String(format: "%.2f", account.score)) \(account.label), "
                            + "confidence \(String(format: "%.2f", account.confidence)) (\(known) of \(signals) signals known; "
                            + "\(learner) profile model, threshold \(String(format: "%.2f", account.threshold)), "
                            + "prior \(String(format: "%.2f", account.prior)))")
                for reason in account.unsure { Swift.print("unsure: " + reason) }
                for note in account.notes { Swift.print("note: " + note) }
                if !account.reasonsUp.isEmpty {
                    Swift.print("raises the score:")
                    for r in account.reasonsUp { Swift.print(String(format: "  %+.2f  ", r.contribution) + r.sentence) }
                }
                if !account.reasonsDown.isEmpty {
                    Swift.print("lowers the score:")
                    for r in account.reasonsDown { Swift.print(String(format: "  %+.2f  ", r.contribution) + r.sentence) }
                }
                if !account.unknown.isEmpty {
                    Swift.print("unknown (counts for nothing, lowers the confidence): "
                                + account.unknown.compactMap { TrustFeature(rawValue: $0)?.title }.joined(separator: ", "))
                }
                if let audience = account.audience {
                    let tier = audience.tier.map { "tier \($0.rawValue) (\($0.range))" } ?? "tier unknown"
                    let followers = audience.followers.map { Output.count($0) + " followers" } ?? "followers unknown"
                    Swift.print("audience: \(tier), \(followers)")
                    for finding in audience.findings { Swift.print("  " + finding) }
                }
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Accounts ranked by inauthenticity score, with their main reasons.",
            discussion: """
                --query restricts the report to the authors of the posts that match a listening \
                query (docs/query-language.md), --watch to the authors of a watch's posts (`vigie \
                watch`). Every account is scored, with or without posts; those the model is unsure \
                about are listed with the label `unsure` and the reason. The prior (the share of \
                fake accounts expected in the workspace) is stated: set it with `vigie trust prior`.
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

        func run() async throws {
            let selection: TrustReportRequest.Selection? = watch.map { .watch($0) } ?? query.map { .query($0) }
            let report: TrustReport
            do {
                report = try await store.engine(readOnly: true, trustModel: modelOptions.model).trustReport(
                    TrustReportRequest(selection: selection, minScore: minScore, limit: limit))
            } catch let error as QueryError {
                throw CLIError("invalid --query\n\(error.description)")
            }
            let rows = report.accounts
            if json {
                struct Result: Encodable {
                    var scoredAccounts: Int
                    /// Label threshold of each profile family.
                    var thresholds: [String: Double]
                    var minScore: Double
                    /// The share of fake accounts assumed, and whether the workspace set it.
                    var prior: Double
                    var priorSetByWorkspace: Bool
                    var query: String?
                    var seconds: Double
                    var accounts: [AccountTrust]
                }
                print(try Output.json(Result(scoredAccounts: report.scoredAccounts,
                                             thresholds: Dictionary(report.thresholds.map { ($0.family, $0.threshold) },
                                                                    uniquingKeysWith: { first, _ in first }),
                                             minScore: minScore, prior: report.prior,
                                             priorSetByWorkspace: report.priorSetByWorkspace, query: query, seconds: (report.seconds * 100).rounded() / 100,
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
                print("\(Output.count(rows.count)) accounts scored ≥ \(minScore) of \(Output.count(report.scoredAccounts)) "
                      + "(label threshold \(String(format: "%.2f", report.threshold)), chosen for precision "
                      + "\(String(format: "%.2f", report.precisionTarget)); \(String(format: "%.1fs", report.seconds)))")
                print("prior: \(String(format: "%.2f", report.prior)) of accounts assumed fake "
                      + (report.priorSetByWorkspace ? "(set for workspace '\(store.workspaceName)')"
                                                    : "(the model's default; set the workspace's with `vigie trust prior SHARE`)"))
                for (rank, row) in rows.enumerated() {
                    print("\(rank + 1). \(row.name)  \(String(format: "%.2f", row.score))  \(row.label)  confidence "
                          + String(format: "%.2f", row.confidence))
                    for reason in row.unsure { print("     unsure: " + reason) }
                    for r in row.reasonsUp { print(String(format: "     %+.2f  ", r.contribution) + r.sentence) }
                }
            }
        }
    }

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train the inauthenticity model on labelled data and print the leave-one-dataset-out figures.",
            discussion: """
                Profile weights are learnt on the labelled sets (--data, default: the Bot \
                Repository sets, the TwiBot annotation study, SRF and InstaFake in \
                ../shared/data beside the repository), each scored by a model trained on the \
                others; behaviour and graph weights on `vigie synth` accounts (planted bots), \
                generated with --seed and tested on another seed. Deterministic: the same data \
                and seed write the same file.
                """)

        @Option(name: .customLong("data"), help: ArgumentHelp("A labelled data folder (repeat for several).", valueName: "dir"))
        var data: [String] = []

        @Option(help: ArgumentHelp("Model file to write (default: models/\(ModelOptions.fileName) of the repository).",
                                   valueName: "path"))
        var out: String?

        @Option(help: "Seed for folds and generated data.")
        var seed: UInt64 = 42

        @Option(help: "Folds of the secondary random-fold cross-validation.")
        var folds = 5

        @Option(help: "L2 regularisation strength of the logistic learner.")
        var l2 = 2.0

        @Option(help: "Generated posts for the behaviour stage (0: profile features only).")
        var synthPosts = 30_000

        @Option(help: ArgumentHelp("Boosting rounds of the depth-2 tree candidate (the depth-3 one gets 2/3 of it); 0 = logistic regression only.",
                                   valueName: "n"))
        var treeRounds = 150

        @Option(help: ArgumentHelp("Precision the label threshold is chosen for, on the held-out sets.", valueName: "p"))
        var precision = 0.8

        @Option(help: ArgumentHelp("Share of fake accounts assumed when a workspace sets none (`vigie trust prior`).", valueName: "share"))
        var defaultPrior = 0.15

        @Flag(help: "Print the figures as JSON.")
        var json = false

        func validate() throws {
            guard treeRounds >= 0 else { throw ValidationError("--tree-rounds must not be negative.") }
            guard folds >= 2 else { throw ValidationError("--folds must be at least 2.") }
            guard l2 > 0 else { throw ValidationError("--l2 must be positive.") }
            guard synthPosts >= 0 else { throw ValidationError("--synth-posts must not be negative.") }
            guard precision > 0 && precision < 1 else { throw ValidationError("--precision must be between 0 and 1.") }
            guard defaultPrior > 0 && defaultPrior < 1 else { throw ValidationError("--default-prior must be between 0 and 1.") }
        }

        func run() async throws {
            // Training reads files and generates data into scratch stores: no workspace store.
            let result = try await Engine.trustTraining(TrustTrainingRequest(
                data: data, out: out, seed: seed, folds: folds, l2: l2, synthPosts: synthPosts,
                treeRounds: treeRounds, precision: precision, defaultPrior: defaultPrior, scratchStore: { try StoreOptions.scratchStore() }),
                configuration: EngineConfiguration(environment: ProcessInfo.processInfo.environment))
            let model = result.model
            if json {
                print(try Output.json(model.evaluation))
                return
            }
            for line in model.evaluation?.lines ?? [] { print(line) }
            for profile in model.profiles {
                print("profile model (\(profile.learner.rawValue), \(profile.selection)):")
                if let features = profile.treeFeatures {
                    print("  feature importance (mean |contribution| in calibrated logit units):")
                    for f in features.sorted(by: { $0.importance > $1.importance }) where f.importance > 0 {
                        print(String(format: "  %.3f  %@", f.importance, f.feature.title))
                    }
                } else {
                    print("  weights (calibrated logit per standard deviation):")
                    for p in profile.parameters.sorted(by: { abs($0.weight) > abs($1.weight) }) {
                        print(String(format: "  %+.2f  %@", p.weight, p.feature.title))
                    }
                }
            }
            print("behaviour and graph weights (calibrated logit per standard deviation):")
            for p in model.behaviour.sorted(by: { abs($0.weight) > abs($1.weight) }) {
                print(String(format: "  %+.2f  %@  (%@)", p.weight, p.feature.title, p.learnedFrom))
            }
            print("wrote \(result.path)")
        }
    }

    struct Prior: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prior",
            abstract: "Show or set the share of fake accounts expected in the workspace (the trust score's prior).",
            discussion: """
                Scores are calibrated as likelihood ratios on labelled sets the model never saw; \
                the prior turns them into probabilities for this population (e.g. 0.2 when about \
                one account in five is expected to be fake). Without one, the model's default applies.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var modelOptions: ModelOptions

        @Argument(help: ArgumentHelp("The share to set, between 0 and 1 exclusive (omit to show it).", valueName: "share"))
        var share: Double?

        @Flag(help: "Remove the workspace's prior (the model's default applies again).")
        var reset = false

        func validate() throws {
            if let share, !(share > 0 && share < 1) { throw ValidationError("the prior must be between 0 and 1 (exclusive), e.g. 0.2.") }
            guard !(reset && share != nil) else { throw ValidationError("give a share or --reset, not both.") }
        }

        func run() async throws {
            let changes = reset || share != nil
            let engine = try store.engine(readOnly: !changes, trustModel: modelOptions.model)
            if changes { try await engine.setTrustPrior(share) }
            if let prior = try await engine.trustPrior() {
                print("trust prior for workspace '\(store.workspaceName)': \(prior)")
            } else {
                let fallback = (try? engine.resources.trustModel())?.defaultPrior
                print("workspace '\(store.workspaceName)' sets no trust prior; the model's default applies"
                      + (fallback.map { ": \($0)" } ?? ""))
            }
        }
    }

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Measure the score on imported `vigie synth` data against its planted bots.",
            discussion: "Scores every account that posted and compares with ground-truth.json (bots, hard negatives).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: ArgumentHelp("The ground-truth.json written by `vigie synth`.", valueName: "path"))
        var truth: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let result = try await store.engine(readOnly: true, trustModel: modelOptions.model)
                .trustEvaluation(TrustEvaluationRequest(truth: truth))
            if json {
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
                print(try Output.json(Result(
                    accounts: result.accounts, bots: result.bots, seconds: result.seconds, metrics: result.metrics,
                    hardNegatives: result.hardNegatives, hardNegativesFlagged: result.hardNegativesFlagged,
                    regularFlagged: result.regularFlagged, regular: result.regular, coordinated: result.coordinated,
                    coordinatedFlagged: result.coordinatedFlagged)))
                return
            }
            let metrics = result.metrics
            print("scored \(Output.count(result.scoredAccounts)) accounts in \(String(format: "%.2fs", result.seconds)); "
                  + "\(Output.count(result.accounts)) posted, \(metrics.positives) planted bots")
            print(metrics.summary)
            for line in metrics.reliabilityLines { print(line) }
            print("hard negatives (people with bot-like traits) flagged: \(result.hardNegativesFlagged) of \(result.hardNegatives)")
            print("other people flagged: \(result.regularFlagged) of \(result.regular)")
            print("members of coordinated groups flagged: \(result.coordinatedFlagged) of \(result.coordinated) (not counted as bots)")
        }
    }
}
