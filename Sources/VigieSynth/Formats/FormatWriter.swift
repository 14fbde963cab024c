/// Turns planned posts into one format's records, written to the data file as they come.
protocol FormatWriter {
    /// Lines (records) written so far.
    var lines: Int { get }
    mutating func write(_ planned: PlannedPost, to file: OutputFile) throws(SynthError)
    /// Writes what is still buffered (the last page of a paged format).
    mutating func finish(to file: OutputFile) throws(SynthError)
}

extension FormatWriter {
    /// Formats that write each record as it comes have nothing left to write.
    mutating func finish(to file: OutputFile) throws(SynthError) {}
}

/// A format that writes each post as one JSON line of its own.
protocol JSONLineWriter: FormatWriter {
    var lines: Int { get set }
    func render(_ post: PostContent, reference: PostContent?, into out: inout ByteBuffer)
}

extension JSONLineWriter {
    mutating func write(_ planned: PlannedPost, to file: OutputFile) throws(SynthError) {
        render(planned.post, reference: planned.reference, into: &file.buffer)
        file.buffer.append(UInt8(ascii: "\n"))
        lines += 1
        try file.flushIfFull()
    }
}

/// A post's text as Twitter shows it: links replaced by t.co links, entity offsets in code points.
struct TwitterText {
    struct Entity {
        var kind: TextEntity.Kind
        var start: Int
        var end: Int
        var value: Int32
        /// The entity as written in the canonical text (the expanded link, `#tag`, `@handle`).
        var original: ArraySlice<UInt8>
        var shortLink: [UInt8]
    }

    var text: [UInt8] = []
    var entities: [Entity] = []

    init(_ post: PostContent) {
        text.reserveCapacity(post.text.count + 32)
        var copied = 0
        var codePoints = 0
        for entity in post.entities {
            let start = Int(entity.start), end = Int(entity.end)
            guard start >= copied, end <= post.text.count else { continue }
            let between = post.text[copied..<start]
            text.append(contentsOf: between)
            codePoints += EntityRenderer.codePoints(between)
            let original = post.text[start..<end]
            var rendered = Entity(kind: entity.kind, start: codePoints, end: codePoints, value: entity.value,
                                  original: original, shortLink: [])
            if entity.kind == .link {
                rendered.shortLink = EntityRenderer.shortLink(original)
                text.append(contentsOf: rendered.shortLink)
                codePoints += rendered.shortLink.count
            } else {
                text.append(contentsOf: original)
                codePoints += EntityRenderer.codePoints(original)
            }
            rendered.end = codePoints
            entities.append(rendered)
            copied = end
        }
        text.append(contentsOf: post.text[copied...])
    }
}

extension ByteBuffer {
    /// `"key":` for JSON objects written by hand.
    @inline(__always)
    mutating func key(_ name: StaticString) {
        append(UInt8(ascii: "\""))
        append(name)
        append("\":")
    }

    /// A number written as a JSON string (`"1394735776701816833"`).
    mutating func appendQuoted(_ value: UInt64) {
        append(UInt8(ascii: "\""))
        appendDigits(value)
        append(UInt8(ascii: "\""))
    }
}
