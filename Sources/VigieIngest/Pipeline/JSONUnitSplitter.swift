/// Splits a JSON input into the units that are decoded one at a time, without holding the
/// whole file in memory:
/// - JSON lines: one unit a line (a broken line never swallows the next one);
/// - a top-level array (TwiBot-20, Mastodon timelines): one unit an element;
/// - one or more pretty-printed documents: one unit a top-level value.
///
/// Damage never stops the split and never costs more than the damaged record:
/// - the layout is told from the first lines, so a broken first record does not turn a JSON-lines
///   file into one endless document;
/// - a unit the caller finds broken (``Verdict/broken(atOffset:)``) is resynchronised: the split
///   goes on at the first place inside it that starts a record the way earlier records started
///   (same bytes up to the first key, after a separator: a comma in an array, a line break or a
///   value's end between documents), so a damaged record never swallows the ones after it;
///   starts learnt from records come first, so a nested object after a comma (a hashtag in a
///   one-line array) is not taken for a record when a real one follows;
/// - an array met where a document or an element should start is read element by element (two
///   arrays joined, batches of records, an array after damage); the outer `]` ends it only
///   before the end of the file or another array, otherwise it is a stray one (a nested array's
///   end inside a damaged record);
/// - text where a value should start (a stray `}`, `]` or `,`) is reported and skipped;
/// - a unit larger than ``maxUnitBytes`` is reported and skipped without being buffered whole.
/// Every pass of every loop consumes at least one byte, so the split always ends.
public final class JSONUnitSplitter {
    public enum Layout: String, Sendable {
        case lines, array, documents
    }

    /// Where a unit starts in the file: 1-based line and byte column.
    public struct Position: Sendable, Hashable {
        public var line: Int
        public var column: Int
    }

    /// What the caller made of a unit.
    public enum Verdict: Sendable, Hashable {
        /// A record: how it starts is learnt as a mark of the next record after damage.
        case accepted
        /// Well-formed JSON that is not a record (a fragment of a damaged one, say).
        case notARecord
        /// Not well-formed JSON; parsing failed at this byte offset of the unit (kept for
        /// callers' messages: the split resumes at the first record start inside the unit).
        case broken(atOffset: Int)
    }

    /// Units bigger than this are rejected rather than buffered without bound.
    public static let maxUnitBytes = 256 << 20
    /// How much of the start a JSON-lines layout is recognised from.
    static let layoutSampleLines = 64

    public private(set) var layout: Layout?
    private let source: ByteSource
    private let maxUnitBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// File offset (in the UTF-8 the source hands out) of `buffer[0]`.
    private var base = 0
    /// Newlines are counted up to this file offset; `lineStart` is where its line begins.
    private var counted = 0
    private var lineAtCounted = 1
    private var lineStart = 0
    /// How the first record starts (`{"did"`, `{\n  "id"`): the mark of the next record after damage.
    /// Taken from the first unit, then from the first record.
    private var signature: [UInt8]?
    private var signatureConfirmed = false
    /// How the records met so far start (tweets and users in one array: `{"created_at"`, `{"ID"`).
    private var recordStarts: [[UInt8]] = []
    private static let maxRecordStarts = 16
    /// The blanks before records on their line, when nothing else precedes them there (a
    /// pretty-printed file): after a line break, records start at these indentations; deeper
    /// objects are nested ones. Learnt from records (a wrapped record may be deeper than the
    /// others); the first unit's stands in until a record is read.
    private var recordIndents: Set<Int> = []
    private var firstIndent: Int?
    private var indents: Set<Int>? { recordIndents.isEmpty ? firstIndent.map { [$0] } : recordIndents }

    public convenience init(source: ByteSource) {
        self.init(source: source, maxUnitBytes: JSONUnitSplitter.maxUnitBytes)
    }

    /// `maxUnitBytes` is settable so tests can exercise the limit without 256 MiB inputs.
    init(source: ByteSource, maxUnitBytes: Int) {
        self.source = source
        self.maxUnitBytes = maxUnitBytes
    }

