import Foundation
import VigieCore

/// Hand-built posts for coordination tests: times are seconds after a fixed origin.
enum CoordinationFixture {
    static let origin = 1_740_787_200.0

    static func post(_ id: String, by author: String, at seconds: Double, text: String = "",
                     repostOf: String? = nil, replyTo: String? = nil, hashtags: [String] = [],
                     urls: [String] = [], handle: String? = nil) -> Post {
        Post(platform: .twitter, platformID: id, authorID: author, authorHandle: handle,
             createdAt: Date(timeIntervalSince1970: origin + seconds), text: text, replyToPostID: replyTo,
             repostOfID: repostOf, hashtags: hashtags, urls: urls)
    }

    static func detect(_ posts: [Post], window: TimeInterval = 60, minWeight: Int = 1,
                       types: Set<CoordinationType> = Set(CoordinationType.allCases)) -> CoordinationNetwork {
        CoordinationDetector(options: .init(window: window, minWeight: minWeight, types: types))
            .detect(in: CoordinationInput(posts: posts))
    }
}

extension CoordinationNetwork {
    /// Edges of one type as `"a-b"` strings of account ids (source first).
    func pairs(_ type: CoordinationType) -> Set<String> {
        Set(edges.filter { $0.type == type }.map { "\(accounts[$0.source].id)-\(accounts[$0.target].id)" })
    }

    func edge(_ type: CoordinationType, _ a: String, _ b: String) -> CoordinationEdge? {
        edges.first { edge in
            edge.type == type && Set([accounts[edge.source].id, accounts[edge.target].id]) == Set([a, b])
        }
    }
}
