/// Splits a JSON input into the units that are decoded one at a time, without holding the
/// whole file in memory:
/// - JSON lines: one unit a line (a broken line never swallows the next one);
/// - a top-level array (TwiBot-20, Mastodon timelines): one unit an element;
/// - one or more pretty-printed documents: one unit a top-level value.
public final class JSONUnitSplitter {
    public enum Layout: String, Sendable {
        case lines, array, documents
    }

    /// Units bigger than this are rejected rather than buffered without bound.
    public static let maxUnitBytes = 256 << 20

    public private(set) var layout: Layout?
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var lineAtPosition = 1
    private var atEnd = false

    public init(source: ByteSource) {
        self.source = source
    }

    /// Calls `body` with each unit's bytes and the line it starts on. Errors thrown by `body`
    /// stop the iteration; delimiting problems are passed to `onError` and iteration goes on.
    public func forEachUnit(
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void,
        onError: (UnitError) throws -> Void
    ) throws {
        try detectLayout()
        switch layout! {
        case .lines: try splitLines(body)
        case .documents: try splitValues(insideArray: false, body, onError: onError)
        case .array:
            // Step over the opening bracket, then read elements.
            skipWhitespace()
            position += 1
            try splitValues(insideArray: true, body, onError: onError)
        }
    }

    // MARK: - Buffer management

    /// Drops consumed bytes and reads one more chunk. Returns false at end of file.
    private func refill() throws -> Bool {
        if atEnd { return false }
        if position > 0 {
            countLines(upTo: position)
            buffer.removeFirst(position)
            linePosition -= position
            position = 0
        }
        let more = try source.readChunk(into: &buffer)
        if !more { atEnd = true }
        return more
    }

    private var linePosition = 0

    /// Brings the line counter up to `offset` (counting newlines once).
    private func countLines(upTo offset: Int) {
        guard offset > linePosition else { return }
        buffer.withUnsafeBufferPointer { b in
            var n = 0
            for i in linePosition..<offset where b[i] == 0x0A { n += 1 }
            lineAtPosition += n
        }
        linePosition = offset
    }

    private func line(at offset: Int) -> Int {
        countLines(upTo: offset)
        return lineAtPosition
    }

    private func skipWhitespace() {
        while position < buffer.count {
            let c = buffer[position]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 } else { return }
        }
    }

    private func detectLayout() throws {
        // Read until the first non-blank byte (and skip a UTF-8 byte-order mark).
        while true {
            skipWhitespace()
            if position < buffer.count { break }
            if try !refill() { layout = .documents; return }
        }
        if buffer.count >= position + 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
            skipWhitespace()
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "[") {
            layout = .array
            return
        }
        // JSON lines if the first value ends on its own line.
        var scan = ValueScan(start: position)
        while true {
            if let end = scan.advance(buffer) {
                var i = end
                while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x09 || buffer[i] == 0x0D { i += 1 }
                let spansLines = buffer[position..<end].contains(0x0A)
                layout = (!spansLines && (i >= buffer.count || buffer[i] == 0x0A)) ? .lines : .documents
                return
            }
            let offset = position
            if buffer.count - position > Self.maxUnitBytes {
                // A first record this large that spans lines is most likely broken JSON lines.
                layout = buffer[position...].contains(0x0A) ? .lines : .documents
                return
            }
            if try !refill() {
                // The file ends inside its first value: one truncated document, reported once.
                layout = .documents
                return
            }
            scan.rebase(offset - position)
        }
    }

    // MARK: - JSON lines

    private func splitLines(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
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
                try emit(from: position, to: newline, body)
                position = newline + 1
                searchFrom = position
                continue
            }
            searchFrom = buffer.count - position
            if try !refill() {
                if position < buffer.count { try emit(from: position, to: buffer.count, body) }
                position = buffer.count
                return
            }
            // `refill` moved the unconsumed bytes to the front.
            searchFrom += position
        }
    }

    private func emit(from start: Int, to end: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var last = end
        if last > start, buffer[last - 1] == 0x0D { last -= 1 }
        let lineNumber = line(at: start)
        // Blank lines carry nothing.
        var blank = true
        for i in start..<last where !(buffer[i] == 0x20 || buffer[i] == 0x09) {
            blank = false
            break
        }
        if blank { return }
        try buffer.withUnsafeBufferPointer { b in
            try body(UnsafeBufferPointer(rebasing: b[start..<last]), lineNumber)
        }
    }

    // MARK: - Documents and array elements

    private func splitValues(
        insideArray: Bool,
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void,
        onError: (UnitError) throws -> Void
    ) throws {
        while true {
            // Find the start of the next value.
            while true {
                skipWhitespace()
                if insideArray, position < buffer.count, buffer[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if position < buffer.count { break }
                if try !refill() { return }
            }
            if insideArray, buffer[position] == UInt8(ascii: "]") {
                position += 1
                try reportTrailingText(onError: onError)
                return
            }
            var scan = ValueScan(start: position)
            while true {
                if let end = scan.advance(buffer, stopAtComma: insideArray) {
                    let lineNumber = line(at: position)
                    try buffer.withUnsafeBufferPointer { b in
                        try body(UnsafeBufferPointer(rebasing: b[position..<end]), lineNumber)
                    }
                    position = end
                    break
                }
                if buffer.count - position > Self.maxUnitBytes {
                    try onError(UnitError(line: line(at: position),
                                          reason: "record larger than \(Self.maxUnitBytes >> 20) MiB",
                                          excerpt: excerpt(from: position)))
                    return
                }
                let offset = position
                if try !refill() {
                    try onError(UnitError(line: line(at: position),
                                          reason: insideArray ? "unterminated array element (file truncated?)"
                                                              : "unterminated JSON value (file truncated?)",
                                          excerpt: excerpt(from: position)))
                    position = buffer.count
                    return
                }
                scan.rebase(offset - position)
            }
        }
    }

    private func reportTrailingText(onError: (UnitError) throws -> Void) throws {
        while true {
            skipWhitespace()
            if position < buffer.count {
                try onError(UnitError(line: line(at: position), reason: "unexpected text after the top-level array",
                                      excerpt: excerpt(from: position)))
                position = buffer.count
                return
            }
            if try !refill() { return }
        }
    }

    private func excerpt(from start: Int) -> String {
        let end = min(buffer.count, start + 300)
        return String(decoding: buffer[start..<end], as: UTF8.self)
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

    /// Returns the end (exclusive) of the value, or nil if the buffer ends first.
    mutating func advance(_ buffer: [UInt8], stopAtComma: Bool = false) -> Int? {
        buffer.withUnsafeBufferPointer { b in
            while index < b.count {
                let c = b[index]
                if !started {
                    started = true
                    if c != UInt8(ascii: "{") && c != UInt8(ascii: "[") && c != UInt8(ascii: "\"") {
                        scalar = true
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