    /// Calls `body` with each unit's bytes and where it starts; `body` says whether the unit was
    /// well-formed, so that a broken one is resynchronised. Errors thrown by `body` or `onError`
    /// stop the iteration; delimiting problems are passed to `onError` and iteration goes on.
    public func forEachUnit(
        resyncing body: (UnsafeBufferPointer<UInt8>, Position) throws -> Verdict,
        onError: (UnitError) throws -> Void
    ) throws {
        try detectLayout()
        switch layout! {
        case .lines: try splitLines(body, onError: onError)
        // The top-level array's bracket is read as the start of an array of records.
        case .documents, .array: try splitValues(body, onError: onError)
        }
    }

    /// Calls `body` with each unit's bytes and the line it starts on, without resynchronising
    /// inside broken units (for callers that only look at the units).
    public func forEachUnit(
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void,
        onError: (UnitError) throws -> Void
    ) throws {
        try forEachUnit(resyncing: { bytes, position in
            try body(bytes, position.line)
            return .accepted
        }, onError: onError)
    }

    // MARK: - Buffer management

    /// Drops consumed bytes and reads one more chunk. Returns false at end of file.
    private func refill() throws -> Bool {
        if atEnd { return false }
        dropConsumed()
        let more = try source.readChunk(into: &buffer)
        if !more { atEnd = true }
        return more
    }

    private func dropConsumed() {
        guard position > 0 else { return }
        countLines(upTo: base + position)
        buffer.removeFirst(position)
        base += position
        position = 0
    }

    /// Brings the line counter up to file offset `offset` (counting newlines once).
    private func countLines(upTo offset: Int) {
        guard offset > counted else { return }
        buffer.withUnsafeBufferPointer { b in
            var line = lineAtCounted
            var start = lineStart
            for i in (counted - base)..<(offset - base) where b[i] == 0x0A {
                line += 1
                start = base + i + 1
            }
            lineAtCounted = line
            lineStart = start
        }
        counted = offset
    }

    /// Line and column of buffer index `index` (which must not be before any earlier one asked).
    private func locate(_ index: Int) -> Position {
        countLines(upTo: base + index)
        return Position(line: lineAtCounted, column: base + index - lineStart + 1)
    }

    private func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    /// Skips blanks, reading more as needed; false at end of file.
    private func skipBlanks() throws -> Bool {
        while true {
            while position < buffer.count, isBlank(buffer[position]) { position += 1 }
            if position < buffer.count { return true }
            if try !refill() { return false }
        }
    }

    // MARK: - Layout

    /// A top-level array, JSON lines (most of the first lines start a value at column 1 and end
    /// it on the same line), or else documents. Reading the first lines rather than the first
    /// value is what keeps a truncated first line from making the file one broken document.
    private func detectLayout() throws {
        guard try skipBlanks() else { layout = .documents; return }
        while buffer.count - position < 3, try refill() {}
        if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB,
           buffer[position + 2] == 0xBF {
            position += 3
            guard try skipBlanks() else { layout = .documents; return }
        }
        if buffer[position] == UInt8(ascii: "[") {
            layout = try firstLinesAreValues(needed: 2) ? .lines : .array
            return
        }
        layout = try firstLinesAreValues(needed: 1) ? .lines : .documents
    }

    /// Whether the first lines from `position` look like JSON lines: at least `needed` lines that
    /// hold one whole value from column 1, and most of the non-blank lines start a value there.
    private func firstLinesAreValues(needed: Int) throws -> Bool {
        var cursor = position
        var complete = 0
        var startsValue = 0
        var lines = 0
        while lines < Self.layoutSampleLines, complete < 3 {
            // Find the end of this line, reading more when needed (up to the unit limit).
            var searched = cursor
            var newline: Int?
            while true {
                newline = buffer[searched...].firstIndex(of: 0x0A)
                if newline != nil || buffer.count - position > maxUnitBytes { break }
                let offsets = (cursor - position, buffer.count - position)
                if try !refill() { break }
                cursor = position + offsets.0
                searched = position + offsets.1
            }
            let end = newline ?? buffer.count
            var first = cursor
            while first < end, isBlank(buffer[first]) { first += 1 }
            if first < end {
                lines += 1
                let opener = buffer[cursor]
                if opener == UInt8(ascii: "{") || opener == UInt8(ascii: "[") {
                    startsValue += 1
                    var scan = ValueScan(start: cursor)
                    if let valueEnd = scan.advance(buffer, limit: end) {
                        var rest = valueEnd
                        while rest < end, isBlank(buffer[rest]) { rest += 1 }
                        if rest == end { complete += 1 }
                    }
                }
            }
            guard let newline else { break }
            cursor = newline + 1
            if cursor >= buffer.count {
                let offset = cursor - position
                if try !refill() { break }
                cursor = position + offset
            }
        }
        return complete >= needed && startsValue * 2 > lines
    }

