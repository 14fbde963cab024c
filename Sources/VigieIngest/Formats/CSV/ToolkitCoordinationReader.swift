import Foundation
import VigieCore

/// Reads a coordination-network-toolkit CSV (`message_id,user_id,username,repost_id,reply_id,
/// message,timestamp,urls`, any column order) straight into a ``CoordinationInput``, for
/// `vigie coordination --input`: no store, no ``Post`` per row when it can be helped.
///
/// - With the toolkit's keys (``CoordinationInput/Keys/toolkit``) and only co-repost, co-text,
///   co-link and co-reply asked for, each row goes from its CSV bytes to the input's integer
///   arrays: ids and keys are interned from the bytes, the co-text key is computed on the bytes
///   (ASCII) and the links are the `urls` column split on single spaces, exactly as the
///   toolkit's `row[-1].split(" ")` (an empty column is one empty link).
/// - Otherwise (Vigie's keys, co-hashtag, co-similar) rows are decoded by
///   ``ToolkitCSVDecoder`` — the importer's own decoder, so the posts are the ones `vigie
///   ingest` would store — and their keys (tokens, MinHash shingles) are worked out on every
///   core, in batches, then added in file order.
///
/// Bad rows (wrong field count, missing id, author or time, a time that is not one) are
/// counted and the first ones kept with their line and reason; reading goes on. Repeated
/// message ids count once (the first copy, as the toolkit's `insert or ignore`).
///
/// ```swift
/// var input = CoordinationInput(keys: .toolkit, types: [.coRepost, .coPost, .coLink], deduplicatesPosts: true)
/// let report = try ToolkitCoordinationReader.read(path: "messages.csv", into: &input)
/// ```
public enum ToolkitCoordinationReader {
    public struct Report: Sendable {
        public var file: String
        /// Data rows met (the header apart).
        public var rows = 0
        /// Posts added to the input.
        public var posts = 0
        public var rejected = 0
        /// The first bad rows, with line and reason.
        public var firstRejects: [Reject] = []
        public var seconds = 0.0
        /// Whether rows went from bytes to the input without posts (see the type's documentation).
        public var fromBytes = false
    }

    /// Whether `input` takes its keys from the bytes: the toolkit's keys, and no type that
    /// needs the text's tokens or entities.
    public static func readsBytes(_ input: CoordinationInput) -> Bool {
        input.keys == .toolkit && input.types.isSubset(of: [.coRepost, .coPost, .coLink, .coReply])
    }

    /// Whether the file's header is the toolkit's (the columns, in any order, and no other).
    public static func recognizes(path: String) -> Bool {
        guard let delimiter = try? CSVRowSplitter.detectDelimiter(path: path),
              let source = try? ByteSource(path: path, chunkSize: 1 << 16) else { return false }
        var header: [String]?
        struct Stop: Error {}
        _ = try? CSVRowSplitter(source: source, delimiter: delimiter).forEachRow({ fields, _ in
            header = fields
            throw Stop()
        }, onError: { _ in throw Stop() })
        return header.map(ToolkitCSVDecoder.recognizes(header:)) ?? false
    }

