import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigieCore
@testable import VigieServer

/// The retention purge `vigie serve` runs on a schedule: it removes what each workspace's
/// periods expire, leaves the rest, and says so in the audit log.
@Suite("Scheduled retention purge")
struct RetentionPurgeTests {
    @Test("the server's purge removes expired posts of every workspace, keeps the others, and audits it")
    func serverPurgesExpiredData() async throws {
        let world = try await TestWorld { configuration in
            configuration.retentionPurgeInterval = .milliseconds(200)
            configuration.retentionPurgeDelay = .zero
        }
        // acme keeps posts 30 days: its two posts of February 2025 have expired, today's has not.
        // globex keeps everything.
        try await world.store.setRetentionPolicy(RetentionPolicy(days: [.posts: 30]), workspace: "acme")
        try await world.store.setRetentionPolicy(RetentionPolicy(days: [:]), workspace: "globex")
        try await world.store.write(IngestBatch(items: [
            .post(Post(platform: .twitter, platformID: "a3", authorID: "100", authorHandle: "acme_fan", createdAt: Date(),
                       text: "Fresh ride today", language: "en")),
        ]), workspace: "acme")
        #expect(try await world.store.totals(workspace: "acme").posts == 3)

        let app = try await world.application()
        try await app.test(.router) { client in
            let deadline = ContinuousClock.now + .seconds(20)
            while try await world.store.totals(workspace: "acme").posts != 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await world.store.totals(workspace: "acme").posts == 1)
            #expect(try await world.store.totals(workspace: "globex").posts == 1)
            // The server still answers while it purges.
            let token = try await world.token(for: "alice")
            #expect(try await client.request("/api/v1/workspaces/acme", token: token).status == .ok)
            let audit = try await world.store.auditEvents(workspace: "acme", before: nil, limit: 100)
            #expect(audit.contains { $0.action == "privacy.retention.apply" && $0.actor == RetentionPurgeService.actor
                                     && ($0.detail ?? "").contains("posts=2") },
                    "\(audit.map { "\($0.actor) \($0.action) \($0.detail ?? "")" })")
        }
    }

    @Test("a workspace whose periods were never set keeps its old posts: the server applies only periods someone set")
    func defaultsAreNotAppliedUnset() async throws {
        let world = try await TestWorld { configuration in
            configuration.retentionPurgeInterval = .milliseconds(200)
            configuration.retentionPurgeDelay = .zero
        }
        // acme's two posts of February 2025 are older than the default 13 months (from 2026-03 on).
        let service = RetentionPurgeService(store: world.store, engine: world.configuration.engine, interval: .seconds(1),
                                            delay: .zero, cache: ResultCache(capacity: 10, lifetime: .seconds(1)), logger: Logger(label: "test"),
                                            now: { Date(timeIntervalSince1970: 1_800_000_000) })
        #expect(try await !world.store.isRetentionSet(workspace: "acme"))
        #expect(try await service.purgeAll().isEmpty)
        #expect(try await world.store.totals(workspace: "acme").posts == 2)
        // Once an owner sets the defaults, they apply.
        try await world.store.setRetentionPolicy(.defaults, workspace: "acme")
        #expect(try await world.store.isRetentionSet(workspace: "acme"))
        #expect(try await service.purgeAll().contains { $0.workspace == "acme" && $0.removed[.posts] == 2 })
        #expect(try await world.store.totals(workspace: "acme").posts == 0)
    }

    @Test("no interval, no purge service; the default is a daily purge a minute after start")
    func purgeCanBeTurnedOff() async throws {
        let world = try await TestWorld { $0.retentionPurgeInterval = nil }
        let off = try ServerComponents(configuration: world.configuration, store: world.store, logger: Logger(label: "test"),
                                       metrics: world.metrics)
        #expect(!off.services.contains { $0 is RetentionPurgeService })
        let defaults = ServerConfiguration()
        #expect(defaults.retentionPurgeInterval == .seconds(86_400) && defaults.retentionPurgeDelay == .seconds(60))
        let on = try ServerComponents(configuration: defaults, store: world.store, logger: Logger(label: "test"), metrics: world.metrics)
        #expect(on.services.contains { $0 is RetentionPurgeService })
    }
}
