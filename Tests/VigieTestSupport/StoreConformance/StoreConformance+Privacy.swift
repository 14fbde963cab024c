import Foundation
import Testing
import VigieCore

/// `PrivacyStore`: finding a data subject, the access records, erasure through every derived
/// record, suppression of later writes, receipts and retention. The byte-level proof (nothing
/// left in the files) is backend-specific: each backend's tests scan their own files after
/// planting ``PrivacyPlant`` (see `Tests/VigieStoreTests/PrivacyFileTests.swift`).
extension StoreConformance {
    static let privacyChecks: [Check] = [
        Check("privacy", "a person is found by handle, id, display name and mention") { try await $0.aPersonIsFoundEveryWay() },
        Check("privacy", "the access records hold every planted item") { try await $0.accessRecordsHoldEveryPlantedItem() },
        Check("privacy", "an erased person is gone from every read") { try await $0.anErasedPersonIsGoneFromEveryRead() },
        Check("privacy", "others' posts naming an erased person are redacted, not lost") { try await $0.othersPostsAreRedacted() },
        Check("privacy", "a re-import does not bring an erased person back") { try await $0.aReimportDoesNotBringThemBack() },
        Check("privacy", "the receipt names the person by a keyed hash only") { try await $0.theReceiptHoldsOnlyAHash() },
        Check("privacy", "erasure takes them out of campaigns, keeping the brand's links") { try await $0.erasureReachesCampaigns() },
        Check("privacy", "erasure leaves other workspaces alone") { try await $0.erasureLeavesOtherWorkspacesAlone() },
        Check("privacy", "retention periods default, round-trip and refuse zero") { try await $0.retentionPoliciesRoundTrip() },
        Check("privacy", "requests round-trip, open ones first by deadline") { try await $0.requestsRoundTrip() },
        Check("privacy", "an erasure keeps the person's requests, naming them by hash") { try await $0.anErasureKeepsRequestsByHash() },
        Check("privacy", "pseudonyms are per workspace, stable, and revealed to the key's owner") { try await $0.pseudonymsAreRevealable() },
        Check("privacy", "retention purges expired data with its derived data") { try await $0.retentionPurgesExpiredData() },
    ]

    private func planted(workspace: String = Self.ws) async throws -> any Store {
        let store = try await makeStore()
        try await PrivacyPlant.plant(in: store, workspace: workspace)
        return store
    }

    func aPersonIsFoundEveryWay() async throws {
        let store = try await planted()
        let person = PrivacyPlant.person
        for search in [SubjectSearch(.handle, "@ZOE_planted"), SubjectSearch(.platformID, person.platformID),
                       SubjectSearch(.displayName, "plantée-unique"), SubjectSearch(.mention, "zoe_planted")] {
            let matches = try await store.findSubjects(search, workspace: Self.ws, limit: 10)
            #expect(matches.map(\.key) == [person], "\(search.kind)")
        }
        let match = try #require(try await store.findSubjects(SubjectSearch(.handle, "zoe_planted"), workspace: Self.ws, limit: 10).first)
        #expect(match.posts == 2)
        #expect(match.mentionedIn == 1)
        #expect(match.interactions >= 3)
        #expect(!match.isStub)
        #expect(try await store.findSubjects(SubjectSearch(.handle, "zoe_planted"), workspace: "other", limit: 10).isEmpty)
        #expect(try await store.findSubjects(SubjectSearch(.handle, "nobody_here"), workspace: Self.ws, limit: 10).isEmpty)
    }

