/// Splits a CSV input into rows of fields (RFC 4180), reading the file in chunks so memory stays
/// bounded whatever its size.
///
/// - Quoted fields may hold the delimiter, newlines and `""` (an escaped quote). A quote is only
///   special at the start of a field; elsewhere it is an ordinary character, as most exporters
///   and Python's `csv` module treat it.
/// - Rows end with LF or CRLF, or with CR alone in files whose first line ends that way (old
///   spreadsheet exports); a UTF-8 byte-order mark is skipped; blank lines are skipped; the last
///   row needs no newline.
/// - A row whose quote never closes, or that grows beyond `maxRowBytes`, is reported through
///   `onError` and reading goes on at the next line, so one broken row loses nothing else.
/// - A runaway quote (a stray `"` at the start of a field, which swallows every line up to the
///   next quote) is told by its row: a quoted field running over several lines and a field count
///   that differs from the header's. It is reported at the line where it opened, with the lines
///   it covered; when those lines read again on their own are rows of the header's width, they
///   are handed over as rows (else the whole span is one reject).
///
/// Bytes are scanned once; a `String` is made only for each field.
public final class CSVRowSplitter {
    /// Rows bigger than this are rejected rather than buffered without bound.
    public static let maxRowBytes = 64 << 20

    private let source: ByteSource
    private let delimiter: UInt8
    private let maxRowBytes: Int
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes (the current row) in `buffer`.
    private var rowStart = 0
    private var rowStartLine = 1
    private var atEnd = false
    /// LF, or CR for files whose lines end with CR alone.
    private var newline: UInt8 = 0x0A
    /// The field count of the first row (the header), against which runaway quotes are told.
    private var expectedFields: Int?

    public convenience init(source: ByteSource, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.init(source: source, delimiter: delimiter, maxRowBytes: CSVRowSplitter.maxRowBytes)
    }

    /// `maxRowBytes` is settable so tests can exercise the limit without 64 MiB inputs.
    init(source: ByteSource, delimiter: UInt8, maxRowBytes: Int) {
        self.source = source
        self.delimiter = delimiter
        self.maxRowBytes = maxRowBytes
    }

    /// Calls `body` with each row's fields and the 1-based line where the row starts. Errors
    /// thrown by `body` or `onError` stop the iteration; delimiting problems are passed to
    /// `onError` and iteration goes on.
    public func forEachRow(_ body: ([String], Int) throws -> Void, onError: (UnitError) throws -> Void) throws {
        var fields: [String] = []
        try scanRows({ scan in try emitRow(scan, into: &fields, body) }, onError: onError)
    }

    /// Like ``forEachRow(_:onError:)``, but each row's fields come as bytes (quotes removed,
    /// `""` unescaped) in one buffer that is valid only during the call: no `String` is made.
    public func forEachRawRow(_ body: (CSVRawRow, Int) throws -> Void, onError: (UnitError) throws -> Void) throws {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        try scanRows({ scan in
            if scan.isBlank(in: buffer, rowStart: rowStart) { return }
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            buffer.withUnsafeBufferPointer { source in
                for field in scan.fields {
                    field.append(from: source, rowStart: rowStart, to: &bytes)
                    ends.append(bytes.count)
                }
            }
            try bytes.withUnsafeBufferPointer { bytes in
                try ends.withUnsafeBufferPointer { try body(CSVRawRow(bytes: bytes, ends: $0), rowStartLine) }
            }
        }, onError: onError)
    }

