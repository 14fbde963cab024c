import Foundation
import VigieCore
import VigieIngest
import VigieSynth

/// What a good record leaves in the store, to check it is there after a fuzzed import.
enum StoredKey: Hashable, Sendable {
    case post(String)
    case account(String)
    case interaction(String)
    case tombstone(String)
}

/// One format the fuzz suite exercises, with the clean records it mutates: the real samples of
/// `../shared/data` and `vigie synth` output.
struct FuzzFormat: Sendable {
    enum Kind: Sendable { case json, csv }

    /// The name in reports: the `--format` name.
    let name: String
    let format: ImportFormat
    let kind: Kind
    /// JSON records (one top-level value each), or CSV rows under `csvHeader`.
    var jsonSeeds: [JSONValue] = []
    /// The records written compactly, once (most records of a file are written unchanged).
    var compactSeeds: [[UInt8]] = []
    var csvHeader: [String] = []
    var csvSeeds: [[String]] = []
    /// The column of the time and of the counts, for the CSV mutations that aim at them.
    var timeColumns: [Int] = []
    var countColumns: [Int] = []
    /// The layouts its files are written in.
    var layouts: [FuzzLayout]

    var seedCount: Int { kind == .json ? jsonSeeds.count : csvSeeds.count }

    /// What the clean record at `index` stores, by the importer's own decoder (`nil` when it
    /// stores nothing that can be looked up: skipped, or nothing but counts), and the accounts it
    /// names (author, replied-to, reposted, target, the account itself): a platform's deletion
    /// of one of them, elsewhere in the file, erases the record's traces with the person's, as an
    /// erasure must. The seed is decoded once for both.
    func stored(bySeed index: Int) -> (key: StoredKey?, subjects: Set<AccountKey>) {
        let items = items(ofSeed: index)
        return (Self.key(of: items), Self.subjects(of: items))
    }

    private static func key(of items: [IngestItem]) -> StoredKey? {
        for case .post(let post) in items { return .post(post.platformID) }
        for case .account(let account) in items { return .account(account.platformID) }
        for case .interaction(let interaction) in items { return .interaction(interaction.viaID) }
        for case .tombstone(let tombstone) in items { return .tombstone(tombstone.platformID) }
        return nil
    }

    private static func subjects(of items: [IngestItem]) -> Set<AccountKey> {
        var subjects: Set<AccountKey> = []
        func add(_ platform: Platform, _ id: String?) {
            if let id { subjects.insert(AccountKey(platform: platform, platformID: id)) }
        }
        for item in items {
            switch item {
            case .post(let post):
                add(post.platform, post.authorID)
                add(post.platform, post.replyToAccountID)
                add(post.platform, post.repostOfAccountID)
            case .account(let account): add(account.platform, account.platformID)
            case .interaction(let interaction):
                add(interaction.platform, interaction.sourceAccountID)
                add(interaction.platform, interaction.targetAccountID)
            case .tombstone(let tombstone):
                add(tombstone.platform, tombstone.accountID)
                if tombstone.target == .account { add(tombstone.platform, tombstone.platformID) }
            }
        }
        return subjects
    }

    private func items(ofSeed index: Int) -> [IngestItem] {
        var items: [IngestItem] = []
        do {
            switch kind {
            case .json:
                let value = jsonSeeds[index]
                switch format {
                case .twitterV2: var d = TwitterV2Decoder(); try d.decode(value, into: &items)
                case .twitterV1: var d = TwitterV1Decoder(); try d.decode(value, into: &items)
                case .mastodon: var d = MastodonDecoder(); try d.decode(value, into: &items)
                case .jetstream: var d = JetstreamDecoder(); try d.decode(value, into: &items)
                default: return []
                }
            case .csv:
                let options = CSVOptions()
                switch format {
                case .toolkitCSV: var d = try ToolkitCSVDecoder(header: csvHeader, options: options); try d.decode(csvSeeds[index], into: &items)
                case .instagramCSV: var d = try InstagramCSVDecoder(header: csvHeader, options: options); try d.decode(csvSeeds[index], into: &items)
                case .genericCSV: var d = try GenericCSVDecoder(header: csvHeader, options: options); try d.decode(csvSeeds[index], into: &items)
                default: return []
                }
            }
        } catch {
            return []
        }
        return items
    }
}

/// How a file's records are laid out.
enum FuzzLayout: String, Sendable, CaseIterable {
    /// One compact record a line.
    case lines
    /// A top-level array on one line (TwiBot-20).
    case compactArray
    /// A pretty-printed top-level array (Mastodon timelines, API dumps).
    case prettyArray
    /// Pretty-printed documents one after the other.
    case prettyDocuments
    /// A CSV header and rows.
    case csv
}

