import Foundation

/// One thing a reader found in its input.
public enum IngestItem: Sendable, Hashable, Codable {
    case account(Account)
    case post(Post)
    /// Interactions that are not posts themselves (likes, follows). Post-borne interactions
    /// (reply, repost, quote, mention) are derived from posts by the store.
    case interaction(Interaction)
    case tombstone(Tombstone)
}

/// A record that could not be imported, kept aside for inspection.
public struct Reject: Sendable, Hashable, Codable {
    public var file: String
    /// 1-based line where the record starts.
    public var line: Int
    public var format: String
    public var reason: String
    /// The start of the record's raw text (at most a few KiB), so that a user can see it.
    public var excerpt: String

    public init(file: String, line: Int, format: String, reason: String, excerpt: String) {
        self.file = file
        self.line = line
        self.format = format
        self.reason = reason
        self.excerpt = excerpt
    }
}

/// A batch written in one transaction: either all of it lands or none of it.
public struct IngestBatch: Sendable, Codable {
    public var items: [IngestItem]
    public var rejects: [Reject]
    /// Where the import stands after this batch, so an interrupted run can be reported.
    public var checkpoint: ImportCheckpoint?
    /// Where a live source stands after this batch, saved in the same transaction as its items.
    public var sourceCursor: SourceCursor?

    public init(items: [IngestItem] = [], rejects: [Reject] = [], checkpoint: ImportCheckpoint? = nil,
                sourceCursor: SourceCursor? = nil) {
        self.items = items
        self.rejects = rejects
        self.checkpoint = checkpoint
        self.sourceCursor = sourceCursor
    }

    public var isEmpty: Bool { items.isEmpty && rejects.isEmpty }
}

/// Progress of one file's import, stored with each batch.
public struct ImportCheckpoint: Sendable, Hashable, Codable {
    public var file: String
    public var format: String
    public var bytesRead: Int
    public var bytesTotal: Int
    public var records: Int
    public var completed: Bool

    public init(file: String, format: String, bytesRead: Int, bytesTotal: Int, records: Int, completed: Bool) {
        self.file = file
        self.format = format
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
        self.records = records
        self.completed = completed
    }
}
