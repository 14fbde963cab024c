import Foundation
import Synchronization
import VigieCore
import VigieIngest

/// What to look for, and where: the workspace's posts, or files read without a store.
public struct CoordinationRequest: Sendable, Hashable {
    /// Where the posts come from.
    public enum Source: Sendable, Hashable {
        /// The workspace's posts.
        case store
        /// Files in any importable format (the coordination-network-toolkit CSV included),
        /// streamed straight into detection; `format` `nil` detects each file's.
        case files([String], format: ImportFormat?)
    }

    public var source: Source
    /// Time window within which shared behaviour counts, in seconds.
    public var window: TimeInterval
    public var types: Set<CoordinationType>
    /// Minimum co-occurrences for an edge.
    public var minWeight: Int
    /// Jaccard similarity from which texts are near-identical (co-similar).
    public var similarity: Double
    /// How co-text and co-link keys are made (``CoordinationInput/Keys``).
    public var keys: CoordinationInput.Keys
    /// Texts and hashtag sets co-occurring fewer than this many times chance are left out as
    /// stock phrases; 0 keeps all.
    public var chanceFactor: Double
    /// Keep the post pairs behind each edge (memory on networks of millions of edges).
    public var evidence: Bool
    /// Keep each edge's most shared keys (what clusters show).
    public var sharedKeys: Bool

    public init(source: Source = .store, window: TimeInterval = 60, types: Set<CoordinationType> = Set(CoordinationType.allCases),
                minWeight: Int = 2, similarity: Double = 0.7, keys: CoordinationInput.Keys = .normalized,
                chanceFactor: Double = 4, evidence: Bool = true, sharedKeys: Bool = true) {
        self.source = source
        self.window = window
        self.types = types
        self.minWeight = minWeight
        self.similarity = similarity
        self.keys = keys
        self.chanceFactor = chanceFactor
        self.evidence = evidence
        self.sharedKeys = sharedKeys
    }

    public func validate() throws(EngineError) {
        guard window > 0 else { throw EngineError(.invalidArgument, field: "window", "the time window must be positive") }
        guard minWeight >= 1 else { throw EngineError(.invalidArgument, field: "minWeight", "the minimum weight must be at least 1") }
        guard chanceFactor >= 0 else { throw EngineError(.invalidArgument, field: "chanceFactor", "the chance factor must be 0 (off) or more") }
        guard similarity > 0 && similarity <= 1 else {
            throw EngineError(.invalidArgument, field: "similarity", "the similarity must be in (0, 1]")
        }
        guard !types.isEmpty else { throw EngineError(.invalidArgument, field: "types", "name at least one behaviour") }
        if case .files(let paths, _) = source {
            guard !paths.isEmpty else { throw EngineError(.invalidArgument, field: "input", "name at least one file") }
            for path in paths where !FileManager.default.fileExists(atPath: path) {
                throw EngineError(.unreadableInput, field: "input", "\(path): no such file")
            }
        }
    }
}

/// The network detected, and what reading the files found.
public struct CoordinationResult: Sendable {
    public var network: CoordinationNetwork
    /// One entry per file read (none from the store).
    public var files: [FileRead]
    /// The first bad records met in the files (at most 10), with file, line and reason.
    public var firstRejects: [Reject]
    /// Posts left out because a post with the same id came earlier in the files.
    public var duplicatePostsSkipped: Int
    /// Seconds spent detecting (reading excluded).
    public var detectionSeconds: Double

    public struct FileRead: Sendable, Hashable, Codable {
        public var path: String
        public var format: String
        public var posts: Int
        public var rejected: Int
        public var seconds: Double
        /// Deletion records met and not applied (a store applies them).
        public var ignoredDeletions: Int
    }
}

/// Coordinated groups and the network they come from.
public struct CoordinationClusters: Sendable {
    /// The network and what reading found.
    public var detection: CoordinationResult
    public var clusters: [CoordinationCluster]
}

extension Engine {
    /// Finds accounts that act together within a time window — co-repost, co-text, co-similar,
    /// co-link, co-hashtag, co-reply — with the post pairs that prove each edge.
    ///
    /// ```swift
    /// let result = try await engine.coordination(CoordinationRequest(
    ///     source: .files(["messages.csv"], format: nil), types: [.coRepost, .coPost, .coLink], keys: .toolkit))
    /// try result.network.writeCSV { try handle.write(contentsOf: Data($0)) }
    /// ```
    public func coordination(_ request: CoordinationRequest) async throws -> CoordinationResult {
        try request.validate()
        let input: CoordinationInput
        var reading = FileReading()
        switch request.source {
        case .store:
            input = try await coordinationInput(keys: request.keys, types: request.types)
        case .files(let paths, let format):
            (input, reading) = try await Self.coordinationInput(reading: paths, format: format, keys: request.keys, types: request.types)
        }
        try Task.checkCancellation()
        let options = CoordinationDetector.Options(window: request.window, minWeight: request.minWeight, types: request.types,
                                                   similarityThreshold: request.similarity,
                                                   evidencePerEdge: request.evidence ? 5 : 0,
                                                   keysPerEdge: request.sharedKeys ? 5 : 0, chanceFactor: request.chanceFactor)
        let started = ContinuousClock.now
        let network = try await Offload.run { CoordinationDetector(options: options).detect(in: input) }
        return CoordinationResult(network: network, files: reading.files, firstRejects: reading.firstRejects,
                                  duplicatePostsSkipped: reading.duplicatePostsSkipped,
                                  detectionSeconds: (ContinuousClock.now - started).seconds)
    }

