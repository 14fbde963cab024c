import Foundation
import Testing
import VigieCore

/// Keyed pseudonyms: stable for a key, different under another key, and applied to every place
/// a post or an account names someone.
@Suite("Pseudonymizer")
struct PseudonymizerTests {
    static let key = Array("workspace key of thirty-two bytes".utf8)
    static let alice = AccountKey(platform: .twitter, platformID: "1001")

    @Test func aPseudonymIsStableForAKeyAndDiffersUnderAnother() {
        let pseudonyms = Pseudonymizer(key: Self.key)
        let name = pseudonyms.pseudonym(Self.alice)
        #expect(name.hasPrefix("p-") && name.count == 14)
        #expect(name.dropFirst(2).allSatisfy { $0.isHexDigit })
        #expect(Pseudonymizer(key: Self.key).pseudonym(Self.alice) == name)
        #expect(Pseudonymizer(key: Array("another workspace's key".utf8)).pseudonym(Self.alice) != name)
        #expect(pseudonyms.pseudonym(AccountKey(platform: .twitter, platformID: "1002")) != name)
        #expect(pseudonyms.pseudonym(AccountKey(platform: .mastodon, platformID: "1001")) != name)
        // Handles fold case; they are not confused with ids.
        #expect(pseudonyms.pseudonym(platform: .twitter, handle: "@Alice") == pseudonyms.pseudonym(platform: .twitter, handle: "alice"))
        #expect(pseudonyms.pseudonym(platform: .twitter, handle: "1001") != name)
        // Not the suppression hash made with the same key.
        #expect(!SuppressionList(key: Self.key).hash(Self.alice).hasPrefix(String(name.dropFirst(2))))
    }

    @Test func aPostNamesNobody() {
        let pseudonyms = Pseudonymizer(key: Self.key)
        let post = Post(platform: .twitter, platformID: "p1", authorID: "1001", authorHandle: "Alice_V",
                        createdAt: Date(timeIntervalSince1970: 0),
                        text: "merci @Olivier et @zoe.bsky.social. Écrivez à contact@alice.example, @alice_v",
                        replyToPostID: "p0", replyToAccountID: "2002", repostOfAccountID: nil,
                        mentions: [Mention(accountID: "2002", handle: "olivier")])
        let shown = pseudonyms.post(post)
        let olivier = pseudonyms.pseudonym(AccountKey(platform: .twitter, platformID: "2002"))
        let author = pseudonyms.pseudonym(Self.alice)
        #expect(shown.authorID == author && shown.authorHandle == author)
        #expect(shown.replyToAccountID == olivier)
        #expect(shown.mentions == [Mention(accountID: olivier, handle: olivier)])
        let zoe = pseudonyms.pseudonym(platform: .twitter, handle: "zoe.bsky.social")
        #expect(shown.text == "merci @\(olivier) et @\(zoe). Écrivez à contact@alice.example, @\(author)")
        let everything = ([shown.authorID, shown.authorHandle ?? "", shown.text, shown.replyToAccountID ?? ""]
                          + shown.mentions.flatMap { [$0.handle, $0.accountID ?? ""] }).joined(separator: " ").lowercased()
        for name in ["olivier", "zoe", "alice_v", "1001", "2002"] {
            #expect(!everything.contains(name), "\(name) is still shown")
        }
        #expect(shown.platformID == "p1" && shown.replyToPostID == "p0")
    }

    @Test func aHandleOfAKnownAccountGetsTheAccountsPseudonym() {
        let pseudonyms = Pseudonymizer(key: Self.key)
        let post = Post(platform: .twitter, platformID: "p2", authorID: "2002", authorHandle: "olivier",
                        createdAt: Date(timeIntervalSince1970: 0), text: "merci @Alice_V !",
                        mentions: [Mention(handle: "alice_v")])
        #expect(Pseudonymizer.handles(in: post.text) == ["Alice_V"])
        let alice = pseudonyms.pseudonym(Self.alice)
        let shown = pseudonyms.post(post, accountIDs: ["alice_v": "1001"])
        #expect(shown.text == "merci @\(alice) !" && shown.mentions.map(\.handle) == [alice])
        // Without the id, the handle's own pseudonym: stable, but not the account's.
        let byHandle = pseudonyms.post(post).mentions.map(\.handle)
        #expect(byHandle == [pseudonyms.pseudonym(platform: .twitter, handle: "alice_v")] && byHandle != [alice])
    }

    @Test func anAccountKeepsItsCountsOnly() {
        let pseudonyms = Pseudonymizer(key: Self.key)
        let account = Account(platform: .twitter, platformID: "1001", handle: "alice_v", displayName: "Alice Vélo",
                              bio: "Lyon, vélo", followers: 1200, location: "Lyon", url: "https://alice.example")
        let shown = pseudonyms.account(account)
        #expect(shown.platformID == pseudonyms.pseudonym(Self.alice) && shown.handle == shown.platformID)
        #expect(shown.displayName == nil && shown.bio == nil && shown.location == nil && shown.url == nil)
        #expect(shown.followers == 1200)
    }
}
