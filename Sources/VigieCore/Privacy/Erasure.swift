import Foundation

/// The record an erasure leaves: what was removed, when, by whom and why, naming the person
/// only by a keyed hash of "platform:id" (``KeyedHash``) so that the receipt does not itself
/// hold what was erased. A later request about the same person can be matched to it by
/// computing the same hash; nobody can read the person back from it without the key.
public struct ErasureReceipt: Sendable, Hashable, Codable {
    public var id: Int64
    public var workspace: String
    /// `KeyedHash.hex` of "platform:platformID" under the workspace's privacy key.
    public var subjectHash: String
    public var platform: Platform
    public var erasedAt: Date
    public var actor: String
    public var reason: String
    /// Rows removed or rewritten, by store concern (`posts`, `interactions`, `alerts`…).
    public var counts: [String: Int]
    /// Whether the store's files were compacted so that the removed bytes are gone from disk.
    public var compacted: Bool
    public var durationSeconds: Double

    public init(id: Int64 = 0, workspace: String, subjectHash: String, platform: Platform, erasedAt: Date,
                actor: String, reason: String, counts: [String: Int], compacted: Bool, durationSeconds: Double) {
        self.id = id
        self.workspace = workspace
        self.subjectHash = subjectHash
        self.platform = platform
        self.erasedAt = erasedAt
        self.actor = actor
        self.reason = reason
        self.counts = counts
        self.compacted = compacted
        self.durationSeconds = durationSeconds
    }

    public var totalRows: Int { counts.values.reduce(0, +) }
}

/// Who asks for an erasure and why, and what else to do.
public struct ErasureOptions: Sendable, Hashable {
    public var actor: String
    public var reason: String
    /// Adds the person to the suppression list so that no later import or live flow stores
    /// them again (the default; off only for a platform deletion that may be reversed).
    public var suppress: Bool
    /// Rewrites the full-text index and checkpoints the log so that the removed bytes are gone
    /// from the files too; several erasures in a row may compact once at the end instead.
    public var compact: Bool

    public init(actor: String = "cli", reason: String = "", suppress: Bool = true, compact: Bool = true) {
        self.actor = actor
        self.reason = reason
        self.suppress = suppress
        self.compact = compact
    }
}

/// The keyed hashes of the people a workspace must never store again, as a store loads them
/// before a write: ``IngestBatch/suppressing(_:)`` applies it.
public struct SuppressionList: Sendable, Hashable {
    public var key: [UInt8]
    /// Hashes of "platform:platformID".
    public var accountHashes: Set<String>
    /// Hashes of "platform:@handle" (lowercased): a mention by handle of an erased person.
    public var handleHashes: Set<String>

    public init(key: [UInt8], accountHashes: Set<String> = [], handleHashes: Set<String> = []) {
        self.key = key
        self.accountHashes = accountHashes
        self.handleHashes = handleHashes
    }

    public var isEmpty: Bool { accountHashes.isEmpty && handleHashes.isEmpty }

    public static func accountMessage(_ key: AccountKey) -> String { "\(key.platform.rawValue):\(key.platformID)" }
    public static func handleMessage(platform: Platform, handle: String) -> String {
        "\(platform.rawValue):@\(handle.drop { $0 == "@" }.lowercased())"
    }

    public func hash(_ account: AccountKey) -> String { KeyedHash.hex(key: key, message: Self.accountMessage(account)) }
    public func hash(platform: Platform, handle: String) -> String {
        KeyedHash.hex(key: key, message: Self.handleMessage(platform: platform, handle: handle))
    }

    public func suppresses(_ account: AccountKey) -> Bool {
        !accountHashes.isEmpty && accountHashes.contains(hash(account))
    }

    public func suppresses(platform: Platform, handle: String?) -> Bool {
        guard let handle, !handleHashes.isEmpty else { return false }
        return handleHashes.contains(hash(platform: platform, handle: handle))
    }
}