    func accessRecordsHoldEveryPlantedItem() async throws {
        let store = try await planted()
        let records = try #require(try await store.subjectRecords(PrivacyPlant.person, workspace: Self.ws))
        #expect(records.account.handle == "zoe_planted")
        #expect(records.account.bio == PrivacyPlant.bio)
        #expect(records.metricHistory.map(\.followers) == [10, 20])
        #expect(Set(records.posts.map(\.platformID)) == [PrivacyPlant.firstPostEdit, PrivacyPlant.secondPost])
        #expect(records.posts.first { $0.platformID == PrivacyPlant.firstPostEdit }?.text.contains("version-marqueur-B2") == true)
        #expect(records.versions.count == 2)
        #expect(records.versions.contains { $0.text.contains("texte-marqueur-A1") })
        #expect(Set(records.interactionsMade.map(\.kind)).isSuperset(of: [.like, .follow, .mention]))
        #expect(records.interactionsMade.contains { $0.kind == .like && $0.counterpart?.platformID == "o1" })
        #expect(records.interactionsReceived.contains { $0.kind == .like && $0.counterpart?.platformID == "o2" })
        #expect(records.interactionsReceived.contains { $0.kind == .reply })
        #expect(records.mentionedIn.map(\.postID) == [PrivacyPlant.mentioningPost])
        #expect(Set(records.watchMatches.map(\.postID)) == [PrivacyPlant.firstPost, PrivacyPlant.secondPost])
        #expect(records.alerts.map(\.summary) == ["spike led by zoe"])
        #expect(records.tombstones.map(\.platformID) == [PrivacyPlant.deletedPost])
        #expect(records.rejects.count == 1)
        // Campaign records: their place and fee, their link with its clicks and conversion, not the other influencer's.
        #expect(records.campaigns.map(\.campaign) == [PrivacyPlant.campaignName])
        #expect(records.campaigns.first?.fee?.minorUnits == 80_000 && records.campaigns.first?.handle == "zoe_planted")
        let link = try #require(records.links.first)
        #expect(records.links.count == 1)
        #expect(link.code == PrivacyPlant.linkCode(Self.ws) && link.campaign == PrivacyPlant.campaignName && link.channel == "instagram")
        #expect(link.clicks == 2)
        #expect(link.conversions == 1 && link.conversionValue.map(\.minorUnits) == [4_990])
        #expect(try await store.subjectRecords(AccountKey(platform: .twitter, platformID: "nobody"), workspace: Self.ws) == nil)
    }

    func erasureReachesCampaigns() async throws {
        let store = try await planted()
        let person = PrivacyPlant.person
        let other = AccountKey(platform: .twitter, platformID: "o1")
        let code = PrivacyPlant.linkCode(Self.ws)
        let receipt = try #require(try await store.eraseSubject(person, workspace: Self.ws, options: ErasureOptions(reason: "DSAR-campaign")))
        #expect(receipt.counts["campaignInfluencers"] == 1 && receipt.counts["campaignLinksDetached"] == 1)
        let kept = try #require(try await store.campaign(named: PrivacyPlant.campaignName, workspace: Self.ws))
        #expect(kept.influencers.map(\.account) == [other])
        let links = try await store.links(workspace: Self.ws, campaign: PrivacyPlant.campaignName)
        #expect(links.map(\.code) == [code, code + "o"])
        #expect(links.first { $0.code == code }?.influencer == nil && links.first { $0.code != code }?.influencer == other)
        // The brand's figures stay: the link's clicks and conversion are counts that name nobody.
        let traffic = try await store.linkTraffic(workspace: Self.ws, campaign: PrivacyPlant.campaignName)
        #expect(traffic.first { $0.code == code }?.counts.reduce(0) { $0 + $1.clicks } == 2)
        #expect(try await store.conversions(workspace: Self.ws, campaign: PrivacyPlant.campaignName).count == 1)
    }

