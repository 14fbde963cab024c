import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieLive
import VigieReplay

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Local servers for development, tests and benchmarks: they speak the real protocols and play recorded data.",
        subcommands: [ReplayJetstreamCommand.self, MastodonReplayCommand.self]
    )
}

/// Runs a replay server as a service: SIGINT or SIGTERM stop it.
struct ReplayService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await body() }
    }

    static func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let logger = Logger(label: "vigie.dev")
        let group = ServiceGroup(configuration: .init(services: [.init(service: ReplayService(body: body))],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct ReplayJetstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-jetstream",
        abstract: "Serve Jetstream events from files over Jetstream's WebSocket protocol, at a chosen rate.",
        discussion: """
            Events get fresh times at --rate per second from the start (a cursor means what it \
            means on the real service; a client without one gets the live tail). Filters: \
            wantedCollections, wantedDids, cursor, compress=true (zstd), requireHello.

            Examples:
              vigie dev replay-jetstream ../shared/data/bluesky-jetstream/*.jsonl --rate 50 --loop
              vigie synth --posts 200000 --format bluesky-jetstream --out data/ && \\
              vigie dev replay-jetstream data/*.jsonl --rate 5000 --loop --port 6008
            """
    )

    @Argument(help: "Jetstream JSON-lines files.")
    var files: [String]

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free port, printed).")
    var port = 6008

    @Option(help: ArgumentHelp("Events per second.", valueName: "n"))
    var rate = 1_000.0

    @Flag(help: "Play the files again and again (each pass with new record keys).")
    var loop = false

    @Option(help: ArgumentHelp("Events already in the past at the start, reachable with a cursor.", valueName: "n"))
    var history = 0

    @Option(help: ArgumentHelp("Seconds before the first event after the history is due.", valueName: "seconds"))
    var delay = 0.0

    @Option(help: ArgumentHelp("Compress frames with this zstd dictionary.", valueName: "path"))
    var zstdDictionary: String?

    @Option(help: ArgumentHelp("Train a zstd dictionary on the events, write it here, and compress with it.", valueName: "path"))
    var trainDictionary: String?

    @Option(name: .customLong("fault"), help: ArgumentHelp(
        "Inject a fault once before event N: close@N, garbage@N, malformed@N, unknown-kind@N, huge@N:BYTES, stall@N:SECONDS (repeatable).",
        valueName: "fault"))
    var faults: [String] = []

    @Option(help: ArgumentHelp("Read at most this many events.", valueName: "n"))
    var limit: Int?

    func validate() throws {
        guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be above 0.") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard history >= 0 else { throw ValidationError("--history must be 0 or more.") }
        guard delay >= 0, delay <= 86_400 else { throw ValidationError("--delay must be between 0 and 86400 seconds.") }
        for fault in faults { _ = try Self.fault(fault) }
    }

    static func fault(_ text: String) throws -> JetstreamFault {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        let arguments = parts.count == 2 ? parts[1].split(separator: ":").map(String.init) : []
        guard parts.count == 2, let event = arguments.first.flatMap({ Int($0) }), event >= 0 else {
            throw ValidationError("--fault '\(text)' is not KIND@EVENT (e.g. close@1000, huge@500:10000000, stall@200:40).")
        }
        let extra = arguments.count > 1 ? Double(arguments[1]) : nil
        switch parts[0] {
        case "close": return .close(beforeEvent: event)
        case "garbage": return .garbage(beforeEvent: event)
        case "malformed": return .malformedJSON(beforeEvent: event)
        case "unknown-kind": return .unknownKind(beforeEvent: event)
        case "huge": return .hugeFrame(beforeEvent: event, bytes: Int(extra ?? 10_000_000))
        case "stall": return .stall(beforeEvent: event, seconds: extra ?? 60)
        default: throw ValidationError("--fault '\(text)': unknown kind '\(parts[0])' (close, garbage, malformed, unknown-kind, huge, stall).")
        }
    }

    func run() async throws {
        let recording: JetstreamRecording
        do {
            recording = try JetstreamRecording.load(files, limit: limit ?? .max)
        } catch let error as ReplayError {
            throw CLIError(error.description)
        }
        guard !recording.events.isEmpty else { throw CLIError("no event in \(files.joined(separator: ", "))") }
        var dictionary: [UInt8]?
        if let zstdDictionary {
            guard let data = FileManager.default.contents(atPath: zstdDictionary) else { throw CLIError("--zstd-dictionary: \(zstdDictionary) cannot be read") }
            dictionary = [UInt8](data)
        } else if let trainDictionary {
            let samples = recording.events.prefix(20_000).map { [UInt8]($0.json.utf8) }
            dictionary = try ZstdCompressor.trainDictionary(samples: Array(samples))
            try Data(dictionary ?? []).write(to: URL(fileURLWithPath: trainDictionary))
            Output.printError("zstd dictionary of \(Output.count(dictionary?.count ?? 0)) bytes written to \(trainDictionary)")
        }
        let server = JetstreamReplayServer(recording: recording, options: JetstreamReplayOptions(
            host: host, port: port, rate: rate, loop: loop, history: history, delay: delay, zstdDictionary: dictionary,
            faults: try faults.map(Self.fault)))
        let count = recording.events.count
        let loop = self.loop
        let rate = self.rate
        try await ReplayService.run {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let port = try await server.port()
                Output.printError("Jetstream replay of \(Output.count(count)) events\(loop ? " (looping)" : "") at \(Int(rate))/s on ws://\(server.options.host):\(port)/subscribe; Ctrl-C stops")
                let first = Date(timeIntervalSince1970: Double(server.micros(ofEvent: 0)) / 1e6)
                Output.printError("event 0 due at \(DateParsing.iso8601(first)) (time_us \(server.micros(ofEvent: 0)))")
                try await group.next()
            }
        }
    }
}

