import Foundation

/// Campaigns, their short links, the clicks on them and the conversions they brought.
///
/// Codes are unique across workspaces (the redirector resolves a code before it knows the
/// workspace). Clicks carry no address: see ``LinkClick``. Daily counts per link, class and
/// source, and each day's unique visitors, are kept as clicks are written, so that traffic reads
/// cost the same over ten clicks or ten million; retention (``compactClicks(before:workspace:)``)
/// deletes old clicks and leaves their counts.
///
/// ```swift
/// try await store.addCampaign(Campaign(name: "spring", startsAt: start, currency: Currency(code: "EUR")!), workspace: "brand")
/// try await store.addLink(ShortLink(code: ShortCode.make(), campaign: "spring", target: "https://brand.example/"), workspace: "brand")
/// try await store.recordClicks([click])
/// let traffic = try await store.linkTraffic(workspace: "brand", campaign: "spring")
/// ```
///
/// Errors are ``StoreError``s: `alreadyExists` for a campaign name or a code that is taken,
/// `notFound` for a campaign that does not exist.
public protocol CampaignStore: Sendable {
    /// Stores a new campaign with its influencers.
    func addCampaign(_ campaign: Campaign, workspace: String) async throws
    /// Replaces a campaign's fields and influencers (matched by name); `false` when there is none.
    @discardableResult
    func updateCampaign(_ campaign: Campaign, workspace: String) async throws -> Bool
    /// The workspace's campaigns, by start date then name.
    func campaigns(workspace: String) async throws -> [Campaign]
    func campaign(named name: String, workspace: String) async throws -> Campaign?

    /// Stores a link of an existing campaign; `alreadyExists` when its code is taken anywhere.
    func addLink(_ link: ShortLink, workspace: String) async throws
    /// A workspace's links (of one campaign when named), oldest first.
    func links(workspace: String, campaign: String?) async throws -> [ShortLink]
    /// The link of a code, in whichever workspace holds it.
    func resolveLink(code: String) async throws -> ResolvedLink?

    /// Appends clicks in one transaction (a redirector's group commit), with their daily counts;
    /// clicks of codes that no longer exist, or whose click id was seen before, are dropped.
    /// Returns how many were stored.
    @discardableResult
    func recordClicks(_ clicks: [LinkClick]) async throws -> Int
    /// The click that carried `clickID` to the brand's site.
    func click(id clickID: String) async throws -> ClickReference?
    /// The newest human click of `visitor` on `code` at or after `notBefore`.
    func lastClick(code: String, visitor: String, notBefore: Date) async throws -> ClickReference?

    /// Stores a conversion; `false` (and nothing stored) when its idempotency key was seen before.
    func recordConversion(_ conversion: Conversion, workspace: String) async throws -> Bool
    /// The conversions attributed to a campaign's links, oldest first.
    func conversions(workspace: String, campaign: String) async throws -> [Conversion]

    /// Each link's traffic of a campaign, from the daily counts: every click stored, including
    /// those retention has deleted.
    func linkTraffic(workspace: String, campaign: String) async throws -> [LinkTraffic]

    /// Deletes the workspace's clicks of the whole UTC days before `before` (and the visitor keys
    /// of those days); their daily counts and unique visitors stay. Returns how many were deleted.
    @discardableResult
    func compactClicks(before: Date, workspace: String) async throws -> Int
}
