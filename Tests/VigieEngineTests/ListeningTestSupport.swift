import Foundation
import VigieCore
import VigieEngine
import VigieStore

/// Small corpora on an in-memory store, for the listening, trends and alerts use cases.
enum ListeningFixture {
    /// The repository, so that resources (.cache/lexicons, models/) are found as from a checkout.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func configuration(workspace: String = "default") -> EngineConfiguration {
        EngineConfiguration(workspace: workspace, searchFolders: [repository])
    }

    /// An engine on a fresh in-memory store holding `posts`.
    static func engine(_ posts: [Post], configuration: EngineConfiguration = configuration()) async throws -> Engine {
        let store = try SQLiteStore.inMemory()
        if !posts.isEmpty {
            try await store.write(IngestBatch(items: posts.map(IngestItem.post)), workspace: configuration.workspace)
        }
        return Engine(store: store, configuration: configuration)
    }

    static func date(_ text: String) -> Date { DateParsing.parse(text)! }

    static func post(_ id: String, _ text: String, at time: String, author: String = "a", language: String? = "fr",
                     hashtags: [String] = [], likes: Int? = nil) -> Post {
        Post(platform: .twitter, platformID: id, authorID: author, authorHandle: author, createdAt: date(time), text: text,
             language: language, hashtags: hashtags, metrics: likes.map { PostMetrics(likes: $0) })
    }

    /// Ten days of 3 posts an hour by 90 authors, then 4 hours of 30 posts an hour carrying a new
    /// hashtag, each by a new author: one emerging hashtag and one volume spike, at the end.
    static func burst() -> [Post] {
        var posts: [Post] = []
        let start = Date(timeIntervalSince1970: 1_740_787_200)
        var id = 0
        for hour in 0..<240 {
            let burst = hour >= 236
            for i in 0..<(burst ? 30 : 3) {
                id += 1
                let time = start.addingTimeInterval(Double(hour) * 3600 + Double(i) * (burst ? 120 : 1200))
                let author = burst ? "new\(id)" : "user\((hour * 3 + i) % 90)"
                let text = burst ? "Grosse affluence au départ #NouvelleLigne" : "Trajet du jour numéro \(i) en vélo"
                posts.append(Post(platform: .twitter, platformID: "p\(id)", authorID: author, authorHandle: author, createdAt: time,
                                  text: text, language: "fr", hashtags: burst ? ["NouvelleLigne"] : []))
            }
        }
        return posts
    }
}
