import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Coordination: groups of accounts that act together within a time window, with the post pairs
/// that prove each tie. Detection reads every post of the workspace: a job when not cached.
extension APIController {
    /// `GET …/coordination/clusters?window=60s&minSize=3`: the clusters, largest first, each with
    /// what its members shared and the evidence (pairs of posts) of its ties.
    @Sendable func coordinationClusters(_ request: Request, context: ServerRequestContext,
                                        scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(CoordinationAnalyses.fields)
        let answer = try await CoordinationAnalyses.clusters(scope: scope, dependencies: dependencies, fields: fields,
                                                             result: Self.selfLink(request), page: nil)
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }
}

enum CoordinationAnalyses {
    static let fields: Set<String> = ["window", "minWeight", "minSize", "similarity", "types", "limit"]

    static func clusters(scope: WorkspaceScope, dependencies: ServerDependencies, fields: FormFields, result: String,
                         page: String?) async throws -> AnalysisAnswer<ClustersView> {
        var types = Set(CoordinationType.allCases)
        let named = fields.list("types")
        if !named.isEmpty {
            types = []
            for name in named {
                guard let type = CoordinationType(rawValue: name) else {
                    throw Problem.invalidArgument("types: '\(name)' is not a behaviour; use "
                                                  + CoordinationType.allCases.map(\.rawValue).joined(separator: ", "), field: "types")
                }
                types.insert(type)
            }
        }
        let request = CoordinationRequest(window: try fields.duration("window", minimum: 1) ?? 60, types: types,
                                          minWeight: try fields.int("minWeight", in: 1...10_000) ?? 2,
                                          similarity: try fields.double("similarity", in: 0.01...1) ?? 0.7,
                                          evidence: true, sharedKeys: true)
        try request.validate()
        let minimumSize = try fields.int("minSize", in: 2...10_000) ?? 3
        let limit = try fields.int("limit", in: 1...500) ?? 50
        let engine = scope.engine
        return try await dependencies.analyses.result(
            ResultCache.Key(workspace: scope.name, kind: "coordination", fields: fields), kind: "coordination",
            title: "coordination clusters", user: scope.principal.user, result: result, page: page) {
            let found = try await engine.coordinationClusters(request, minimumSize: minimumSize)
            return ClustersView(found, limit: limit)
        }
    }
}

/// Coordinated clusters as the API and the pages show them: members by handle, and for each
/// cluster the evidence of its strongest ties.
struct ClustersView: Encodable, Sendable {
    struct SharedKeyView: Encodable, Sendable {
        var type: String
        var key: String
        var pairs: Int
    }

    struct EvidenceView: Encodable, Sendable {
        var type: String
        var source: String
        var target: String
        var sourcePost: String
        var sourceTime: Date
        var targetPost: String
        var targetTime: Date
        var shared: String
        var similarity: Double?
    }

    struct ClusterView: Encodable, Sendable {
        var size: Int
        /// Handles (else ids) of the members, at most 50.
        var members: [String]
        var edges: Int
        var tiedPairs: Int
        var types: [String]
        var totalWeight: Int
        var density: Double
        var first: Date
        var last: Date
        var topKeys: [SharedKeyView]
        /// Post pairs behind the cluster's heaviest ties, at most 10.
        var evidence: [EvidenceView]
    }

    /// Accounts of the input, and kept edges of the network.
    var accounts: Int
    var edges: Int
    var clusterCount: Int
    var clusters: [ClusterView]
    var detectionSeconds: Double

    static let evidencePerCluster = 10

    init(_ found: CoordinationClusters, limit: Int) {
        let network = found.detection.network
        accounts = network.accounts.count
        edges = network.edges.count
        clusterCount = found.clusters.count
        detectionSeconds = found.detection.detectionSeconds
        // The edges of each shown cluster, heaviest first, for their evidence.
        let shown = Array(found.clusters.prefix(limit))
        var clusterOf: [Int: Int] = [:]
        for (index, cluster) in shown.enumerated() {
            for member in cluster.members { clusterOf[member] = index }
        }
        var edgesOf = Array(repeating: [CoordinationEdge](), count: shown.count)
        for edge in network.edges {
            if let index = clusterOf[edge.source], clusterOf[edge.target] == index { edgesOf[index].append(edge) }
        }
        func label(_ index: Int) -> String { network.accounts[index].handle.map { "@" + $0 } ?? network.accounts[index].id }
        clusters = shown.enumerated().map { index, cluster in
            var evidence: [EvidenceView] = []
            for edge in edgesOf[index].sorted(by: { $0.weight > $1.weight }) where evidence.count < Self.evidencePerCluster {
                for proof in network.evidence(of: edge).prefix(Self.evidencePerCluster - evidence.count) {
                    evidence.append(EvidenceView(type: edge.type.rawValue, source: label(edge.source), target: label(edge.target),
                                                 sourcePost: proof.sourcePostID, sourceTime: proof.sourceTime,
                                                 targetPost: proof.targetPostID, targetTime: proof.targetTime,
                                                 shared: proof.key, similarity: proof.similarity))
                }
            }
            return ClusterView(size: cluster.members.count, members: cluster.members.prefix(50).map(label), edges: cluster.edgeCount,
                               tiedPairs: cluster.tiedPairs, types: cluster.types.map(\.rawValue), totalWeight: cluster.totalWeight,
                               density: cluster.density, first: cluster.first, last: cluster.last,
                               topKeys: cluster.topKeys.map { SharedKeyView(type: $0.type.rawValue, key: $0.key, pairs: $0.pairs) },
                               evidence: evidence)
        }
    }
}
