import Foundation
import Testing
@testable import VigieCore

/// Dark social starts with telling who fetched a link: messaging apps' preview fetchers, public
/// networks' card fetchers, crawlers, and people from where.
@Suite("Click classification")
struct ClickClassifierTests {
    static let iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    static let desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"

    @Test(arguments: [
        ("WhatsApp/2.23.20.0 A", "whatsapp"),
        ("TelegramBot (like TwitterBot)", "telegram"),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "slack"),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "discord"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", "imessage"),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "messenger"),
        ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", "teams"),
    ])
    func messagingPreviewsArePrivateShares(_ agent: String, _ app: String) {
        let verdict = ClickClassifier.classify(userAgent: agent, referrer: nil)
        #expect(verdict.kind == .privatePreview)
        #expect(verdict.source == app)
        #expect(verdict.device == .bot)
    }

    @Test func publicCardsAndBotsAreCountedApart() {
        #expect(ClickClassifier.classify(userAgent: "Twitterbot/1.0", referrer: nil).kind == .publicPreview)
        #expect(ClickClassifier.classify(userAgent: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
                                         referrer: nil).source == "linkedin")
        #expect(ClickClassifier.classify(userAgent: "Mastodon/4.2.0 (http.rb/5.1.1; +https://mastodon.social/)", referrer: nil).kind == .publicPreview)
        for agent in ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.4.0", "python-requests/2.31.0",
                      "Go-http-client/1.1", "", "Mozilla/5.0 HeadlessChrome/120.0"] {
            #expect(ClickClassifier.classify(userAgent: agent, referrer: nil).kind == .bot, "\(agent)")
        }
        #expect(ClickClassifier.classify(userAgent: nil, referrer: nil).kind == .bot)
        #expect(ClickClassifier.classify(userAgent: Self.iPhone, referrer: nil, prefetch: true).kind == .bot)
        #expect(!ClickClass.bot.isHuman && !ClickClass.privatePreview.isHuman && ClickClass.dark.isHuman)
    }

    @Test func peopleAreClassedByReferrerOrInAppBrowser() {
        func verdict(_ referrer: String?, agent: String = Self.iPhone) -> ClickClassifier.Verdict {
            ClickClassifier.classify(userAgent: agent, referrer: referrer)
        }
        #expect(verdict(nil).kind == .dark)
        #expect(verdict(nil).device == .mobile)
        #expect(verdict(nil, agent: Self.desktop).device == .desktop)
        #expect(verdict(nil, agent: "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15").device == .tablet)
        #expect(verdict("https://t.co/abc").kind == .social)
        #expect(verdict("https://t.co/abc").source == "x")
        #expect(verdict("https://l.instagram.com/?u=x").source == "instagram")
        #expect(verdict("android-app://com.twitter.android/").source == "x")
        #expect(verdict("https://www.google.fr/").kind == .search)
        #expect(verdict("https://duckduckgo.com/").kind == .search)
        #expect(verdict("https://mail.google.com/mail/u/0/").kind == .dark)
        #expect(verdict("https://mail.google.com/mail/u/0/").source == "email")
        #expect(verdict("https://web.whatsapp.com/").kind == .dark)
        #expect(verdict("android-app://com.google.android.gm/").kind == .dark)
        #expect(verdict("https://blog.example.org/post?id=3").kind == .web)
        #expect(verdict("https://blog.example.org/post?id=3").referrerDomain == "blog.example.org")
        #expect(verdict("https://www.Example.ORG/a").referrerDomain == "example.org")
        #expect(verdict("not a url").kind == .dark)
        // In-app browsers of public networks send no referrer but name themselves.
        let instagram = Self.iPhone + " Instagram 309.0.0.28.111"
        #expect(verdict(nil, agent: instagram).kind == .social)
        #expect(verdict(nil, agent: instagram).source == "instagram")
        #expect(verdict(nil, agent: "Mozilla/5.0 (Linux; Android 14) Mobile [FBAN/FB4A;FBAV/440.0]").source == "facebook")
        #expect(verdict(nil, agent: Self.iPhone + " musical_ly_32.5.0").source == "tiktok")
    }

    @Test func markersMatchInAnyCaseAndNonASCIIAgentsAreRead() {
        #expect(ClickClassifier.classify(userAgent: "TELEGRAMBOT (like TwitterBot)", referrer: nil).source == "telegram")
        #expect(ClickClassifier.classify(userAgent: "Mozilla/5.0 (iPhone) Instagram 300.0", referrer: nil).source == "instagram")
        let accented = ClickClassifier.classify(userAgent: "Navigateur Éphémère/1.0 (Windows NT 10.0) ÇA", referrer: nil)
        #expect(accented.kind == .dark && accented.device == .desktop)
        #expect(ClickClassifier.classify(userAgent: "Mozilla/5.0 (Linux; Android 14; Mobile) ☃", referrer: nil).device == .mobile)
        #expect(ClickClassifier.classify(userAgent: "b", referrer: nil).kind == .dark)
        #expect(ClickClassifier.classify(userAgent: "xbot", referrer: nil).kind == .bot)
    }

    @Test func oversizedUserAgentsAreCut() {
        let huge = String(repeating: "a", count: 100_000) + " WhatsApp/2"
        #expect(ClickClassifier.classify(userAgent: huge, referrer: nil).kind != .privatePreview)
    }

    @Test func moneyIsExactInMinorUnits() throws {
        let euro = try #require(Currency(code: "eur"))
        let yen = try #require(Currency(code: "JPY"))
        let dinar = try #require(Currency(code: "KWD"))
        #expect(Currency(code: "EURO") == nil && Currency(code: "ZZZ") == nil && Currency(code: "") == nil)
        #expect(Money(parsing: "1500", currency: euro)?.minorUnits == 150_000)
        #expect(Money(parsing: "1 200,5", currency: euro)?.minorUnits == 120_050)
        #expect(Money(parsing: "12.345", currency: euro) == nil)
        #expect(Money(parsing: "12.345", currency: dinar)?.minorUnits == 12_345)
        #expect(Money(parsing: "500", currency: yen)?.minorUnits == 500)
        #expect(Money(parsing: "5.5", currency: yen) == nil)
        for bad in ["-5", "abc", "", "1e3", "1.", "99999999999999"] {
            #expect(Money(parsing: bad, currency: euro) == nil, "\(bad)")
        }
        #expect(Money(value: 49.9, currency: euro)?.minorUnits == 4_990)
        #expect(Money(value: 0.1 + 0.2, currency: euro)?.minorUnits == 30)
        #expect(Money(value: -1, currency: euro) == nil)
        #expect(Money(value: .nan, currency: euro) == nil)
        #expect(Money(value: 1.005, currency: yen) == nil)
        #expect(Money(minorUnits: 120_050, currency: euro).description == "1200.50 EUR")
    }

    @Test func targetsAreValidatedAndDestinationsKeepTheirQuery() throws {
        #expect(try LinkTarget.validate("https://brand.example/a?b=1") == "https://brand.example/a?b=1")
        for bad in ["javascript:alert(1)", "data:text/html,x", "https://u:p@brand.example/", "https://brand.example/\nx", "//evil.example",
                    "https://brand.example/ a", "mailto:a@b.example"] {
            #expect(throws: LinkTargetError.self, "\(bad)") { try LinkTarget.validate(bad) }
        }
        let link = ShortLink(code: "AAAAAAAAA1", campaign: "spring", target: "https://brand.example/a?b=1&utm_source=keep#top",
                             utm: UTMParameters(source: "ig", medium: "a b&c"))
        #expect(link.destination(clickID: "CLICK") == "https://brand.example/a?b=1&utm_source=keep&utm_medium=a%20b%26c&vgclid=CLICK#top")
        #expect(ShortCode.isWellFormed(Substring(ShortCode.make())))
        #expect(!ShortCode.isWellFormed("abc"))
        #expect(!ShortCode.isWellFormed("abcdefghi/"))
        #expect(ShortCode.makeClickID().count == 22)
    }
}
