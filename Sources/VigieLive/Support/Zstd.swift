import CZstd
import Foundation

/// A zstd failure: a frame that is not zstd, a dictionary that does not match, or an output
/// larger than allowed.
public struct ZstdError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Decompresses whole zstd frames (one WebSocket message each), with the server's dictionary
/// when it uses one. One instance per connection: it keeps its context between frames.
public final class ZstdDecompressor {
    private let context: OpaquePointer
    private let dictionary: OpaquePointer?
    private var output: [UInt8] = []

    /// `dictionary`: the bytes of the dictionary the server compresses with, if any.
    public init(dictionary: [UInt8]? = nil) throws(ZstdError) {
        guard let context = ZSTD_createDCtx() else { throw ZstdError(description: "zstd: cannot allocate a context") }
        self.context = context
        if let dictionary, !dictionary.isEmpty {
            let loaded = dictionary.withUnsafeBytes { ZSTD_createDDict($0.baseAddress, $0.count) }
            guard let loaded else {
                ZSTD_freeDCtx(context)
                throw ZstdError(description: "zstd: the dictionary cannot be loaded")
            }
            self.dictionary = loaded
        } else {
            self.dictionary = nil
        }
    }

    deinit {
        if let dictionary { ZSTD_freeDDict(dictionary) }
        ZSTD_freeDCtx(context)
    }

    /// The decompressed bytes of one frame; throws past `limit` bytes (a decompression bomb is
    /// refused, not allocated).
    public func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws(ZstdError) -> [UInt8] {
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        if let dictionary {
            ZSTD_DCtx_refDDict(context, dictionary)
        }
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        if declared == ZSTD_CONTENTSIZE_ERROR {
            throw ZstdError(description: "zstd: not a zstd frame")
        }
        var capacity = declared == ZSTD_CONTENTSIZE_UNKNOWN ? max(4_096, input.count * 4) : Int(clamping: declared)
        guard capacity <= limit else {
            throw ZstdError(description: "zstd: the frame holds \(capacity) bytes, more than the \(limit) allowed")
        }
        capacity = max(capacity, 1)
        if output.count < capacity { output = [UInt8](repeating: 0, count: capacity) }
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var produced = 0
        while true {
            let (code, written) = output.withUnsafeMutableBytes { out -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress! + produced, size: out.count - produced, pos: 0)
                let code = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                return (code, outBuffer.pos)
            }
            if ZSTD_isError(code) != 0 {
                throw ZstdError(description: "zstd: " + String(cString: ZSTD_getErrorName(code)))
            }
            produced += written
            if code == 0 { break }  // the frame is complete
            if inBuffer.pos == inBuffer.size && produced < output.count {
                throw ZstdError(description: "zstd: the frame is truncated")
            }
            if produced == output.count {
                guard output.count < limit else {
                    throw ZstdError(description: "zstd: the frame decompresses to more than the \(limit) bytes allowed")
                }
                output += [UInt8](repeating: 0, count: min(limit, output.count * 2) - output.count)
            }
        }
        return Array(output[0..<produced])
    }
}

/// Compresses messages into zstd frames, with a dictionary when given (the replay server).
public final class ZstdCompressor {
    private let context: OpaquePointer
    private let dictionary: OpaquePointer?

    public init(dictionary: [UInt8]? = nil, level: Int32 = 3) throws(ZstdError) {
        guard let context = ZSTD_createCCtx() else { throw ZstdError(description: "zstd: cannot allocate a context") }
        self.context = context
        if let dictionary, !dictionary.isEmpty {
            let loaded = dictionary.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) }
            guard let loaded else {
                ZSTD_freeCCtx(context)
                throw ZstdError(description: "zstd: the dictionary cannot be loaded")
            }
            self.dictionary = loaded
        } else {
            self.dictionary = nil
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        }
    }

    deinit {
        if let dictionary { ZSTD_freeCDict(dictionary) }
        ZSTD_freeCCtx(context)
    }

    /// One frame holding `input`, with its size in the header.
    public func compress(_ input: UnsafeRawBufferPointer) throws(ZstdError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let written = output.withUnsafeMutableBytes { out -> Int in
            if let dictionary {
                return ZSTD_compress_usingCDict(context, out.baseAddress, out.count, input.baseAddress, input.count, dictionary)
            }
            return ZSTD_compress2(context, out.baseAddress, out.count, input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 {
            throw ZstdError(description: "zstd: " + String(cString: ZSTD_getErrorName(written)))
        }
        output.removeSubrange(written...)
        return output
    }

    /// Trains a dictionary on sample messages (the replay server makes one for its data, as
    /// Jetstream ships one trained on its own traffic).
    public static func trainDictionary(samples: [[UInt8]], size: Int = 64 << 10) throws(ZstdError) -> [UInt8] {
        var joined: [UInt8] = []
        var sizes: [Int] = []
        for sample in samples {
            joined += sample
            sizes.append(sample.count)
        }
        var dictionary = [UInt8](repeating: 0, count: size)
        let written = dictionary.withUnsafeMutableBytes { out in
            joined.withUnsafeBytes { input in
                ZDICT_trainFromBuffer(out.baseAddress, out.count, input.baseAddress, sizes, UInt32(sizes.count))
            }
        }
        if ZDICT_isError(written) != 0 {
            throw ZstdError(description: "zstd: cannot train a dictionary (" + String(cString: ZDICT_getErrorName(written)) + ")")
        }
        dictionary.removeSubrange(written...)
        return dictionary
    }
}
