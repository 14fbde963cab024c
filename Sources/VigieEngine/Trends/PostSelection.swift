import Foundation
import VigieCore

/// Which posts a trend or alert analysis reads: every post of the workspace, the posts a query
/// matches, or a saved watch's.
public enum PostSelection: Sendable, Hashable, Codable, CustomStringConvertible {
    case all
    case query(String, stemmed: Bool = false)
    case watch(String)

    /// The posts an alert rule reads (rules match queries word for word).
    public init(_ target: AlertRule.Target) {
        switch target {
        case .all: self = .all
        case .query(let text): self = .query(text)
        case .watch(let name): self = .watch(name)
        }
    }

    /// `all posts`, `query #velo`, `watch velo`: how reports name what they read.
    public var description: String {
        switch self {
        case .all: return "all posts"
        case .query(let text, _): return "query \(text)"
        case .watch(let name): return "watch \(name)"
        }
    }
}

extension Engine {
    /// Calls `body` with every post of `selection`, page by page. A watch is brought up to date
    /// first (a missing one throws `WatchError.notFound`); a query is tested on every post (the
    /// query's own rules, exactly).
    func forEachPage(of selection: PostSelection, _ body: ([Post]) throws -> Void) async throws {
        switch selection {
        case .all:
            for try await page in store.posts(workspace: workspace) { try body(page) }
        case .query(let text, let stemmed):
            let query = try Query.parse(text, options: QueryOptions(stemmed: stemmed))
            for try await page in store.posts(workspace: workspace) { try body(page.filter(query.matches)) }
        case .watch(let name):
            for try await page in store.watchedPosts(named: name, workspace: workspace, in: Date.distantPast..<Date.distantFuture) {
                try body(page)
            }
        }
    }

    /// The extractor of weak-signal items, with per-language stop words when the language data
    /// is there (else a short built-in list, with a note).
    func trendItemExtractor() throws -> (TrendItemExtractor, notes: [String]) {
        let (stopWords, note) = try resources.stopWords()
        return (TrendItemExtractor(stopWords: stopWords), note.map { [$0] } ?? [])
    }

    /// The weak-signal index of `selection`. Every post of the workspace comes through the
    /// store's lean trend records, their items extracted on every core while the next page is
    /// read; a query or a watch goes through whole posts (the matcher and the watch read them).
    func trendIndex(_ selection: PostSelection, extractor: TrendItemExtractor) async throws -> TrendIndex {
        let input: TrendInput
        if case .all = selection {
            input = try await TrendInputBuilder(extractor: extractor)
                .build(from: store.trendRecords(workspace: workspace, includeReposts: false))
        } else {
            var collected = TrendInput(extractor: extractor)
            try await forEachPage(of: selection) { page in
                for post in page { collected.append(post) }
            }
            input = collected
        }
        try Task.checkCancellation()
        return try await Offload.run { TrendIndex(input) }
    }

    /// The creation time of every post of `selection`, reposts included.
    func postTimes(_ selection: PostSelection) async throws -> [Date] {
        if case .all = selection {
            // Only the times are needed: one column instead of whole posts.
            return try await store.postTimes(workspace: workspace).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
        var times: [Date] = []
        try await forEachPage(of: selection) { page in times += page.map(\.createdAt) }
        return times
    }
}

extension TrendOptionError {
    /// The same message as an engine error about `field`.
    func engineError(field: String? = nil) -> EngineError {
        EngineError(.invalidArgument, field: field, description)
    }
}
