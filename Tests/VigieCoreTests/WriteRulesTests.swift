import Foundation
import Testing
import VigieCore

/// The write rules every store calls (post merge and versions, account merge, derived edges,
/// tombstones), tested as pure functions.
@Suite struct WriteRulesTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }
    static func ms(_ seconds: Double) -> Int64 { Int64((at(seconds).timeIntervalSince1970 * 1000).rounded()) }

    static func post(_ id: String, text: String = "texte", at seconds: Double = 0, editOf: String? = nil,
                     editedAt: Double? = nil) -> Post {
        Post(platform: .twitter, platformID: id, editOf: editOf, authorID: "a", createdAt: at(seconds), text: text,
             editedAt: editedAt.map(at))
    }

    // MARK: Posts

    @Test func contentKeepsTimesToTheMillisecond() {
        var post = Self.post("p1", at: 0.0004, editedAt: 10.0006)
        post.state = .withheld(countries: ["DE", "FR"])
        let content = PostContent(post)
        #expect(content.createdAt == Self.ms(0))
        #expect(content.editedAt == Self.ms(10.001))
        #expect(content.versionAt == content.editedAt)
        #expect(content.currentVersionID == "p1")
        #expect(content.withheldCountries == ["DE", "FR"])
        #expect(PostContent(Self.post("p2", at: 5)).versionAt == Self.ms(5))
    }

    @Test func aNewerVersionReplacesTheContentAndKeepsWhatItDoesNotKnow() {
        var stored = Self.post("m1", text: "premier jet", at: 0)
        stored.language = "fr"
        stored.source = "app"
        stored.mediaCount = 2
        var incoming = Self.post("m1", text: "version corrigée", at: 0, editedAt: 300)
        incoming.conversationID = "c1"
        let (merged, replaces) = PostContent(stored).merged(with: PostContent(incoming))
        #expect(replaces)
        #expect(merged.text == "version corrigée")
        #expect(merged.language == "fr" && merged.source == "app") // unknown in the new version: kept
        #expect(merged.conversationID == "c1")
        #expect(merged.mediaCount == 0) // known (zero) in the new version
        #expect(merged.editedAt == Self.ms(300) && merged.versionAt == Self.ms(300))
    }

    @Test func anOlderVersionOnlyFillsUnknownFieldsInAnyOrder() {
        var older = Self.post("t1", text: "old", at: 0)
        older.language = "en"
        let newer = Self.post("t2", text: "new", at: 120, editOf: "t1")
        let a = PostContent(newer).merged(with: PostContent(older))
        let b = PostContent(older).merged(with: PostContent(newer))
        #expect(!a.replacesVersion && b.replacesVersion)
        #expect(a.content == b.content)
        #expect(a.content.text == "new" && a.content.currentVersionID == "t2" && a.content.language == "en")
        // The post is dated by its first version, whichever arrived first.
        #expect(a.content.createdAt == Self.ms(0))
        // An equally dated version changes nothing that is known.
        let same = PostContent(newer).merged(with: PostContent(Self.post("t3", text: "other", at: 120)))
        #expect(!same.replacesVersion && same.content.text == "new")
    }

    @Test func metricsMergeByObservationTime() {
        typealias Metrics = PostContent.Metrics
        let early = Metrics(likes: 1, reposts: 0, observedAt: 10)
        let later = Metrics(likes: 9, observedAt: 20)
        #expect(later.merged(with: early) == Metrics(likes: 9, reposts: 0, observedAt: 20))
        #expect(early.merged(with: later) == Metrics(likes: 9, reposts: 0, observedAt: 20))
        // An undated observation only fills unknown counts; an empty one changes nothing.
        #expect(later.merged(with: Metrics(likes: 3, quotes: 4)) == Metrics(likes: 9, quotes: 4, observedAt: 20))
        #expect(later.merged(with: Metrics()) == later)
        #expect(Metrics().merged(with: Metrics(likes: 3)) == Metrics(likes: 3))
        #expect(Metrics(nil).isEmpty && Metrics(nil).model == nil)
        #expect(Metrics(PostMetrics(likes: 2, observedAt: Self.at(1))).model == PostMetrics(likes: 2, observedAt: Self.at(1)))
    }

    @Test func theStoredPostIsTheVersionShownUnderItsRoot() {
        var edit = Self.post("t2", text: "new", at: 120, editOf: "t1")
        edit.hashtags = ["x"]
        edit.state = .withheld(countries: ["FR"])
        let content = PostContent(Self.post("t1", at: 0)).merged(with: PostContent(edit)).content
        let post = content.post(platform: .twitter, rootID: "t1", authorID: "a", authorHandle: "h",
                                hashtags: ["x"], mentions: [], urls: [])
        var expected = edit
        expected.createdAt = Self.at(0)
        expected.authorHandle = "h"
        #expect(post == expected)
        let original = PostContent(Self.post("t1")).post(platform: .twitter, rootID: "t1", authorID: "a", authorHandle: nil,
                                                        hashtags: [], mentions: [], urls: [])
        #expect(original.editOf == nil && original == Self.post("t1"))
    }

    // MARK: Versions

    @Test func aVersionIsRecordedWhenItsIDOrTextIsNew() {
        let stored = PostContent(Self.post("t1", text: "old", at: 0))
        #expect(!PostVersions.isNewVersion(PostContent(Self.post("t1", text: "old", at: 50)), of: stored))
        #expect(PostVersions.isNewVersion(PostContent(Self.post("t1", text: "edited", at: 0, editedAt: 60)), of: stored))
        #expect(PostVersions.isNewVersion(PostContent(Self.post("t2", text: "old", at: 60, editOf: "t1")), of: stored))
        #expect(PostVersions.startsHistory(Self.post("t2", editOf: "t1")))
        #expect(!PostVersions.startsHistory(Self.post("t1")))
    }

    @Test func historyEntriesAreDatedByTheirOwnVersion() {
        let incoming = PostContent(Self.post("t2", text: "new", at: 120, editOf: "t1"))
        #expect(PostVersions.Entry(incoming) == .init(versionID: "t2", text: "new", createdAt: Self.ms(120), editedAt: nil))
        // A stored edited version (editedAt set) is dated by the post's creation.
        var stored = PostContent(Self.post("m1", text: "v2", at: 0, editedAt: 300))
        #expect(PostVersions.Entry(firstOf: stored) == .init(versionID: "m1", text: "v2", createdAt: Self.ms(0), editedAt: Self.ms(300)))
        // A stored original whose creation was moved earlier by a merge keeps its own date.
        stored = PostContent(Self.post("t2", text: "new", at: 120, editOf: "t1"))
        stored.createdAt = Self.ms(0)
        #expect(PostVersions.Entry(firstOf: stored).createdAt == Self.ms(120))
    }

    // MARK: Accounts

    @Test func accountsMergeFieldByFieldByObservation() {
        let stored = Account(platform: .twitter, platformID: "u1", handle: "Alice", bio: "bio", followers: 100,
                             observedAt: Self.at(100))
        var older = Account(platform: .twitter, platformID: "u1", followers: 5, observedAt: Self.at(50))
        older.location = "Lyon"
        let filled = stored.merged(with: older)
        #expect(filled == Account(platform: .twitter, platformID: "u1", handle: "Alice", bio: "bio", followers: 100,
                                  location: "Lyon", observedAt: Self.at(100)))
        let newer = Account(platform: .twitter, platformID: "u1", followers: 250, observedAt: Self.at(200))
        #expect(filled.merged(with: newer) == Account(platform: .twitter, platformID: "u1", handle: "Alice", bio: "bio",
                                                      followers: 250, location: "Lyon", observedAt: Self.at(200)))
        // Undated on both sides: the later arrival wins (a record corrects a post's handle).
        let stub = Account(platform: .twitter, platformID: "u9", handle: "from_post")
        #expect(stub.merged(with: Account(platform: .twitter, platformID: "u9", handle: "Neuf")).handle == "Neuf")
        #expect(stored.merged(with: stored) == stored)
    }

    @Test func onlyDatedRecordsWithCountsGiveSnapshots() {
        #expect(Account(platform: .twitter, platformID: "u", followers: 3, observedAt: Self.at(1)).metricSnapshot
            == MetricSnapshot(at: Self.at(1), followers: 3, following: nil, postsCount: nil))
        #expect(Account(platform: .twitter, platformID: "u", followers: 3).metricSnapshot == nil)
        #expect(Account(platform: .twitter, platformID: "u", handle: "h", observedAt: Self.at(1)).metricSnapshot == nil)
    }

    // MARK: Derived interactions

    @Test func aPostImpliesItsReplyRepostQuoteAndMentions() {
        var post = Self.post("t2", at: 60, editOf: "t1")
        post.replyToPostID = "p0"
        post.replyToAccountID = "u3"
        post.quoteOfID = "q1"
        post.mentions = [Mention(accountID: "u2", handle: "Bob"), Mention(handle: "Carol"), Mention(handle: "carol"),
                         Mention(accountID: "u2", handle: "bob")]
        let edges = post.derivedInteractions
        #expect(edges.map(\.kind) == [.reply, .quote, .mention, .mention])
        #expect(edges.map(\.targetAccountID) == ["u3", nil, "u2", "@Carol"])
        #expect(edges.map(\.targetPostID) == ["p0", "q1", nil, nil])
        // Keyed by the root id: every version shares one set of edges.
        #expect(edges.allSatisfy { $0.viaID == "t1" && $0.sourceAccountID == "a" && $0.at == Self.at(60) })
        #expect(post.mentionedAccounts.map(\.key.platformID) == ["u2", "u2"])
        #expect(post.mentionedAccounts.map(\.handle) == ["Bob", "bob"])
        var repost = Self.post("rt")
        repost.repostOfID = "p1"
        #expect(repost.derivedInteractions.map(\.kind) == [.repost])
        #expect(repost.derivedInteractions.first?.viaID == "rt")
        #expect(Self.post("plain").derivedInteractions.isEmpty)
    }

    @Test func handleTargetsHaveOnePlaceholderPerHandle() {
        #expect(Interaction.handle(ofTarget: "@Carol") == "Carol")
        #expect(Interaction.handle(ofTarget: "u2") == nil)
        #expect(Interaction.placeholderID(forHandle: "Carol") == Interaction.placeholderID(forHandle: "cAROL"))
        #expect(Interaction.placeholderID(forHandle: "Carol") == "@carol")
    }

    // MARK: Tombstones

    @Test func eachTargetRemovesAndHidesItsOwnThings() {
        #expect(Tombstone.Target.post.removesPosts && Tombstone.Target.repost.removesPosts)
        #expect(!Tombstone.Target.like.removesPosts && !Tombstone.Target.account.removesPosts && !Tombstone.Target.follow.removesPosts)
        #expect(Tombstone.Target.like.removedInteractionKind == .like)
        #expect(Tombstone.Target.repost.removedInteractionKind == .repost)
        #expect(Tombstone.Target.follow.removedInteractionKind == .follow)
        #expect(Tombstone.Target.post.removedInteractionKind == nil && Tombstone.Target.account.removedInteractionKind == nil)
        #expect(Tombstone.Target.hidingPosts == [.post, .repost])
        #expect(Interaction.Kind.allCases.compactMap(Tombstone.Target.init(hiding:)) == [.repost, .like, .follow])
    }

    @Test func aTombstoneHidesAPostByItsIDOrItsRoot() {
        let edit = Self.post("t2", editOf: "t1")
        let byRoot = Tombstone(platform: .twitter, target: .post, platformID: "t1", reason: "deleted")
        let byVersion = Tombstone(platform: .twitter, target: .post, platformID: "t2", reason: "deleted")
        #expect(byRoot.hides(edit) && byVersion.hides(edit))
        #expect(!byVersion.hides(Self.post("t1")))
        #expect(Tombstone(platform: .twitter, target: .repost, platformID: "t1", reason: "deleted").hides(Self.post("t1")))
        #expect(!Tombstone(platform: .mastodon, target: .post, platformID: "t1", reason: "deleted").hides(Self.post("t1")))
        #expect(!Tombstone(platform: .twitter, target: .like, platformID: "t1", reason: "deleted").hides(Self.post("t1")))
        // Deleting a version tombstones the root too; a root's own tombstone needs nothing more.
        #expect(byVersion.rootTombstone(removedRootID: "t1")?.platformID == "t1")
        #expect(byRoot.rootTombstone(removedRootID: "t1") == nil)
        #expect(Tombstone(platform: .twitter, target: .repost, platformID: "t2", reason: "deleted").rootTombstone(removedRootID: "t1") == nil)
    }

    @Test func aTombstoneHidesRecordedInteractionsOfItsKind() {
        let like = Interaction(platform: .twitter, kind: .like, sourceAccountID: "u1", targetAccountID: "u2",
                               targetPostID: "p", viaID: "like-1", at: Self.at(0))
        #expect(Tombstone(platform: .twitter, target: .like, platformID: "like-1", reason: "deleted").hides(like))
        #expect(!Tombstone(platform: .twitter, target: .like, platformID: "like-2", reason: "deleted").hides(like))
        #expect(!Tombstone(platform: .twitter, target: .follow, platformID: "like-1", reason: "deleted").hides(like))
        #expect(!Tombstone(platform: .twitter, target: .post, platformID: "like-1", reason: "deleted").hides(like))
    }

    @Test func anAccountTombstoneGivesAStatus() {
        #expect(Tombstone(platform: .bluesky, target: .account, platformID: "did", reason: "suspended").accountStatus == .suspended)
        #expect(Tombstone(platform: .bluesky, target: .account, platformID: "did", reason: "scrub_geo").accountStatus == .deleted)
        #expect(Tombstone(platform: .bluesky, target: .post, platformID: "p", reason: "deleted").accountStatus == nil)
    }
}