    public static func read(path: String, into input: inout CoordinationInput, platform: Platform = .other,
                            rejectsKept: Int = 10, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Report {
        let started = Date()
        let source: ByteSource
        do {
            source = try ByteSource(path: path, chunkSize: 4 << 20)
        } catch let error as ByteSource.OpenError {
            throw ImportError(code: .unreadable, file: path, message: error.reason)
        }
        let options = CSVOptions(platform: platform, delimiter: (try? CSVRowSplitter.detectDelimiter(source: source)) ?? UInt8(ascii: ","))
        var report = Report(file: path)
        report.fromBytes = readsBytes(input)
        let postsBefore = input.count
        var state = RowState(path: path, rejectsKept: rejectsKept)
        var headerError: Error?
        var bytesReader: BytesReader?
        var batches: DecodingBatches?
        do {
            try CSVRowSplitter(source: source, delimiter: options.delimiter).forEachRawRow({ row, line in
                if bytesReader == nil, batches == nil {
                    let header = (0..<row.count).map { row.string($0) }
                    do {
                        let decoder = try ToolkitCSVDecoder(header: header, options: options)
                        if report.fromBytes {
                            bytesReader = BytesReader(header: header, types: input.types)
                        } else {
                            batches = DecodingBatches(decoder: decoder, threads: threads)
                        }
                    } catch {
                        headerError = error
                        throw error
                    }
                    return
                }
                report.rows += 1
                if bytesReader != nil {
                    bytesReader!.read(row, line: line, into: &input, &state)
                } else {
                    batches!.add(row, line: line)
                    if batches!.isFull { batches!.flush(into: &input, &state) }
                }
            }, onError: { error in
                report.rows += 1
                state.reject(line: error.line, reason: error.reason, excerpt: error.excerpt)
            })
        } catch where headerError != nil {
            let reason = (headerError as? RecordError).map(ImportRun.describe) ?? "\(headerError!)"
            throw ImportError(code: .badHeader, file: path, message: "line 1 (header): \(reason)")
        }
        batches?.flush(into: &input, &state)
        report.posts = input.count - postsBefore
        report.rejected = state.rejected
        report.firstRejects = state.kept
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Bad rows met so far.
    struct RowState {
        let path: String
        let rejectsKept: Int
        var rejected = 0
        var kept: [Reject] = []

        mutating func reject(line: Int, reason: String, excerpt: String) {
            rejected += 1
            if kept.count < rejectsKept {
                kept.append(Reject(file: path, line: line, format: ImportFormat.toolkitCSV.rawValue, reason: reason,
                                   excerpt: String(excerpt.prefix(300))))
            }
        }
    }

    // MARK: - From bytes

    /// The toolkit's keys from the row's bytes.
    struct BytesReader {
        let columns: Int
        let messageID, userID, username, repostID, replyID, message, timestamp, urls: Int
        var scratch: [UInt8] = []
        /// Links of the current row already added (a link twice in a row is one key).
        var links: [Range<Int>] = []

        /// The types asked for, looked up once (not per row).
        let repost, reply, link, text: Bool

        init(header: [String], types: Set<CoordinationType>) {
            (repost, reply, link, text) = (types.contains(.coRepost), types.contains(.coReply),
                                           types.contains(.coLink), types.contains(.coPost))
            let lookup = CSVHeader(header)
            let index = ToolkitCSVDecoder.columnNames.map { lookup.index(of: $0)! }
            columns = header.count
            (messageID, userID, username, repostID, replyID) = (index[0], index[1], index[2], index[3], index[4])
            (message, timestamp, urls) = (index[5], index[6], index[7])
        }

        mutating func read(_ row: CSVRawRow, line: Int, into input: inout CoordinationInput, _ state: inout RowState) {
            guard row.count == columns else {
                return state.reject(line: line, reason: "row has \(row.count) fields, the header has \(columns)", excerpt: row.joined)
            }
            let id = row.field(messageID), author = row.field(userID), rawTime = row.field(timestamp)
            guard !id.isEmpty else { return state.reject(line: line, reason: "missing field 'message_id'", excerpt: row.joined) }
            guard !author.isEmpty else { return state.reject(line: line, reason: "missing field 'user_id'", excerpt: row.joined) }
            guard !rawTime.isEmpty else { return state.reject(line: line, reason: "missing field 'timestamp'", excerpt: row.joined) }
            let timeText = String(decoding: rawTime, as: UTF8.self)
            guard let time = ToolkitCSVDecoder.parseTimestamp(timeText) else {
                return state.reject(line: line, reason: "column 'timestamp' is not a Unix time or a date: '\(timeText.prefix(40))'",
                                    excerpt: row.joined)
            }
            guard let post = input.beginPost(id: id, author: author, handle: row.field(username),
                                             time: time.timeIntervalSince1970) else { return }
            let repostOf = row.field(repostID)
            if !repostOf.isEmpty {
                if repost { input.add(.coRepost, key: repostOf, post: post) }
                return
            }
            let replyTo = row.field(replyID)
            if !replyTo.isEmpty, reply { input.add(.coReply, key: replyTo, post: post) }
            if link {
                // `urls.split(" ")`: every piece between single spaces, empty ones included.
                let list = row.field(urls)
                links.removeAll(keepingCapacity: true)
                var start = 0
                for end in 0...list.count where end == list.count || list[end] == 0x20 {
                    defer { start = end + 1 }
                    let piece = UnsafeBufferPointer(rebasing: list[start..<end])
                    if links.contains(where: { $0.count == piece.count && list[$0].elementsEqual(piece) }) { continue }
                    links.append(start..<end)
                    input.add(.coLink, key: piece, post: post)
                }
            }
            if text { input.addToolkitText(row.field(message), post: post, scratch: &scratch) }
        }
    }

    // MARK: - Through posts

    /// Rows decoded into posts and their keys worked out in parallel, a batch at a time, then
    /// added in file order.
    struct DecodingBatches {
        static let batchSize = 16_384
        let decoder: ToolkitCSVDecoder
        let threads: Int
        var rows: [[String]] = []
        var lines: [Int] = []

        init(decoder: ToolkitCSVDecoder, threads: Int) {
            self.decoder = decoder
            self.threads = max(1, threads)
            rows.reserveCapacity(Self.batchSize)
        }

        var isFull: Bool { rows.count >= Self.batchSize }

        mutating func add(_ row: CSVRawRow, line: Int) {
            rows.append((0..<row.count).map { row.string($0) })
            lines.append(line)
        }

        mutating func flush(into input: inout CoordinationInput, _ state: inout RowState) {
            guard !rows.isEmpty else { return }
            let slices = min(threads, max(1, rows.count / 1024))
            let results = DecodedSlices(count: slices)
            let maker = input.keyMaker
            let shared = Shared((rows: rows, decoder: decoder))
            let work: @Sendable (Int) -> Void = { slice in
                let rows = shared.value.rows
                var decoder = shared.value.decoder
                var decoded: [Decoded] = []
                let range = (rows.count * slice / slices)..<(rows.count * (slice + 1) / slices)
                decoded.reserveCapacity(range.count)
                for index in range {
                    var items: [IngestItem] = []
                    do {
                        try decoder.decode(rows[index], into: &items)
                        var item = Decoded(index: index, items: items)
                        for case .post(let post) in items {
                            item.keys.append(maker.derivedKeys(for: post))
                        }
                        decoded.append(item)
                    } catch {
                        let reason = (error as? RecordError).map(ImportRun.describe) ?? "\(error)"
                        decoded.append(Decoded(index: index, items: [], error: reason))
                    }
                }
                results.set(slice, decoded)
            }
            if slices > 1 {
                DispatchQueue.concurrentPerform(iterations: slices, execute: work)
            } else {
                work(0)
            }
            for decoded in results.all.joined() {
                if let error = decoded.error {
                    state.reject(line: lines[decoded.index], reason: error, excerpt: rows[decoded.index].joined(separator: ","))
                    continue
                }
                var keys = decoded.keys.makeIterator()
                for item in decoded.items {
                    switch item {
                    case .account(let account):
                        input.register(account)
                    case .post(let post):
                        if let derived = keys.next() { input.append(post, keys: derived) }
                    case .interaction, .tombstone:
                        continue
                    }
                }
            }
            self.rows.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
        }
    }

    struct Decoded: Sendable {
        var index: Int
        var items: [IngestItem]
        var keys: [CoordinationInput.DerivedKeys] = []
        var error: String?
    }

    /// Read-only values handed to the decoding threads (each copies what it mutates).
    final class Shared<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Per-slice results written from the decoding threads.
    final class DecodedSlices: @unchecked Sendable {
        private let lock = NSLock()
        private var slices: [[Decoded]]

        init(count: Int) { slices = Array(repeating: [], count: count) }

        func set(_ slice: Int, _ value: [Decoded]) { lock.withLock { slices[slice] = value } }

        var all: [[Decoded]] { lock.withLock { slices } }
    }
}
