import Foundation
import Synchronization
import VigieCore

/// Sentiment computed once per post (issue 19): a dashboard reads the labels stored for its
/// watch's posts and runs the model only on the posts that have none, then stores those. The
/// second dashboard of a period runs no model at all.
extension Engine {
    /// `analyzers` with their sentiment taken from stored labels first, and the ledger that
    /// collects the labels computed meanwhile; unchanged (and no ledger) without a sentiment model.
    func storedSentimentAnalyzers(_ analyzers: DashboardAnalyzers, watch name: String,
                                  buckets: TimeBuckets) async throws -> (DashboardAnalyzers, SentimentLedger?) {
        guard let classify = analyzers.sentiment, let model = resources.sentimentModelIdentity(),
              let watch = try await store.watch(named: name, workspace: workspace) else { return (analyzers, nil) }
        let range = DashboardBuilder(watch: watch, buckets: buckets).range
        let ledger = SentimentLedger(stored: try await store.storedSentiments(watch: name, workspace: workspace,
                                                                              in: range, model: model),
                                     model: model)
        var wrapped = analyzers
        wrapped.postSentiment = { post in ledger.label(of: post, classify: classify) }
        return (wrapped, ledger)
    }

    /// Stores the labels a dashboard computed. A store that cannot take them (opened read-only)
    /// only loses the saving: the note says so.
    func keepComputedSentiments(_ ledger: SentimentLedger?) async -> String? {
        guard let ledger else { return nil }
        let computed = ledger.computed
        guard !computed.isEmpty else { return nil }
        do {
            try await store.storeSentiments(computed, model: ledger.model, workspace: workspace)
            return nil
        } catch {
            return "sentiment labels were computed but not stored (\(error)); the next dashboard computes them again"
        }
    }
}

/// The labels of one dashboard: those stored, and those computed while it ran (from every core).
final class SentimentLedger: Sendable {
    let model: String
    private let stored: [PostKey: SentimentLabel?]
    private let fresh = Mutex<[PostKey: SentimentLabel?]>([:])

    init(stored: [PostKey: SentimentLabel?], model: String) {
        self.stored = stored
        self.model = model
    }

    func label(of post: Post, classify: DashboardAnalyzers.SentimentClassifier) -> SentimentLabel? {
        let key = PostKey(post)
        if let label = stored[key] { return label }
        let label = classify(post.text, post.language)
        fresh.withLock { $0[key] = label }
        return label
    }

    var computed: [PostKey: SentimentLabel?] { fresh.withLock { $0 } }
}

extension Resources {
    /// What stored sentiment labels depend on: the model file's content and the lexicon folder.
    /// `nil` without lexicons (no sentiment at all).
    public func sentimentModelIdentity() -> String? {
        guard let lexicons = try? lexicons() else { return nil }
        var identity = "lexicons:" + lexicons.url.standardizedFileURL.path
        if let path = configuration.sentimentModel
            ?? Self.search(relativePath: "models/" + SentimentModelFile.fileName, from: configuration.searchFolders),
           let data = FileManager.default.contents(atPath: path) {
            // FNV-1a over the file: retraining the model changes it, and the stored labels go stale.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            identity += ";model:" + String(hash, radix: 16)
        } else {
            identity += ";model:none"
        }
        return identity
    }
}
