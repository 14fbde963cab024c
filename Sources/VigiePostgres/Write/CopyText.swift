import NIOCore

/// Rows in `COPY … FROM STDIN` text format: fields separated by tabs, `\N` for NULL, backslash
/// escapes for backslash, tab, newline and carriage return; arrays as `{"a","b"}` literals.
/// NUL characters, which PostgreSQL text cannot hold, are dropped.
public struct CopyText: Sendable {
    public private(set) var buffer: ByteBuffer
    private var fieldsInRow = 0
    public private(set) var rows = 0

    public init(capacity: Int = 1 << 16) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    private mutating func separator() {
        if fieldsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    public mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        fieldsInRow = 0
        rows += 1
    }

    public mutating func null() {
        separator()
        buffer.writeStaticString("\\N")
    }

    public mutating func add(_ value: Int64?) {
        guard let value else { return null() }
        separator()
        buffer.writeString(String(value))
    }

    public mutating func add(_ value: Int?) { add(value.map(Int64.init)) }

    public mutating func add(_ value: Bool?) {
        guard let value else { return null() }
        separator()
        buffer.writeStaticString(value ? "t" : "f")
    }

    public mutating func add(_ value: String?) {
        guard let value else { return null() }
        separator()
        writeEscaped(value)
    }

    /// A text array; each element quoted.
    public mutating func add(_ values: [String]) {
        separator()
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal.append(",") }
            literal.append("\"")
            for character in value {
                if character == "\"" || character == "\\" { literal.append("\\") }
                literal.append(character)
            }
            literal.append("\"")
        }
        literal.append("}")
        writeEscaped(literal)
    }

    private mutating func writeEscaped(_ text: String) {
        var plain = true
        for byte in text.utf8 where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0 {
            plain = false
            break
        }
        if plain {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0: continue
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// Text as PostgreSQL stores it: without NUL characters (which it cannot hold).
func storable(_ text: String) -> String {
    text.utf8.contains(0) ? String(text.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : text
}
