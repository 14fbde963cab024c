import Foundation
import Hummingbird
import VigieCore
import VigieEngine

/// Trends: volume spikes, weak signals, and how authentic a surge is. Spikes and weak signals
/// are answered at once (and cached); a surge's authenticity runs the trust model and
/// coordination detection, so it is a job when not cached.
extension APIController {
    static let spikeFields: Set<String> = FormFields.topicFields.union(["bucket", "threshold", "minCount", "persistence"])

    /// `GET …/trends/spikes?watch=velo&bucket=1h`: posts per bucket and the spikes in them.
    @Sendable func spikes(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> JSONAnswer<SpikesResult> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(Self.spikeFields)
        return JSONAnswer(try await TrendAnalyses.spikes(scope: scope, cache: dependencies.cache, fields: fields))
    }

    /// `GET …/trends/weak-signals?watch=velo&window=1d`: what is new or accelerating.
    @Sendable func weakSignals(_ request: Request, context: ServerRequestContext,
                               scope: WorkspaceScope) async throws -> JSONAnswer<WeakSignalsResult> {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(TrendAnalyses.weakSignalFields)
        return JSONAnswer(try await TrendAnalyses.weakSignals(scope: scope, cache: dependencies.cache, fields: fields))
    }

    /// `GET …/trends/authenticity?watch=velo&from=…&until=…`: the share of a surge's posts from
    /// likely fake accounts and coordinated clusters, with the clusters' evidence.
    @Sendable func authenticity(_ request: Request, context: ServerRequestContext, scope: WorkspaceScope) async throws -> Response {
        let fields = FormFields(query: request)
        try fields.refuseUnknown(FormFields.topicFields.union(["from", "until", "window"]))
        let answer = try await TrendAnalyses.authenticity(scope: scope, dependencies: dependencies, fields: fields,
                                                          result: Self.selfLink(request), page: nil)
        return try analysisResponse(answer, request: request, context: context, scope: scope)
    }
}

/// The trend analyses as the API and the pages read them, cached.
enum TrendAnalyses {
    static let weakSignalFields: Set<String> = FormFields.topicFields.union(["at", "since", "window", "baseline", "limit"])

    static func spikes(scope: WorkspaceScope, cache: ResultCache, fields: FormFields) async throws -> SpikesResult {
        let selection = try fields.selection()
        var options = SpikeOptions()
        if let threshold = try fields.double("threshold", in: 0.1...1000) { options.threshold = threshold }
        if let count = try fields.int("minCount", in: 1...1_000_000) { options.minimumCount = count }
        if let persistence = try fields.int("persistence", in: 1...1000) { options.persistence = persistence }
        let request = SpikesRequest(selection: selection, bucket: try fields.duration("bucket", minimum: 60) ?? 3600, options: options)
        try request.validate()
        let key = ResultCache.Key(workspace: scope.name, kind: "spikes", fields: fields)
        if let cached = await cache.cachedValue(for: key, as: SpikesResult.self) { return cached }
        try await AnalysisChecks.requireWatch(selection, scope: scope)
        let engine = scope.engine
        return try await cache.value(for: key) { try await engine.spikes(request) }
    }

    static func weakSignals(scope: WorkspaceScope, cache: ResultCache, fields: FormFields) async throws -> WeakSignalsResult {
        let selection = try fields.selection()
        var options = WeakSignalOptions()
        if let window = try fields.duration("window", minimum: 60) { options.window = window }
        if let baseline = try fields.duration("baseline", minimum: 60) { options.baseline = baseline }
        if let limit = try fields.int("limit", in: 1...500) { options.limit = limit }
        let request = WeakSignalsRequest(selection: selection, options: options, at: try fields.date("at"), since: try fields.date("since"))
        try request.validate()
        let key = ResultCache.Key(workspace: scope.name, kind: "weak-signals", fields: fields)
        if let cached = await cache.cachedValue(for: key, as: WeakSignalsResult.self) { return cached }
        try await AnalysisChecks.requireWatch(selection, scope: scope)
        let engine = scope.engine
        return try await cache.value(for: key) { try await engine.weakSignals(request) }
    }

    /// A surge's authenticity: from `from` to `until` (by default the last 7 days of the target's posts).
    static func authenticity(scope: WorkspaceScope, dependencies: ServerDependencies, fields: FormFields, result: String,
                             page: String?) async throws -> AnalysisAnswer<SurgeAuthenticity> {
        let selection = try fields.selection()
        try await AnalysisChecks.requireWatch(selection, scope: scope)
        let window = try fields.duration("window", minimum: 1) ?? 60
        let from = try fields.date("from"), until = try fields.date("until")
        let engine = scope.engine
        let key = ResultCache.Key(workspace: scope.name, kind: "authenticity", fields: fields)
        return try await dependencies.analyses.result(key, kind: "authenticity", title: selection.description,
                                                      user: scope.principal.user, result: result, page: page) {
            var end = until
            if end == nil { end = try await engine.spikes(SpikesRequest(selection: selection, bucket: 3600)).series.lastBucketEnd }
            let stop = end ?? Date()
            let start = from ?? stop.addingTimeInterval(-7 * 86_400)
            return try await engine.authenticity(AuthenticityRequest(target: selection, from: start, until: stop, window: window))
        }
    }
}

extension VolumeSeries {
    /// The end of the last bucket; `nil` for an empty series.
    var lastBucketEnd: Date? { counts.isEmpty ? nil : time(ofBucket: counts.count) }
}
