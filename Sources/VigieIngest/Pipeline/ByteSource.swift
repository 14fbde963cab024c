#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in fixed-size chunks with plain `read(2)`, so memory stays bounded whatever the
/// file's size, and reports how far it got.
public final class ByteSource {
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    public let path: String
    public let size: Int
    public private(set) var bytesRead = 0
    private let descriptor: Int32
    private let chunkSize: Int

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.chunkSize = chunkSize
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
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    }

    /// Reused for every read, so a chunk costs one copy and no allocation.
    private let scratch: UnsafeMutableRawBufferPointer

    deinit {
        close(descriptor)
        scratch.deallocate()
    }

    /// Appends up to one chunk to `buffer`; returns false at end of file.
    public func readChunk(into buffer: inout [UInt8]) throws -> Bool {
        var got = 0
        while true {
            let n = read(descriptor, scratch.baseAddress, chunkSize)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw OpenError(path: path, reason: String(cString: strerror(errno))) }
            got = n
            break
        }
        buffer.append(contentsOf: UnsafeRawBufferPointer(start: scratch.baseAddress, count: got))
        bytesRead += got
        return got > 0
    }
}