    /// The row loop: `emit` gets each delimited row while `rowStart`/`rowStartLine` point at it.
    private func scanRows(_ emit: (RowScan) throws -> Void, onError: (UnitError) throws -> Void) throws {
        try skipByteOrderMark()
        try detectLineEnding()
        var scan = RowScan()
        func emitCounting(_ scan: RowScan) throws {
            if expectedFields == nil, !scan.isBlank(in: buffer, rowStart: rowStart) { expectedFields = scan.fields.count }
            try emit(scan)
        }
        while true {
            let outcome = buffer.withUnsafeBufferPointer {
                scan.advance($0, rowStart: rowStart, delimiter: delimiter, newline: newline)
            }
            switch outcome {
            case .rowEnd(let next):
                var resume = next
                if let expectedFields, let opening = scan.multilineQuote {
                    resume = try readMultilineRow(scan, opening: opening, end: next, expectedFields: expectedFields,
                                                  emit: emitCounting, onError: onError)
                } else {
                    try emitCounting(scan)
                    rowStartLine += scan.newlines + 1
                }
                rowStart = resume
                scan.reset()
            case .needMore:
                if scan.offset > maxRowBytes {
                    try onError(UnitError(line: rowStartLine, reason: "row larger than \(maxRowBytes >> 20) MiB",
                                          excerpt: excerpt()))
                    try skipToNextLine()
                    scan.reset()
                    continue
                }
                if try refill() { continue }
                // End of input: a final row without a newline, or an unclosed quote.
                let closed = buffer.withUnsafeBufferPointer { scan.finishAtEndOfInput($0, rowStart: rowStart) }
                if !closed {
                    let opening = scan.multilineQuote ?? (offset: 0, lineOffset: 0)
                    let openedAt = rowStartLine + opening.lineOffset
                    let lastLine = rowStartLine + scan.newlines
                    try onError(UnitError(line: openedAt, reason: "unterminated quoted field: the quote opened at line \(openedAt) never closes"
                                          + (lastLine > openedAt ? " (it ran over lines \(openedAt)–\(lastLine) to the end of the file)" : "")
                                          + "; the lines after it are read on as rows",
                                          excerpt: excerpt()))
                    // The quote may have been a stray one: read on from the row's second line.
                    guard let newline = firstNewline(from: rowStart) else { return }
                    rowStart = newline + 1
                    rowStartLine += 1
                    scan.reset()
                    continue
                }
                if rowStart < buffer.count {
                    if let expectedFields, let opening = scan.multilineQuote {
                        // A quote closed by the file's very last byte may be a runaway too.
                        let resume = try readMultilineRow(scan, opening: opening, end: buffer.count,
                                                          expectedFields: expectedFields, emit: emitCounting, onError: onError)
                        rowStart = resume
                        scan.reset()
                        if resume < buffer.count { continue }
                        return
                    }
                    try emitCounting(scan)
                    rowStart = buffer.count
                }
                return
            }
        }
    }

