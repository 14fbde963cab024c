import Foundation

/// A paid influence campaign in a workspace: what it is for, when it runs, what it may spend,
/// who is paid to post, the watch that follows its public conversation, and (through
/// ``ShortLink``s) where its audience clicks.
public struct Campaign: Sendable, Hashable, Codable {
    public enum Objective: String, Sendable, Hashable, Codable, CaseIterable {
        case awareness, engagement, traffic, conversions
    }

    public var name: String
    public var objective: Objective
    public var startsAt: Date
    /// `nil` while it has no planned end.
    public var endsAt: Date?
    /// The planned spend; its currency is the campaign's currency (fees and ROI are in it).
    public var budget: Money?
    public var currency: Currency
    public var influencers: [CampaignInfluencer]
    /// The watch whose matches are the campaign's public conversation.
    public var watch: String?
    /// The brand's short-link origin (`https://go.brand.example`), used to print links and to
    /// find public posts that carry them.
    public var linkBase: String?
    public var createdAt: Date

    public init(name: String, objective: Objective = .traffic, startsAt: Date, endsAt: Date? = nil, budget: Money? = nil,
                currency: Currency, influencers: [CampaignInfluencer] = [], watch: String? = nil, linkBase: String? = nil,
                createdAt: Date = Date()) {
        self.name = name
        self.objective = objective
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.budget = budget
        self.currency = currency
        self.influencers = influencers
        self.watch = watch
        self.linkBase = linkBase
        self.createdAt = createdAt
    }

    /// Campaign names are slugs, like workspace names: they appear in URLs and UTM parameters.
    public static func isValidName(_ name: String) -> Bool { Workspace.isValidName(name) }

    /// What the campaign paid: the sum of the influencers' fees when any is known, else its budget.
    public var spend: Money? {
        let fees = influencers.compactMap(\.fee)
        if !fees.isEmpty { return Money(minorUnits: fees.reduce(0) { $0 + $1.minorUnits }, currency: currency) }
        return budget
    }

    public func influencer(_ key: AccountKey) -> CampaignInfluencer? {
        influencers.first { $0.account == key }
    }
}

/// An account paid (or asked) to post for a campaign, with its fee in the campaign's currency.
public struct CampaignInfluencer: Sendable, Hashable, Codable {
    public var account: AccountKey
    /// The handle as the user named it, for display.
    public var handle: String
    public var fee: Money?

    public init(account: AccountKey, handle: String, fee: Money? = nil) {
        self.account = account
        self.handle = handle
        self.fee = fee
    }
}
