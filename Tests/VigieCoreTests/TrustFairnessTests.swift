import Foundation
import Testing
@testable import VigieCore
import VigieTestSupport

/// The shipped model must not score people by the script their name is written in.
@Suite struct TrustFairnessTests {
    /// Display names of people in five scripts (common given and family names).
    static let names: [String: [String]] = [
        "Latin": ["Marie Dubois", "João Silva", "Anna Kowalska", "Lukas Becker", "Sofia Rossi", "James Walker"],
        "Arabic": ["محمد العلي", "فاطمة الزهراء", "أحمد حسن", "مريم خالد", "يوسف إبراهيم", "ليلى منصور"],
        "Cyrillic": ["Анна Иванова", "Дмитрий Смирнов", "Ольга Петрова", "Сергей Кузнецов", "Мария Попова", "Иван Соколов"],
        "CJK": ["山田太郎", "王小明", "김민준", "佐藤花子", "李静", "陈伟"],
        "Devanagari": ["राहुल शर्मा", "प्रिया पटेल", "अमित कुमार", "सुनीता देवी", "विजय सिंह", "अनीता गुप्ता"],
    ]

    static func shippedModel() throws -> InauthenticityModel {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return try InauthenticityModel.load(from: url.appendingPathComponent("models/inauthenticity-v3.json"))
    }

    /// Mean score of `people` under each script's names (each person gets one name of each script).
    static func meanByScript(_ people: [TrustSubject], model: InauthenticityModel) -> [String: Double] {
        var means: [String: Double] = [:]
        for (script, list) in names {
            var total = 0.0
            for (i, person) in people.enumerated() {
                var renamed = person
                renamed.account.displayName = list[i % list.count]
                total += model.score(renamed).probability
            }
            means[script] = total / Double(people.count)
        }
        return means
    }

    @Test func verifiedHumansScoreAlikeWhateverTheScriptOfTheirName() throws {
        let model = try Self.shippedModel()
        let verified = try #require(try LabelledData.load(directory: SharedData.url("bot-repository/verified-2019")).first)
        #expect(verified.accounts.count == 1_987)
        let means = Self.meanByScript(verified.accounts.map(\.subject), model: model)
        let gap = means.values.max()! - means.values.min()!
        #expect(means.count == 5)
        #expect(gap <= 0.02, "mean score by script \(means.sorted { $0.key < $1.key }); gap \(gap)")
    }

    @Test func plantedHumansScoreAlikeWhateverTheScriptOfTheirName() throws {
        let model = try Self.shippedModel()
        // Ordinary people: a few hundred followers and posts, a bio, a handle of letters.
        var random = SeededRandom(seed: 18)
        let observed = DateParsing.parse("2024-06-01")!
        let people: [TrustSubject] = (0..<300).map { i in
            let handle = String((0..<(6 + i % 8)).map { _ in Character(UnicodeScalar(97 + Int(random.unit() * 26))!) })
            let account = Account(platform: .twitter, platformID: "p\(i)", handle: handle, displayName: "",
                                  bio: "Parent, reader, cyclist", createdAt: observed.addingTimeInterval(-86_400 * (200 + random.unit() * 3_000)),
                                  followers: Int(50 + random.unit() * 900), following: Int(80 + random.unit() * 600),
                                  postsCount: Int(100 + random.unit() * 5_000), listedCount: Int(random.unit() * 5),
                                  verified: false, defaultProfileImage: false, location: "Lyon", url: "",
                                  isPrivate: false, observedAt: observed)
            return TrustSubject(account: account)
        }
        let means = Self.meanByScript(people, model: model)
        let gap = means.values.max()! - means.values.min()!
        #expect(gap <= 0.02, "mean score by script \(means.sorted { $0.key < $1.key }); gap \(gap)")
    }
}
