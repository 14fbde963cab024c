import Foundation
import Testing
import VigieCore

/// The semantics every ``Store`` keeps, written once against the protocols: write semantics
/// (idempotence, account merge, post versions and edits, tombstones, derived interactions,
/// workspace isolation, rejects and checkpoints) and every read of every storage protocol.
/// Each backend runs all of it; nothing here knows a backend.
///
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conforms(_ check: StoreConformance.Check) async throws {
///     try await StoreConformance(makeStore: { try SQLiteStore.inMemory() }).run(check)
/// }
/// ```
///
/// Two checks need a backend's help, given as closures: reopening a store read-only, and a
/// write that fails midway (to prove a batch is atomic). Checks that need one the backend does
/// not give are left out by ``checks(runnableWith:)``.
public struct StoreConformance: Sendable {
    /// What a check may need from the backend besides a fresh store.
    public enum Capability: String, Sendable, Hashable, CaseIterable {
        /// ``reopenReadOnly``.
        case readOnlyReopen
        /// ``writeFailingAfterItem``.
        case interruptedWrite
        /// `PrivacyStore` implemented (the `privacy` checks).
        case privacyOperations
        /// `CampaignStore` implemented (the `campaigns` checks).
        case campaigns

        /// The capability a whole area of checks needs.
        static let byArea: [String: Capability] = ["privacy": .privacyOperations, "campaigns": .campaigns]
    }

    /// A fresh, empty store.
    public var makeStore: @Sendable () async throws -> any Store
    /// The same data opened again read-only (another connection to the same file or server).
    public var reopenReadOnly: (@Sendable (any Store) async throws -> any Store)?
    /// Writes `batch` into `workspace` but fails after item `index` as a crash would, throwing.
    public var writeFailingAfterItem: (@Sendable (_ store: any Store, _ batch: IngestBatch, _ workspace: String,
                                                  _ index: Int) async throws -> Void)?

    public init(makeStore: @escaping @Sendable () async throws -> any Store,
                reopenReadOnly: (@Sendable (any Store) async throws -> any Store)? = nil,
                writeFailingAfterItem: (@Sendable (any Store, IngestBatch, String, Int) async throws -> Void)? = nil,
                implements areas: Set<Capability> = [.privacyOperations, .campaigns]) {
        self.areas = areas
        self.makeStore = makeStore
        self.reopenReadOnly = reopenReadOnly
        self.writeFailingAfterItem = writeFailingAfterItem
    }

    /// The protocols this backend implements among those not every backend has yet.
    public var areas: Set<Capability>

    public var capabilities: Set<Capability> {
        var capabilities = areas
        if reopenReadOnly != nil { capabilities.insert(.readOnlyReopen) }
        if writeFailingAfterItem != nil { capabilities.insert(.interruptedWrite) }
        return capabilities
    }

    /// One named check of the suite.
    public struct Check: Sendable, CustomTestStringConvertible, CustomStringConvertible {
        /// The protocol or concern it checks (`writes`, `queries`, `watches`…).
        public let area: String
        /// What it states, in words.
        public let name: String
        public let requires: Capability?
        let body: @Sendable (StoreConformance) async throws -> Void

        init(_ area: String, _ name: String, requires: Capability? = nil,
             _ body: @escaping @Sendable (StoreConformance) async throws -> Void) {
            self.area = area
            self.name = name
            self.requires = requires
            self.body = body
        }

        public var description: String { area + ": " + name }
        public var testDescription: String { description }
    }

    /// Every check, by area.
    public static let checks: [Check] = writeChecks + corpusChecks + queryChecks + watchChecks + alertChecks
        + graphChecks + trustChecks + accessChecks + speedChecks + privacyChecks + campaignChecks

    /// The checks a backend with `capabilities` can run.
    public static func checks(runnableWith capabilities: Set<Capability>) -> [Check] {
        checks.filter { check in
            (check.requires.map(capabilities.contains) ?? true)
                && (Capability.byArea[check.area].map(capabilities.contains) ?? true)
        }
    }

    /// Runs one check on a fresh store. A check needing a capability this backend lacks fails.
    public func run(_ check: Check) async throws {
        if let needed = check.requires, !capabilities.contains(needed) {
            Issue.record("\(check) needs '\(needed.rawValue)', which this backend does not provide")
            return
        }
        try await check.body(self)
    }

    /// The workspace most checks write to.
    static let ws = "default"
}