    func anErasedPersonIsGoneFromEveryRead() async throws {
        let store = try await planted()
        let person = PrivacyPlant.person
        let receipt = try #require(try await store.eraseSubject(person, workspace: Self.ws, options: ErasureOptions(reason: "DSAR-1")))
        #expect(receipt.counts["posts"] == 2)
        #expect(receipt.counts["accounts"] ?? 0 >= 1)
        #expect(try await store.subjectRecords(person, workspace: Self.ws) == nil)
        for search in [SubjectSearch(.handle, "zoe_planted"), SubjectSearch(.platformID, person.platformID),
                       SubjectSearch(.displayName, "Plantée"), SubjectSearch(.mention, "zoe_planted")] {
            #expect(try await store.findSubjects(search, workspace: Self.ws, limit: 10).isEmpty, "\(search.kind)")
        }
        #expect(try await store.accountDetails(workspace: Self.ws, handle: "zoe_planted").isEmpty)
        #expect(try await store.accountKeys(workspace: Self.ws, handle: "zoe_planted").isEmpty)
        #expect(try await store.trustSubjects(workspace: Self.ws).allSatisfy { $0.key != person })
        for word in PrivacyPlant.words {
            #expect(try await store.searchPosts(workspace: Self.ws, text: word, limit: 10).isEmpty, "\(word)")
            #expect(try await store.query(Query.parse(word), workspace: Self.ws, limit: 10).posts.isEmpty, "\(word)")
        }
        let posts = try await store.posts(workspace: Self.ws).collect()
        #expect(posts.allSatisfy { $0.authorKey != person })
        #expect(!posts.contains { $0.platformID == PrivacyPlant.repostOfTheirs })
        #expect(try await store.watchedPosts(named: "velo", workspace: Self.ws, in: Date.distantPast..<Date.distantFuture)
            .collect().isEmpty)
        #expect(try await store.firedAlerts(workspace: Self.ws, rule: nil, limit: 10).map(\.alert.summary) == ["unrelated spike"])
        #expect(try await store.rejects(workspace: Self.ws, limit: 10).map(\.excerpt) == ["{\"id\":\"unrelated\"}"])
        for other in ["o1", "o2"] {
            let engagements = try await store.engagements(workspace: Self.ws, account: AccountKey(platform: .twitter, platformID: other))
            #expect(engagements.allSatisfy { $0.source != person })
        }
        // Erasing again finds nothing to erase.
        #expect(try await store.eraseSubject(person, workspace: Self.ws, options: ErasureOptions(reason: "again")) == nil)
    }

    func othersPostsAreRedacted() async throws {
        let store = try await planted()
        try await store.eraseSubject(PrivacyPlant.person, workspace: Self.ws, options: ErasureOptions(reason: "DSAR-2"))
        let posts = try await store.posts(workspace: Self.ws).collect()
        let mentioning = try #require(posts.first { $0.platformID == PrivacyPlant.mentioningPost })
        #expect(mentioning.text == "merci \(Redaction.placeholder) pour le vélo")
        #expect(mentioning.mentions.isEmpty)
        #expect(mentioning.replyToAccountID == nil && mentioning.replyToPostID == nil)
        #expect(posts.contains { $0.platformID == PrivacyPlant.unrelatedPost })
        #expect(try await store.searchPosts(workspace: Self.ws, text: "merci", limit: 10).map(\.platformID) == [PrivacyPlant.mentioningPost])
        #expect(try await store.query(Query.parse("@zoe_planted"), workspace: Self.ws, limit: 10).posts.isEmpty)
    }

    func aReimportDoesNotBringThemBack() async throws {
        let store = try await planted()
        try await store.eraseSubject(PrivacyPlant.person, workspace: Self.ws, options: ErasureOptions(reason: "DSAR-3"))
        #expect(try await store.isSuppressed(PrivacyPlant.person, workspace: Self.ws))
        #expect(try await !store.isSuppressed(AccountKey(platform: .twitter, platformID: "o1"), workspace: Self.ws))
        let summary = try await store.write(PrivacyPlant.batch, workspace: Self.ws)
        #expect(summary.postsSuppressed >= 3)
        #expect(try await store.subjectRecords(PrivacyPlant.person, workspace: Self.ws) == nil)
        #expect(try await store.findSubjects(SubjectSearch(.mention, "zoe_planted"), workspace: Self.ws, limit: 10).isEmpty)
        let posts = try await store.posts(workspace: Self.ws).collect()
        #expect(posts.allSatisfy { $0.authorKey != PrivacyPlant.person && !$0.text.lowercased().contains("zoe_planted") })
        // A live event by handle only is kept out too.
        let byHandle = Interaction(platform: .twitter, kind: .like, sourceAccountID: "o1", targetAccountID: "@Zoe_Planted", targetPostID: nil,
                                   viaID: "like-by-handle", at: Fixture.at(500))
        #expect(try await store.write(Fixture.batch([.interaction(byHandle)]), workspace: Self.ws).interactionsInserted == 0)
        // Without suppression, a platform deletion may come back.
        let other = AccountKey(platform: .twitter, platformID: "o2")
        try await store.eraseSubject(other, workspace: Self.ws, options: ErasureOptions(reason: "platform delete", suppress: false))
        #expect(try await !store.isSuppressed(other, workspace: Self.ws))
        try await store.write(Fixture.batch([.account(Fixture.account("o2", handle: "odile"))]), workspace: Self.ws)
        #expect(try await store.subjectRecords(other, workspace: Self.ws) != nil)
    }

    func theReceiptHoldsOnlyAHash() async throws {
        let store = try await planted()
        let hash = try await store.subjectHash(PrivacyPlant.person, workspace: Self.ws)
        #expect(hash.count == 64)
        #expect(try await store.subjectHash(PrivacyPlant.person, workspace: Self.ws) == hash)
        #expect(try await store.subjectHash(AccountKey(platform: .twitter, platformID: "o1"), workspace: Self.ws) != hash)
        let receipt = try #require(try await store.eraseSubject(PrivacyPlant.person, workspace: Self.ws,
                                                                options: ErasureOptions(actor: "dpo", reason: "DSAR-4")))
        #expect(receipt.subjectHash == hash)
        #expect(receipt.actor == "dpo" && receipt.reason == "DSAR-4")
        let stored = try await store.erasureReceipts(workspace: Self.ws, limit: 10)
        #expect(stored.map(\.id) == [receipt.id])
        #expect(stored.first?.counts == receipt.counts)
        let json = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        for secret in PrivacyPlant.identifiers { #expect(!json.contains(secret), "\(secret)") }
        #expect(try await store.erasureReceipts(workspace: "other", limit: 10).isEmpty)
    }

    func erasureLeavesOtherWorkspacesAlone() async throws {
        let store = try await planted()
        try await PrivacyPlant.plant(in: store, workspace: "other")
        try await store.eraseSubject(PrivacyPlant.person, workspace: Self.ws, options: ErasureOptions(reason: "DSAR-5"))
        let kept = try #require(try await store.subjectRecords(PrivacyPlant.person, workspace: "other"))
        #expect(kept.posts.count == 2)
        #expect(try await !store.isSuppressed(PrivacyPlant.person, workspace: "other"))
        // The two workspaces' hashes differ: one cannot link the person across workspaces.
        #expect(try await store.subjectHash(PrivacyPlant.person, workspace: "other")
                != store.subjectHash(PrivacyPlant.person, workspace: Self.ws))
    }

    func requestsRoundTrip() async throws {
        let store = try await makeStore()
        let received = Fixture.at(0)
        let access = try await store.addPrivacyRequest(PrivacyRequest(kind: .access, subject: "@someone", requester: "A. Person <a@example.org>",
                                                                      receivedAt: received), workspace: Self.ws)
        #expect(access.id > 0)
        #expect(access.state == .received && access.identityCheck == nil)
        #expect(access.dueAt == PrivacyRequest.deadline(receivedAt: received))
        let older = try await store.addPrivacyRequest(PrivacyRequest(kind: .erasure, subject: "twitter:42", requester: "B <b@example.org>",
                                                                     identityCheck: "answered from the profile's address",
                                                                     receivedAt: Fixture.at(-10 * 86_400)), workspace: Self.ws)
        #expect(older.state == .verified)
        var refused = try await store.addPrivacyRequest(PrivacyRequest(kind: .rectification, subject: "@x", requester: "C",
                                                                       receivedAt: Fixture.at(-20 * 86_400)), workspace: Self.ws)
        refused.state = .refused
        refused.note = "identity not confirmed"
        refused.closedAt = Fixture.at(86_400)
        #expect(try await store.updatePrivacyRequest(refused, workspace: Self.ws))
        #expect(try await store.privacyRequest(id: refused.id, workspace: Self.ws) == refused)
        #expect(try await store.privacyRequest(id: access.id, workspace: Self.ws) == access)
        // Open ones first, the nearest deadline first; closed ones after.
        let all = try await store.privacyRequests(workspace: Self.ws, filter: PrivacyRequestFilter())
        #expect(all.map(\.id) == [older.id, access.id, refused.id])
        #expect(try await store.privacyRequests(workspace: Self.ws, filter: PrivacyRequestFilter(openOnly: true)).map(\.id)
                == [older.id, access.id])
        #expect(try await store.privacyRequests(workspace: Self.ws, filter: PrivacyRequestFilter(limit: 1)).map(\.id) == [older.id])
        var answered = access
        answered.identityCheck = "video call"
        answered.state = .completed
        answered.exportedAt = Fixture.at(3_600)
        answered.exportDigest = String(repeating: "0f", count: 32)
        answered.closedAt = Fixture.at(3_600)
        #expect(try await store.updatePrivacyRequest(answered, workspace: Self.ws))
        #expect(try await store.privacyRequest(id: access.id, workspace: Self.ws) == answered)
        // Workspaces do not see each other's requests.
        #expect(try await store.privacyRequest(id: access.id, workspace: "other") == nil)
        #expect(try await store.privacyRequests(workspace: "other", filter: PrivacyRequestFilter()).isEmpty)
        #expect(try await !store.updatePrivacyRequest(answered, workspace: "other"))
    }

    func anErasureKeepsRequestsByHash() async throws {
        let store = try await planted()
        let requests = try await store.privacyRequests(workspace: Self.ws, filter: PrivacyRequestFilter())
        let aboutThem = requests.filter { $0.subject != PrivacyPlant.otherRequestSubject }
        #expect(aboutThem.count == 2)
        let receipt = try #require(try await store.eraseSubject(PrivacyPlant.person, workspace: Self.ws,
                                                                options: ErasureOptions(reason: "DSAR-requests")))
        #expect(receipt.counts["requestsPseudonymised"] == 2)
        let after = try await store.privacyRequests(workspace: Self.ws, filter: PrivacyRequestFilter())
        for request in aboutThem {
            let kept = try #require(after.first { $0.id == request.id })
            #expect(kept.subject == PrivacyRequest.erasedSubject(hash: receipt.subjectHash))
            #expect(kept.requester == request.requester && kept.kind == request.kind && kept.dueAt == request.dueAt)
        }
        #expect(after.contains { $0.subject == PrivacyPlant.otherRequestSubject })
    }

    func pseudonymsAreRevealable() async throws {
        let store = try await planted()
        #expect(try await !store.isPseudonymising(workspace: Self.ws))
        try await store.setPseudonymising(true, workspace: Self.ws)
        #expect(try await store.isPseudonymising(workspace: Self.ws))
        #expect(try await !store.isPseudonymising(workspace: "other"))
        let name = try await store.pseudonymizer(workspace: Self.ws).pseudonym(PrivacyPlant.person)
        #expect(try await store.pseudonymizer(workspace: Self.ws).pseudonym(PrivacyPlant.person) == name)
        #expect(try await store.pseudonymizer(workspace: "other").pseudonym(PrivacyPlant.person) != name)
        #expect(try await store.revealPseudonym(name, workspace: Self.ws)
                == [PseudonymOwner(platform: .twitter, platformID: PrivacyPlant.person.platformID, handle: "zoe_planted")])
        #expect(try await store.revealPseudonym("@" + name, workspace: Self.ws).count == 1)
        // A handle is revealed from the mentions that name it.
        let mentioned = try await store.pseudonymizer(workspace: Self.ws).pseudonym(platform: .twitter, handle: "olivier")
        #expect(try await store.revealPseudonym(mentioned, workspace: Self.ws)
                == [PseudonymOwner(platform: .twitter, platformID: nil, handle: "olivier")])
        #expect(try await store.revealPseudonym("p-000000000000", workspace: Self.ws).isEmpty)
        #expect(try await store.revealPseudonym(name, workspace: "other").isEmpty)
        try await store.setPseudonymising(false, workspace: Self.ws)
        #expect(try await !store.isPseudonymising(workspace: Self.ws))
    }

    func retentionPoliciesRoundTrip() async throws {
        let store = try await makeStore()
        #expect(try await store.retentionPolicy(workspace: Self.ws) == .defaults)
        var policy = RetentionPolicy.defaults
        policy.days[.posts] = 30
        policy.days[.rejects] = nil
        try await store.setRetentionPolicy(policy, workspace: Self.ws)
        #expect(try await store.retentionPolicy(workspace: Self.ws) == policy)
        #expect(try await store.retentionPolicy(workspace: "other") == .defaults)
        policy.days[.alerts] = 0
        await #expect(throws: RetentionPolicyError.self) { try await store.setRetentionPolicy(policy, workspace: Self.ws) }
    }

    func retentionPurgesExpiredData() async throws {
        let store = try await makeStore()
        let old = Fixture.post("old", author: "a1", text: "ancien message", at: 0, hashtags: ["ancien"],
                               mentions: [Mention(accountID: "a2", handle: "handle_a2")])
        let recent = Fixture.post("new", author: "a1", text: "message récent", at: 100 * 86_400)
        try await store.write(Fixture.batch([
            .account(Fixture.account("a1", handle: "handle_a1", followers: 1, observedAt: 0)),
            .account(Fixture.account("a1", handle: "handle_a1", followers: 2, observedAt: 100 * 86_400)),
            .account(Fixture.account("gone", handle: "gone", observedAt: 0)),
            .post(old), .post(recent),
            .interaction(Fixture.like("l-old", from: "a2", to: "a1", post: "old", at: 0)),
            .interaction(Fixture.like("l-new", from: "a2", to: "a1", post: "new", at: 100 * 86_400)),
        ], rejects: [Reject(file: "f.jsonl", line: 1, format: "jsonl", reason: "bad", excerpt: "{")]), workspace: Self.ws)
        let cutoff = Fixture.at(50 * 86_400)
        let cutoffs: [RetentionPolicy.DataKind: Date] = [.posts: cutoff, .interactions: cutoff, .profiles: cutoff,
                                                         .metrics: cutoff]
        let preview = try await store.purgeExpired(before: cutoffs, workspace: Self.ws, dryRun: true)
        #expect(preview.dryRun && preview.removed[.posts] == 1 && preview.removed[.interactions] == 1)
        #expect(try await store.posts(workspace: Self.ws).collect().count == 2)
        let done = try await store.purgeExpired(before: cutoffs, workspace: Self.ws, dryRun: false)
        #expect(done.removed[.posts] == 1)
        #expect(done.removed[.interactions] == 1)
        #expect(done.removed[.metrics] == 1)
        #expect(done.removed[.profiles] ?? 0 >= 1) // "gone", not seen since and linked to nothing
        #expect(done.batches >= 4)
        #expect(try await store.posts(workspace: Self.ws).collect().map(\.platformID) == ["new"])
        #expect(try await store.searchPosts(workspace: Self.ws, text: "ancien", limit: 10).isEmpty)
        #expect(try await store.query(Query.parse("#ancien"), workspace: Self.ws, limit: 10).posts.isEmpty)
        #expect(try await store.accountKeys(workspace: Self.ws, handle: "gone").isEmpty)
        #expect(try await store.accountKeys(workspace: Self.ws, handle: "handle_a1").count == 1)
        #expect(try await store.metricSnapshots(workspace: Self.ws, account: AccountKey(platform: .twitter, platformID: "a1"))
            .map(\.followers) == [2])
        #expect(try await store.rejects(workspace: Self.ws, limit: 10).count == 1) // no period given for rejects
        // Writes after a purge still find their accounts.
        try await store.write(Fixture.batch([.post(Fixture.post("later", author: "a1", text: "encore", at: 200 * 86_400))]),
                              workspace: Self.ws)
        #expect(try await store.posts(workspace: Self.ws).collect().count == 2)
    }
}