    // MARK: - JSON lines

    private func splitLines(
        _ body: (UnsafeBufferPointer<UInt8>, Position) throws -> Verdict,
        onError: (UnitError) throws -> Void
    ) throws {
        var searchFrom = position
        while true {
            let newline: Int? = buffer.withUnsafeBufferPointer { b in
                var i = searchFrom
                while i < b.count {
                    if b[i] == 0x0A { return i }
                    i += 1
                }
                return nil
            }
            if let newline {
                try emitLine(from: position, to: newline, body)
                position = newline + 1
                searchFrom = position
                continue
            }
            if buffer.count - position > maxUnitBytes {
                try onError(UnitError(line: locate(position).line, reason: "line longer than \(maxUnitBytes >> 20) MiB",
                                      excerpt: excerpt(from: position)))
                try skipPastNewline()
                searchFrom = position
                continue
            }
            searchFrom = buffer.count - position
            if try !refill() {
                if position < buffer.count { try emitLine(from: position, to: buffer.count, body) }
                position = buffer.count
                return
            }
            // `refill` moved the unconsumed bytes to the front.
            searchFrom += position
        }
    }

    /// Drops the rest of an oversized line without keeping it.
    private func skipPastNewline() throws {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                position = newline + 1
                return
            }
            position = buffer.count
            if try !refill() { return }
        }
    }

    /// One line's units: the line, and after damage, each further record start inside it (two
    /// records joined by a lost newline).
    private func emitLine(from start: Int, to end: Int,
                          _ body: (UnsafeBufferPointer<UInt8>, Position) throws -> Verdict) throws {
        var last = end
        if last > start, buffer[last - 1] == 0x0D { last -= 1 }
        var first = start
        while first < last, buffer[first] == 0x20 || buffer[first] == 0x09 { first += 1 }
        // Blank lines carry nothing.
        if first == last { return }
        if signature == nil { signature = Self.signature(of: buffer, at: first, limit: last) }
        var unitStart = first
        while true {
            let where_ = locate(unitStart)
            let verdict = try buffer.withUnsafeBufferPointer { b in
                try body(UnsafeBufferPointer(rebasing: b[unitStart..<last]), where_)
            }
            confirmSignature(verdict, at: unitStart, limit: last)
            // Two records joined by a lost newline: the second is read on from its own start.
            guard case .broken = verdict, let next = nextSignature(from: unitStart + 1, before: last, .line) else { return }
            unitStart = next
        }
    }

    // MARK: - Documents and array elements

    /// Where a record may start when resynchronising: anywhere on a line but after a key's
    /// colon (JSON lines), after a comma (array elements), after a value's end or a line break
    /// (documents).
    private enum Context {
        case line, array, documents
    }

    /// Documents and arrays alike: an array met where a document should start (the top-level
    /// array, or one after damage or after another array) is read element by element.
    private func splitValues(
        _ body: (UnsafeBufferPointer<UInt8>, Position) throws -> Verdict,
        onError: (UnitError) throws -> Void
    ) throws {
        var context = Context.documents
        // Arrays open around the current element: an array inside the array of records (batches
        // of records, or a bracket that damage left open) is read element by element too, so
        // the records in it are never lost as one refused element.
        var arrays = 0
        while true {
            guard try skipBlanks() else { return }
            let c = buffer[position]
            if c == UInt8(ascii: "[") {
                position += 1
                context = .array
                arrays += 1
                continue
            }
            if context == .array {
                if c == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if c == UInt8(ascii: "]") {
                    if arrays > 1 {
                        position += 1
                        arrays -= 1
                    } else if try closeArray(onError: onError) {
                        context = .documents
                        arrays = 0
                    }
                    continue
                }
            }
            let startsValue = c == UInt8(ascii: "{")
                || (context == .array && (c == UInt8(ascii: "\"") || c == UInt8(ascii: "-")
                                          || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "t") || c == UInt8(ascii: "f")
                                          || c == UInt8(ascii: "n")))
            if !startsValue {
                try skipStrayText(context, onError: onError)
                continue
            }
            try splitOneValue(context, body, onError: onError)
        }
    }

    /// A `]` inside an array: its end when the file ends, another array follows, or other text
    /// follows on a later line; else a stray one (JSON punctuation or text right after it: more
    /// elements, or the rest of a damaged element that a resynchronisation cut into): reported,
    /// and the array goes on. Returns true when the array ended.
    private func closeArray(onError: (UnitError) throws -> Void) throws -> Bool {
        let at = locate(position)
        position += 1
        var lineBreak = false
        while true {
            while position < buffer.count, isBlank(buffer[position]) {
                if buffer[position] == 0x0A { lineBreak = true }
                position += 1
            }
            if position < buffer.count { break }
            if try !refill() { return true }
        }
        let next = buffer[position]
        let punctuation: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":")]
        if next == UInt8(ascii: "[") || (lineBreak && !punctuation.contains(next)) { return true }
        try onError(UnitError(line: at.line, reason: "stray ']' at column \(at.column) inside an array; "
                              + "the elements after it are read on", excerpt: "]"))
        return false
    }

    /// Text where a value should start: reported once, skipped to the next record start.
    private func skipStrayText(_ context: Context, onError: (UnitError) throws -> Void) throws {
        let start = locate(position)
        let shown = excerpt(from: position)
        let first = shown.prefix(1)
        let punctuation = first == "}" || first == "]" || first == "," || first == ":"
        // Stray punctuation right before an object (`[\n:{…`): the object is read next. Searching
        // for a record start instead could, before any record confirmed how records start, take
        // a nested object at the start of a line for one.
        let next = try (punctuation ? objectAfterPunctuation(from: position) : nil) ?? findRecordStart(from: position + 1, context)
        let what = punctuation ? "stray '\(first)'" : "text that is not JSON"
        try onError(UnitError(line: start.line, reason: "\(what) at column \(start.column) where "
                              + (context == .array ? "an array element" : "a JSON value") + " should start; skipped "
                              + (next == nil ? "to the end of the file" : "to the next record"),
                              excerpt: shown))
        position = next ?? buffer.count
    }

    /// The `{` that follows a run of JSON punctuation and blanks from `from`, if the buffer holds one.
    private func objectAfterPunctuation(from: Int) -> Int? {
        var i = from
        while i < buffer.count {
            switch buffer[i] {
            case UInt8(ascii: "{"): return i
            case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return nil
            }
        }
        return nil
    }

    /// Scans one value from `position` and hands it over; resynchronises when it is broken.
    private func splitOneValue(
        _ context: Context,
        _ body: (UnsafeBufferPointer<UInt8>, Position) throws -> Verdict,
        onError: (UnitError) throws -> Void
    ) throws {
        if signature == nil {
            signature = Self.signature(of: buffer, at: position, limit: buffer.count)
            firstIndent = buffer.withUnsafeBufferPointer { Self.indentation(of: $0, at: position) }
        }
        var scan = ValueScan(start: position)
        while true {
            if let end = scan.advance(buffer, stopAtComma: context == .array) {
                let start = position
                let where_ = locate(start)
                let verdict = try buffer.withUnsafeBufferPointer { b in
                    try body(UnsafeBufferPointer(rebasing: b[start..<end]), where_)
                }
                confirmSignature(verdict, at: start, limit: end)
                position = end
                // A broken value may have run into the records after it: the split goes on at
                // the first record start inside it. So may an element that is not an object and
                // is followed by something other than a separator: a string cut open whose
                // closing quote was the first key's quote of the next record.
                let damaged: Bool
                if case .broken = verdict { damaged = true } else { damaged = context == .array && isFollowedByText(start, end) }
                if damaged, let next = nextSignature(from: start + 1, before: end, context) {
                    position = next
                } else if damaged, buffer[start] == UInt8(ascii: "\""), let brace = braceBeforeClosingQuote(start, end) {
                    // A string cut open right before a record (`"{"created_at":…`): its closing
                    // quote was the record's first key's, and the record starts at the brace.
                    position = brace
                }
                return
            }
            if buffer.count - position > maxUnitBytes {
                let where_ = locate(position)
                try onError(UnitError(line: where_.line, reason: "record larger than \(maxUnitBytes >> 20) MiB",
                                      excerpt: excerpt(from: position)))
                position = try findRecordStart(from: position + 1, context) ?? buffer.count
                return
            }
            let offset = position
            if try !refill() {
                // The file ends inside this value: a truncated record, or a damaged one that
                // swallowed the records after it. Those are read again from their own start.
                let start = locate(position)
                let next = nextSignature(from: position + 1, before: buffer.count, context)
                var reason = context == .array ? "unterminated array element" : "unterminated JSON value"
                if let next {
                    let nextStart = locate(next)
                    let lastLine = max(start.line, nextStart.line - (nextStart.column == 1 ? 1 : 0))
                    reason += lastLine > start.line ? " (lines \(start.line)–\(lastLine))" : ""
                    reason += "; the records after it are read on"
                } else {
                    reason += " (file truncated?)"
                }
                try onError(UnitError(line: start.line, reason: reason, excerpt: excerpt(from: position)))
                position = next ?? buffer.count
                return
            }
            scan.rebase(offset - position)
        }
    }

    /// The `{` that only blanks separate from the closing quote of the string at `start..<end`.
    private func braceBeforeClosingQuote(_ start: Int, _ end: Int) -> Int? {
        var k = end - 2
        while k > start, isBlank(buffer[k]) { k -= 1 }
        return k > start && buffer[k] == UInt8(ascii: "{") ? k : nil
    }

    /// Whether the array element at `start..<end`, not an object or an array, is followed by
    /// text where a comma or the array's end should be (as far as the buffer shows).
    private func isFollowedByText(_ start: Int, _ end: Int) -> Bool {
        guard buffer[start] != UInt8(ascii: "{"), buffer[start] != UInt8(ascii: "[") else { return false }
        var i = end
        while i < buffer.count, isBlank(buffer[i]) { i += 1 }
        return i < buffer.count && buffer[i] != UInt8(ascii: ",") && buffer[i] != UInt8(ascii: "]")
    }

    /// The next record start from `from`, reading (and dropping what lies before it) as needed.
    private func findRecordStart(from: Int, _ context: Context) throws -> Int? {
        var from = from
        while true {
            if let found = nextSignature(from: from, before: buffer.count, context) { return found }
            // Keep a tail as long as a signature, in case one straddles the chunk boundary.
            let keep = (signature?.count ?? 1) + 64
            let consumed = max(position, min(from, buffer.count) - keep)
            let offset = from - consumed
            position = consumed
            if try !refill() { return nil }
            from = position + offset
        }
    }

    // MARK: - Resynchronisation

    private func confirmSignature(_ verdict: Verdict, at start: Int, limit: Int) {
        guard verdict == .accepted else { return }
        if recordIndents.count < 8, let indent = buffer.withUnsafeBufferPointer({ Self.indentation(of: $0, at: start) }) {
            recordIndents.insert(indent)
        }
        guard !signatureConfirmed || recordStarts.count < Self.maxRecordStarts,
              let end = Self.signatureEnd(of: buffer, at: start, limit: limit) else { return }
        if !signatureConfirmed {
            signatureConfirmed = true
            signature = Array(buffer[start..<end])
        }
        // Compared in place: most records start like one already known, and cost no copy.
        let length = end - start
        guard length > 1, recordStarts.count < Self.maxRecordStarts,
              !recordStarts.contains(where: { $0.count == length && buffer[start..<end].elementsEqual($0) }) else { return }
        recordStarts.append(Array(buffer[start..<end]))
    }

    /// How a record starts: `{`, blanks, and the first key in quotes (at most 80 bytes), or just
    /// `{` when the object does not open that way; `nil` for a value that is not an object (a
    /// stray number or string says nothing about how records start).
    static func signature(of buffer: [UInt8], at start: Int, limit: Int) -> [UInt8]? {
        signatureEnd(of: buffer, at: start, limit: limit).map { Array(buffer[start..<$0]) }
    }

    /// Where ``signature(of:at:limit:)`` ends (exclusive).
    static func signatureEnd(of buffer: [UInt8], at start: Int, limit: Int) -> Int? {
        guard start < limit, buffer[start] == UInt8(ascii: "{") else { return nil }
        var i = start + 1
        while i < limit, i - start < 80, buffer[i] == 0x20 || buffer[i] == 0x0A || buffer[i] == 0x0D || buffer[i] == 0x09 {
            i += 1
        }
        guard i < limit, buffer[i] == UInt8(ascii: "\"") else { return start + 1 }
        i += 1
        while i < limit, i - start < 80, buffer[i] != UInt8(ascii: "\""), buffer[i] != UInt8(ascii: "\\") { i += 1 }
        guard i < limit, buffer[i] == UInt8(ascii: "\"") else { return start + 1 }
        return i + 1
    }

    /// The first index in `from..<before` where a record starts, and where `context` lets a
    /// record start: like the records met so far did, or else like the first one up to its first
    /// key's quote. A start of the second sort that comes first is taken when it leads, value by
    /// value, to a start of the first sort (records of a kind not met yet), not when it is a
    /// nested object after a comma (a hashtag of a damaged tweet in a one-line array).
    private func nextSignature(from: Int, before: Int, _ context: Context) -> Int? {
        let mark = resyncMark(context)
        var any = firstStart(of: [mark], from: from, before: before, context)
        guard context != .line, !recordStarts.isEmpty,
              let known = firstStart(of: recordStarts, from: from, before: before, context, glued: true) else { return any }
        while let candidate = any, candidate < known {
            if valuesLead(from: candidate, to: known) { return candidate }
            any = firstStart(of: [mark], from: candidate + 1, before: known, context)
        }
        return known
    }

    /// The mark of a record of any kind: on a JSON line, the first record's start up to its first
    /// key. Elsewhere, elements and documents may start with different keys (tweets and users in
    /// one array): the opening brace and the blanks before the first key's quote, whose
    /// indentation in pretty-printed files also tells a record from a nested object; and before
    /// any record was read, where the first unit's indentation is known, just the brace (that
    /// unit may be a damaged one written otherwise, a compact line in a pretty file).
    private func resyncMark(_ context: Context) -> [UInt8] {
        let brace = [UInt8(ascii: "{")]
        guard var mark = signature, context != .line else { return signature ?? brace }
        if !signatureConfirmed, firstIndent != nil { return brace }
        if mark.count > 2, let quote = mark.firstIndex(of: UInt8(ascii: "\"")) { mark.removeSubrange((quote + 1)...) }
        return mark
    }

    /// Whether objects separated by blanks and single commas run from `start` to `target`, or at
    /// least one does before damage that is not a nested value's end: a `]` or `}` after them
    /// says they were elements of a nested array.
    private func valuesLead(from start: Int, to target: Int) -> Bool {
        var i = start
        var separated = 0
        while i < target {
            guard buffer[i] == UInt8(ascii: "{") else {
                return buffer[i] != UInt8(ascii: "]") && buffer[i] != UInt8(ascii: "}") && separated > 0
            }
            var scan = ValueScan(start: i)
            guard let end = scan.advance(buffer, limit: target) else { return separated > 0 }
            i = end
            var commas = 0
            while i < target, isBlank(buffer[i]) || buffer[i] == UInt8(ascii: ",") {
                if buffer[i] == UInt8(ascii: ",") { commas += 1 }
                i += 1
            }
            if commas != 1 { return i == target || (commas > 1 && separated > 0) }
            separated += 1
        }
        return i == target
    }

    /// The first index in `from..<before` where one of `marks` (all opening with `{`) starts a record.
    /// With `glued`, a mark also starts a record right after text (a record cut short and the next
    /// one run into it, `…"cut text{"id": …`): valid JSON puts an object only after `:`, `,`, `[`
    /// or nothing, and a record's start with its first key cannot lie inside a string, whose
    /// quotes would be escaped; after `:` or `[` it is a nested object.
    private func firstStart(of marks: [[UInt8]], from: Int, before: Int, _ context: Context, glued: Bool = false) -> Int? {
        guard from < before else { return nil }
        let indents = self.indents
        return buffer.withUnsafeBufferPointer { b -> Int? in
            var i = from
            while i < before {
                guard b[i] == UInt8(ascii: "{") else {
                    i += 1
                    continue
                }
                for mark in marks where i + mark.count <= before {
                    var matches = true
                    for k in 1..<mark.count where b[i + k] != mark[k] {
                        matches = false
                        break
                    }
                    if matches, Self.canStartRecord(b, at: i, context, indents: indents) || (glued && Self.followsText(b, at: i)),
                       mark.count > 1 || context != .line || Self.opensWithKey(b, at: i, before: before) {
                        return i
                    }
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether the object opening at `index` starts with a key: on a line whose first record
    /// was damaged (the mark is only `{`), a record is an object with keys, not every brace of a
    /// line of thousands of them.
    private static func opensWithKey(_ b: UnsafeBufferPointer<UInt8>, at index: Int, before: Int) -> Bool {
        var k = index + 1
        while k < before, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
        return k < before && b[k] == UInt8(ascii: "\"")
    }

    /// The blanks between the line's start and `index`, or nil when something else precedes it.
    private static func indentation(of b: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        var k = index - 1
        while k >= 0, b[k] == 0x20 || b[k] == 0x09 { k -= 1 }
        return k < 0 || b[k] == 0x0A ? index - k - 1 : nil
    }

    /// Whether the object opening at `index` follows text on its line: neither blanks up to the
    /// line start nor JSON punctuation that may precede an object.
    private static func followsText(_ b: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var k = index - 1
        while k >= 0, b[k] == 0x20 || b[k] == 0x09 { k -= 1 }
        guard k >= 0 else { return false }
        switch b[k] {
        case 0x0A, 0x0D, UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: ","), UInt8(ascii: "{"): return false
        default: return true
        }
    }

    private static func canStartRecord(_ b: UnsafeBufferPointer<UInt8>, at index: Int, _ context: Context, indents: Set<Int>?) -> Bool {
        var k = index - 1
        var sawNewline = false
        while k >= 0, b[k] == 0x20 || b[k] == 0x0A || b[k] == 0x0D || b[k] == 0x09 {
            if b[k] == 0x0A { sawNewline = true }
            k -= 1
        }
        guard k >= 0 else { return true }
        // At a line start in a pretty-printed file, a record is as indented as records are.
        if sawNewline, context != .line, let indents, !indents.contains(indentation(of: b, at: index) ?? -1) { return false }
        switch context {
        case .line: return sawNewline || b[k] != UInt8(ascii: ":")
        // In an array, after a comma; or at the start of a line, the way documents follow each
        // other: a stray '[' can leave the splitter in an array that is really a sequence of
        // documents, and a truncated element can end inside a string or right after a key's ':'.
        // At a line start the signature's indentation tells a record from a nested object (a
        // pretty printer puts a key's value on the key's line).
        case .array: return b[k] == UInt8(ascii: ",") || sawNewline
        // Between documents; or after a comma, where damage hid the array the records are in.
        case .documents: return sawNewline || b[k] == UInt8(ascii: "}") || b[k] == UInt8(ascii: "]") || b[k] == UInt8(ascii: ",")
        }
    }

    private func excerpt(from start: Int) -> String {
        let end = min(buffer.count, start + 300)
        return String(decoding: buffer[min(start, end)..<end], as: UTF8.self)
    }
}

/// Incremental scan for the end of one JSON value: tracks nesting and strings so that the
/// scan can resume where it stopped when more bytes arrive.
struct ValueScan {
    private var index: Int
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false
    private var scalar = false

    init(start: Int) { index = start }

    /// Shifts the scan after the buffer's consumed prefix was dropped (`delta` = old start − new start).
    mutating func rebase(_ delta: Int) { index -= delta }

    /// Returns the end (exclusive) of the value, or nil if the buffer (or `limit`) ends first.
    /// A value is never empty: a scalar ends at the first delimiter after its first byte.
    mutating func advance(_ buffer: [UInt8], stopAtComma: Bool = false, limit: Int? = nil) -> Int? {
        buffer.withUnsafeBufferPointer { b in
            let end = min(limit ?? b.count, b.count)
            while index < end {
                let c = b[index]
                if !started {
                    started = true
                    if c != UInt8(ascii: "{") && c != UInt8(ascii: "[") && c != UInt8(ascii: "\"") {
                        scalar = true
                        index += 1
                        continue
                    }
                }
                if scalar {
                    // A bare scalar ends at whitespace or a delimiter.
                    if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == UInt8(ascii: ",")
                        || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                        return index
                    }
                    index += 1
                    continue
                }
                index += 1
                if inString {
                    if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") {
                        inString = false
                        if depth == 0 { return index }
                    }
                    continue
                }
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth <= 0 { return index }
                default: break
                }
            }
            return nil
        }
    }
}
