import Foundation
import Testing
@testable import VigieCore

/// Dark social measured on generated traffic with planted truth: a seeded mix of people (with and
/// without referrers, in-app browsers, webmail and messaging web apps, searches), messaging apps'
/// preview fetchers, public card fetchers and crawlers, with varied versions and referrer paths.
/// The classifier must recover each click's class and source, and so the dark share.
@Suite("Dark social measurement")
struct DarkSocialMeasurementTests {
    struct Planted {
        var agent: String?
        var referrer: String?
        var kind: ClickClass
        var source: String?
    }

    static func version(_ generator: inout DarkSocialGenerator) -> String {
        "\(generator.next() % 30 + 1).\(generator.next() % 10).\(generator.next() % 100)"
    }

    /// One generated click of each family, chosen by `roll`.
    static func click(_ roll: UInt64, _ generator: inout DarkSocialGenerator) -> Planted {
        let v = version(&generator)
        let phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_\(generator.next() % 6) like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/\(v) Mobile Safari/537.36"
        let desktop = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/\(v) Safari/605.1.15"
        let person = [phone + " Safari/604.1", android, desktop][Int(generator.next() % 3)]
        let path = "/\(generator.next() % 1_000)?q=\(generator.next())"
        switch roll % 16 {
        case 0: return Planted(agent: "WhatsApp/\(v) A", referrer: nil, kind: .privatePreview, source: "whatsapp")
        case 1: return Planted(agent: "TelegramBot (like TwitterBot)", referrer: nil, kind: .privatePreview, source: "telegram")
        case 2: return Planted(agent: "Slackbot-LinkExpanding \(v) (+https://api.slack.com/robots)", referrer: nil,
                               kind: .privatePreview, source: "slack")
        case 3: return Planted(agent: "Mozilla/5.0 (compatible; Discordbot/\(v); +https://discordapp.com)", referrer: nil,
                               kind: .privatePreview, source: "discord")
        case 4: return Planted(agent: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", referrer: nil,
                               kind: .privatePreview, source: "messenger")
        case 5: return Planted(agent: desktop + " facebookexternalhit/1.1 Facebot Twitterbot/1.0", referrer: nil,
                               kind: .privatePreview, source: "imessage")
        case 6: return Planted(agent: person, referrer: nil, kind: .dark, source: nil)
        case 7: return Planted(agent: person, referrer: "https://mail.google.com/mail/u/0" + path, kind: .dark, source: "email")
        case 8: return Planted(agent: android, referrer: "android-app://com.whatsapp/", kind: .dark, source: "whatsapp")
        case 9: return Planted(agent: phone + " Instagram \(v) (iPhone15,2; iOS 17_0)", referrer: nil, kind: .social, source: "instagram")
        case 10: return Planted(agent: person, referrer: "https://t.co" + path, kind: .social, source: "x")
        case 11: return Planted(agent: person, referrer: "https://www.linkedin.com/feed" + path, kind: .social, source: "linkedin")
        case 12: return Planted(agent: person, referrer: "https://www.google.fr/", kind: .search, source: "google")
        case 13: return Planted(agent: "Twitterbot/\(v)", referrer: nil, kind: .publicPreview, source: "x")
        case 14: return Planted(agent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", referrer: nil,
                                kind: .bot, source: nil)
        default: return Planted(agent: ["curl/\(v)", "python-requests/\(v)", nil][Int(generator.next() % 3)], referrer: nil,
                                kind: .bot, source: nil)
        }
    }

    @Test func theDarkShareOfGeneratedTrafficIsRecovered() {
        var generator = DarkSocialGenerator(seed: 5_684)
        var plantedCounts: [ClickClass: Int] = [:]
        var measuredCounts: [ClickClass: Int] = [:]
        var wrong: [String] = []
        for _ in 0..<5_000 {
            let roll = generator.next()
            let planted = Self.click(roll, &generator)
            let verdict = ClickClassifier.classify(userAgent: planted.agent, referrer: planted.referrer)
            plantedCounts[planted.kind, default: 0] += 1
            measuredCounts[verdict.kind, default: 0] += 1
            if verdict.kind != planted.kind || verdict.source != planted.source {
                wrong.append("\(planted.agent ?? "nil") | \(planted.referrer ?? "nil"): \(verdict.kind)/\(verdict.source ?? "-")")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) misclassified, e.g. \(wrong.prefix(3))")
        #expect(measuredCounts == plantedCounts)
        // Every family was generated, so the check is not vacuous.
        #expect(plantedCounts.count == 6)
        func darkShare(_ counts: [ClickClass: Int]) -> Double {
            let people = ClickClass.allCases.filter(\.isHuman).reduce(0) { $0 + counts[$1, default: 0] }
            return Double(counts[.dark, default: 0]) / Double(people)
        }
        #expect(abs(darkShare(measuredCounts) - darkShare(plantedCounts)) < 1e-12)
    }
}

/// A small deterministic generator, so the generated traffic is the same on every run.
struct DarkSocialGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