/// One person planted across every kind of record, with strings distinctive enough to be
/// looked for in a store's files after their erasure.
public enum PrivacyPlant {
    public static let person = AccountKey(platform: .twitter, platformID: "9081726354")
    public static let bio = "bio-marker-QX7 amatrice de vélo"
    public static let firstPost = "7700110001"
    public static let secondPost = "7700110002"
    /// The first post's edit: an edit with its own id (as on Twitter) becomes the post's current version.
    public static let firstPostEdit = firstPost + "9"
    public static let deletedPost = "7700110003"
    public static let mentioningPost = "5500220001"
    public static let repostOfTheirs = "5500220002"
    public static let unrelatedPost = "5500220003"
    /// Words only the person wrote: found by search before, by nothing after.
    public static let words = ["qjvxplantmark", "ykkwsecondmark"]
    /// What must be found nowhere once they are erased (in reads, in receipts, in the files).
    public static let identifiers = [person.platformID, "zoe_planted", "Plantée-Unique", "bio-marker-QX7", "texte-marqueur-A1",
                                     "version-marqueur-B2", "second-marqueur-C3", "zoe-planted.example", firstPost, secondPost,
                                     "plantmark", "secondmark"]

    public static var batch: IngestBatch {
        let p = person.platformID
        let first = Post(platform: .twitter, platformID: firstPost, authorID: p, authorHandle: "zoe_planted",
                         createdAt: Fixture.at(10), text: "texte-marqueur-A1 qjvxplantmark vélo #velo @olivier",
                         hashtags: ["velo"], mentions: [Mention(accountID: "o1", handle: "olivier")],
                         urls: ["https://zoe-planted.example/page"])
        var edit = first
        edit.platformID = firstPostEdit
        edit.editOf = firstPost
        edit.text = "version-marqueur-B2 qjvxplantmark vélo #velo @olivier"
        edit.editedAt = Fixture.at(20)
        let second = Post(platform: .twitter, platformID: secondPost, authorID: p, authorHandle: "zoe_planted",
                          createdAt: Fixture.at(30), text: "second-marqueur-C3 ykkwsecondmark vélo")
        let mentioning = Post(platform: .twitter, platformID: mentioningPost, authorID: "o1", authorHandle: "olivier",
                              createdAt: Fixture.at(40), text: "merci @zoe_planted pour le vélo", replyToPostID: secondPost,
                              replyToAccountID: p, mentions: [Mention(accountID: p, handle: "zoe_planted")])
        let repost = Post(platform: .twitter, platformID: repostOfTheirs, authorID: "o2", authorHandle: "odile",
                          createdAt: Fixture.at(50), text: "RT @zoe_planted: texte-marqueur-A1 qjvxplantmark vélo",
                          repostOfID: firstPost, repostOfAccountID: p)
        let unrelated = Post(platform: .twitter, platformID: unrelatedPost, authorID: "o2", authorHandle: "odile",
                             createdAt: Fixture.at(60), text: "rien à voir, vélo")
        var profile = Account(platform: .twitter, platformID: p, handle: "zoe_planted", displayName: "Zoé Plantée-Unique",
                              bio: bio, followers: 10, observedAt: Fixture.at(0))
        var later = profile
        later.followers = 20
        later.observedAt = Fixture.at(100)
        profile.location = "Lyon"
        return Fixture.batch([
            .account(profile), .account(later),
            .account(Fixture.account("o1", handle: "olivier")), .account(Fixture.account("o2", handle: "odile")),
            .post(first), .post(edit), .post(second), .post(mentioning), .post(repost), .post(unrelated),
            .interaction(Fixture.like("like-from-o2", from: "o2", to: p, post: secondPost, at: 70)),
            .interaction(Fixture.like("like-to-o1", from: p, to: "o1", post: mentioningPost, at: 80)),
            .interaction(Interaction(platform: .twitter, kind: .follow, sourceAccountID: p, targetAccountID: "o2", targetPostID: nil,
                                     viaID: "follow-o2", at: Fixture.at(90))),
            .tombstone(Tombstone(platform: .twitter, target: .post, platformID: deletedPost, accountID: p, reason: "deleted")),
        ], rejects: [
            Reject(file: "import.jsonl", line: 3, format: "jsonl", reason: "bad date", excerpt: "{\"id\":\"\(p)\",\"date\":\"x\"}"),
            Reject(file: "import.jsonl", line: 4, format: "jsonl", reason: "bad date", excerpt: "{\"id\":\"unrelated\"}"),
        ])
    }

