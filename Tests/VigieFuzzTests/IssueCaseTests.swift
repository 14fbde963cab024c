import Foundation
import GRDB
import Testing

/// Every case of the bad-input review (issue 12), reproduced through the built `vigie`: each
/// once trapped, hung, lost good records or hid them; each now ends with the good records stored
/// and the bad ones reported.
@Suite struct IssueCaseTests {
    /// A fresh folder and database per test.
    struct Run {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-issue-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

        func file(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }

        @discardableResult
        func vigie(_ arguments: [String], timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) throws
            -> VigieProcess.Outcome {
            let outcome = try VigieProcess.run(arguments, in: directory, timeout: timeout)
            FuzzWorkspace.expectHandled(outcome, arguments, sourceLocation: sourceLocation)
            return outcome
        }

        func count(_ sql: String) throws -> Int {
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: directory.appendingPathComponent("vigie.sqlite").path,
                                             configuration: configuration)
            return try database.read { try Int.fetchOne($0, sql: sql) ?? -1 }
        }

        func rejectReasons() throws -> [String] {
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: directory.appendingPathComponent("vigie.sqlite").path,
                                             configuration: configuration)
            return try database.read { try String.fetchAll($0, sql: "SELECT reason FROM reject ORDER BY line") }
        }

        func cleanUp() { try? FileManager.default.removeItem(at: directory) }
    }

    /// `count` copies of a real pretty-printed Mastodon status, their ids prefixed 1, 2, 3…
    static func statusCopies(_ count: Int) throws -> [String] {
        let status = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("mastodon-tootsdk/post no emojis.json"),
                                encoding: .utf8)
        return (1...count).map { status.replacingOccurrences(of: "\"id\": \"", with: "\"id\": \"\($0)") }
    }

    static let toolkitHeader = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
    static func toolkitRow(_ id: Int, time: String = "1740830534") -> String {
        "\(id),\(1000 + id % 7),user\(id % 7),,,\"Message number \(id), about bikes\",\(time),\n"
    }

    // MARK: - Traps

    @Test("CSV times of 9.2e15 and more, in the toolkit and generic formats, are rejected; the file's good rows are kept")
    func hugeCSVTimes() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let rows = (1...5).map { Self.toolkitRow($0) }.joined()
        let bad = ["9200000000000000", "9300000000000000", "1e400", "-1", "9.3e18"].enumerated()
            .map { Self.toolkitRow(100 + $0.offset, time: $0.element) }.joined()
        let toolkit = try run.file("times.csv", Self.toolkitHeader + rows + bad)
        let outcome = try run.vigie(["ingest", toolkit, "--no-language-id"])
        #expect(outcome.status == 0)
        #expect(try run.count("SELECT COUNT(*) FROM post") == 5)
        #expect(try run.count("SELECT COUNT(*) FROM reject WHERE reason LIKE '%timestamp%'") == 5)
        let generic = try run.file("generic.csv", "id,author_id,text,created_at\n1,2,hello,2025-03-01T10:00:00Z\n"
                                   + "3,4,bad,9300000000000000\n5,6,bad too,0000-01-01\n")
        try run.vigie(["ingest", generic, "--no-language-id", "--workspace", "generic"])
        #expect(try run.count("SELECT COUNT(*) FROM post p JOIN workspace w ON w.id = p.workspace_id WHERE w.name = 'generic'") == 1)
    }

    @Test("a Jetstream post without createdAt and with time_us 1e400 is rejected, the others kept")
    func jetstreamInfiniteTime() throws {
        let run = try Run()
        defer { run.cleanUp() }
        func post(_ rkey: String, time: String) -> String {
            #"{"did":"did:plc:abc","time_us":\#(time),"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"\#(rkey)","record":{"text":"hi \#(rkey)"}}}"#
        }
        let path = try run.file("events.jsonl", [post("a", time: "1740830534574999"), post("b", time: "1e400"),
                                                post("c", time: "-5"), post("d", time: "1740830534575000")].joined(separator: "\n"))
        let outcome = try run.vigie(["ingest", path, "--no-language-id"])
        #expect(outcome.status == 0)
        #expect(try run.count("SELECT COUNT(*) FROM post") == 2)
        #expect(try run.count("SELECT COUNT(*) FROM reject WHERE reason LIKE '%time_us%'") == 2)
    }

    @Test("--map = and --map == and an enormous --batch-size are refused with a message", arguments: [
        ["--format", "csv", "--map", "="], ["--format", "csv", "--map", "=="], ["--batch-size", "9223372036854775807"],
    ])
    func hostileIngestOptions(options: [String]) throws {
        let run = try Run()
        defer { run.cleanUp() }
        let path = try run.file("a.csv", Self.toolkitHeader + Self.toolkitRow(1))
        let outcome = try run.vigie(["ingest", path] + options)
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(options.last == "9223372036854775807" ? "--batch-size" : "--map"))
    }

    @Test("7,000 nested parentheses and 20,000 NOT are refused at the column where the limit is passed")
    func deepQueries() throws {
        let workspace = try FuzzWorkspace(posts: 50)
        defer { workspace.cleanUp() }
        for query in [String(repeating: "(", count: 7_000) + "velo" + String(repeating: ")", count: 7_000),
                      String(repeating: "NOT ", count: 20_000) + "velo"] {
            let outcome = try workspace.run(["query", query])
            FuzzWorkspace.expectHandled(outcome, ["query", query])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("expected at most 24 levels"), "\(outcome.stderr.prefix(300))")
        }
    }

    @Test("a store whose schema was changed is reported, not trapped on, by query, posts search and accounts show")
    func alteredSchema() throws {
        let workspace = try FuzzWorkspace(posts: 50)
        defer { workspace.cleanUp() }
        let database = try DatabaseQueue(path: workspace.directory.appendingPathComponent("vigie.sqlite").path)
        let handle = try database.write { db in
            try db.execute(sql: "ALTER TABLE post RENAME COLUMN text TO body")
            return try String.fetchOne(db, sql: "SELECT handle FROM account WHERE handle IS NOT NULL LIMIT 1") ?? "x"
        }
        for arguments in [["query", "NOT zzzz"], ["posts", "search", "the"], ["accounts", "show", handle]] {
            let outcome = try workspace.run(arguments)
            FuzzWorkspace.expectHandled(outcome, arguments)
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("schema was changed by hand"), "\(arguments): \(outcome.stderr.prefix(300))")
        }
    }

    @Test("a stored value of the wrong type is reported with its column by the scans of every post")
    func handEditedValue() throws {
        let workspace = try FuzzWorkspace(posts: 50)
        defer { workspace.cleanUp() }
        let database = try DatabaseQueue(path: workspace.directory.appendingPathComponent("vigie.sqlite").path)
        try database.write { db in
            try db.execute(sql: "UPDATE post SET created_at = 'yesterday' WHERE id = (SELECT max(id) FROM post)")
        }
        for arguments in [["coordination"], ["communities"]] {
            let outcome = try workspace.run(arguments)
            FuzzWorkspace.expectHandled(outcome, arguments)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.stderr.contains("changed by hand") && outcome.stderr.contains("created_at"),
                    "\(arguments): \(outcome.stderr.prefix(300))")
        }
    }

    // MARK: - Hangs

    @Test("pretty documents after a stray '[' and a stray ':' are found again, not skipped to the end of the file")
    func documentsAfterStrayBracket() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(4)
        // Found by the long fuzz set: the '[' put the splitter in an array, and after the ':' it
        // looked only for elements after a comma, so the documents that followed were lost.
        let path = try run.file("docs.json", "[\n" + copies[0] + ":\n" + copies[1] + "\n" + copies[2] + "\n" + copies[3])
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [1, 3, 4] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
    }

    @Test("an array element cut right after a key's ':' does not hide the element on the next line")
    func elementCutAfterColon() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(4)
        // Found by the long fuzz set: the next element read as the value of the cut element's key.
        let cut = String(copies[1].prefix(upTo: copies[1].range(of: "\"id\": ")!.upperBound))
        let path = try run.file("array.json", "[\n" + copies[0] + ",\n" + cut + "\n" + copies[2] + ",\n" + copies[3] + "\n]")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [1, 3, 4] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM reject") >= 1)
    }

    @Test("a string element cut open before the next record does not hide it (compact array)")
    func stringCutOpenBeforeARecord() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let status = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("mastodon-tootsdk/post no emojis.json"),
                                encoding: .utf8)
        let compact = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(status.utf8)))
        let copies = (1...3).map { String(decoding: compact, as: UTF8.self).replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"\($0)") }
        // Found by the long fuzz set: the string's closing quote is the next record's first quote.
        let path = try run.file("array.json", "[" + copies[0] + ",\"unterminated," + copies[1] + "," + copies[2] + "]")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [1, 2, 3] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM reject") >= 1)
    }

    @Test("a first line of thousands of '{' costs only itself: the format is still detected")
    func deepFirstLine() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let lines = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("bluesky-jetstream/jetstream_v1_152_events.jsonl"),
                               encoding: .utf8).split(separator: "\n").prefix(20)
        // Found by the long fuzz set: every brace of the line was tried as a record, and format
        // detection gave up before the good lines.
        let path = try run.file("deep.jsonl", String(repeating: "{", count: 5_000) + "\n\n" + lines.joined(separator: "\n") + "\n")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try run.count("SELECT COUNT(*) FROM reject") == 1)
        #expect(outcome.stdout.contains("\"format\" : \"bluesky-jetstream\""), "\(outcome.stdout.prefix(300))")
    }

    @Test("a stray ':' before the first element of a pretty array costs nothing: nested objects are not taken for records")
    func strayColonBeforeFirstElement() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(3)
        // Found by the long fuzz set: with no record read yet, every nested object at a line start
        // was taken for a record, and the elements were lost.
        let path = try run.file("array.json", "[\n:" + copies.joined(separator: ",\n") + "\n]")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id", "--format", "mastodon"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [1, 2, 3] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM reject") == 1)
    }

    /// A compact Twitter v1.1 tweet with two hashtags: a nested array of objects, whose second
    /// object follows a comma the way a record does in a one-line array.
    static func compactTweet(_ number: Int) -> String {
        #"{"created_at":"Sun Mar 16 04:52:26 +0000 2025","id_str":"\#(1000 + number)","text":"Belle journée #velo #gravel","#
            + #""entities":{"hashtags":[{"text":"velo","indices":[14,19]},{"text":"gravel","indices":[20,27]}],"symbols":[]},"#
            + #""user":{"id_str":"\#(50 + number)","screen_name":"cycliste\#(number)","name":"Cycliste"}}"#
    }

    /// A compact TwiBot-20 user record (a kind of record beside tweets in mixed arrays).
    static func twibotUser(_ number: Int) -> String {
        #"{"ID":"\#(70 + number)","profile":{"id_str":"\#(70 + number)","screen_name":"profil\#(number)","name":"P"},"#
            + #""tweet":null,"neighbor":null,"domain":["Politics"],"label":"0"}"#
    }

    @Test("a record broken inside a nested array (compact array) costs only itself: the resynchronisation prefers known record starts")
    func brokenInsideNestedArray() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let tweets = (1...5).map(Self.compactTweet)
        // Found by the long fuzz set: the split resumed at the second hashtag, took the ']' after
        // it (followed by a NUL) for the end of the file's array, and lost the rest of the file.
        let broken = tweets[1].replacingOccurrences(of: "[20,27]}]", with: "[20,27]}]\u{0}")
        let path = try run.file("tweets.json", "[" + ([tweets[0], broken] + tweets[2...]).joined(separator: ",") + "]")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for id in [1001, 1003, 1004, 1005] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '\(id)'") == 1, "tweet \(id)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM reject") >= 1)
    }

    @Test("after damage, a record of a kind not met yet is read, not skipped for the next record of a known kind")
    func recordOfANewKindAfterDamage() throws {
        let run = try Run()
        defer { run.cleanUp() }
        // Found by the long fuzz set: only users had been read when a tweet lost its closing brace,
        // and the split went on at the next user, skipping the tweet after the damaged one.
        let broken = String(Self.compactTweet(2).dropLast())
        let path = try run.file("mixed.json", "[" + [Self.twibotUser(1), broken, Self.compactTweet(3), Self.twibotUser(4)].joined(separator: ",") + "]")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '1003'") == 1)
        #expect(try run.count("SELECT COUNT(*) FROM account WHERE platform_id IN ('71', '74')") == 2)
        #expect(try run.count("SELECT COUNT(*) FROM reject") == 1)
    }

    @Test("after damage, a record of a kind not met yet is read when damage, not a known record, comes after it")
    func recordOfANewKindBeforeMoreDamage() throws {
        let run = try Run()
        defer { run.cleanUp() }
        // Found by the long fuzz set: the tweet after the damaged one was taken only when whole
        // records led from it to a known record start; the next tweet was damaged too, so it was lost.
        let broken = String(Self.compactTweet(2).dropLast())
        let damaged = Self.compactTweet(4).replacingOccurrences(of: "Belle journée", with: "Belle\u{0} journée")
        let path = try run.file("mixed.json", "[" + [Self.twibotUser(1), broken, Self.compactTweet(3), damaged, Self.twibotUser(5)].joined(separator: ",") + "]")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '1003'") == 1)
        #expect(try run.count("SELECT COUNT(*) FROM account WHERE platform_id IN ('71', '75')") == 2)
    }

    @Test("a string cut open right before a pretty record costs only its own record", arguments: ["", "\n"])
    func stringCutOpenBeforeAPrettyRecord(separator: String) throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(3)
        // Found by the long fuzz set: the record after the cut was read as the string's end and lost;
        // with no line break between them, the record's brace follows the cut text.
        let cut = try #require(copies[1].range(of: "An open-source Swift package"))
        let path = try run.file("array.json", "[\n" + copies[0] + ",\n" + copies[1][..<cut.upperBound] + separator
                                + copies[2] + "\n]\n")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [1, 3] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM reject") >= 1)
    }

    @Test("pretty documents after a damaged compact first line are found at their own indentation")
    func prettyDocumentsAfterADamagedCompactFirstUnit() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(3)
        // Found by the long fuzz set: the damaged first unit, on one line, gave the indentation at
        // which records were looked for, and the pretty documents after it were missed.
        let path = try run.file("docs.json", #"{"id": "0", "content": "cut", "account": {"id": "#
                                + "\n" + copies.joined(separator: "\n") + "\n")
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id", "--format", "mastodon"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [1, 2, 3] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
    }

    @Test("arrays inside the array of records (batches, or a bracket left open by damage) are read element by element")
    func arraysInsideTheArray() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let tweets = (1...6).map(Self.compactTweet)
        // Found by the long fuzz set: a '[' left open before a record and closed by a later stray
        // ']' made one well-formed element of ten records, refused whole as "found an array".
        let batches = "[" + tweets[0] + ",[" + tweets[1] + "," + tweets[2] + "],[[" + tweets[3] + "]]," + tweets[4] + "]"
        let unclosed = "[" + tweets[5] + ",[" + tweets[0].replacingOccurrences(of: "\"1001\"", with: "\"1007\"") + "]"
        for (name, text, ids) in [("batches.json", batches, [1001, 1002, 1003, 1004, 1005]), ("unclosed.json", unclosed, [1006, 1007])] {
            let path = try run.file(name, text)
            let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            for id in ids {
                #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '\(id)'") == 1, "\(name): tweet \(id)")
            }
        }
        #expect(try run.count("SELECT COUNT(*) FROM reject") == 0)
    }

    @Test("pretty documents after a first line that is a scalar or a stray '}' are detected and read, with and without --format",
          arguments: ["true", "null", "}"])
    func prettyDocumentsAfterADamagedFirstLine(first: String) throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(3)
        // Found by the long fuzz set: the file was taken for a CSV (no '{' first), or refused with --format.
        let path = try run.file("docs.json", first + "\n" + copies.joined(separator: "\n"))
        for format in [[], ["--format", "mastodon"]] {
            let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"] + format, timeout: 30)
            #expect(outcome.status == 0, "\(format): \(outcome.stderr)")
        }
        for prefix in [1, 2, 3] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
    }

    @Test("after a damaged first record in a pretty file, records are found at its indentation, not in nested objects")
    func prettyRecordsFoundByIndentation() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let copies = try Self.statusCopies(4)
        // Found by the long fuzz set: a first record opening with '{{' left only '{' as the mark of a
        // record, and the nested objects at line starts (mentions, media) were taken for records.
        let text = ("{" + copies.joined(separator: "\n")).replacingOccurrences(of: "\n", with: "\r\n")
        let path = try run.file("docs.json", text)
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for prefix in [2, 3, 4] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '\(prefix)%'") == 1, "copy \(prefix)")
        }
    }

    @Test("stray '}', ']' and ',' between pretty documents and inside arrays are reported; every record is read")
    func strayPunctuation() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let status = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("mastodon-tootsdk/post no emojis.json"),
                                encoding: .utf8)
        let other = status.replacingOccurrences(of: "\"id\": \"", with: "\"id\": \"9")
        let documents = try run.file("docs.json", status + "\n}\n" + other + "\n]\n,\n" + status)
        let array = try run.file("array.json", "[" + status + ", }, " + other + "], " + status + ",, ]")
        for path in [documents, array] {
            let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 30)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id NOT LIKE '9%'") >= 1)
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id LIKE '9%'") >= 1)
        #expect(try run.count("SELECT COUNT(*) FROM reject WHERE reason LIKE 'stray%'") >= 3)
    }

    @Test("a file that is only '}' read with --format mastodon fails at once, naming what it starts with")
    func braceOnly() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let outcome = try run.vigie(["ingest", try run.file("brace.json", "}"), "--format", "mastodon"], timeout: 20)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("does not start with '{' or '['"), "\(outcome.stderr)")
    }

    @Test("a CSV read with a JSON --format fails at once, naming the CSV header", arguments: ["twitter-v2", "twitter-v1", "mastodon", "bluesky-jetstream"])
    func csvWithJSONFormat(format: String) throws {
        let run = try Run()
        defer { run.cleanUp() }
        let path = try run.file("a.csv", Self.toolkitHeader + Self.toolkitRow(1))
        let outcome = try run.vigie(["ingest", path, "--format", format], timeout: 20)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("a CSV header"), "\(outcome.stderr)")
    }

    @Test("every JSON format given in UTF-16 is converted and imported")
    func utf16Files() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let samples = ["twitter-v2-twarc/two_tweets.jsonl", "bluesky-jetstream/jetstream_v1_10_events.jsonl",
                       "mastodon-tootsdk/post_edited.json"]
        for (index, sample) in samples.enumerated() {
            let text = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent(sample), encoding: .utf8)
            var bytes: [UInt8] = [0xFF, 0xFE]
            for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            let outcome = try run.vigie(["ingest", try run.file("utf16-\(index).json", bytes), "--json", "--no-language-id"],
                                        timeout: 30)
            #expect(outcome.status == 0, "\(sample): \(outcome.stderr)")
            #expect(outcome.stdout.contains("\"recordsRejected\" : 0"), "\(sample): \(outcome.stdout.prefix(400))")
        }
        #expect(try run.count("SELECT COUNT(*) FROM post") > 3)
    }

    @Test("posts search with 16,000 words and queries of 1,000 NOT or 26,000 repeated words answer at once")
    func largeQueriesAreBounded() throws {
        let workspace = try FuzzWorkspace(posts: 50)
        defer { workspace.cleanUp() }
        let runs = [["posts", "search", (0..<16_000).map { "w\($0)" }.joined(separator: " ")],
                    ["query", String(repeating: "NOT ", count: 1_000) + "velo"],
                    ["query", Array(repeating: "velo", count: 26_000).joined(separator: " ")]]
        for arguments in runs {
            let outcome = try workspace.run(arguments, timeout: 60)
            FuzzWorkspace.expectHandled(outcome, arguments)
            #expect(outcome.seconds < 10, "\(arguments[0]) took \(outcome.seconds) s")
        }
    }

    // MARK: - Good records

    @Test("a damaged first record costs only itself, with and without --format", arguments: [false, true])
    func damagedFirstRecord(named: Bool) throws {
        let run = try Run()
        defer { run.cleanUp() }
        let lines = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("bluesky-jetstream/jetstream_v1_152_events.jsonl"),
                               encoding: .utf8).split(separator: "\n").map(String.init)
        let damaged = String(lines[0].prefix(40)) + "\n" + lines.dropFirst().joined(separator: "\n")
        let path = try run.file("damaged.jsonl", damaged)
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"] + (named ? ["--format", "bluesky-jetstream"] : []))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"records\" : \(lines.count)"), "\(outcome.stdout.prefix(300))")
        #expect(outcome.stdout.contains("\"recordsRejected\" : 1"))
    }

    @Test("a stray CSV quote is reported where it opened, and the rows it ran over are read again")
    func strayCSVQuote() throws {
        let run = try Run()
        defer { run.cleanUp() }
        var text = Self.toolkitHeader
        for id in 1...40 { text += Self.toolkitRow(id) }
        text += "41,7,u,,,\"stray quote at the start of a message,1740830534,\n"
        for id in 42...80 { text += Self.toolkitRow(id) }
        let srf = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("instagram-fake-followers-srf/labelled_1000_inclprivate.csv"),
                             encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var profiles = Array(srf.prefix(101))
        profiles[10] = "\"" + profiles[10].replacingOccurrences(of: "\"", with: "")
        let toolkit = try run.file("quote.csv", text)
        let instagram = try run.file("profiles.csv", profiles.joined(separator: "\n") + "\n")
        try run.vigie(["ingest", toolkit, instagram, "--no-language-id"])
        #expect(try run.count("SELECT COUNT(*) FROM post") == 79)
        #expect(try run.count("SELECT COUNT(*) FROM account WHERE platform = 'instagram'") == 99)
        let reasons = try run.rejectReasons()
        #expect(reasons.contains { $0.contains("a quote opened at line 42") && $0.contains("read again as rows") }, "\(reasons)")
    }

    @Test("a second stray quote inside the lines a runaway quote covered costs only its own row")
    func strayQuoteInsideARunaway() throws {
        let run = try Run()
        defer { run.cleanUp() }
        var text = Self.toolkitHeader
        for id in 1...10 { text += Self.toolkitRow(id) }
        // Found by the long fuzz set: the lines read again after the first runaway quote were read
        // with quotes, so the second stray quote (before a time) swallowed the good row after it.
        text += "\"11,7,u,,,Quote at the start of the row,1740830534,\n"
        text += Self.toolkitRow(12)
        text += "13,7,u,,,\"A message\",\"1740830534,\n"
        text += Self.toolkitRow(14)
        text += Self.toolkitRow(15)
        for id in 16...20 { text += Self.toolkitRow(id) }
        let path = try run.file("quotes.csv", text)
        try run.vigie(["ingest", path, "--no-language-id"])
        for id in [12, 14, 15, 16, 20] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '\(id)'") == 1, "row \(id)")
        }
    }

    @Test("a runaway quote that closes on a good row's quoted field, leaving the header's width, costs only its own row")
    func runawayClosedOnAGoodRowsQuote() throws {
        let run = try Run()
        defer { run.cleanUp() }
        var text = Self.toolkitHeader
        for id in 1...12 { text += Self.toolkitRow(id) }
        // Found by the long fuzz set: row 13 is cut inside its message; its quote closes on the
        // opening quote of row 14's message, and the two lines make one row of the header's width
        // (6 fields of row 13, then the rest of row 14). Row 14 was lost inside row 13's text.
        text += "13,1006,user6,,,\"A message cut short\n"
        text += "14,1000,user0,,,\"Message fourteen\",1740830534,\n"
        for id in 15...20 { text += Self.toolkitRow(id) }
        let path = try run.file("cut.csv", text)
        try run.vigie(["ingest", path, "--no-language-id"])
        #expect(try run.count("SELECT COUNT(*) FROM reject WHERE line = 14 AND reason LIKE '%never closes%'") == 1)
        for id in [12, 14, 15, 20] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '\(id)'") == 1, "row \(id)")
        }
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '14' AND text = 'Message fourteen'") == 1)
    }

    @Test("a runaway quote that swallows a good row and closes with the header's width is told by the row's id")
    func runawayOverARowWithAnID() throws {
        let run = try Run()
        defer { run.cleanUp() }
        var text = Self.toolkitHeader
        for id in 1...12 { text += Self.toolkitRow(id) }
        // Found by the long fuzz set: row 100013 opens a quote that never closes on its line (its
        // message holds a comma, so the line read alone is not of the header's width either), runs
        // over the good row 100014, and closes on a damaged row whose '""' kept it open: one row of
        // the header's width, with the good row inside its message.
        text += "100013,1006,user6,,,\"Message thirteen, cut short,1740830534,\n"
        text += "100014,1000,user0,,,Message fourteen,1740830534,\n"
        text += "100015,1001,user1,,,\"\"Earn money, now #promo\",1740830534,\n"
        for id in 16...20 { text += Self.toolkitRow(id) }
        let path = try run.file("swallowed.csv", text)
        try run.vigie(["ingest", path, "--no-language-id"])
        #expect(try run.count("SELECT COUNT(*) FROM reject WHERE line = 14 AND reason LIKE '%never closes%'") == 1)
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '100014' AND text = 'Message fourteen'") == 1)
        for id in [12, 16, 20] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '\(id)'") == 1, "row \(id)")
        }
    }

    @Test("inside a runaway quote's lines, a second stray quote that swallows a good row with the header's width is told by the row's id")
    func strayQuoteOverARowInsideARunaway() throws {
        let run = try Run()
        defer { run.cleanUp() }
        var text = Self.toolkitHeader
        for id in 1...12 { text += Self.toolkitRow(id) }
        // Found by the long fuzz set: the quote at the start of row 100013 runs to row 100014's
        // message (a runaway, the lines after it read again); read again, row 100014's stray quote
        // before its link runs over the good row 100015 up to a line holding only a quote, one row
        // of the header's width.
        text += "\"100013,1006,user6,,,Message thirteen,1740830534,\n"
        text += "100014,1000,user0,,,\"Message fourteen, with a comma\",1740830534,\"https://example.org/14\n"
        text += "100015,1001,user1,,,Message fifteen,1740830534,\n"
        text += "\"\n"
        for id in 16...20 { text += Self.toolkitRow(id) }
        let path = try run.file("nested.csv", text)
        try run.vigie(["ingest", path, "--no-language-id"])
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '100015' AND text = 'Message fifteen'") == 1)
        for id in [12, 16, 20] {
            #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '\(id)'") == 1, "row \(id)")
        }
    }

    @Test("a CSV with CR line endings whose messages hold JSON-like text is read as CSV")
    func carriageReturnCSVWithBraces() throws {
        let run = try Run()
        defer { run.cleanUp() }
        var text = Self.toolkitHeader
        for id in 1...20 { text += Self.toolkitRow(id) }
        text += "21,7,u,,,\"config {\"\"debug\"\": true}\",1740830534,\n"
        // Found by the long fuzz set: with no line feed, the whole file was its first line, and its
        // `{"` and `":` made it JSON.
        let path = try run.file("cr.csv", text.replacingOccurrences(of: "\n", with: "\r"))
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"])
        #expect(outcome.stdout.contains("\"format\" : \"toolkit-csv\""), "\(outcome.stdout.prefix(300)) \(outcome.stderr)")
        #expect(try run.count("SELECT COUNT(*) FROM post") == 21)
    }

    @Test("a missing path beside a good file is reported and the good file still imports")
    func missingPath() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let path = try run.file("good.csv", Self.toolkitHeader + Self.toolkitRow(1) + Self.toolkitRow(2))
        let outcome = try run.vigie(["ingest", "/nonexistent/file.jsonl", path, "--no-language-id"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/file.jsonl: no such file or folder"))
        #expect(try run.count("SELECT COUNT(*) FROM post") == 2)
    }

    @Test("an Instagram CSV with CR-only line endings imports every profile")
    func carriageReturnOnly() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let text = try String(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("instagram-fake-followers-srf/labelled_1000_inclprivate.csv"),
                              encoding: .utf8)
        let lines = text.split(separator: "\n")
        let outcome = try run.vigie(["ingest", try run.file("cr.csv", lines.joined(separator: "\r") + "\r"), "--json"])
        #expect(outcome.status == 0)
        #expect(try run.count("SELECT COUNT(*) FROM account") == lines.count - 1)
    }

    @Test("five bad profiles on one TwiBot-20 line give five listed rejects")
    func fiveBadProfilesOnOneLine() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let data = try Data(contentsOf: FuzzSeeds.sharedData.appendingPathComponent("twitter-v1-twibot20/TwiBot-20_sample.json"))
        var profiles = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        profiles = Array(profiles.prefix(12))
        for index in 0..<5 {
            var profile = try #require(profiles[index]["profile"] as? [String: Any])
            profile["followers_count"] = "abc "
            profiles[index]["profile"] = profile
        }
        let path = try run.file("twibot.json", Array(try JSONSerialization.data(withJSONObject: profiles)))
        let outcome = try run.vigie(["ingest", path, "--json", "--no-language-id"], timeout: 120)
        #expect(outcome.stdout.contains("\"rejected\" : 5"))
        #expect(try run.count("SELECT COUNT(*) FROM reject") == 5)
        let listed = try run.vigie(["rejects", "--limit", "100"])
        #expect(listed.stdout.components(separatedBy: "twibot.json:1:").count - 1 == 5)
    }

    @Test("a twarc tweet whose edit_history_tweet_ids has the wrong type is rejected, not stored as post 0")
    func editHistoryOfTheWrongType() throws {
        let run = try Run()
        defer { run.cleanUp() }
        func tweet(_ history: String) -> String {
            #"{"data":{"id":"1576994789110992896","author_id":"42","created_at":"2022-10-03T17:24:54.000Z","text":"hello","edit_history_tweet_ids":\#(history)}}"#
        }
        let path = try run.file("edits.jsonl", [tweet("[0]"), tweet("[true]"), tweet("\"1576994746135764992\""),
                                               tweet("[1.5e18]")].joined(separator: "\n"))
        try run.vigie(["ingest", path, "--no-language-id"])
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE platform_id = '0'") == 0)
        #expect(try run.count("SELECT COUNT(*) FROM post") == 0)
        #expect(try run.count("SELECT COUNT(*) FROM reject WHERE reason LIKE '%edit_history_tweet_ids%'") == 4)
    }

    @Test("millisecond CSV times are read as milliseconds; year 0, negative times, +99:99 offsets and duplicate keys are rejected")
    func outOfRangeValues() throws {
        let run = try Run()
        defer { run.cleanUp() }
        let csv = try run.file("times.csv", Self.toolkitHeader + Self.toolkitRow(1, time: "1740830534000")
                               + Self.toolkitRow(2, time: "0000-01-01T00:00:00Z") + Self.toolkitRow(3, time: "-1740830534")
                               + Self.toolkitRow(4, time: "2025-03-01T10:00:00+99:99"))
        try run.vigie(["ingest", csv, "--no-language-id"])
        #expect(try run.count("SELECT COUNT(*) FROM post WHERE created_at = 1740830534000") == 1)
        #expect(try run.count("SELECT COUNT(*) FROM reject") == 3)
        let good = #"{"did":"did:plc:a","time_us":1740830534574999,"kind":"identity","identity":{"handle":"a.bsky.social"}}"#
        let duplicated = #"{"did":"did:plc:a","did":"did:plc:b","time_us":1740830534574999,"kind":"identity","identity":{"handle":"a.bsky.social"}}"#
        let json = try run.file("dup.jsonl", good + "\n" + duplicated + "\n")
        try run.vigie(["ingest", json, "--no-language-id"])
        #expect(try run.rejectReasons().contains { $0.contains("duplicate key 'did'") })
    }

    // MARK: - Errors a person can act on

    @Test("a malformed query names the column on every command that takes one", arguments: [
        ["query", "(velo"], ["watch", "add", "w", "(velo"], ["trends", "--query", "(velo"], ["discover", "(velo"],
    ])
    func queryErrorsNameTheColumn(arguments: [String]) throws {
        let workspace = try FuzzWorkspace(posts: 50)
        defer { workspace.cleanUp() }
        let outcome = try workspace.run(arguments)
        FuzzWorkspace.expectHandled(outcome, arguments)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("column 6"), "\(outcome.stderr.prefix(300))")
    }
}
