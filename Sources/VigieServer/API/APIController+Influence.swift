import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Influence: a topic's influencers (with one account's explanation), query discovery,
/// communities, lookalikes and the graph export. Each builds the interaction graph, so each
/// runs as a job when its result is not cached: the answer is then `202` with the job.
extension APIController {
    static let influencerFields: Set<String> = FormFields.topicFields.union(FormFields.periodFields)
        .union(["tier", "limit", "trust", "resolution"])

    /// `GET …/influencers?watch=velo&tier=micro`: accounts ranked by topical legitimacy.
    @Sendable func influencers(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(Self.influencerFields)
        let answer = try await InfluenceAnalyses.influencers(scope: scope, dependencies: dependencies, fields: fields,
                                                             result: Self.selfLink(request), page: nil)
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }

    /// `GET …/influencers/{handle}?watch=velo`: the evidence behind one account's rank, and its audience.
    @Sendable func explainInfluencer(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(Self.influencerFields.subtracting(["tier", "limit"]))
        let handle = try context.parameters.decoded("handle")
        let answer = try await InfluenceAnalyses.explain(handle, scope: scope, dependencies: dependencies, fields: fields,
                                                         result: Self.selfLink(request), page: nil)
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }

    /// `GET …/discover?seed=velo OR cyclisme`: hashtags, words, domains and accounts the seed misses.
    @Sendable func discover(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(FormFields.periodFields.union(["seed", "stemmed", "accept", "acceptAll", "rounds"]))
        let seed = try fields.require("seed")
        let stemmed = try fields.bool("stemmed") ?? false
        do {
            _ = try Query.parse(seed, options: QueryOptions(stemmed: stemmed))
        } catch {
            throw Problem(.badRequest, code: "invalid-query", title: "Invalid query", detail: error.message, field: "seed",
                          column: error.column)
        }
        let discovery = DiscoveryRequest(seed: seed, stemmed: stemmed, period: try fields.period(), accept: fields.list("accept"),
                                         acceptAll: try fields.bool("acceptAll") ?? false, rounds: try fields.int("rounds", in: 1...10) ?? 3)
        try discovery.validate()
        let engine = scope.engine
        let answer = try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "discover", fields: fields), kind: "discover", title: seed,
            user: scope.principal.user, result: Self.selfLink(request), page: nil) { try await engine.discover(discovery) }
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }

    /// `GET …/communities?resolution=1&watch=velo`: the interaction graph's communities, labelled.
    @Sendable func communities(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(FormFields.topicFields.union(FormFields.periodFields).union(["resolution", "limit"]))
        let topic = try fields.topic(required: false)
        try await AnalysisChecks.requireWatch(topic, scope: scope)
        let communities = CommunitiesRequest(period: try fields.period(), resolution: try fields.double("resolution", in: 0.01...100) ?? 1,
                                             limit: try fields.int("limit", in: 1...500) ?? 20, topic: topic)
        try communities.validate()
        let engine = scope.engine
        let answer = try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "communities", fields: fields), kind: "communities",
            title: "communities", user: scope.principal.user, result: Self.selfLink(request), page: nil) {
            CommunitiesView(try await engine.communities(communities))
        }
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }

    /// `GET …/lookalikes/{handle}`: the accounts most like one (same engagers, same topics).
    @Sendable func lookalikes(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(FormFields.periodFields.union(["limit"]))
        let handle = try context.parameters.decoded("handle")
        try await AnalysisChecks.requireAccount(handle, scope: scope)
        let lookalikes = LookalikesRequest(handle: handle, period: try fields.period(), limit: try fields.int("limit", in: 1...500) ?? 20)
        try lookalikes.validate()
        let engine = scope.engine
        let answer = try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "lookalikes", fields: fields, extra: handle.lowercased()),
            kind: "lookalikes", title: handle, user: scope.principal.user, result: Self.selfLink(request), page: nil) {
            LookalikesView(try await engine.lookalikes(lookalikes))
        }
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }

    /// `GET …/graph?format=gexf`: the interaction graph with each account's community and
    /// PageRank, streamed as GEXF (Gephi), GraphML (NetworkX) or CSV. Audited as an export.
    @Sendable func graphExport(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(FormFields.periodFields.union(["format", "resolution", "connectedOnly"]))
        let format = try fields.choice("format", of: GraphExportFormat.self) ?? .gexf
        let export = GraphExportRequest(period: try fields.period(), resolution: try fields.double("resolution", in: 0.01...100) ?? 1,
                                        connectedOnly: try fields.bool("connectedOnly") ?? false)
        try export.validate()
        let graph = try await scope.engine.graphExport(export)
        try await dependencies.access.audit(actor: scope.principal.user, workspace: scope.name, action: "export.graph",
                                            target: format.rawValue, detail: "\(graph.edges) edges")
        var buffer = ByteBuffer()
        graph.exporter.write(format) { chunk in buffer.writeString(chunk) }
        let type = switch format {
        case .gexf, .graphml: "application/xml; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        }
        return Response(status: .ok, headers: [.contentType: type,
                                               .contentDisposition: "attachment; filename=\"graph.\(format.rawValue)\""],
                        body: .init(byteBuffer: buffer))
    }
}

