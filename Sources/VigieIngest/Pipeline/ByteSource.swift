#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in fixed-size chunks with plain `read(2)`, so memory stays bounded whatever the
/// file's size, and reports how far it got.
///
/// Readers downstream work on UTF-8. A file in UTF-16 or UTF-32 (told by its byte-order mark, or
/// by the zero bytes of ASCII text without one) is converted chunk by chunk as it is read, so a
/// spreadsheet's "Unicode text" export imports like any other; ``encoding`` says which it was.
public final class ByteSource {
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The encodings a file may arrive in; all but UTF-8 are converted to UTF-8.
    public enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf16LittleEndian = "UTF-16LE", utf16BigEndian = "UTF-16BE"
        case utf32LittleEndian = "UTF-32LE", utf32BigEndian = "UTF-32BE"

        var unitSize: Int {
            switch self {
            case .utf8: return 1
            case .utf16LittleEndian, .utf16BigEndian: return 2
            case .utf32LittleEndian, .utf32BigEndian: return 4
            }
        }
    }

    public let path: String
    /// The file's size in bytes, as stored (before any conversion).
    public let size: Int
    /// Bytes of the file read so far, as stored.
    public private(set) var bytesRead = 0
    /// Known once the first chunk is read.
    public private(set) var encoding: Encoding?
    private let descriptor: Int32
    private let chunkSize: Int
    /// Bytes of a code unit split across two reads, kept for the next chunk.
    private var carry: [UInt8] = []
    /// A UTF-16 high surrogate whose low half is in the next chunk.
    private var pendingHighSurrogate: UInt32?

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.chunkSize = max(chunkSize, 4)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw OpenError(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: self.chunkSize, alignment: 16)
    }

    /// Reused for every read, so a chunk costs one copy and no allocation.
    private let scratch: UnsafeMutableRawBufferPointer

    deinit {
        close(descriptor)
        scratch.deallocate()
    }

    /// Goes back to the start of the file, so that format detection and the import read the
    /// same open file.
    public func rewind() throws {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw OpenError(path: path, reason: String(cString: strerror(errno)))
        }
        bytesRead = 0
        carry.removeAll()
        pendingHighSurrogate = nil
    }

    /// Appends up to one chunk (as UTF-8) to `buffer`; returns false at end of file.
    public func readChunk(into buffer: inout [UInt8]) throws -> Bool {
        var got = 0
        while true {
            let n = read(descriptor, scratch.baseAddress, chunkSize)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
            got = n
            break
        }
        let bytes = UnsafeRawBufferPointer(start: scratch.baseAddress, count: got)
        let isFirstChunk = bytesRead == 0
        bytesRead += got
        if isFirstChunk {
            encoding = Self.detectEncoding(UnsafeRawBufferPointer(rebasing: bytes[0..<min(got, 64)]))
        }
        guard let encoding, encoding != .utf8 else {
            buffer.append(contentsOf: bytes)
            return got > 0
        }
        convert(bytes, from: encoding, dropByteOrderMark: isFirstChunk, into: &buffer)
        if got == 0, !carry.isEmpty || pendingHighSurrogate != nil {
            // The file ends inside a character: it stands as one replacement character.
            carry.removeAll()
            pendingHighSurrogate = nil
            Self.appendUTF8(0xFFFD, to: &buffer)
        }
        return got > 0
    }

    // MARK: - Encodings

    /// The encoding of a file from its first bytes: a byte-order mark, or the zero bytes that
    /// ASCII text has in UTF-16 and UTF-32 (JSON and CSV start with ASCII). A stray zero byte in
    /// UTF-8 text does not qualify: every one of the first code units must show the pattern.
    static func detectEncoding(_ head: UnsafeRawBufferPointer) -> Encoding {
        let b = Array(head)
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return .utf8 }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 { return .utf32LittleEndian }
        if b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { return .utf32BigEndian }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return .utf16LittleEndian }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return .utf16BigEndian }
        func pattern(_ unit: Int, _ asciiAt: Int) -> Bool {
            let units = b.count / unit
            guard units >= 4 else { return false }
            for u in 0..<units {
                for k in 0..<unit {
                    let byte = b[u * unit + k]
                    if k == asciiAt ? (byte == 0 || byte >= 0x80) : byte != 0 { return false }
                }
            }
            return true
        }
        if pattern(4, 0) { return .utf32LittleEndian }
        if pattern(4, 3) { return .utf32BigEndian }
        if pattern(2, 0) { return .utf16LittleEndian }
        if pattern(2, 1) { return .utf16BigEndian }
        return .utf8
    }

    private func convert(_ bytes: UnsafeRawBufferPointer, from encoding: Encoding, dropByteOrderMark: Bool,
                         into out: inout [UInt8]) {
        let unit = encoding.unitSize
        var input = carry
        input.append(contentsOf: bytes)
        let whole = input.count - input.count % unit
        carry = Array(input[whole...])
        out.reserveCapacity(out.count + whole)
        var index = 0
        while index < whole {
            let value: UInt32
            switch encoding {
            case .utf16LittleEndian: value = UInt32(input[index]) | UInt32(input[index + 1]) << 8
            case .utf16BigEndian: value = UInt32(input[index]) << 8 | UInt32(input[index + 1])
            case .utf32LittleEndian:
                value = UInt32(input[index]) | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2]) << 16
                    | UInt32(input[index + 3]) << 24
            case .utf32BigEndian:
                value = UInt32(input[index]) << 24 | UInt32(input[index + 1]) << 16 | UInt32(input[index + 2]) << 8
                    | UInt32(input[index + 3])
            case .utf8: value = UInt32(input[index])
            }
            index += unit
            if dropByteOrderMark, index == unit, value == 0xFEFF { continue }
            if unit == 2 {
                if let high = pendingHighSurrogate {
                    pendingHighSurrogate = nil
                    if (0xDC00..<0xE000).contains(value) {
                        Self.appendUTF8(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00), to: &out)
                        continue
                    }
                    Self.appendUTF8(0xFFFD, to: &out)
                }
                if (0xD800..<0xDC00).contains(value) {
                    pendingHighSurrogate = value
                    continue
                }
            }
            let isScalar = value < 0xD800 || (0xE000..<0x110000).contains(value)
            Self.appendUTF8(isScalar ? value : 0xFFFD, to: &out)
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        UTF8Bytes.append(scalar, to: &out)
    }
}

/// UTF-8 encoding of one scalar, appended to a byte buffer: what the decoders that convert
/// other encodings and the JSON parser's escapes both need.
enum UTF8Bytes {
    static func append(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
