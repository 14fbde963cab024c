import Foundation

/// What a request to a short link was, for the measures.
public enum ClickClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// A messaging app fetched the link to draw its preview: someone shared it in private.
    case privatePreview = "private-preview"
    /// A public network fetched the link to draw a card (a post with the link was published).
    case publicPreview = "public-preview"
    /// A crawler, a script or a prefetch: counted apart and excluded from traffic.
    case bot
    /// A person with no referrer (messaging apps, e-mail, SMS, copy-paste): dark social.
    case dark
    /// A person coming from a public social network (its referrer or its in-app browser).
    case social
    case search
    /// A person coming from another web page.
    case web

    /// Visits of people: what traffic, uniques and conversions count.
    public var isHuman: Bool { self == .dark || self == .social || self == .search || self == .web }
}

public enum DeviceClass: String, Sendable, Hashable, Codable, CaseIterable {
    case mobile, tablet, desktop, bot, unknown
}

/// One request to a short link as stored: nothing that identifies the person. The visitor key is
/// a keyed hash of (address, user agent, link) under a salt that changes every UTC day and is
/// forgotten after 48 hours, so it counts unique visitors within a day and nothing more.
public struct LinkClick: Sendable, Hashable, Codable {
    public var code: String
    /// To the second.
    public var at: Date
    /// 32 hexadecimal digits (128 bits of an HMAC-SHA-256).
    public var visitor: String
    /// The click id appended to the target (``ShortLink/clickIDParameter``), when the link has one.
    public var clickID: String?
    public var kind: ClickClass
    /// The messaging app of a preview, or the network of a social visit (`whatsapp`, `instagram`).
    public var source: String?
    /// The referrer's host only (`www.` removed), never its path or query.
    public var referrerDomain: String?
    public var device: DeviceClass
    /// ISO 3166 alpha-2, when a country was resolved in memory.
    public var country: String?

    public init(code: String, at: Date, visitor: String, clickID: String? = nil, kind: ClickClass, source: String? = nil,
                referrerDomain: String? = nil, device: DeviceClass, country: String? = nil) {
        self.code = code
        self.at = Date(timeIntervalSince1970: at.timeIntervalSince1970.rounded(.down))
        self.visitor = visitor
        self.clickID = clickID
        self.kind = kind
        self.source = source
        self.referrerDomain = referrerDomain
        self.device = device
        self.country = country
    }
}

/// A stored click found again for a conversion.
public struct ClickReference: Sendable, Hashable, Codable {
    public var workspace: String
    public var code: String
    public var at: Date
    public var visitor: String

    public init(workspace: String, code: String, at: Date, visitor: String) {
        self.workspace = workspace
        self.code = code
        self.at = at
        self.visitor = visitor
    }
}

/// A link as the redirector needs it: the link and its workspace.
public struct ResolvedLink: Sendable, Hashable {
    public var workspace: String
    public var link: ShortLink

    public init(workspace: String, link: ShortLink) {
        self.workspace = workspace
        self.link = link
    }
}

/// A sale (or sign-up) reported by the brand, attributed to the last click of the same visitor
/// on a campaign link within the attribution window.
public struct Conversion: Sendable, Hashable, Codable {
    /// The brand's key for this conversion: the same key again is a replay and is not counted twice.
    public var idempotencyKey: String
    public var at: Date
    public var value: Money
    /// The link of the attributed click, `nil` when no click was found within the window.
    public var code: String?
    /// The attributed click's time.
    public var clickAt: Date?

    public init(idempotencyKey: String, at: Date, value: Money, code: String? = nil, clickAt: Date? = nil) {
        self.idempotencyKey = idempotencyKey
        self.at = at
        self.value = value
        self.code = code
        self.clickAt = clickAt
    }
}

/// Counts of one link's requests of one class and source, from the raw clicks and the daily
/// aggregates retention leaves behind.
public struct TrafficCount: Sendable, Hashable, Codable {
    public var code: String
    public var kind: ClickClass
    public var source: String?
    public var clicks: Int

    public init(code: String, kind: ClickClass, source: String?, clicks: Int) {
        self.code = code
        self.kind = kind
        self.source = source
        self.clicks = clicks
    }
}

/// A link's traffic: counts by class and source, and its unique human visitors (distinct visitor
/// keys per UTC day, summed over days).
public struct LinkTraffic: Sendable, Hashable, Codable {
    public var code: String
    public var counts: [TrafficCount]
    public var uniqueVisitors: Int

    public init(code: String, counts: [TrafficCount], uniqueVisitors: Int) {
        self.code = code
        self.counts = counts
        self.uniqueVisitors = uniqueVisitors
    }
}
