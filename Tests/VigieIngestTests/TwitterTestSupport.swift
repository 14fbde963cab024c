import Foundation
import Testing
import VigieCore
@testable import VigieIngest
import VigieTestSupport

/// What decoding a file gave, unit by unit, the way the pipeline will count it.
struct TwitterDecodeTally {
    var units = 0
    var posts: [Post] = []
    var accounts: [Account] = []
    var tombstones: [Tombstone] = []
    var interactions: [Interaction] = []
    var skipped: [String] = []
    var invalid: [RecordError] = []
    var rejectedParts: [RecordError] = []
    /// Lines that are not JSON at all (a truncated line): the pipeline's concern, counted here.
    var unparseable = 0

    mutating func add(_ items: [IngestItem]) {
        for item in items {
            switch item {
            case .post(let post): posts.append(post)
            case .account(let account): accounts.append(account)
            case .tombstone(let tombstone): tombstones.append(tombstone)
            case .interaction(let interaction): interactions.append(interaction)
            }
        }
    }

    /// Decodes one parsed unit and files the outcome.
    mutating func decode<Decoder: JSONRecordDecoder>(_ value: JSONValue, with decoder: inout Decoder) {
        units += 1
        var items: [IngestItem] = []
        do {
            try decoder.decode(value, into: &items)
        } catch let error as RecordError where error.kind == .skipped {
            skipped.append(error.reason)
        } catch let error as RecordError {
            invalid.append(error)
        } catch {
            invalid.append(.invalid("unexpected error \(error)"))
        }
        add(items)
        rejectedParts += decoder.rejectedParts
    }

    /// Decodes a JSON-lines file, one line a unit.
    static func decodeLines<Decoder: JSONRecordDecoder>(_ relativePath: String, as _: Decoder.Type) throws -> TwitterDecodeTally {
        let text = try String(contentsOf: SharedData.url(relativePath), encoding: .utf8)
        var decoder = Decoder()
        var tally = TwitterDecodeTally()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true)
        where !line.allSatisfy({ $0 == " " || $0 == "\r" }) {
            guard let value = try? JSONParser.parse(String(line)) else {
                tally.units += 1
                tally.unparseable += 1
                continue
            }
            tally.decode(value, with: &decoder)
        }
        return tally
    }

    /// Decodes one line given in the test.
    static func decode<Decoder: JSONRecordDecoder>(_ json: String, as _: Decoder.Type) throws -> TwitterDecodeTally {
        var decoder = Decoder()
        var tally = TwitterDecodeTally()
        tally.decode(try JSONParser.parse(json), with: &decoder)
        return tally
    }
}