/// Loads every format's seeds once: the real samples, and `vigie synth` output generated here.
enum FuzzSeeds {
    static func load(synthPosts: Int = 300) throws -> [FuzzFormat] {
        let synth = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fuzz-seeds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: synth) }
        func synthFile(_ format: SynthFormat) throws -> URL {
            let directory = synth.appendingPathComponent(format.rawValue)
            return try SynthGenerator(configuration: SynthConfiguration(posts: synthPosts, seed: 11))
                .generate(format: format, to: directory).dataFile
        }
        let data = sharedData
        var formats: [FuzzFormat] = []

        var twitterV2 = FuzzFormat(name: "twitter-v2", format: .twitterV2, kind: .json, layouts: [.lines])
        for file in try jsonFiles(in: data.appendingPathComponent("twitter-v2-twarc"), extensions: ["jsonl"]) {
            twitterV2.jsonSeeds += try jsonLines(file)
        }
        twitterV2.jsonSeeds += try jsonLines(synthFile(.twitterV2))
        formats.append(twitterV2)

        var jetstream = FuzzFormat(name: "bluesky-jetstream", format: .jetstream, kind: .json, layouts: [.lines])
        for file in try jsonFiles(in: data.appendingPathComponent("bluesky-jetstream"), extensions: ["jsonl"]) {
            jetstream.jsonSeeds += try jsonLines(file)
        }
        jetstream.jsonSeeds += try jsonLines(synthFile(.jetstream))
        formats.append(jetstream)

        var twitterV1 = FuzzFormat(name: "twitter-v1", format: .twitterV1, kind: .json,
                                   layouts: [.lines, .compactArray, .prettyArray])
        let twibot = try JSONParser.parse(Array(Data(contentsOf: data.appendingPathComponent("twitter-v1-twibot20/TwiBot-20_sample.json"))))
        twitterV1.jsonSeeds += twibot.array ?? []
        twitterV1.jsonSeeds += try jsonLines(synthFile(.twitterV1))
        formats.append(twitterV1)

        var mastodon = FuzzFormat(name: "mastodon", format: .mastodon, kind: .json,
                                  layouts: [.lines, .prettyArray, .prettyDocuments, .compactArray])
        for file in try jsonFiles(in: data.appendingPathComponent("mastodon-tootsdk"), extensions: ["json"]) {
            let value = try JSONParser.parse(Array(Data(contentsOf: file)))
            mastodon.jsonSeeds += value.array ?? [value]
        }
        mastodon.jsonSeeds += try jsonLines(synthFile(.mastodon))
        formats.append(mastodon)

        let toolkitRows = try csvRows(synthFile(.toolkitCSV))
        var toolkit = FuzzFormat(name: "toolkit-csv", format: .toolkitCSV, kind: .csv, layouts: [.csv])
        toolkit.csvHeader = toolkitRows[0]
        toolkit.csvSeeds = Array(toolkitRows.dropFirst())
        toolkit.timeColumns = [6]
        formats.append(toolkit)

        // The generic format, told by its column names: the toolkit rows renamed.
        var generic = FuzzFormat(name: "csv", format: .genericCSV, kind: .csv, layouts: [.csv])
        generic.csvHeader = ["id", "author_id", "author", "repost_of", "reply_to", "text", "created_at", "urls"]
        generic.csvSeeds = toolkit.csvSeeds
        generic.timeColumns = [6]
        formats.append(generic)

        let srfRows = try csvRows(data.appendingPathComponent("instagram-fake-followers-srf/labelled_1000_inclprivate.csv"))
        var instagram = FuzzFormat(name: "instagram-csv", format: .instagramCSV, kind: .csv, layouts: [.csv])
        instagram.csvHeader = srfRows[0]
        instagram.csvSeeds = Array(srfRows.dropFirst())
        instagram.countColumns = [3, 4, 5]
        formats.append(instagram)
        for index in formats.indices where formats[index].kind == .json {
            formats[index].compactSeeds = formats[index].jsonSeeds.map { JSONWriter.write($0, pretty: false) }
        }
        return formats
    }

    static var sharedData: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    private static func jsonFiles(in directory: URL, extensions: Set<String>) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { extensions.contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The lines of a JSON-lines file that parse (the real samples hold a few that do not).
    private static func jsonLines(_ file: URL) throws -> [JSONValue] {
        let bytes = Array(try Data(contentsOf: file))
        return bytes.split(separator: 0x0A).compactMap { line in
            try? JSONParser.parse(Array(line))
        }
    }

    private static func csvRows(_ file: URL) throws -> [[String]] {
        var rows: [[String]] = []
        try CSVRowSplitter(source: ByteSource(path: file.path)).forEachRow({ fields, _ in rows.append(fields) },
                                                                            onError: { _ in })
        return rows
    }
}
