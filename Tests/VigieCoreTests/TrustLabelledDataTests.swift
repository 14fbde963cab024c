import Foundation
import Testing
@testable import VigieCore
import VigieTestSupport

@Suite struct TrustLabelledDataTests {
    @Test func twibotAnnotationStudyBecomesTwoLabelledSets() throws {
        let sets = try LabelledData.load(directory: SharedData.url("bot-labels-twibot"))
        #expect(sets.map(\.name) == ["twibot20", "twibot22"])
        for set in sets {
            // 500 profiles each; those the experts disagree on are left out.
            #expect(set.accounts.count + set.excluded == 500)
            #expect(set.excluded > 0 && set.excluded < 150)
            let bots = set.accounts.filter { $0.label == 1 }.count
            #expect(bots > 10 && bots < 60)
            let first = set.accounts[0].subject.account
            #expect(first.createdAt != nil && first.followers != nil && first.bio != nil && first.defaultProfileImage != nil)
        }
        #expect(sets[0].accounts.count == 399 && sets[1].accounts.count == 448)
        for set in sets {
            // The left-out accounts are kept for training with a soft target; every account has a majority label.
            #expect(set.ambiguous.count == set.excluded && set.ambiguous.allSatisfy { $0.label == nil && $0.target > 0.3 && $0.target < 0.7 })
            #expect((set.accounts + set.ambiguous).allSatisfy { $0.majorityLabel != nil && $0.votes.count == 3 })
            // One expert agrees with the others far from perfectly: the labels themselves are noisy.
            let agreement = LabelledData.expertAgreement(set.accounts + set.ambiguous)
            #expect(agreement.count == 3 && agreement.allSatisfy { $0 > 0.6 && $0 < 0.8 })
        }
        #expect((sets[0].accounts + sets[0].ambiguous).filter { $0.majorityLabel == 1 }.count == 54)
        // The human ceiling: one expert's own label against the other two's, F1 far from 1 (measured 0.32 / 0.29).
        for set in sets {
            let ceiling = try #require(LabelledData.expertCeiling(set.accounts + set.ambiguous))
            #expect(ceiling.pooled.f1 > 0.2 && ceiling.pooled.f1 < 0.45, "\(ceiling.summary)")
            #expect(ceiling.experts.count == 6 && ceiling.experts.map(\.counts.total).reduce(0, +) == ceiling.pooled.total)
            #expect(ceiling.pooled.total > 1_000 && ceiling.pooled.total <= 1_500)
        }
        // TwiBot-20 writes a missing URL as the text "None": no URL.
        #expect(sets[0].accounts.filter { $0.subject.account.url == "None" }.isEmpty)
    }

    @Test func srfStudyHasFakeFollowers() throws {
        let sets = try LabelledData.load(directory: SharedData.url("instagram-fake-followers-srf"))
        let srf = try #require(sets.first)
        #expect(srf.accounts.count == 975)
        #expect(srf.accounts.filter { $0.label == 1 }.count == 98)
        let fake = try #require(srf.accounts.first { $0.subject.account.handle == "ernestovalverde6609" })
        #expect(fake.label == 1 && fake.subject.account.defaultProfileImage == true && fake.subject.account.following == 601)
        #expect(fake.subject.account.createdAt == nil && fake.subject.account.bio == nil)
    }

    @Test func badFoldersAndFilesAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: TrustError.self) { try LabelledData.load(directory: folder) }
        try Data("id,label,annotator\nu1,7,1\n".utf8).write(to: folder.appendingPathComponent("annotation_combine.csv"))
        do {
            _ = try LabelledData.load(directory: folder)
            Issue.record("a label of 7 was accepted")
        } catch let error as TrustError {
            #expect(error.message.contains("annotation_combine.csv:2"))
        }
    }
}

@Suite struct TrustProfileSetTests {
    @Test func botRepositoryGivesEightSetsOfV1Profiles() throws {
        // Each sub-folder with a users.jsonl is one set (the whole root is read by `vigie trust train`).
        let root = SharedData.url("bot-repository")
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("users.jsonl").path)
        }
        #expect(folders.count == 8)
        let sets = try ["botometer-feedback-2019", "political-bots-2019", "verified-2019"].flatMap {
            try LabelledData.load(directory: root.appendingPathComponent($0))
        }
        #expect(sets.map(\.name) == ["botometer-feedback-2019", "political-bots-2019", "verified-2019"])
        #expect(sets.map { $0.accounts.filter { $0.label == 1 }.count } == [138, 62, 0])
        let feedback = try #require(sets.first { $0.name == "botometer-feedback-2019" })
        #expect(feedback.accounts.count == 517)
        #expect(try #require(sets.first { $0.name == "verified-2019" }).accounts.count == 1_987)
        // The first record of the feedback set, field by field (its newest tweet dates the crawl).
        let first = feedback.accounts[0].subject.account
        #expect(first.handle == "EmmaDingle" && first.followers == 790 && first.following == 3_218 && first.postsCount == 6_252)
        #expect(first.url == "http://www.socialresultsltd.com" && first.location == "London - mostly")
        #expect(first.observedAt == DateParsing.parse("Mon Apr 16 19:28:33 +0000 2018"))
        let features = feedback.accounts[0].features
        #expect(features[.accountAge]! > 5 * 365 && features[.profileURL] == 1 && features[.verified] == 0)
    }

    @Test func instaFakeGivesCountsOnly() throws {
        let set = try #require(try LabelledData.load(directory: SharedData.url("instagram-fake-instafake")).first)
        #expect(set.accounts.count == 1_194 && set.accounts.filter { $0.label == 1 }.count == 200)
        let first = set.accounts[0]
        #expect(first.platform == .instagram)
        // {"userFollowerCount": 25, "userFollowingCount": 1937, "userBiographyLength": 0, "userMediaCount": 0,
        //  "userHasProfilPic": 1, "userIsPrivate": 1, "usernameDigitCount": 0, "usernameLength": 10}
        let v = first.features
        #expect(v[.followers] == 25 && v[.following] == 1_937 && v[.postsCount] == 0 && v[.bioLength] == 0)
        #expect(v[.defaultImage] == 0 && v[.isPrivate] == 1 && v[.handleLength] == 10 && v[.handleDigits] == 0)
        #expect(v[.accountAge] == nil && v[.handleEntropy] == nil && v[.nameDigits] == nil)
    }

    @Test func aBadLineIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{\"id_str\": \"1\", \"label\": \"bot\"}\n{\"id_str\": \"2\", \"label\": \"human\", \"created_at\": \"yesterday\"}\n".utf8)
            .write(to: folder.appendingPathComponent("users.jsonl"))
        do {
            _ = try LabelledData.load(directory: folder)
            Issue.record("a bad date was accepted")
        } catch let error as TrustError {
            #expect(error.message.contains("users.jsonl:2") && error.message.contains("created_at"))
        }
    }
}

@Suite struct TrustSetNameTests {
    @Test func aFirstWordSharedBySiblingFoldersIsDropped() {
        let names = LabelledData.setNames(["lab-alpha-2019", "lab-beta-2018", "political-bots-2019", "verified-2019"])
        #expect(names == ["lab-alpha-2019": "alpha-2019", "lab-beta-2018": "beta-2018",
                          "political-bots-2019": "political-bots-2019", "verified-2019": "verified-2019"])
        // Names that would collide keep their folder names.
        #expect(LabelledData.setNames(["a-b", "a-c", "b"]) == ["a-b": "a-b", "a-c": "a-c", "b": "b"])
    }
}
