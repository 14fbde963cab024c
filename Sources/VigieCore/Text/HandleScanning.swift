/// The rules for `@user` and `@user@instance.social` shared by `EntityExtractor` (which scans
/// UTF-8 bytes) and `Tokenizer` (which scans Unicode scalars), so both read mentions alike.
/// Handles are ASCII; `ascii` maps an element to its ASCII byte, or 0 for anything else.
enum HandleScanning {
    /// End of a handle from `start`: ASCII letters, digits, `_`, with `.` and `-` only inside.
    static func handleEnd<C: RandomAccessCollection>(
        in text: C, from start: Int, ascii: (C.Element) -> UInt8
    ) -> Int? where C.Index == Int {
        var index = start
        var end = start
        while index < text.endIndex {
            let byte = ascii(text[index])
            if isAlphanumeric(byte) || byte == UInt8(ascii: "_") {
                index += 1
                end = index
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-"), index > start {
                index += 1
            } else {
                break
            }
        }
        return end > start ? end : nil
    }

    /// End of a host name with at least one inner dot (`mastodon.social`), or nil.
    static func domainEnd<C: RandomAccessCollection>(
        in text: C, from start: Int, ascii: (C.Element) -> UInt8
    ) -> Int? where C.Index == Int {
        var index = start
        var end = start
        var hasInnerDot = false
        while index < text.endIndex {
            let byte = ascii(text[index])
            if isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") {
                if index > start, ascii(text[index - 1]) == UInt8(ascii: ".") { hasInnerDot = true }
                index += 1
                end = index
            } else if byte == UInt8(ascii: "."), index > start {
                index += 1
            } else {
                break
            }
        }
        return end > start && hasInnerDot ? end : nil
    }

    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }
}
