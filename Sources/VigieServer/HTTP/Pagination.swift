import Foundation
import Hummingbird

/// A page of a list: the items and, when there are more, the opaque cursor that reads the next
/// page (`?cursor=…`). Cursors name a position, not an offset, so a page does not shift when
/// items are added before it.
struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
    var nextCursor: String?
}

/// How a list is read: how many items, after which position.
struct PageRequest<Position: Codable & Sendable>: Sendable {
    static var defaultLimit: Int { 50 }
    static var maximumLimit: Int { 500 }

    var limit: Int
    var after: Position?

    /// Reads `limit` and `cursor` from the query string.
    init(_ fields: FormFields) throws {
        limit = try fields.int("limit", in: 1...Self.maximumLimit) ?? Self.defaultLimit
        after = try fields.text("cursor").map { try Cursor.decode(Position.self, from: $0) }
    }

    /// The parameters every list takes.
    static var fields: Set<String> { ["limit", "cursor"] }

    /// The page of `items`, in the order of `position`, that follows the cursor.
    func page<Item>(of items: [Item], position: (Item) -> Position) -> Page<Item> where Position: Comparable {
        let items = items.sorted { position($0) < position($1) }
        let start = after.map { after in items.firstIndex { position($0) > after } ?? items.endIndex } ?? items.startIndex
        let slice = Array(items[start...].prefix(limit))
        let more = start + slice.count < items.endIndex
        return Page(items: slice, nextCursor: more ? slice.last.map { Cursor.encode(position($0)) } : nil)
    }
}

/// Cursor encoding: the position as JSON in URL-safe base64, so its shape can change without
/// clients noticing, and a forged cursor is a 400, never a crash.
enum Cursor {
    static func encode<Position: Encodable>(_ position: Position) -> String {
        let data = (try? JSONEncoder().encode(position)) ?? Data()
        return Secrets.base64URL(Array(data))
    }

    static func decode<Position: Decodable>(_ type: Position.Type, from text: String) throws -> Position {
        guard text.count <= 1024, let data = Secrets.decodeBase64URL(text),
              let position = try? JSONDecoder().decode(Position.self, from: data) else {
            throw Problem.invalidArgument("the cursor is not one this server gave: start again without it", field: "cursor")
        }
        return position
    }
}
