import Foundation
import Synchronization
import VigieCore

/// A request to a short link as the redirector sees it. The address is used in memory for the
/// visitor key (and a country lookup, when one is given) and never kept.
public struct ClickRequest: Sendable {
    public var code: Substring
    public var address: String
    public var userAgent: String?
    public var referrer: String?
    /// A browser's prefetch or prerender (`Sec-Purpose: prefetch`): not a visit.
    public var prefetch: Bool
    /// ISO 3166 alpha-2, resolved in memory by the front end (a proxy's header or a GeoIP lookup).
    public var country: String?
    public var at: Date

    public init(code: Substring, address: String, userAgent: String?, referrer: String?, prefetch: Bool = false,
                country: String? = nil, at: Date = Date()) {
        self.code = code
        self.address = address
        self.userAgent = userAgent
        self.referrer = referrer
        self.prefetch = prefetch
        self.country = country
        self.at = at
    }
}

/// What the redirector answers.
public enum RedirectAnswer: Sendable, Hashable {
    /// 302 (or 301 when `permanent`) to `location`.
    case redirect(location: String, permanent: Bool)
    /// No such link: a 404 page.
    case notFound
    /// Too many unknown codes from this visitor: 429 until the window ends.
    case tooManyUnknownCodes(retryAfterSeconds: Int)
}

/// Settings of a redirector; every value has a default.
public struct RedirectorSettings: Sendable {
    /// How long a resolved (or unknown) code is remembered before the store is asked again.
    public var cacheLifetime: Duration
    /// Unknown codes one visitor may request in a window before being refused.
    public var unknownCodeLimit: Int
    public var unknownCodeWindow: Duration

    public init(cacheLifetime: Duration = .seconds(30), unknownCodeLimit: Int = 30, unknownCodeWindow: Duration = .seconds(600)) {
        self.cacheLifetime = cacheLifetime
        self.unknownCodeLimit = unknownCodeLimit
        self.unknownCodeWindow = unknownCodeWindow
    }
}

/// The short-link redirector: resolves a code (through a small cache), classifies the request,
/// derives the visitor key, records the click with group commit, and says where to send the
/// browser. Unknown codes count against the visitor, so enumerating codes stops quickly.
///
/// ```swift
/// let redirector = LinkRedirector(store: store)
/// let answer = try await redirector.redirect(ClickRequest(code: "aZ3k9QpL0x", address: ip, userAgent: ua, referrer: nil))
/// ```
public final class LinkRedirector: Sendable {
    public let keys: VisitorKeys
    public let log: ClickLog
    public let store: any CampaignStore
    private let settings: RedirectorSettings
    private let cache = Mutex<[String: CachedLink]>([:])
    private let misses = Mutex(MissWindow())

    private struct CachedLink {
        var link: ShortLink?
        var expires: ContinuousClock.Instant
    }

    private struct MissWindow {
        var started = ContinuousClock.now
        var counts: [String: Int] = [:]
    }

    /// The most codes the cache holds before it starts afresh.
    static let cacheCapacity = 50_000

    public init(store: any CampaignStore, settings: RedirectorSettings = RedirectorSettings(), keys: VisitorKeys = VisitorKeys()) {
        self.store = store
        self.settings = settings
        self.keys = keys
        self.log = ClickLog(store: store)
    }

    public func redirect(_ request: ClickRequest) async throws -> RedirectAnswer {
        let userAgent = String((request.userAgent ?? "").prefix(ClickClassifier.maximumUserAgent))
        guard ShortCode.isWellFormed(request.code), let link = try await resolve(String(request.code)) else {
            return unknownCode(address: request.address, userAgent: userAgent, at: request.at)
        }
        let verdict = ClickClassifier.classify(userAgent: userAgent, referrer: request.referrer, prefetch: request.prefetch)
        let clickID = link.appendsClickID && verdict.kind.isHuman ? ShortCode.makeClickID() : nil
        let click = LinkClick(
            code: link.code, at: request.at,
            visitor: keys.key(address: request.address, userAgent: userAgent, code: link.code, at: request.at),
            clickID: clickID, kind: verdict.kind, source: verdict.source, referrerDomain: verdict.referrerDomain,
            device: verdict.device, country: request.country.flatMap(Self.countryCode))
        try await log.append(click)
        return .redirect(location: link.destination(clickID: clickID), permanent: link.permanent)
    }

    /// Forgets cached codes (after a link is added or removed elsewhere).
    public func clearCache() {
        cache.withLock { $0.removeAll() }
    }

    private func resolve(_ code: String) async throws -> ShortLink? {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[code] }), cached.expires > now { return cached.link }
        let link = try await store.resolveLink(code: code)?.link
        cache.withLock { table in
            if table.count >= Self.cacheCapacity { table.removeAll() }
            table[code] = CachedLink(link: link, expires: now + settings.cacheLifetime)
        }
        return link
    }

    private func unknownCode(address: String, userAgent: String, at date: Date) -> RedirectAnswer {
        // By address alone: changing the user agent must not reset the count.
        let visitor = keys.key(address: address, userAgent: "", code: "", at: date)
        let now = ContinuousClock.now
        let (count, remaining) = misses.withLock { window -> (Int, Duration) in
            if now - window.started >= settings.unknownCodeWindow || window.counts.count >= Self.cacheCapacity {
                window = MissWindow(started: now)
            }
            window.counts[visitor, default: 0] += 1
            return (window.counts[visitor]!, settings.unknownCodeWindow - (now - window.started))
        }
        guard count > settings.unknownCodeLimit else { return .notFound }
        return .tooManyUnknownCodes(retryAfterSeconds: max(1, Int(remaining.components.seconds)))
    }

    static func countryCode(_ text: String) -> String? {
        let upper = text.uppercased()
        return upper.count == 2 && upper.allSatisfy({ $0.isASCII && $0.isLetter }) && upper != "XX" ? upper : nil
    }
}
