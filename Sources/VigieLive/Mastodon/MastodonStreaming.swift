import Foundation
import VigieCore
import VigieIngest

/// Mastodon's streaming protocol over WebSocket: one connection, a `subscribe` message per
/// timeline, then `{"stream": [...], "event": "update" | "status.update" | "delete", "payload": …}`.
enum MastodonStreaming {
    /// The stream name of a timeline.
    static func stream(of timeline: MastodonTimeline) -> (stream: String, tag: String?) {
        switch timeline {
        case .federated: return ("public", nil)
        case .local: return ("public:local", nil)
        case .hashtag(let tag): return ("hashtag", tag)
        }
    }

    static func subscribe(_ timeline: MastodonTimeline) -> String {
        let (stream, tag) = Self.stream(of: timeline)
        var message: [String: String] = ["type": "subscribe", "stream": stream]
        if let tag { message["tag"] = tag }
        return json(message)
    }

    /// The timeline a message's `stream` array names (`["hashtag", "velo"]`).
    static func timeline(of stream: JSONValue?) -> MastodonTimeline? {
        guard let parts = stream?.array?.compactMap(\.string), let name = parts.first else { return nil }
        switch name {
        case "public": return .federated
        case "public:local": return .local
        case "hashtag", "hashtag:local": return parts.count > 1 ? .hashtag(parts[1]) : nil
        default: return nil
        }
    }

    /// One message: records from its payload, and the timeline's id advanced by an `update`.
    static func decode(_ text: String, cursor: MastodonCursor, reject: (String, String) -> Reject) -> LiveChunk {
        var text = text
        let parsed: JSONValue
        do {
            parsed = try text.withUTF8 { try JSONParser.parse($0) }
        } catch {
            return LiveChunk(rejects: [reject("malformed JSON on the stream: \(error)", String(text.prefix(2_000)))], events: 0)
        }
        if let error = parsed["error"]?.string {
            return LiveChunk(rejects: [reject("the streaming server reported: \(error)", String(text.prefix(2_000)))], events: 0)
        }
        var chunk = LiveChunk(events: 1)
        var decoder = MastodonDecoder()
        do {
            try decoder.decode(parsed, into: &chunk.items)
        } catch let error as RecordError where error.kind == .skipped {
            chunk.events = 0
        } catch {
            chunk.rejects.append(reject("\(error)", String(text.prefix(2_000))))
        }
        for case .post(let post) in chunk.items {
            chunk.eventTime = max(chunk.eventTime ?? .distantPast, post.createdAt)
        }
        if parsed["event"]?.string == "update", let timeline = timeline(of: parsed["stream"]),
           case .post(let post)? = chunk.items.first(where: { if case .post = $0 { return true } else { return false } }) {
            // The first post is the status itself (a boost's original follows it).
            cursor.advance(timeline, to: post.platformID)
        }
        chunk.position = cursor.position
        return chunk
    }

    private static func json(_ object: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
