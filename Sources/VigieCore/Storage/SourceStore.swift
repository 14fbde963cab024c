import Foundation

/// Live sources as configuration: what each connector listens to, whether it is paused, the
/// status its listener last reported, and where it stands in its stream.
///
/// The cursor is never written here: it travels in the ``IngestBatch`` whose records it covers
/// (``IngestBatch/sourceCursor``), so that the records and the position after them commit in one
/// transaction and a listener killed at any moment resumes exactly where its data stops. Only a
/// source of the workspace has a cursor: a batch for a source that was removed leaves none.
///
/// ```swift
/// try await store.addSource(LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings())), workspace: "default")
/// let cursor = try await store.sourceCursor(named: "bsky", workspace: "default")
/// try await store.recordSourceStatus(status, named: "bsky", workspace: "default")
/// ```
public protocol SourceStore: Sendable {
    /// Stores a new source; throws ``StoreError`` `alreadyExists` if the workspace has one of
    /// that name. Its token, if any, is kept with it and never returned in listings' text.
    func addSource(_ source: LiveSource, workspace: String) async throws
    /// The workspace's sources, by name.
    func sources(workspace: String) async throws -> [LiveSource]
    func source(named name: String, workspace: String) async throws -> LiveSource?
    /// Pauses or resumes a source; `false` when there is none of that name. A running listener
    /// notices within seconds.
    @discardableResult
    func setSourcePaused(_ paused: Bool, named name: String, workspace: String) async throws -> Bool
    /// Removes a source with its cursor and status (its records stay); `false` when there was none.
    @discardableResult
    func removeSource(named name: String, workspace: String) async throws -> Bool

    /// Where the source's data stops: the cursor written with its newest batch, `nil` before any.
    func sourceCursor(named name: String, workspace: String) async throws -> SourceCursor?

    /// Saves what a listener reports about a source (state, lag, rates, errors), replacing the
    /// previous report. A report about a source that was removed meanwhile is ignored.
    func recordSourceStatus(_ status: SourceStatus, named name: String, workspace: String) async throws
    /// The last report about each source that has one, by source name.
    func sourceStatuses(workspace: String) async throws -> [String: SourceStatus]
}

/// How every backend stores a source's settings and cursor: JSON with sorted keys and dates in
/// milliseconds, so that a store copied between backends (`vigie migrate`) reads back the same.
public enum SourceJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The stored value, or a `StoreError` naming what could not be read and what to do.
    public static func decode<T: Decodable>(_ type: T.Type, _ json: String, what: String, location: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        do {
            return try decoder.decode(type, from: Data(json.utf8))
        } catch {
            throw StoreError(code: .unreadableData, location: location, message:
                "the stored \(what) cannot be read by this version of vigie: remove the source and add it again")
        }
    }
}