struct MastodonReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mastodon",
        abstract: "Serve Mastodon statuses from files over the Mastodon API: REST timelines and streaming.",
        discussion: """
            Statuses are published at --rate per second after --history of them. REST timelines \
            page with max_id / since_id / min_id and Link headers, answer X-RateLimit-* and 429; \
            /api/v1/streaming needs one of the --token values. Faults on demand:
              curl -X POST http://127.0.0.1:6009/_replay/revoke/TOKEN
              curl -X POST http://127.0.0.1:6009/_replay/delete/STATUS_ID
              curl -X POST 'http://127.0.0.1:6009/_replay/fail/503?count=3'
              curl -X POST 'http://127.0.0.1:6009/_replay/fail/429?retryAfter=5'
            """
    )

    @Argument(help: "Files of Mastodon statuses (JSON lines or arrays).")
    var files: [String]

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free port, printed).")
    var port = 6009

    @Option(help: ArgumentHelp("Statuses published per second.", valueName: "n"))
    var rate = 10.0

    @Option(help: ArgumentHelp("Statuses already published at the start.", valueName: "n"))
    var history = 0

    @Option(name: .customLong("token"), help: ArgumentHelp("An access token the server accepts (repeatable).", valueName: "token"))
    var tokens: [String] = []

    @Flag(help: "REST timelines need a token too.")
    var restNeedsToken = false

    @Option(help: ArgumentHelp("REST requests per 5 minutes and token.", valueName: "n"))
    var rateLimit = 300

    func validate() throws {
        guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be above 0.") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard rateLimit >= 1 else { throw ValidationError("--rate-limit must be at least 1.") }
    }

    func run() async throws {
        let recording: MastodonRecording
        do {
            recording = try MastodonRecording.load(files)
        } catch let error as ReplayError {
            throw CLIError(error.description)
        }
        guard !recording.statuses.isEmpty else { throw CLIError("no status in \(files.joined(separator: ", "))") }
        let server = MastodonReplayServer(recording: recording, options: MastodonReplayOptions(
            host: host, port: port, rate: rate, history: history, tokens: Set(tokens), restNeedsToken: restNeedsToken,
            rateLimit: rateLimit))
        let count = recording.statuses.count
        try await ReplayService.run {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let port = try await server.port()
                Output.printError("Mastodon replay of \(Output.count(count)) statuses on http://\(server.options.host):\(port); Ctrl-C stops")
                try await group.next()
            }
        }
    }
}
