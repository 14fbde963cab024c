import Foundation
import Testing
import VigieCore

/// A store opened read-only serves every read and refuses every write with `StoreError.readOnly`.
extension StoreConformance {
    static let accessChecks: [Check] = [
        Check("access", "a read-only store serves reads and refuses writes", requires: .readOnlyReopen) {
            try await $0.aReadOnlyStoreServesReadsAndRefusesWrites()
        },
    ]

    func aReadOnlyStoreServesReadsAndRefusesWrites() async throws {
        let store = try await makeStore()
        let reopen = try #require(reopenReadOnly)
        try await QueryCorpus.write(into: store)
        try await store.write(Fixture.batch([.account(Fixture.account("a0", handle: "marie", followers: 12, observedAt: 0))],
                                            rejects: [Reject(file: "f", line: 1, format: "csv", reason: "r", excerpt: "e")],
                                            checkpoint: ImportCheckpoint(file: "f", format: "csv", bytesRead: 1, bytesTotal: 1,
                                                                         records: 1, completed: true)), workspace: Self.ws)
        try await store.addWatch(Watch(name: "velo", query: "velo", createdAt: Fixture.at(0)), workspace: Self.ws)
        try await store.addAlertRule(AlertRule(name: "r", target: .watch("velo"), kind: .spike, createdAt: Fixture.at(0)), workspace: Self.ws)
        let alertID = try #require(try await store.recordFiredAlert(Self.firedAlert("r", key: "k", at: 100), payload: Data("{}".utf8),
                                                                    workspace: Self.ws))
        let readOnly = try await reopen(store)

        // Every read answers as on the writable store.
        #expect(try await readOnly.workspaces() == store.workspaces())
        #expect(try await readOnly.stats(workspace: Self.ws) == store.stats(workspace: Self.ws))
        #expect(try await readOnly.rejects(workspace: Self.ws, limit: 5) == store.rejects(workspace: Self.ws, limit: 5))
        #expect(try await readOnly.checkpoint(workspace: Self.ws, file: "f") == store.checkpoint(workspace: Self.ws, file: "f"))
        #expect(try await readOnly.searchPosts(workspace: Self.ws, text: "velo", limit: 5) == store.searchPosts(workspace: Self.ws, text: "velo", limit: 5))
        #expect(try await readOnly.accountDetails(workspace: Self.ws, handle: "marie") == store.accountDetails(workspace: Self.ws, handle: "marie"))
        let query = try Query.parse("velo OR reseau")
        #expect(try await readOnly.query(query, workspace: Self.ws, limit: 5) == store.query(query, workspace: Self.ws, limit: 5))
        #expect(try await readOnly.posts(workspace: Self.ws).collect() == store.posts(workspace: Self.ws).collect())
        #expect(try await readOnly.trendRecords(workspace: Self.ws, includeReposts: true).collect().count == QueryCorpus.texts.count)
        #expect(try await readOnly.postTimes(workspace: Self.ws) == store.postTimes(workspace: Self.ws))
        #expect(try await readOnly.watches(workspace: Self.ws) == store.watches(workspace: Self.ws))
        #expect(try await readOnly.timeZone(workspace: Self.ws) == TimeZone(identifier: "UTC"))
        #expect(try await readOnly.alertRules(workspace: Self.ws) == store.alertRules(workspace: Self.ws))
        #expect(try await readOnly.firedAlerts(workspace: Self.ws, rule: nil, limit: 5) == store.firedAlerts(workspace: Self.ws, rule: nil, limit: 5))
        #expect(try await readOnly.deliveries(workspace: Self.ws, rule: nil, limit: 5).isEmpty)
        let accounts = try await readOnly.graphAccounts(workspace: Self.ws)
        #expect(try await accounts == store.graphAccounts(workspace: Self.ws))
        let nodes = NodeIndex(accounts: accounts)
        #expect(try await readOnly.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: nil, postIDs: true).collect().count
            == store.graphEdges(workspace: Self.ws, nodes: nodes, timeRange: nil, postIDs: true).collect().count)
        #expect(try await readOnly.graphPosts(workspace: Self.ws, nodes: nodes).collect().map(\.post)
            == store.posts(workspace: Self.ws).collect())
        let subjects = try await readOnly.trustSubjects(workspace: Self.ws)
        #expect(subjects.map(\.key) == (try await store.trustSubjects(workspace: Self.ws)).map(\.key))
        // `marie` (a0) posts on two platforms.
        let keys = try await readOnly.accountKeys(workspace: Self.ws, handle: "marie")
        let a0 = AccountKey(platform: .twitter, platformID: "a0")
        #expect(Set(keys) == [a0, AccountKey(platform: .mastodon, platformID: "a0")])
        #expect(try await Set(readOnly.trustSubjects(workspace: Self.ws, accounts: keys).map(\.key)) == Set(keys))
        #expect(try await readOnly.engagements(workspace: Self.ws, account: a0) == store.engagements(workspace: Self.ws, account: a0))
        #expect(try await readOnly.metricSnapshots(workspace: Self.ws, account: a0)
            == [MetricSnapshot(at: Fixture.at(0), followers: 12, following: nil, postsCount: nil)])
        #expect(try await readOnly.recentEngagement(workspace: Self.ws, tier: .nano).count
            == store.recentEngagement(workspace: Self.ws, tier: .nano).count)

        // Every write is refused, and says so.
        func refused(_ what: String, _ body: () async throws -> Void) async {
            let error = await #expect(throws: StoreError.self, "\(what)") { try await body() }
            #expect(error?.code == .readOnly, "\(what): \(String(describing: error))")
        }
        await refused("write") { try await readOnly.write(Fixture.batch([.post(Fixture.post("new"))]), workspace: Self.ws) }
        await refused("beginBulkLoad") { _ = try await readOnly.beginBulkLoad(inputBytes: 1 << 30) }
        await refused("addWatch") { try await readOnly.addWatch(Watch(name: "w2", query: "velo"), workspace: Self.ws) }
        await refused("removeWatch") { try await readOnly.removeWatch(named: "velo", workspace: Self.ws) }
        // Bringing a watch up to date writes: a read-only store refuses it too.
        await refused("refreshWatch") { try await readOnly.refreshWatch(named: "velo", workspace: Self.ws) }
        await refused("setTimeZone") { try await readOnly.setTimeZone(TimeZone(identifier: "Europe/Paris")!, workspace: Self.ws) }
        await refused("addAlertRule") { try await readOnly.addAlertRule(AlertRule(name: "r2", target: .all, kind: .spike), workspace: Self.ws) }
        await refused("removeAlertRule") { try await readOnly.removeAlertRule(named: "r", workspace: Self.ws) }
        await refused("recordFiredAlert") {
            _ = try await readOnly.recordFiredAlert(Self.firedAlert("r", key: "k2", at: 200), payload: Data("{}".utf8), workspace: Self.ws)
        }
        await refused("recordDelivery") {
            try await readOnly.recordDelivery(DeliveryAttempt(attempt: 1, at: Fixture.at(1), url: "http://127.0.0.1:9/", statusCode: 200,
                                                              error: nil, durationMillis: 1, delivered: true), alertID: alertID)
        }
        // Nothing changed.
        #expect(try await store.stats(workspace: Self.ws) == readOnly.stats(workspace: Self.ws))
        #expect(try await store.watches(workspace: Self.ws).map(\.name) == ["velo"])
        #expect(try await store.alertRules(workspace: Self.ws).map(\.name) == ["r"])
        #expect(try await store.firedAlerts(workspace: Self.ws, rule: nil, limit: 5).map(\.alert.key) == ["k"])
        #expect(try await store.timeZone(workspace: Self.ws) == TimeZone(identifier: "UTC"))
    }
}