    /// What reading files found, beside the input.
    private struct FileReading: Sendable {
        var files: [CoordinationResult.FileRead] = []
        var firstRejects: [Reject] = []
        var duplicatePostsSkipped = 0
    }

    /// The coordinated groups of the network: members, what they shared, when, how tightly.
    ///
    /// ```swift
    /// let result = try await engine.coordinationClusters(CoordinationRequest(evidence: false), minimumSize: 3)
    /// for cluster in result.clusters { print(cluster.members.count, cluster.density) }
    /// ```
    public func coordinationClusters(_ request: CoordinationRequest, minimumSize: Int = 3) async throws -> CoordinationClusters {
        guard minimumSize >= 1 else { throw EngineError(.invalidArgument, field: "minSize", "the smallest cluster must have at least 1 account") }
        let detected = try await coordination(request)
        let network = detected.network
        let clusters = try await Offload.run { network.clusters(minimumSize: minimumSize) }
        return CoordinationClusters(detection: detected, clusters: clusters)
    }

    /// The workspace's posts as detection input, one post at a time (working out a page's keys
    /// on every core measured 5-7% more CPU and no faster on 2 cores).
    private func coordinationInput(keys: CoordinationInput.Keys, types: Set<CoordinationType>) async throws -> CoordinationInput {
        var input = CoordinationInput(keys: keys, types: types)
        for try await page in store.posts(workspace: workspace) {
            for post in page { input.append(post) }
        }
        return input
    }

    /// Streams files into one input, without a store: toolkit CSVs through
    /// ``ToolkitCoordinationReader`` (bytes to arrays), other formats through the importers'
    /// decoders. Repeated post ids count once (the first copy), as the toolkit does.
    private static func coordinationInput(reading paths: [String], format: ImportFormat?, keys: CoordinationInput.Keys,
                                          types: Set<CoordinationType>) async throws -> (CoordinationInput, FileReading) {
        // The input moves between the reader's thread and the collector without a copy of its arrays.
        let box = InputBox(CoordinationInput(keys: keys, types: types, deduplicatesPosts: true))
        var files: [CoordinationResult.FileRead] = []
        var rejects: [Reject] = []
        for path in paths {
            try Task.checkCancellation()
            if format == .toolkitCSV || (format == nil && ToolkitCoordinationReader.recognizes(path: path)) {
                let report = try await Offload.run {
                    try box.input.withLock { try ToolkitCoordinationReader.read(path: path, into: &$0) }
                }
                files.append(.init(path: path, format: ImportFormat.toolkitCSV.rawValue, posts: report.posts,
                                   rejected: report.rejected, seconds: report.seconds, ignoredDeletions: 0))
                rejects += report.firstRejects
                continue
            }
            let collector = CoordinationInputCollector(input: box.take())
            let report = try await Importer(store: collector).importFile(at: path, options: ImportOptions(format: format))
            files.append(.init(path: path, format: report.format, posts: report.posts, rejected: report.rejected,
                               seconds: report.seconds, ignoredDeletions: await collector.ignoredDeletions))
            rejects += await collector.firstRejects
            box.put(await collector.take())
        }
        let input = box.take()
        return (input, FileReading(files: files, firstRejects: Array(rejects.prefix(10)),
                                   duplicatePostsSkipped: input.duplicatePostsSkipped))
    }
}

/// A detection input that threads take turns to fill, handed over whole (never copied).
private final class InputBox: Sendable {
    let input: Mutex<CoordinationInput>

    init(_ input: consuming sending CoordinationInput) {
        self.input = Mutex(input)
    }

    /// The input, leaving an empty one with the same settings in the box.
    func take() -> CoordinationInput {
        input.withLock { current in
            let taken = current
            current = CoordinationInput(keys: taken.keys, types: taken.types, deduplicatesPosts: taken.deduplicatesPosts)
            return taken
        }
    }

    func put(_ value: consuming sending CoordinationInput) {
        input.withLock { $0 = value }
    }
}
