import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written through a 1 MiB buffer flushed with `fwrite`: memory stays flat whatever
/// the size of the output, and the system is called once per mebibyte.
final class OutputFile {
    private let handle: UnsafeMutablePointer<FILE>
    let url: URL
    /// Renderers append here; `flushIfFull()` hands the bytes to the file.
    var buffer = ByteBuffer(capacity: OutputFile.flushThreshold + 64 * 1024)
    private(set) var bytesWritten: Int = 0
    static let flushThreshold = 1 << 20

    init(url: URL) throws(SynthError) {
        guard let handle = fopen(url.path, "wb") else {
            throw SynthError(message: "cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.url = url
    }

    deinit { fclose(handle) }

    @inline(__always)
    func flushIfFull() throws(SynthError) {
        if buffer.count >= OutputFile.flushThreshold { try flush() }
    }

    func flush() throws(SynthError) {
        guard buffer.count > 0 else { return }
        let written = buffer.bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == buffer.count else {
            throw SynthError(message: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        bytesWritten += written
        buffer.removeAll()
    }

    func close() throws(SynthError) {
        try flush()
        guard fflush(handle) == 0 else {
            throw SynthError(message: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}