    /// A row with a quoted field that runs over line breaks: a real multi-line text, or a
    /// runaway quote (a stray `"` at the start of a field) that swallowed the lines up to the next
    /// quote. It is a runaway when the lines after the opening one read as rows of the header's
    /// width: most of them, and either the opening line itself does too (its quote taken as an
    /// ordinary character), or the field goes on after its closing quote (the stray quote closed
    /// on the opening quote of a good row's field), or one of them opens with an id like the
    /// row's own, or the row's own width is wrong, or several lines agree. The quote
    /// is then reported at the line where it opened and the lines after it are handed over as
    /// rows (each checked by the decoder); a row that does not end inside the span is read on by
    /// the main loop, from its own start. Otherwise the row is handed over as it is when its
    /// width is right, and rejected whole (with the lines it covers) when it is not.
    /// Returns where reading goes on.
    private func readMultilineRow(_ scan: RowScan, opening: (offset: Int, lineOffset: Int), end: Int,
                                  expectedFields: Int, emit: (RowScan) throws -> Void,
                                  onError: (UnitError) throws -> Void) throws -> Int {
        let openedAt = rowStartLine + opening.lineOffset
        let lastLine = rowStartLine + scan.newlines
        let width = scan.fields.count
        let firstLineEnd = firstNewline(from: rowStart + opening.offset).map { $0 + 1 } ?? end
        var rows: [(start: Int, scan: RowScan)] = []
        var resume = end
        var openingLineWidth = 0
        if opening.lineOffset == 0, firstLineEnd < end {
            buffer.withUnsafeBufferPointer { whole in
                var literal = RowScan()
                literal.literalQuote = opening.offset
                let line = UnsafeBufferPointer(rebasing: whole[0..<firstLineEnd])
                if case .rowEnd = literal.advance(line, rowStart: rowStart, delimiter: delimiter, newline: newline) {
                    openingLineWidth = literal.fields.count
                }
                let region = UnsafeBufferPointer(rebasing: whole[0..<end])
                var start = firstLineEnd
                var lineScan = RowScan()
                while start < end {
                    guard case .rowEnd(let next) = lineScan.advance(region, rowStart: start, delimiter: delimiter,
                                                                    newline: newline) else {
                        resume = start
                        return
                    }
                    // Another stray quote inside the span, whose row ran over the next lines with
                    // the wrong width or over a row of its own kind: its own line is a row (the
                    // quote an ordinary character), and the lines after it are read on their own.
                    if lineScan.newlines > 0, let quote = lineScan.multilineQuote, quote.lineOffset == 0,
                       let lineEnd = region[start..<next].firstIndex(of: newline),
                       lineScan.fields.count != expectedFields || lineScan.multilineTextAfterClose
                        || swallowsRow(lineScan, quote: quote.offset, start: start, lines: (lineEnd + 1)..<next,
                                       in: region, expectedFields: expectedFields) {
                        var literal = RowScan()
                        literal.literalQuote = quote.offset
                        let line = UnsafeBufferPointer(rebasing: whole[0..<(lineEnd + 1)])
                        if case .rowEnd(let afterLine) = literal.advance(line, rowStart: start, delimiter: delimiter, newline: newline) {
                            rows.append((start, literal))
                            lineScan.reset()
                            start = afterLine
                            continue
                        }
                    }
                    rows.append((start, lineScan))
                    lineScan.reset()
                    start = next
                }
            }
        }
        let rowLines = rows.filter { !$0.scan.isBlank(in: buffer, rowStart: $0.start) }
        let fitting = rowLines.filter { $0.scan.fields.count == expectedFields }.count
        let swallowedRow = buffer.withUnsafeBufferPointer { whole in
            Self.ownID(scan, quote: opening.offset, start: rowStart, in: whole).map { own in
                rowLines.contains { Self.opens($0.scan, at: $0.start, likeRowWithID: own, expectedFields: expectedFields, in: whole) }
            } ?? false
        }
        let runaway = fitting >= 1 && (openingLineWidth == expectedFields || scan.multilineTextAfterClose || swallowedRow
                                       || (width != expectedFields && fitting * 2 >= rowLines.count)
                                       || (fitting >= 2 && fitting * 2 > rowLines.count))
        let column = opening.lineOffset == 0 ? opening.offset + 1 : nil
        let place = "line \(openedAt)" + (column.map { ", column \($0)," } ?? "")
        if runaway {
            let reread = openedAt + rows.reduce(0) { $0 + $1.scan.newlines + 1 }
            try onError(UnitError(line: openedAt, reason: "a quote opened at \(place) never closes on its line: it ran "
                                  + "over lines \(openedAt)–\(lastLine); lines \(openedAt + 1)–\(reread) were read again as rows",
                                  excerpt: excerpt(upTo: firstLineEnd)))
            rowStartLine += 1
            for (start, rowScan) in rows {
                rowStart = start
                try emit(rowScan)
                rowStartLine += rowScan.newlines + 1
            }
            return resume
        }
        if width == expectedFields {
            try emit(scan)
        } else {
            try onError(UnitError(line: openedAt, reason: "a quoted field opened at \(place) runs over lines "
                                  + "\(openedAt)–\(lastLine) and leaves the row with \(width) fields, the header "
                                  + "has \(expectedFields): probably a quote that never closes",
                                  excerpt: excerpt()))
        }
        rowStartLine += scan.newlines + 1
        return end
    }

