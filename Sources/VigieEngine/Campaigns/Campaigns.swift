import Foundation
import VigieCore

/// A campaign to create: every amount is text in the campaign's currency (`1500`, `1500.50`),
/// each influencer a handle of an account in the store (`@marie`, or `twitter:@marie` when the
/// handle exists on several platforms) with an optional fee (`@marie=800`).
public struct AddCampaignRequest: Sendable, Hashable {
    public var name: String
    public var objective: Campaign.Objective
    public var startsAt: Date?
    public var endsAt: Date?
    public var budget: String?
    public var currency: String
    /// `handle` or `handle=fee`, optionally prefixed by `platform:`.
    public var influencers: [String]
    public var watch: String?
    public var linkBase: String?

    public init(name: String = "", objective: Campaign.Objective = .traffic, startsAt: Date? = nil, endsAt: Date? = nil,
                budget: String? = nil, currency: String = "EUR", influencers: [String] = [], watch: String? = nil,
                linkBase: String? = nil) {
        self.name = name
        self.objective = objective
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.budget = budget
        self.currency = currency
        self.influencers = influencers
        self.watch = watch
        self.linkBase = linkBase
    }

    public func validate() throws(EngineError) {
        guard Campaign.isValidName(name) else {
            throw EngineError(.invalidArgument, field: "name", "campaign name '\(name)' is invalid: use up to 64 letters, digits, '-' or '_'")
        }
        guard let currency = Currency(code: currency) else {
            throw EngineError(.invalidArgument, field: "currency", "'\(self.currency)' is not an ISO 4217 currency code (EUR, USD, CHF…)")
        }
        if let budget, Money(parsing: budget, currency: currency) == nil {
            throw EngineError(.invalidArgument, field: "budget", "budget '\(budget)' is not an amount of \(currency.code) "
                              + "(a non-negative number with at most \(currency.exponent) decimals, below a trillion)")
        }
        if let startsAt, let endsAt, endsAt <= startsAt {
            throw EngineError(.invalidArgument, field: "endsAt", "the campaign must end after it starts")
        }
        if let linkBase {
            do {
                _ = try LinkTarget.validate(linkBase)
            } catch {
                throw EngineError(.invalidArgument, field: "linkBase", "the short-link origin is refused: \(error.message)")
            }
        }
    }
}

/// A campaign with its links, as `campaigns show` prints it.
public struct CampaignDetail: Sendable, Codable {
    public var campaign: Campaign
    public var links: [LinkView]
}

/// A link as listings print it: the link and its short URL when the campaign has a link origin.
public struct LinkView: Sendable, Codable, Hashable {
    public var link: ShortLink
    public var shortURL: String?
    /// The influencer's handle, when the link is an influencer's.
    public var influencer: String?
    /// Where a click goes (the target with the UTM parameters).
    public var destination: String
}

extension Engine {
    /// Creates a campaign; its influencers must be accounts of the workspace.
    ///
    /// ```swift
    /// let campaign = try await engine.addCampaign(AddCampaignRequest(name: "spring", budget: "5000", currency: "EUR",
    ///                                                                influencers: ["@marie=800", "@paul=1200"]))
    /// ```
    public func addCampaign(_ request: AddCampaignRequest, now: Date = Date()) async throws -> Campaign {
        try request.validate()
        let currency = Currency(code: request.currency)!
        var influencers: [CampaignInfluencer] = []
        for (index, text) in request.influencers.enumerated() {
            let influencer = try await resolveInfluencer(text, currency: currency, field: "influencers[\(index)]")
            guard !influencers.contains(where: { $0.account == influencer.account }) else {
                throw EngineError(.invalidArgument, field: "influencers[\(index)]", "\(influencer.handle) is named twice")
            }
            influencers.append(influencer)
        }
        if let watch = request.watch, try await store.watch(named: watch, workspace: workspace) == nil {
            throw EngineError(.notFound, field: "watch", "no watch named '\(watch)' in workspace '\(workspace)': save it first")
        }
        let campaign = Campaign(
            name: request.name, objective: request.objective, startsAt: request.startsAt ?? now, endsAt: request.endsAt,
            budget: request.budget.flatMap { Money(parsing: $0, currency: currency) }, currency: currency, influencers: influencers,
            watch: request.watch, linkBase: request.linkBase.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }, createdAt: now)
        try await store.addCampaign(campaign, workspace: workspace)
        return campaign
    }

    /// The workspace's campaigns, by start date.
    public func campaigns() async throws -> [Campaign] {
        try await store.campaigns(workspace: workspace)
    }

    /// A campaign and its links; `notFound` about `campaign` when there is none.
    public func campaign(named name: String) async throws -> CampaignDetail {
        let campaign = try await requireCampaign(name)
        let links = try await store.links(workspace: workspace, campaign: name)
        return CampaignDetail(campaign: campaign, links: links.map { Self.view($0, campaign: campaign) })
    }

    func requireCampaign(_ name: String, field: String = "campaign") async throws -> Campaign {
        guard let campaign = try await store.campaign(named: name, workspace: workspace) else {
            throw EngineError(.notFound, field: field, "no campaign named '\(name)' in workspace '\(workspace)'")
        }
        return campaign
    }

    static func view(_ link: ShortLink, campaign: Campaign) -> LinkView {
        LinkView(link: link, shortURL: campaign.linkBase.map { $0 + "/" + link.code },
                 influencer: link.influencer.flatMap { campaign.influencer($0)?.handle }, destination: link.destination(clickID: nil))
    }

    /// `[platform:]handle[=fee]` to an influencer of the store.
    func resolveInfluencer(_ text: String, currency: Currency, field: String) async throws -> CampaignInfluencer {
        var spec = Substring(text.trimmingCharacters(in: .whitespaces))
        var fee: Money?
        if let equals = spec.firstIndex(of: "=") {
            let feeText = String(spec[spec.index(after: equals)...])
            guard let amount = Money(parsing: feeText, currency: currency) else {
                throw EngineError(.invalidArgument, field: field, "fee '\(feeText)' of \(spec[..<equals]) is not an amount of \(currency.code)")
            }
            fee = amount
            spec = spec[..<equals]
        }
        var platform: Platform?
        if let colon = spec.firstIndex(of: ":"), let named = Platform(rawValue: String(spec[..<colon]).lowercased()) {
            platform = named
            spec = spec[spec.index(after: colon)...]
        }
        let handle = spec.hasPrefix("@") ? String(spec.dropFirst()) : String(spec)
        guard !handle.isEmpty else { throw EngineError(.invalidArgument, field: field, "'\(text)' names no account") }
        let keys = try await store.accountKeys(workspace: workspace, handle: handle).filter { platform == nil || $0.platform == platform }
        guard let key = keys.first else {
            throw EngineError(.notFound, field: field, "no account @\(handle)\(platform.map { " on \($0.rawValue)" } ?? "") in workspace "
                              + "'\(workspace)': import the influencer's posts or profile first")
        }
        guard keys.count == 1 else {
            let platforms = keys.map(\.platform.rawValue).joined(separator: ", ")
            throw EngineError(.invalidArgument, field: field, "@\(handle) exists on several platforms (\(platforms)): write platform:@\(handle)")
        }
        return CampaignInfluencer(account: key, handle: "@" + handle, fee: fee)
    }
}
