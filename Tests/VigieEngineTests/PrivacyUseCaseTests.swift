import Foundation
import Testing
import VigieCore
import VigieTestSupport
@testable import VigieEngine
@testable import VigieStore

/// Privacy operations through the engine on the planted person (``PrivacyPlant``): the access
/// export holds every planted item, and requests are tracked from receipt to answer: nothing is
/// answered before the identity is checked, the answer completes the request, and every step
/// is audited.
@Suite("Privacy use cases")
struct PrivacyUseCaseTests {
    static func engine(planted: Bool = true) async throws -> Engine {
        let store = try SQLiteStore.inMemory()
        if planted { try await PrivacyPlant.plant(in: store, workspace: "default") }
        return Engine(store: store, configuration: EngineConfiguration(workspace: "default"))
    }

    @Test func theAccessExportHoldsEveryPlantedItem() async throws {
        let engine = try await Self.engine()
        let result = try await engine.exportSubject(PrivacyExportRequest(subject: "@zoe_planted", language: .fr, includeScores: false))
        let json = String(decoding: result.json, as: UTF8.self)
        for identifier in PrivacyPlant.identifiers {
            #expect(json.contains(identifier), "the export lacks \(identifier)")
        }
        let records = result.export.records
        // Every kind of record planted: history, posts, versions, interactions both ways, posts
        // naming them, watch matches, alerts, tombstones, rejects, campaigns and links.
        #expect(records.metricHistory.count == 2 && records.posts.count == 2 && records.versions.count == 2)
        #expect(!records.interactionsMade.isEmpty && !records.interactionsReceived.isEmpty)
        #expect(records.mentionedIn.count == 1 && records.watchMatches.count == 2 && records.alerts.count == 1)
        #expect(records.tombstones.count == 1 && records.rejects.count == 1)
        #expect(records.campaigns.count == 1 && records.links.count == 1)
        #expect(json.contains(PrivacyPlant.linkCode("default")) && json.contains("\"conversions\" : 1"))
        // The Art. 15 items, in French on the page.
        let info = result.export.information
        #expect(!info.purposes.isEmpty && !info.recipients.isEmpty && !info.retention.isEmpty && !info.sources.isEmpty)
        #expect(!info.scoreLogic.isEmpty && info.rights.count >= 4)
        #expect(info.categories.contains { $0.contains("campagne") })
        #expect(result.html.contains("Campagnes") && result.html.contains(PrivacyPlant.linkCode("default")))
        #expect(result.html.contains("800.00 EUR"))
    }