    /// Whether one of `lines` (the lines after the first of the row `scan` starting at `start`,
    /// whose multi-line field opens at `quote`), each read on its own, is a swallowed row.
    private func swallowsRow(_ scan: RowScan, quote: Int, start: Int, lines: Range<Int>, in region: UnsafeBufferPointer<UInt8>,
                             expectedFields: Int) -> Bool {
        guard let own = Self.ownID(scan, quote: quote, start: start, in: region) else { return false }
        var lineStart = lines.lowerBound
        while lineStart < lines.upperBound {
            let lineEnd = region[lineStart..<lines.upperBound].firstIndex(of: newline).map { $0 + 1 } ?? lines.upperBound
            var line = RowScan()
            if case .rowEnd = line.advance(UnsafeBufferPointer(rebasing: region[0..<lineEnd]), rowStart: lineStart,
                                           delimiter: delimiter, newline: newline),
               Self.opens(line, at: lineStart, likeRowWithID: own, expectedFields: expectedFields, in: region) {
                return true
            }
            lineStart = lineEnd
        }
        return false
    }

    /// The length of the id the row at `start` opens with, when its multi-line field (at `quote`)
    /// comes after it.
    private static func ownID(_ scan: RowScan, quote: Int, start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = scan.fields.first, quote > first.end else { return nil }
        return numericID(first, rowStart: start, in: bytes)
    }

    /// Whether `line` is a row of the header's width that opens with an id like the row's own
    /// (digits of about the same length): a swallowed row, not a line of text.
    private static func opens(_ line: RowScan, at start: Int, likeRowWithID own: Int, expectedFields: Int,
                              in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.fields.count == expectedFields, let id = numericID(line.fields[0], rowStart: start, in: bytes) else { return false }
        return abs(id - own) <= 2
    }

    /// The length of `field` when it is an unquoted run of 4 to 40 ASCII digits (an id), else nil.
    private static func numericID(_ field: FieldSpan, rowStart: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !field.quoted, field.end - field.start >= 4, field.end - field.start <= 40 else { return nil }
        for index in (rowStart + field.start)..<(rowStart + field.end) where !(0x30...0x39).contains(bytes[index]) { return nil }
        return field.end - field.start
    }

    /// CR alone ends lines when the first line break of the file (outside quotes) is a CR not
    /// followed by LF.
    private func detectLineEnding() throws {
        while true {
            var inQuotes = false
            var index = rowStart
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                if !inQuotes, byte == 0x0A { return }
                if !inQuotes, byte == 0x0D {
                    guard index + 1 < buffer.count else { break }
                    if buffer[index + 1] != 0x0A { newline = 0x0D }
                    return
                }
                index += 1
            }
            if buffer.count - rowStart > 1 << 20 { return }
            if try !refill() { return }
        }
    }

    /// Picks the delimiter of a file from its header line: the most frequent of `,`, `;` and
    /// tab outside quotes, comma on a tie or when there is none.
    public static func detectDelimiter(headerLine: String) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var counts = [0, 0, 0]
        var inQuotes = false
        for byte in headerLine.utf8 {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if byte == 0x0A { break }
            if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        var best = 0
        for index in 1..<candidates.count where counts[index] > counts[best] { best = index }
        return candidates[best]
    }

    /// The delimiter of a CSV file, from its first line (read without loading the file).
    public static func detectDelimiter(path: String) throws -> UInt8 {
        try detectDelimiter(source: ByteSource(path: path, chunkSize: 64 << 10))
    }

    /// The delimiter from the first line of an open file, read from its start; the source is
    /// rewound afterwards.
    public static func detectDelimiter(source: ByteSource) throws -> UInt8 {
        try source.rewind()
        defer { try? source.rewind() }
        var head: [UInt8] = []
        _ = try source.readChunk(into: &head)
        var start = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { start = 3 }
        let end = head[start...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? head.count
        return detectDelimiter(headerLine: String(decoding: head[start..<end], as: UTF8.self))
    }

    // MARK: - Rows

    private func emitRow(_ scan: RowScan, into fields: inout [String],
                         _ body: ([String], Int) throws -> Void) throws {
        if scan.isBlank(in: buffer, rowStart: rowStart) { return }
        fields.removeAll(keepingCapacity: true)
        buffer.withUnsafeBufferPointer { bytes in
            for field in scan.fields {
                fields.append(field.value(in: bytes, rowStart: rowStart))
            }
        }
        try body(fields, rowStartLine)
    }

    // MARK: - Buffer management

    /// Drops the consumed bytes and reads one more chunk. Returns false at end of input.
    private func refill() throws -> Bool {
        if atEnd { return false }
        if rowStart > 0 {
            buffer.removeFirst(rowStart)
            rowStart = 0
        }
        if try !source.readChunk(into: &buffer) { atEnd = true }
        return !atEnd
    }

    private func skipByteOrderMark() throws {
        while buffer.count - rowStart < 3, try refill() {}
        if buffer.count - rowStart >= 3, buffer[rowStart] == 0xEF, buffer[rowStart + 1] == 0xBB, buffer[rowStart + 2] == 0xBF {
            rowStart += 3
        }
    }

    private func firstNewline(from start: Int) -> Int? {
        let newline = self.newline
        return buffer.withUnsafeBufferPointer { bytes in
            var index = start
            while index < bytes.count {
                if bytes[index] == newline { return index }
                index += 1
            }
            return nil
        }
    }

    /// Drops an oversized row up to the end of its line, reading on without keeping the bytes.
    private func skipToNextLine() throws {
        while true {
            if let newline = firstNewline(from: rowStart) {
                rowStart = newline + 1
                rowStartLine += 1
                return
            }
            rowStart = buffer.count
            if try !refill() { return }
        }
    }

    private func excerpt(upTo limit: Int? = nil) -> String {
        let end = min(buffer.count, rowStart + 300, limit ?? .max)
        return String(decoding: buffer[rowStart..<max(end, rowStart)], as: UTF8.self)
    }
}

