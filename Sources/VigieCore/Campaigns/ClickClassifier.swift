import Foundation

/// Tells apart, from the request's user agent and referrer only, a messaging app drawing a link
/// preview (a private share), a public network drawing a card, a crawler, and a person — and, for
/// a person, where they came from: no referrer (dark social: messaging, e-mail, SMS, copy-paste),
/// a public social network (by referrer, or by the in-app browser's user agent, which sends none),
/// a search engine, or another page.
///
/// ```swift
/// let verdict = ClickClassifier.classify(userAgent: "WhatsApp/2.23.20.0 A", referrer: nil)
/// // verdict.kind == .privatePreview, verdict.source == "whatsapp"
/// ```
public enum ClickClassifier {
    public struct Verdict: Sendable, Hashable {
        public var kind: ClickClass
        public var source: String?
        public var referrerDomain: String?
        public var device: DeviceClass
    }

    /// User agents longer than this are cut before matching (and never stored).
    public static let maximumUserAgent = 512

    public static func classify(userAgent: String?, referrer: String?, prefetch: Bool = false) -> Verdict {
        let lower = FoldedAgent(String((userAgent ?? "").prefix(maximumUserAgent)))
        let referrerDomain = referrer.flatMap(Self.referrerDomain)
        if let app = privatePreviewApp(lower) {
            return Verdict(kind: .privatePreview, source: app, referrerDomain: referrerDomain, device: .bot)
        }
        if let network = publicPreviewNetwork(lower) {
            return Verdict(kind: .publicPreview, source: network, referrerDomain: referrerDomain, device: .bot)
        }
        if prefetch || lower.isEmpty || botMarkers.contains(where: { lower.contains($0) }) {
            return Verdict(kind: .bot, source: nil, referrerDomain: referrerDomain, device: .bot)
        }
        let device = deviceClass(lower)
        if let referrerDomain {
            let (kind, source) = referrerClass(referrerDomain)
            return Verdict(kind: kind, source: source, referrerDomain: referrerDomain, device: device)
        }
        // In-app browsers of public networks send no referrer but name themselves.
        if let network = inAppBrowsers.first(where: { lower.contains($0.marker) })?.network {
            return Verdict(kind: .social, source: network, referrerDomain: nil, device: device)
        }
        return Verdict(kind: .dark, source: nil, referrerDomain: nil, device: device)
    }

    /// The referrer's host, lower-case, without `www.`; for `android-app://package/` the package.
    public static func referrerDomain(_ referrer: String) -> String? {
        let trimmed = referrer.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, let components = URLComponents(string: trimmed), let host = components.host?.lowercased(),
              !host.isEmpty, host.count <= 253 else { return nil }
        let allowed = host.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" || $0 == "_") }
        guard allowed else { return nil }
        return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }

    // MARK: Previews

    /// Messaging apps' preview fetchers. Order matters: iMessage's agent also names Facebook's
    /// and Twitter's fetchers; Signal's client presents itself as WhatsApp and is counted there.
    static func privatePreviewApp(_ lower: FoldedAgent) -> String? {
        if lower.contains("facebookexternalhit"), lower.contains("twitterbot") { return "imessage" }
        if lower.hasPrefix("whatsapp/") || lower.contains(" whatsapp/") { return "whatsapp" }
        if lower.contains("telegrambot") { return "telegram" }
        if lower.contains("slackbot") || lower.contains("slack-imgproxy") { return "slack" }
        if lower.contains("discordbot") { return "discord" }
        if lower.contains("skypeuripreview") || lower.contains("microsoftpreview") || lower.contains("teams") && lower.contains("preview") {
            return "teams"
        }
        if lower.contains("signal") && lower.contains("preview") { return "signal" }
        // Messenger and Facebook share one fetcher; a private message is the likelier source of
        // a preview of a campaign link that was also published (the card is counted publicly).
        if lower.contains("facebookexternalhit") || lower.contains("facebookcatalog") { return "messenger" }
        if lower.contains("viber") { return "viber" }
        if lower.contains("snapchat") && lower.contains("bot") { return "snapchat" }
        if lower.contains("line-poker") || lower.contains("linespider") { return "line" }
        return nil
    }

    static func publicPreviewNetwork(_ lower: FoldedAgent) -> String? {
        if lower.contains("twitterbot") { return "x" }
        if lower.contains("linkedinbot") { return "linkedin" }
        if lower.contains("mastodon/") { return "mastodon" }
        if lower.contains("bluesky cardyb") || lower.contains("cardyb") { return "bluesky" }
        if lower.contains("pinterestbot") || lower.contains("pinterest/") { return "pinterest" }
        if lower.contains("redditbot") { return "reddit" }
        if lower.contains("tumblr") && lower.contains("bot") { return "tumblr" }
        return nil
    }

    static let botMarkers = [
        "bot", "crawler", "spider", "crawl", "slurp", "curl/", "wget/", "python-requests", "python-urllib", "aiohttp",
        "go-http-client", "java/", "okhttp", "libwww", "scrapy", "httpclient", "headlesschrome", "phantomjs", "node-fetch",
        "axios/", "postmanruntime", "feedfetcher", "preview", "monitor", "uptime", "checker", "validator", "lighthouse",
    ]

    // MARK: People

