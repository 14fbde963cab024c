import Foundation
import VigieCore

/// Volume spikes to find in some posts.
public struct SpikesRequest: Sendable, Hashable {
    public var selection: PostSelection
    /// Bucket width in seconds (at least a minute).
    public var bucket: TimeInterval
    public var options: SpikeOptions

    public init(selection: PostSelection = .all, bucket: TimeInterval = 3600, options: SpikeOptions = SpikeOptions()) {
        self.selection = selection
        self.bucket = bucket
        self.options = options
    }

    public func validate() throws(EngineError) {
        guard bucket >= 60 else { throw EngineError(.invalidArgument, field: "bucket", "the bucket must be at least 1 minute (e.g. 1h)") }
        do { try options.validate() } catch { throw error.engineError() }
    }
}

/// The volume series and the spikes found in it.
public struct SpikesResult: Sendable, Codable {
    /// Posts counted (reposts included).
    public var posts: Int
    public var series: VolumeSeries
    public var spikes: [Spike]
}

extension Engine {
    /// Counts posts per bucket and finds the buckets far above their seasonal baseline (the same
    /// hour over the previous days) for long enough.
    ///
    /// ```swift
    /// let result = try await engine.spikes(SpikesRequest(selection: .watch("velo"), bucket: 3600))
    /// for spike in result.spikes { print(spike.explanation) }
    /// ```
    public func spikes(_ request: SpikesRequest) async throws -> SpikesResult {
        try request.validate()
        let times = try await postTimes(request.selection)
        let detector = SpikeDetector(options: request.options)
        let bucket = request.bucket
        return try await Offload.run {
            let series = VolumeSeries(times: times, bucket: bucket)
            return SpikesResult(posts: times.count, series: series, spikes: detector.detect(in: series))
        }
    }
}