/// One CSV row's fields as bytes, from ``CSVRowSplitter/forEachRawRow(_:onError:)``: valid
/// only during the call that hands it.
public struct CSVRawRow {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let ends: UnsafeBufferPointer<Int>

    init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
        self.bytes = bytes
        self.ends = ends
    }

    public var count: Int { ends.count }

    /// The bytes of field `index` (quotes removed, `""` unescaped).
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
    }

    public func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// The fields joined by commas, for an error's excerpt.
    public var joined: String { (0..<count).map(string).joined(separator: ",") }
}

/// Where one field lies in the current row, as offsets from the row's start so that they stay
/// valid when the buffer drops its consumed prefix.
private struct FieldSpan {
    var start: Int
    var end: Int
    /// The field opened with a quote.
    var quoted: Bool
    /// Quoted with nothing but `"…"` and no `""` inside: the content is a plain slice.
    var simple: Bool

    func value(in bytes: UnsafeBufferPointer<UInt8>, rowStart: Int) -> String {
        let start = rowStart + start, end = rowStart + end
        if !quoted { return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
        if simple { return String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(end - 1)]), as: UTF8.self) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(end - start)
        append(from: bytes, rowStart: rowStart, to: &unescaped)
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// Appends the field's content (without its quotes, `""` unescaped) to `out`.
    func append(from bytes: UnsafeBufferPointer<UInt8>, rowStart: Int, to out: inout [UInt8]) {
        let start = rowStart + start, end = rowStart + end
        if !quoted { return out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end])) }
        if simple { return out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(end - 1)])) }
        // Rare: escaped quotes, or text after the closing quote (kept, as Python's csv does).
        var index = start + 1
        var inQuotes = true
        while index < end {
            let byte = bytes[index]
            index += 1
            if inQuotes, byte == UInt8(ascii: "\"") {
                if index < end, bytes[index] == UInt8(ascii: "\"") {
                    out.append(byte)
                    index += 1
                } else {
                    inQuotes = false
                }
                continue
            }
            out.append(byte)
        }
    }
}

/// Incremental scan of one row: it stops when the buffer runs out and resumes where it stopped
/// when more bytes arrive.
private struct RowScan {
    enum Outcome {
        /// The row ends; the next one starts at this buffer index.
        case rowEnd(next: Int)
        case needMore
    }

