/// The coordination-network-toolkit CSV: `message_id,user_id,username,repost_id,reply_id,
/// message,timestamp,urls`, timestamps in epoch seconds, links space-separated, RFC 4180 quoting.
struct ToolkitCSVWriter: FormatWriter {
    private let ids: Identifiers
    private(set) var lines = 0
    static let header: StaticString = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"

    init(ids: Identifiers) { self.ids = ids }

    func writeHeader(to file: OutputFile) {
        file.buffer.append(ToolkitCSVWriter.header)
    }

    mutating func write(_ planned: PlannedPost, to file: OutputFile) throws(SynthError) {
        let post = planned.post
        let author = Int(post.author)
        file.buffer.appendDigits(post.id)
        file.buffer.append(UInt8(ascii: ","))
        file.buffer.appendDigits(ids.twitterAccountID(author))
        file.buffer.append(UInt8(ascii: ","))
        file.buffer.append(string: ids.population.handle[author])
        file.buffer.append(UInt8(ascii: ","))
        if post.kind == .repost { file.buffer.appendDigits(post.referenceID) }
        file.buffer.append(UInt8(ascii: ","))
        if post.kind == .reply { file.buffer.appendDigits(post.replyToID) }
        file.buffer.append(",\"")
        for byte in post.text {
            if byte == UInt8(ascii: "\"") { file.buffer.append(byte) }
            file.buffer.append(byte)
        }
        file.buffer.append("\",")
        file.buffer.append(floorDivide(post.millis, 1000).quotient)
        file.buffer.append(UInt8(ascii: ","))
        var first = true
        for entity in post.entities where entity.kind == .link {
            if !first { file.buffer.append(UInt8(ascii: " ")) }
            first = false
            file.buffer.append(post.text[Int(entity.start)..<Int(entity.end)])
        }
        file.buffer.append(UInt8(ascii: "\n"))
        lines += 1
        try file.flushIfFull()
    }

}
