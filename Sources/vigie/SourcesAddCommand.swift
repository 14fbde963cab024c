import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct SourcesAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a live source: a Bluesky Jetstream subscription or a Mastodon instance's timelines.",
        subcommands: [AddJetstream.self, AddMastodon.self]
    )

    struct AddJetstream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jetstream",
            abstract: "Listen to Bluesky through a Jetstream server (no account needed).",
            discussion: """
                Examples:
                  vigie sources add jetstream                                   # posts, likes, reposts, follows of the whole network
                  vigie sources add jetstream --name bsky-posts --collections app.bsky.feed.post --start 2h
                  vigie sources add jetstream --url ws://127.0.0.1:6008/subscribe --compress --zstd-dictionary zstd_dictionary
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The source's name.")
        var name = "jetstream"

        @Option(help: ArgumentHelp("The Jetstream subscribe URL.", valueName: "wss://…"))
        var url = JetstreamSettings.publicEndpoint

        @Option(help: ArgumentHelp("wantedCollections, comma-separated (NSIDs, or prefixes like app.bsky.graph.*).",
                                   valueName: "nsid,…"))
        var collections = JetstreamSettings.defaultCollections.joined(separator: ",")

        @Option(name: .customLong("did"), help: ArgumentHelp("Only this repository (repeatable; wantedDids).", valueName: "did"))
        var dids: [String] = []

        @Option(help: ArgumentHelp("A file of DIDs, one a line (for many).", valueName: "path"))
        var didsFile: String?

        @Flag(help: "Ask for zstd-compressed frames.")
        var compress = false

        @Option(help: ArgumentHelp("The dictionary the server compresses with (Jetstream's zstd_dictionary file).", valueName: "path"))
        var zstdDictionary: String?

        @Option(help: ArgumentHelp("Where to start the first time: live, a date (2026-12-07T10:00Z), or a duration ago (2h).",
                                   valueName: "when"))
        var start = "live"

        @Option(help: ArgumentHelp("On reconnect, resume this long before the stored cursor.", valueName: "duration"))
        var rewind = "5s"

        @Option(help: ArgumentHelp("Reconnect when no message came for this long.", valueName: "duration"))
        var idleTimeout = "30s"

        func run() async throws {
            var allDIDs = dids
            if let didsFile {
                guard let text = try? String(contentsOfFile: didsFile, encoding: .utf8) else {
                    throw CLIError("--dids-file: \(didsFile) cannot be read")
                }
                allDIDs += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            if let zstdDictionary, !FileManager.default.isReadableFile(atPath: zstdDictionary) {
                throw CLIError("--zstd-dictionary: \(zstdDictionary) cannot be read")
            }
            let settings = JetstreamSettings(
                endpoint: url, collections: collections.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                dids: allDIDs, compress: compress || zstdDictionary != nil,
                zstdDictionary: zstdDictionary.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                start: try SourceStartOption.parse(start), rewindSeconds: try SourceStartOption.seconds(rewind, option: "--rewind", allowZero: true),
                idleTimeoutSeconds: try SourceStartOption.seconds(idleTimeout, option: "--idle-timeout"))
            let engine = try store.engine()
            try await engine.addSource(AddSourceRequest(source: LiveSource(name: name, settings: .jetstream(settings))))
            print("source \(name) added: \(settings.endpoint), \(settings.collections.count) collections"
                  + (settings.dids.isEmpty ? "" : ", \(settings.dids.count) DIDs") + "; `vigie listen` runs it")
        }
    }

    struct AddMastodon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mastodon",
            abstract: "Listen to a Mastodon instance's hashtag, local or public timelines.",
            discussion: """
                Without a token the timelines are polled over REST. With --token-file (a user's access \
                token: Mastodon 4.2+ streams to users only) they are streamed, with deletions at once, \
                and backfilled over REST after every reconnect. The token is kept in the database and \
                never printed.

                Examples:
                  vigie sources add mastodon --instance https://mastodon.social --hashtag velo --hashtag cyclisme
                  vigie sources add mastodon --instance https://piaille.fr --local --token-file ~/.piaille-token
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The source's name (default: the instance's host).")
        var name: String?

        @Option(help: ArgumentHelp("The instance's URL.", valueName: "https://…"))
        var instance: String

        @Option(help: ArgumentHelp("A hashtag timeline, without # (repeatable).", valueName: "tag"))
        var hashtag: [String] = []

        @Flag(help: "The instance's local timeline.")
        var local = false

        @Flag(name: .customLong("public"), help: "The federated timeline (everything the instance knows).")
        var federated = false

        @Option(help: ArgumentHelp("A file holding a user access token (streaming).", valueName: "path"))
        var tokenFile: String?

        @Option(help: ArgumentHelp("Between REST polls without a token.", valueName: "duration"))
        var pollInterval = "30s"

        @Option(help: ArgumentHelp("Where to start the first time: live, a date, or a duration ago (2h).", valueName: "when"))
        var start = "live"

        func run() async throws {
            var timelines = hashtag.map { MastodonTimeline.hashtag($0.hasPrefix("#") ? String($0.dropFirst()) : $0) }
            if local { timelines.append(.local) }
            if federated { timelines.append(.federated) }
            guard !timelines.isEmpty else {
                throw ValidationError("name at least one timeline: --hashtag TAG, --local or --public.")
            }
            var token: SourceToken?
            if let tokenFile {
                guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                    throw CLIError("--token-file: \(tokenFile) cannot be read")
                }
                token = SourceToken(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let settings = MastodonSettings(instance: instance, timelines: timelines,
                                            pollIntervalSeconds: try SourceStartOption.seconds(pollInterval, option: "--poll-interval"),
                                            start: try SourceStartOption.parse(start))
            let sourceName = name ?? (URL(string: instance)?.host ?? "mastodon")
            let engine = try store.engine()
            try await engine.addSource(AddSourceRequest(source: LiveSource(name: sourceName, settings: .mastodon(settings), token: token)))
            print("source \(sourceName) added: \(settings.baseURL), \(timelines.map(\.description).joined(separator: ", "))"
                  + (token == nil ? " (REST polling)" : " (streaming with a token)") + "; `vigie listen` runs it")
        }
    }
}

/// `--start` and duration options of sources.
enum SourceStartOption {
    static func parse(_ text: String, now: Date = Date()) throws -> SourceStart {
        if text == "live" || text == "now" { return .live }
        if let seconds = TrendDuration.parse(text) { return .since(now.addingTimeInterval(-seconds)) }
        if let date = DateParsing.parse(text) { return .since(date) }
        throw ValidationError("--start '\(text)' is not 'live', a date (2026-12-07T10:00:00Z) or a duration ago (2h).")
    }

    static func seconds(_ text: String, option: String, allowZero: Bool = false) throws -> Double {
        if allowZero, text == "0" || text == "0s" { return 0 }
        guard let seconds = TrendDuration.parse(text) else {
            throw ValidationError("\(option) '\(text)' is not a duration: use e.g. 5s, 30s, 2m.")
        }
        return seconds
    }
}
