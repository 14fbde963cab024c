import Foundation
import GRDB
import VigieCore
import VigieTestSupport
@testable import VigieStore

/// What a test throws from `write(_:workspace:afterItem:)` to simulate an import killed midway.
struct SimulatedCrash: Error {}

extension SQLiteStore {
    /// Raw SQL peeks at tables the public API does not expose.
    func strings(_ sql: String) throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: sql) }
    }

    func count(_ sql: String) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}