/// Influencer rankings as the API and the pages read them.
enum InfluenceAnalyses {
    static func request(fields: FormFields, scope: WorkspaceScope) async throws -> InfluencersRequest {
        guard let topic = try fields.topic(required: true) else { throw Problem.internalError() }
        try await AnalysisChecks.requireWatch(topic, scope: scope)
        let request = InfluencersRequest(topic: topic, period: try fields.period(), scoreTrust: try fields.bool("trust") ?? true,
                                         resolution: try fields.double("resolution", in: 0.01...100) ?? 1,
                                         tier: try fields.choice("tier", of: InfluenceTier.self),
                                         limit: try fields.int("limit", in: 1...500) ?? 50)
        try request.validate()
        return request
    }

    static func influencers(scope: WorkspaceScope, dependencies: ServerDependencies, fields: FormFields, result: String,
                            page: String?) async throws -> AnalysisAnswer<InfluencersView> {
        let ranking = try await request(fields: fields, scope: scope)
        let engine = scope.engine
        return try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "influencers", fields: fields), kind: "influencers",
            title: "\(ranking.topic)", user: scope.principal.user, result: result, page: page) {
            InfluencersView(try await engine.influencers(ranking))
        }
    }

    static func explain(_ handle: String, scope: WorkspaceScope, dependencies: ServerDependencies, fields: FormFields,
                        result: String, page: String?) async throws -> AnalysisAnswer<InfluencerExplanationView> {
        try await AnalysisChecks.requireAccount(handle, scope: scope)
        let ranking = try await request(fields: fields, scope: scope)
        let engine = scope.engine
        return try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "influencer-explanation", fields: fields, extra: handle.lowercased()),
            kind: "influencer-explanation", title: handle, user: scope.principal.user, result: result, page: page) {
            InfluencerExplanationView(try await engine.explainInfluencer(ranking, handle: handle))
        }
    }
}

struct InfluencersView: Encodable, Sendable {
    var query: String
    var matchedPosts: Int
    var onTopicAuthors: Int
    var onTopicInteractions: Int
    var rankedCount: Int
    var topicCommunities: [InfluencersResult.CommunityCount]
    var accounts: [TopicalLegitimacy.RankedAccount]
    var notes: [String]

    init(_ result: InfluencersResult) {
        query = result.query.description
        matchedPosts = result.matchedPosts
        onTopicAuthors = result.onTopicAuthors
        onTopicInteractions = result.onTopicInteractions
        rankedCount = result.rankedCount
        topicCommunities = result.topicCommunities
        accounts = result.accounts
        notes = result.notes
    }
}

struct InfluencerExplanationView: Encodable, Sendable {
    var query: String
    var account: TopicalLegitimacy.RankedAccount
    var rankedCount: Int
    var audience: AudienceQuality?
    var notes: [String]

    init(_ explanation: InfluencerExplanation) {
        query = explanation.query.description
        account = explanation.account
        rankedCount = explanation.rankedCount
        audience = explanation.audience
        notes = explanation.notes
    }
}

struct CommunitiesView: Encodable, Sendable {
    var resolution: Double
    var communityCount: Int
    var modularity: Double
    var accounts: Int
    var topicQuery: String?
    var topicCommunities: [CommunitiesResult.TopicShare]?
    var profiles: [CommunityProfiles.Profile]

    init(_ result: CommunitiesResult) {
        resolution = result.resolution
        communityCount = result.communityCount
        modularity = result.modularity
        accounts = result.accounts
        topicQuery = result.topicQuery?.description
        topicCommunities = result.topicCommunities
        profiles = result.profiles
    }
}

struct LookalikesView: Encodable, Sendable {
    var account: GraphAccount
    var accountsNamed: Int
    var matches: [Lookalikes.Match]

    init(_ result: LookalikesResult) {
        account = result.account
        accountsNamed = result.accountsNamed
        matches = result.matches
    }
}
