import Foundation
import VigieCore

/// A short link to create for a campaign, optionally for one of its influencers and a channel.
/// UTM parameters default to the campaign (`utm_campaign`), the channel or the influencer's
/// platform (`utm_source`), `influencer` (`utm_medium`) and the influencer's handle (`utm_content`).
public struct AddLinkRequest: Sendable, Hashable {
    public var campaign: String
    public var target: String
    public var influencer: String?
    public var channel: String?
    public var utm: UTMParameters
    public var permanent: Bool
    public var appendsClickID: Bool

    public init(campaign: String = "", target: String = "", influencer: String? = nil, channel: String? = nil,
                utm: UTMParameters = UTMParameters(), permanent: Bool = false, appendsClickID: Bool = true) {
        self.campaign = campaign
        self.target = target
        self.influencer = influencer
        self.channel = channel
        self.utm = utm
        self.permanent = permanent
        self.appendsClickID = appendsClickID
    }

    public func validate() throws(EngineError) {
        do {
            _ = try LinkTarget.validate(target)
        } catch {
            throw EngineError(.invalidArgument, field: "target", error.message)
        }
        if let channel, !Workspace.isValidName(channel) {
            throw EngineError(.invalidArgument, field: "channel", "channel '\(channel)' is invalid: use up to 64 letters, digits, '-' or '_'")
        }
        if let name = utm.invalidParameter() {
            throw EngineError(.invalidArgument, field: "utm", "\(name) is empty, longer than 200 characters or holds control characters")
        }
    }
}

extension Engine {
    /// Creates a short link with a fresh unguessable code.
    ///
    /// ```swift
    /// let link = try await engine.addLink(AddLinkRequest(campaign: "spring", target: "https://brand.example/shop",
    ///                                                    influencer: "@marie", channel: "instagram"))
    /// print(link.shortURL ?? link.link.code)
    /// ```
    public func addLink(_ request: AddLinkRequest, now: Date = Date()) async throws -> LinkView {
        try request.validate()
        let campaign = try await requireCampaign(request.campaign)
        var influencer: CampaignInfluencer?
        if let text = request.influencer {
            let resolved = try await resolveInfluencer(text, currency: campaign.currency, field: "influencer")
            guard let member = campaign.influencer(resolved.account) else {
                throw EngineError(.invalidArgument, field: "influencer",
                                  "\(resolved.handle) is not an influencer of campaign '\(campaign.name)': add them to the campaign first")
            }
            influencer = member
        }
        var utm = request.utm
        if utm.campaign == nil { utm.campaign = campaign.name }
        if utm.source == nil { utm.source = request.channel ?? influencer?.account.platform.rawValue }
        if utm.medium == nil { utm.medium = influencer == nil ? nil : "influencer" }
        if utm.content == nil { utm.content = influencer.map { String($0.handle.drop { $0 == "@" }) } }
        // A collision among 62^10 codes is next to impossible; try again rather than fail.
        for attempt in 1...3 {
            let link = ShortLink(code: ShortCode.make(), campaign: campaign.name, influencer: influencer?.account,
                                 channel: request.channel, target: request.target, utm: utm, permanent: request.permanent,
                                 appendsClickID: request.appendsClickID, createdAt: now)
            do {
                try await store.addLink(link, workspace: workspace)
                return Self.view(link, campaign: campaign)
            } catch let error as StoreError where error.code == .alreadyExists && attempt < 3 {
                continue
            }
        }
        throw EngineError(.invalidArgument, field: "target", "no free short code was found")
    }

    /// The workspace's links, of one campaign when named.
    public func links(campaign name: String? = nil) async throws -> [LinkView] {
        let campaigns = Dictionary(try await store.campaigns(workspace: workspace).map { ($0.name, $0) }) { first, _ in first }
        if let name, campaigns[name] == nil {
            throw EngineError(.notFound, field: "campaign", "no campaign named '\(name)' in workspace '\(workspace)'")
        }
        return try await store.links(workspace: workspace, campaign: name).compactMap { link in
            campaigns[link.campaign].map { Self.view(link, campaign: $0) }
        }
    }
}
