import Foundation
import NIOCore
import VigieCore
import WSClient

/// Errors of connections and writes in the words a source's state shows.
enum LiveErrorText {
    static let userAgent = "vigie (live listening; https://github.com/vigie)"

    static func describe(_ error: any Error) -> String {
        switch error {
        case let end as ConnectionEnd:
            return end.description
        case let failure as LiveWriteFailure:
            return failure.description
        case let client as WebSocketClientError:
            if client == .webSocketUpgradeFailed {
                return "the server refused the WebSocket upgrade (wrong URL, or an HTTP error)"
            }
            if client == .serverSentMessageTooLarge {
                return "the server sent a message larger than the largest allowed; it is retried after a reconnect"
            }
            return "WebSocket: \(client)"
        case let io as IOError:
            return "network: \(io.description)"
        case let channel as ChannelError:
            return "network: \(channel)"
        case let http as MastodonHTTPError:
            return http.description
        case let store as StoreError:
            return "store: \(store.description)"
        default:
            let text = "\(error)"
            return text.isEmpty ? String(describing: type(of: error)) : text
        }
    }
}
