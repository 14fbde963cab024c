import Foundation
import Testing
import VigieLive
import VigieReplay

struct ZstdTests {
    let samples: [[UInt8]] = (0..<400).map { index in
        Array("{\"did\":\"did:plc:user\(index % 40)\",\"time_us\":\(1_783_175_888_085_434 + index),\"kind\":\"commit\",\"commit\":{\"operation\":\"create\",\"collection\":\"app.bsky.feed.like\",\"rkey\":\"3mp\(index)\"}}".utf8)
    }

    @Test func framesRoundTripWithAndWithoutADictionary() throws {
        let dictionary = try ZstdCompressor.trainDictionary(samples: samples, size: 4_096)
        #expect(!dictionary.isEmpty)
        for dictionary in [nil, dictionary] {
            let compressor = try ZstdCompressor(dictionary: dictionary)
            let decompressor = try ZstdDecompressor(dictionary: dictionary)
            for sample in samples.prefix(20) {
                let frame = try sample.withUnsafeBytes { try compressor.compress($0) }
                let back = try frame.withUnsafeBytes { try decompressor.decompress($0, limit: 1 << 20) }
                #expect(back == sample)
            }
        }
    }

    @Test func aDictionaryMakesSmallFramesSmaller() throws {
        let dictionary = try ZstdCompressor.trainDictionary(samples: samples, size: 4_096)
        let plain = try ZstdCompressor()
        let trained = try ZstdCompressor(dictionary: dictionary)
        let sample = samples[7]
        let plainSize = try sample.withUnsafeBytes { try plain.compress($0) }.count
        let trainedSize = try sample.withUnsafeBytes { try trained.compress($0) }.count
        #expect(trainedSize < plainSize)
    }

    @Test func badFramesAndBombsAreRefusedNotAllocated() throws {
        let decompressor = try ZstdDecompressor()
        #expect(throws: ZstdError.self) { try [UInt8](repeating: 0xAB, count: 64).withUnsafeBytes { try decompressor.decompress($0, limit: 1 << 20) } }
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
        let frame = try big.withUnsafeBytes { try ZstdCompressor().compress($0) }
        #expect(frame.count < 4_096)
        #expect(throws: ZstdError.self) { try frame.withUnsafeBytes { try decompressor.decompress($0, limit: 1 << 20) } }
        // A frame that needs a dictionary cannot be read without it.
        let dictionary = try ZstdCompressor.trainDictionary(samples: samples, size: 4_096)
        let needsDictionary = try samples[3].withUnsafeBytes { try ZstdCompressor(dictionary: dictionary).compress($0) }
        #expect(throws: ZstdError.self) { try needsDictionary.withUnsafeBytes { try decompressor.decompress($0, limit: 1 << 20) } }
    }
}
