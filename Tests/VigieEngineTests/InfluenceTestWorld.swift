import Foundation
import VigieCore
import VigieEngine
import VigieStore

/// A small world with a planted structure, written into an in-memory store:
/// - a cycling community: `anne` (the topic's expert: 6 posts on cycling, engaged by six fans),
///   `bob` (2 cycling posts, liked by four of the same fans), fans `b1`…`b6` (b1–b3 post on
///   cycling too);
/// - a football community: `star` (2M followers, off topic), engaged by `c1`…`c8`.
/// No interaction crosses the two communities.
enum InfluenceTestWorld {
    static let start = Date(timeIntervalSince1970: 1_709_251_200) // 2024-03-01T00:00:00Z

    /// Replies, reposts and likes written: what the graph must count.
    static let replies = 6 * 3 + 8 * 2
    static let reposts = 6
    static let likes = 4 * 2 + 8 * 3

    /// The repository (for the trust model file).
    static var repository: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    static var configuration: EngineConfiguration {
        EngineConfiguration(database: ":memory:",
                            trustModel: repository.appendingPathComponent("models/inauthenticity-v3.json").path,
                            searchFolders: [repository.path])
    }

    static func engine() async throws -> Engine {
        let store = try SQLiteStore.inMemory()
        try await store.write(IngestBatch(items: items()), workspace: Workspace.defaultName)
        return Engine(store: store, configuration: configuration)
    }

    static func items() -> [IngestItem] {
        var items: [IngestItem] = []
        var minute = 0.0
        func at() -> Date { minute += 1; return start.addingTimeInterval(minute * 60) }
        func account(_ id: String, followers: Int) {
            items.append(.account(Account(platform: .twitter, platformID: id, handle: id, bio: "bio of \(id)",
                                          createdAt: start.addingTimeInterval(-86_400 * 400), followers: followers,
                                          following: 150, postsCount: 300, observedAt: start)))
        }
        func post(_ id: String, by author: String, _ text: String, replyTo: (post: String, account: String)? = nil,
                  repostOf: (post: String, account: String)? = nil, hashtags: [String] = []) {
            items.append(.post(Post(platform: .twitter, platformID: id, authorID: author, authorHandle: author, createdAt: at(),
                                    text: text, language: "fr", replyToPostID: replyTo?.post, replyToAccountID: replyTo?.account,
                                    repostOfID: repostOf?.post, repostOfAccountID: repostOf?.account, hashtags: hashtags,
                                    metrics: PostMetrics(likes: 10, reposts: 2, replies: 3, observedAt: start))))
        }
        func like(_ source: String, _ target: String, post: String) {
            items.append(.interaction(Interaction(platform: .twitter, kind: .like, sourceAccountID: source, targetAccountID: target,
                                                  targetPostID: post, viaID: "like-\(source)-\(post)", at: at())))
        }
        account("anne", followers: 5_000)
        account("bob", followers: 3_000)
        account("star", followers: 2_000_000)
        let fans = (1...6).map { "b\($0)" }, crowd = (1...8).map { "c\($0)" }
        for fan in fans { account(fan, followers: 120) }
        for member in crowd { account(member, followers: 80) }

        for n in 1...6 { post("a\(n)", by: "anne", "belle sortie a velo le long du canal numero \(n)", hashtags: ["cyclisme"]) }
        post("a7", by: "anne", "un gateau au chocolat pour le gouter")
        post("a8", by: "anne", "les impots cette annee encore")
        for (index, fan) in fans.enumerated() {
            for n in 0..<3 {
                let target = "a\((index + n) % 6 + 1)"
                post("r-\(fan)-\(n)", by: fan, "bravo pour cette belle sortie", replyTo: (target, "anne"))
            }
            post("rt-\(fan)", by: fan, "belle sortie a velo", repostOf: ("a\(index + 1)", "anne"))
        }
        for fan in fans.prefix(3) {
            for n in 1...2 { post("v-\(fan)-\(n)", by: fan, "mon velo est pret pour dimanche \(n)") }
        }
        for n in 1...2 { post("bob\(n)", by: "bob", "reparer un velo soi meme etape \(n)") }
        for fan in fans.prefix(4) {
            for n in 1...2 { like(fan, "bob", post: "bob\(n)") }
        }
        for n in 1...3 { post("s\(n)", by: "star", "grand match de foot ce soir au stade \(n)") }
        for member in crowd {
            for n in 1...2 { post("r-\(member)-\(n)", by: member, "allez allez quel match", replyTo: ("s\(n)", "star")) }
            for n in 1...3 { like(member, "star", post: "s\(n)") }
        }
        return items
    }
}