    @Test func aRequestIsAnsweredOnlyOnceTheIdentityIsVerified() async throws {
        let engine = try await Self.engine()
        let request = try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .erasure, subject: "@zoe_planted",
                                                                           requester: PrivacyPlant.requester, actor: "dpo"))
        #expect(request.state == .received)
        let unverified = await #expect(throws: EngineError.self) {
            try await engine.eraseSubject(PrivacyEraseRequest(requestID: request.id))
        }
        #expect(unverified?.field == "request" && unverified?.message.contains("not verified") == true)
        // Nothing was erased.
        #expect(try await engine.store.subjectRecords(PrivacyPlant.person, workspace: "default") != nil)
        // An erasure request is not answered by an export.
        _ = try await engine.verifyPrivacyRequest(request.id, identityCheck: "replied from the address on the profile", actor: "dpo")
        let wrongKind = await #expect(throws: EngineError.self) {
            try await engine.exportSubject(PrivacyExportRequest(includeScores: false, requestID: request.id))
        }
        #expect(wrongKind?.message.contains("erasure request") == true)
        // Another person's reference is refused.
        let mismatch = await #expect(throws: EngineError.self) {
            try await engine.eraseSubject(PrivacyEraseRequest(subject: "twitter:o1", requestID: request.id))
        }
        #expect(mismatch?.field == "request")

        let result = try await engine.eraseSubject(PrivacyEraseRequest(actor: "dpo", requestID: request.id))
        #expect(result.receipt.reason == "request \(request.id)")
        let answered = try #require(result.request)
        #expect(answered.state == .completed && answered.erasureReceipt == result.receipt.id)
        #expect(answered.subject == PrivacyRequest.erasedSubject(hash: result.receipt.subjectHash))
        #expect(try await engine.privacyRequest(request.id) == answered)
        // A completed request is not answered twice.
        await #expect(throws: EngineError.self) { try await engine.eraseSubject(PrivacyEraseRequest(requestID: request.id)) }

        let actions = try await engine.store.auditEvents(workspace: "default", before: nil, limit: 50).map(\.action)
        for action in ["privacy.request.add", "privacy.request.verify", "privacy.erase"] {
            #expect(actions.contains(action), "\(action) not audited")
        }
    }

    @Test func anExportCompletesAnAccessRequestWithItsDigest() async throws {
        let engine = try await Self.engine()
        let request = try await engine.addPrivacyRequest(NewPrivacyRequest(
            kind: .access, subject: PrivacyPlant.person.description, requester: PrivacyPlant.requester, identityCheck: "video call"))
        let result = try await engine.exportSubject(PrivacyExportRequest(includeScores: false, requestID: request.id))
        #expect(result.export.subject == PrivacyPlant.person)
        let answered = try #require(result.request)
        #expect(answered.state == .completed)
        #expect(answered.exportDigest == KeyedHash.hex(of: KeyedHash.sha256(Array(result.json))))
        #expect(try await engine.privacyRequest(request.id).exportedAt != nil)
    }

    @Test func aPlatformDeletionGoesThroughTheErasure() async throws {
        let engine = try await Self.engine()
        let store = engine.store
        let writer = store.applyingPlatformDeletions
        #expect(writer is PlatformDeletionWriter)
        let person = PrivacyPlant.person
        let deleted = Tombstone(platform: .twitter, target: .account, platformID: person.platformID, reason: "deleted")
        try await writer.write(Fixture.batch([.tombstone(deleted)]), workspace: "default")
        #expect(try await store.subjectRecords(person, workspace: "default") == nil)
        #expect(try await store.searchPosts(workspace: "default", text: PrivacyPlant.words[0], limit: 5).isEmpty)
        let receipt = try #require(try await store.erasureReceipts(workspace: "default", limit: 5).first)
        #expect(receipt.actor == PlatformDeletion.actor && receipt.reason == "platform deleted")
        #expect(receipt.counts["posts"] == 2 && receipt.counts["interactions"] ?? 0 >= 3)
        // Not suppressed: a platform may undo a take-down, and the account then comes back.
        #expect(try await !store.isSuppressed(person, workspace: "default"))
        try await writer.write(Fixture.batch([.account(Fixture.account(person.platformID, handle: "zoe_planted"))]), workspace: "default")
        #expect(try await store.subjectRecords(person, workspace: "default") != nil)

        // A take-down reported as an account record erases too; a suspension only marks.
        let olivier = AccountKey(platform: .twitter, platformID: "o1")
        try await writer.write(Fixture.batch([.account(Account(platform: .twitter, platformID: "o1", status: .takendown))]),
                               workspace: "default")
        #expect(try await store.subjectRecords(olivier, workspace: "default") == nil)
        let odile = AccountKey(platform: .twitter, platformID: "o2")
        let suspended = Tombstone(platform: .twitter, target: .account, platformID: "o2", reason: "suspended")
        try await writer.write(Fixture.batch([.tombstone(suspended)]), workspace: "default")
        #expect(try await store.subjectRecords(odile, workspace: "default")?.account.status == .suspended)
        #expect(try await store.erasureReceipts(workspace: "default", limit: 10).count == 2)
    }

    @Test func aBulkLoadErasesOnceItsIndexesAreBack() async throws {
        let engine = try await Self.engine()
        let writer = engine.store.applyingPlatformDeletions
        #expect(try await writer.beginBulkLoad(inputBytes: 64 << 20))
        let deleted = Tombstone(platform: .twitter, target: .account, platformID: PrivacyPlant.person.platformID, reason: "deleted")
        try await writer.write(Fixture.batch([.tombstone(deleted)]), workspace: "default")
        #expect(try await engine.store.subjectRecords(PrivacyPlant.person, workspace: "default") != nil)
        try await writer.endBulkLoad()
        #expect(try await engine.store.subjectRecords(PrivacyPlant.person, workspace: "default") == nil)
    }

    @Test func anImportedAccountDeletionIsErased() async throws {
        let engine = try await Self.engine(planted: false)
        let did = "did:plc:deletedaccount0000000000"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("deletion-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
            {"did":"\(did)","time_us":1779719000000000,"kind":"identity","identity":{"did":"\(did)","handle":"gone.bsky.social","seq":1,"time":"2026-05-25T14:23:20.000Z"}}
            {"did":"\(did)","time_us":1779719001000000,"kind":"commit","commit":{"rev":"r1","operation":"create","collection":"app.bsky.feed.post","rkey":"3gone1","record":{"$type":"app.bsky.feed.post","createdAt":"2026-05-25T14:23:21.000Z","langs":["en"],"text":"soon-gone-marker"},"cid":"bafygone1"}}
            {"did":"\(did)","time_us":1779719009000000,"kind":"account","account":{"active":false,"status":"deleted","did":"\(did)","seq":2,"time":"2026-05-25T14:23:29.000Z"}}

            """.utf8).write(to: file)
        let result = try await engine.ingest(IngestRequest(paths: [file.path], identifyLanguages: false))
        #expect(result.totalPosts == 1)
        let account = AccountKey(platform: .bluesky, platformID: did)
        #expect(try await engine.store.subjectRecords(account, workspace: "default") == nil)
        #expect(try await engine.store.searchPosts(workspace: "default", text: "soon-gone-marker", limit: 5).isEmpty)
        let receipts = try await engine.store.erasureReceipts(workspace: "default", limit: 5)
        #expect(receipts.map(\.reason) == ["platform deleted"] && receipts.first?.counts["posts"] == 1)
    }

    @Test func theRecordOfProcessingCountsRequestsAndSaysWhenPseudonymised() async throws {
        let engine = try await Self.engine()
        let plain = try await engine.processingRecord(ProcessingRecordRequest(language: .fr))
        #expect(plain.figures["requests"] == 3 && plain.figures["requestsOpen"] == 3)
        #expect(!plain.securityMeasures.contains { $0.hasPrefix("Pseudonymisation") })
        _ = try await engine.setPseudonymisation(true, reason: "research")
        let record = try await engine.processingRecord(ProcessingRecordRequest(language: .fr))
        #expect(record.securityMeasures.contains { $0.hasPrefix("Pseudonymisation : ") })
        #expect(record.markdown.contains("requestsOpen: 3"))
    }

    @Test func theListWarnsBeforeTheDeadline() async throws {
        let engine = try await Self.engine(planted: false)
        let now = Date()
        let soon = try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .access, subject: "@a", requester: "A",
                                                                        receivedAt: now.addingTimeInterval(-26 * 86_400)), now: now)
        let late = try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .rectification, subject: "@b", requester: "B",
                                                                        identityCheck: "ID seen", receivedAt: now.addingTimeInterval(-40 * 86_400)),
                                                      now: now)
        let fresh = try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .access, subject: "@c", requester: "C"), now: now)
        let closed = try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .objection, subject: "@d", requester: "D",
                                                                          receivedAt: now.addingTimeInterval(-35 * 86_400)), now: now)
        _ = try await engine.closePrivacyRequest(closed.id, refused: true, note: "identity not confirmed", now: now)
        let list = try await engine.privacyRequests(warningDays: 7, now: now)
        #expect(Set(list.needingAttention.map(\.id)) == [soon.id, late.id])
        #expect(!list.requests.isEmpty && list.requests.first?.id == late.id)
        #expect(list.requests.last?.id == closed.id)
        #expect(list.requests.contains { $0.id == fresh.id })
        // A request received in the future, or with no requester, is refused with the field at fault.
        let future = await #expect(throws: EngineError.self) {
            try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .access, subject: "@a", requester: "A",
                                                                 receivedAt: now.addingTimeInterval(3 * 86_400)), now: now)
        }
        #expect(future?.field == "received")
        let anonymous = await #expect(throws: EngineError.self) {
            try await engine.addPrivacyRequest(NewPrivacyRequest(kind: .access, subject: "@a", requester: " "), now: now)
        }
        #expect(anonymous?.field == "requester")
        // Completing by hand needs a verified identity and a note.
        await #expect(throws: EngineError.self) { try await engine.closePrivacyRequest(fresh.id, refused: false, note: "done") }
        await #expect(throws: EngineError.self) { try await engine.closePrivacyRequest(late.id, refused: false, note: "") }
        #expect(try await engine.closePrivacyRequest(late.id, refused: false, note: "platform asked to correct").state == .completed)
    }
}