    /// Writes ``batch``, a watch matching the person's posts, and two fired alerts, one naming them.
    public static func plant(in store: any Store, workspace: String) async throws {
        try await store.write(batch, workspace: workspace)
        // Prefixes only: the watch is the users' own text and stays; the words must go from the files.
        _ = try await store.addWatch(Watch(name: "velo", query: "qjvx* OR ykkw*"), workspace: workspace)
        try await store.addAlertRule(AlertRule(name: "spikes", target: .all, kind: .spike, webhookURL: "https://hooks.example/a"),
                                     workspace: workspace)
        let naming = FiredAlert(rule: "spikes", kind: .spike, key: "k1", firedAt: Fixture.at(100), observedAt: Fixture.at(40),
                                summary: "spike led by zoe")
        _ = try await store.recordFiredAlert(naming, payload: Data(#"{"top":[{"handle":"zoe_planted","text":"texte-marqueur-A1"}]}"#.utf8),
                                         workspace: workspace)
        let unrelated = FiredAlert(rule: "spikes", kind: .spike, key: "k2", firedAt: Fixture.at(200), observedAt: Fixture.at(150),
                                   summary: "unrelated spike")
        _ = try await store.recordFiredAlert(unrelated, payload: Data(#"{"top":[{"handle":"odile"}]}"#.utf8), workspace: workspace)
        // A campaign paying them and another influencer, a link for each audience, clicks and a
        // conversion on theirs (codes are unique across workspaces).
        let euro = Currency(code: "EUR")!
        var campaign = Campaign(name: campaignName, startsAt: Fixture.at(0), currency: euro)
        campaign.influencers = [CampaignInfluencer(account: person, handle: "zoe_planted", fee: Money(minorUnits: 80_000, currency: euro)),
                                CampaignInfluencer(account: AccountKey(platform: .twitter, platformID: "o1"), handle: "olivier")]
        try await store.addCampaign(campaign, workspace: workspace)
        let code = linkCode(workspace)
        try await store.addLink(ShortLink(code: code, campaign: campaignName, influencer: person, channel: "instagram",
                                          target: "https://brand.example/", createdAt: Fixture.at(1)), workspace: workspace)
        try await store.addLink(ShortLink(code: code + "o", campaign: campaignName, influencer: AccountKey(platform: .twitter, platformID: "o1"),
                                          target: "https://brand.example/", createdAt: Fixture.at(1)), workspace: workspace)
        let visitor = String(repeating: "ab", count: 16)
        try await store.recordClicks([
            LinkClick(code: code, at: Fixture.at(2), visitor: visitor, kind: .dark, device: .mobile),
            LinkClick(code: code, at: Fixture.at(3), visitor: visitor, kind: .privatePreview, source: "whatsapp", device: .bot),
            LinkClick(code: code + "o", at: Fixture.at(3), visitor: visitor, kind: .dark, device: .mobile),
        ])
        _ = try await store.recordConversion(Conversion(idempotencyKey: "order-\(workspace)", at: Fixture.at(4),
                                                        value: Money(minorUnits: 4_990, currency: euro), code: code,
                                                        clickAt: Fixture.at(2)), workspace: workspace)
        // Their requests, by handle and by id, and someone else's.
        _ = try await store.addPrivacyRequest(PrivacyRequest(kind: .access, subject: person.description, requester: requester,
                                                             identityCheck: "video call", receivedAt: Fixture.at(0)), workspace: workspace)
        _ = try await store.addPrivacyRequest(PrivacyRequest(kind: .erasure, subject: "@Zoe_Planted", requester: requester,
                                                             receivedAt: Fixture.at(5)), workspace: workspace)
        _ = try await store.addPrivacyRequest(PrivacyRequest(kind: .access, subject: otherRequestSubject, requester: "Olivier <o@example.org>",
                                                             receivedAt: Fixture.at(6)), workspace: workspace)
    }

    /// The requester's contact stays with the request as the proof of the answer.
    public static let requester = "Z. P. <requester-7@example.org>"
    public static let otherRequestSubject = "@olivier"

    public static let campaignName = "spring"
    /// The code of the link made for the person's audience in `workspace`.
    public static func linkCode(_ workspace: String) -> String { "zl\(workspace.prefix(6))" }
}