    static let inAppBrowsers: [(marker: String, network: String)] = [
        ("instagram", "instagram"), ("fban/", "facebook"), ("fbav/", "facebook"), ("fb_iab", "facebook"),
        ("musical_ly", "tiktok"), ("bytedancewebview", "tiktok"), ("tiktok", "tiktok"), ("twitter for", "x"),
        ("linkedinapp", "linkedin"), ("pinterest", "pinterest"), ("snapchat", "snapchat"), ("reddit", "reddit"),
    ]

    static func deviceClass(_ lower: FoldedAgent) -> DeviceClass {
        if lower.contains("ipad") || lower.contains("tablet") || (lower.contains("android") && !lower.contains("mobile")) {
            return .tablet
        }
        if lower.contains("mobi") || lower.contains("iphone") || lower.contains("android") { return .mobile }
        if lower.contains("windows") || lower.contains("macintosh") || lower.contains("x11") || lower.contains("cros") {
            return .desktop
        }
        return .unknown
    }

    /// Public networks by referrer host (or app package), searches, e-mail and messaging.
    static let socialHosts: [String: String] = [
        "t.co": "x", "twitter.com": "x", "x.com": "x", "mobile.twitter.com": "x",
        "facebook.com": "facebook", "m.facebook.com": "facebook", "l.facebook.com": "facebook", "lm.facebook.com": "facebook",
        "instagram.com": "instagram", "l.instagram.com": "instagram",
        "linkedin.com": "linkedin", "lnkd.in": "linkedin", "tiktok.com": "tiktok", "youtube.com": "youtube",
        "m.youtube.com": "youtube", "youtu.be": "youtube", "reddit.com": "reddit", "old.reddit.com": "reddit",
        "out.reddit.com": "reddit", "pinterest.com": "pinterest", "pin.it": "pinterest", "bsky.app": "bluesky",
        "threads.net": "threads", "threads.com": "threads", "mastodon.social": "mastodon", "tumblr.com": "tumblr",
        "snapchat.com": "snapchat", "vk.com": "vk", "twitch.tv": "twitch",
        "com.twitter.android": "x", "com.facebook.katana": "facebook", "com.instagram.android": "instagram",
        "com.linkedin.android": "linkedin", "com.zhiliaoapp.musically": "tiktok", "com.google.android.youtube": "youtube",
        "com.reddit.frontpage": "reddit", "com.pinterest": "pinterest",
    ]

    static let searchHosts = ["google.", "bing.com", "duckduckgo.com", "search.yahoo.", "yandex.", "ecosia.org", "qwant.com",
                              "baidu.com", "search.brave.com", "startpage.com", "com.google.android.googlequicksearchbox"]

    /// Webmail and web versions of messaging apps: a visit from them is private sharing.
    static let privateHosts: [String: String] = [
        "mail.google.com": "email", "outlook.live.com": "email", "outlook.office.com": "email", "outlook.office365.com": "email",
        "mail.yahoo.com": "email", "mail.proton.me": "email", "mail.aol.com": "email", "com.google.android.gm": "email",
        "com.microsoft.office.outlook": "email",
        "web.whatsapp.com": "whatsapp", "com.whatsapp": "whatsapp", "web.telegram.org": "telegram", "org.telegram.messenger": "telegram",
        "app.slack.com": "slack", "discord.com": "discord", "teams.microsoft.com": "teams", "teams.live.com": "teams",
        "messenger.com": "messenger", "com.facebook.orca": "messenger", "org.thoughtcrime.securesms": "signal",
    ]

    static func referrerClass(_ host: String) -> (ClickClass, String?) {
        if let network = socialHosts[host] { return (.social, network) }
        if let channel = privateHosts[host] { return (.dark, channel) }
        if host.hasPrefix("mail.") || host.hasPrefix("webmail.") { return (.dark, "email") }
        if searchHosts.contains(where: { host.hasPrefix($0) || host.contains("." + $0) || host == $0 }) {
            return (.search, host.split(separator: ".").dropLast().last.map(String.init) ?? host)
        }
        if host.hasSuffix(".facebook.com") { return (.social, "facebook") }
        if host.hasSuffix(".linkedin.com") { return (.social, "linkedin") }
        if host.hasSuffix(".tiktok.com") { return (.social, "tiktok") }
        return (.web, nil)
    }
}

/// A user agent folded to ASCII lower case and searched byte by byte. The markers are ASCII;
/// Foundation's `String.contains` goes through CFString on Linux and was 40% of a redirect's CPU.
struct FoldedAgent {
    private let bytes: [UInt8]

    init(_ agent: String) {
        bytes = agent.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    var isEmpty: Bool { bytes.isEmpty }

    func hasPrefix(_ marker: String) -> Bool {
        var index = 0
        for byte in marker.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    func contains(_ marker: String) -> Bool {
        // Markers are literals, stored as contiguous UTF-8: no copy per request.
        var marker = marker
        return marker.withUTF8 { needle in contains(needle) }
    }

    private func contains(_ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { haystack in
            var start = 0
            let last = haystack.count - needle.count
            while start <= last {
                if haystack[start] == first {
                    var k = 1
                    while k < needle.count, haystack[start + k] == needle[k] { k += 1 }
                    if k == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
