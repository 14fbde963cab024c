import Foundation

/// How a data subject is looked for: by handle, platform id, display name, or a free-text
/// mention of them in other people's posts (`@handle` or their name in a post's text).
public struct SubjectSearch: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case handle
        case platformID = "platform-id"
        case displayName = "display-name"
        case mention
    }

    public var kind: Kind
    public var text: String
    /// Restricts the search to one platform.
    public var platform: Platform?

    public init(_ kind: Kind, _ text: String, platform: Platform? = nil) {
        self.kind = kind
        self.text = text
        self.platform = platform
    }

    /// A handle without its leading `@`, case-folded as stores keep handles.
    public var normalizedText: String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bare = kind == .handle || kind == .mention ? String(trimmed.drop { $0 == "@" }) : trimmed
        return kind == .platformID ? bare : bare.lowercased()
    }
}

/// One account a search found, with enough to confirm it is the person asked about.
public struct SubjectMatch: Sendable, Hashable, Codable {
    public var key: AccountKey
    public var handle: String?
    public var displayName: String?
    /// Why it matched: the search kind that found it.
    public var matchedBy: SubjectSearch.Kind
    public var posts: Int
    /// Interactions made and received.
    public var interactions: Int
    /// Posts by other accounts that mention this one.
    public var mentionedIn: Int
    /// Whether the account is only known from others' posts (no profile was imported).
    public var isStub: Bool

    public init(key: AccountKey, handle: String?, displayName: String?, matchedBy: SubjectSearch.Kind, posts: Int,
                interactions: Int, mentionedIn: Int, isStub: Bool) {
        self.key = key
        self.handle = handle
        self.displayName = displayName
        self.matchedBy = matchedBy
        self.posts = posts
        self.interactions = interactions
        self.mentionedIn = mentionedIn
        self.isStub = isStub
    }
}

/// Everything a store holds about one account: what an access request (GDPR Art. 15) returns,
/// before the engine adds the scores it computes and the explanations.
public struct SubjectRecords: Sendable, Codable {
    /// One interaction, seen from the subject: the other end and what it went through.
    public struct InteractionRecord: Sendable, Hashable, Codable {
        public var kind: Interaction.Kind
        /// The other account (`nil` when the other end is unknown).
        public var counterpart: AccountKey?
        public var counterpartHandle: String?
        public var targetPostID: String?
        public var viaID: String
        public var at: Date

        public init(kind: Interaction.Kind, counterpart: AccountKey?, counterpartHandle: String?, targetPostID: String?,
                    viaID: String, at: Date) {
            self.kind = kind
            self.counterpart = counterpart
            self.counterpartHandle = counterpartHandle
            self.targetPostID = targetPostID
            self.viaID = viaID
            self.at = at
        }
    }

    /// A version of one of the subject's posts (edit history).
    public struct VersionRecord: Sendable, Hashable, Codable {
        public var postID: String
        public var versionID: String
        public var text: String
        public var createdAt: Date
        public var editedAt: Date?

        public init(postID: String, versionID: String, text: String, createdAt: Date, editedAt: Date?) {
            self.postID = postID
            self.versionID = versionID
            self.text = text
            self.createdAt = createdAt
            self.editedAt = editedAt
        }
    }

    /// Another account's post naming the subject (a mention or a reply to them).
    public struct MentionRecord: Sendable, Hashable, Codable {
        public var postID: String
        public var author: AccountKey
        public var at: Date

        public init(postID: String, author: AccountKey, at: Date) {
            self.postID = postID
            self.author = author
            self.at = at
        }
    }

    public struct WatchMatchRecord: Sendable, Hashable, Codable {
        public var watch: String
        public var postID: String

        public init(watch: String, postID: String) {
            self.watch = watch
            self.postID = postID
        }
    }

    /// A fired alert whose stored evidence or webhook payload names the subject.
    public struct AlertRecord: Sendable, Hashable, Codable {
        public var id: Int64
        public var rule: String
        public var firedAt: Date
        public var summary: String

        public init(id: Int64, rule: String, firedAt: Date, summary: String) {
            self.id = id
            self.rule = rule
            self.firedAt = firedAt
            self.summary = summary
        }
    }

    /// A rejected input line that names the subject.
    public struct RejectRecord: Sendable, Hashable, Codable {
        public var file: String
        public var line: Int
        public var reason: String
        public var excerpt: String

        public init(file: String, line: Int, reason: String, excerpt: String) {
            self.file = file
            self.line = line
            self.reason = reason
            self.excerpt = excerpt
        }
    }

    /// A campaign that names the subject among its influencers, with their fee.
    public struct CampaignRecord: Sendable, Hashable, Codable {
        public var campaign: String
        public var handle: String
        public var fee: Money?
        public var startsAt: Date
        public var endsAt: Date?

        public init(campaign: String, handle: String, fee: Money?, startsAt: Date, endsAt: Date?) {
            self.campaign = campaign
            self.handle = handle
            self.fee = fee
            self.startsAt = startsAt
            self.endsAt = endsAt
        }
    }

    /// A short link made for the subject's audience, with the traffic and conversions attributed
    /// to it (counts only: clicks name nobody).
    public struct LinkRecord: Sendable, Hashable, Codable {
        public var code: String
        public var campaign: String
        public var target: String
        public var channel: String?
        public var createdAt: Date
        /// Every recorded request of the link (raw clicks and the daily counts retention leaves).
        public var clicks: Int
        public var conversions: Int
        /// The conversions' value, one sum per currency.
        public var conversionValue: [Money]

        public init(code: String, campaign: String, target: String, channel: String?, createdAt: Date, clicks: Int,
                    conversions: Int, conversionValue: [Money]) {
            self.code = code
            self.campaign = campaign
            self.target = target
            self.channel = channel
            self.createdAt = createdAt
            self.clicks = clicks
            self.conversions = conversions
            self.conversionValue = conversionValue
        }
    }

    public var workspace: String
    public var account: Account
    public var metricHistory: [MetricSnapshot]
    public var posts: [Post]
    public var versions: [VersionRecord]
    public var interactionsMade: [InteractionRecord]
    public var interactionsReceived: [InteractionRecord]
    public var mentionedIn: [MentionRecord]
    public var watchMatches: [WatchMatchRecord]
    public var alerts: [AlertRecord]
    public var tombstones: [Tombstone]
    public var rejects: [RejectRecord]
    public var campaigns: [CampaignRecord]
    public var links: [LinkRecord]

    public init(workspace: String, account: Account, metricHistory: [MetricSnapshot] = [], posts: [Post] = [],
                versions: [VersionRecord] = [], interactionsMade: [InteractionRecord] = [],
                interactionsReceived: [InteractionRecord] = [], mentionedIn: [MentionRecord] = [],
                watchMatches: [WatchMatchRecord] = [], alerts: [AlertRecord] = [], tombstones: [Tombstone] = [],
                rejects: [RejectRecord] = [], campaigns: [CampaignRecord] = [], links: [LinkRecord] = []) {
        self.workspace = workspace
        self.account = account
        self.metricHistory = metricHistory
        self.posts = posts
        self.versions = versions
        self.interactionsMade = interactionsMade
        self.interactionsReceived = interactionsReceived
        self.mentionedIn = mentionedIn
        self.watchMatches = watchMatches
        self.alerts = alerts
        self.tombstones = tombstones
        self.rejects = rejects
        self.campaigns = campaigns
        self.links = links
    }
}