    private(set) var fields: [FieldSpan] = []
    /// Scan position, relative to the row's start.
    private(set) var offset = 0
    private(set) var inQuotes = false
    /// Newlines inside quoted fields, to know the line where the next row starts.
    private(set) var newlines = 0
    /// The first quoted field that runs over a line break: where its quote opened (offset from
    /// the row's start) and on which line of the row (0 for the first).
    private(set) var multilineQuote: (offset: Int, lineOffset: Int)?
    /// The field of `multilineQuote` went on after its closing quote (`"…\n…"text`): a writer
    /// never closes a field that way, a stray quote that closed on another field's opening quote
    /// does.
    private(set) var multilineTextAfterClose = false
    /// Offset (from the row's start) of a quote read as an ordinary character.
    var literalQuote: Int?
    private var fieldStart = 0
    private var fieldQuoted = false
    private var fieldEscaped = false
    /// Offset just after the closing quote of the current field.
    private var closingQuoteEnd = -1

    mutating func advance(_ bytes: UnsafeBufferPointer<UInt8>, rowStart: Int, delimiter: UInt8,
                          newline: UInt8 = 0x0A) -> Outcome {
        let quote = UInt8(ascii: "\"")
        var index = rowStart + offset
        let count = bytes.count
        defer { offset = index - rowStart }
        while index < count {
            if inQuotes {
                // Inside quotes only a quote matters (and newlines, for line numbers).
                let byte = bytes[index]
                if byte == quote {
                    guard index + 1 < count else { return .needMore }
                    if bytes[index + 1] == quote {
                        fieldEscaped = true
                        index += 2
                    } else {
                        inQuotes = false
                        index += 1
                        closingQuoteEnd = index - rowStart
                    }
                    continue
                }
                if byte == newline {
                    if multilineQuote == nil { multilineQuote = (fieldStart, newlines) }
                    newlines += 1
                }
                index += 1
                continue
            }
            let byte = bytes[index]
            if byte == delimiter {
                closeField(at: index - rowStart)
                index += 1
                continue
            }
            if byte == newline {
                var end = index - rowStart
                if newline == 0x0A, end > fieldStart, bytes[index - 1] == 0x0D { end -= 1 }
                closeField(at: end)
                index += 1
                return .rowEnd(next: index)
            }
            if byte == quote, index - rowStart == fieldStart, !fieldQuoted, index - rowStart != literalQuote {
                fieldQuoted = true
                inQuotes = true
            }
            index += 1
        }
        return .needMore
    }

    /// Closes the last field when the input ends without a newline. Returns false when a
    /// quoted field is still open.
    mutating func finishAtEndOfInput(_ bytes: UnsafeBufferPointer<UInt8>, rowStart: Int) -> Bool {
        if inQuotes {
            // `advance` waits for the byte after a quote; at the end there is none: it closes.
            guard rowStart + offset == bytes.count - 1, bytes[rowStart + offset] == UInt8(ascii: "\"") else {
                return false
            }
            inQuotes = false
            offset += 1
            closingQuoteEnd = offset
        }
        var end = offset
        if end > fieldStart, bytes[rowStart + end - 1] == 0x0D { end -= 1 }
        closeField(at: end)
        return true
    }

    mutating func reset() {
        fields.removeAll(keepingCapacity: true)
        offset = 0
        inQuotes = false
        newlines = 0
        multilineQuote = nil
        multilineTextAfterClose = false
        fieldStart = 0
        fieldQuoted = false
        fieldEscaped = false
        closingQuoteEnd = -1
    }

    /// A line with nothing but spaces or tabs carries no record.
    func isBlank(in buffer: [UInt8], rowStart: Int) -> Bool {
        guard fields.count == 1, let field = fields.first, !field.quoted else { return false }
        for index in (rowStart + field.start)..<(rowStart + field.end) {
            let byte = buffer[index]
            if byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        }
        return true
    }

    private mutating func closeField(at end: Int) {
        if fieldQuoted, closingQuoteEnd != end, multilineQuote?.offset == fieldStart { multilineTextAfterClose = true }
        let simple = fieldQuoted && !fieldEscaped && closingQuoteEnd == end
        fields.append(FieldSpan(start: fieldStart, end: end, quoted: fieldQuoted, simple: simple))
        fieldStart = end + 1
        fieldQuoted = false
        fieldEscaped = false
        closingQuoteEnd = -1
    }
}
