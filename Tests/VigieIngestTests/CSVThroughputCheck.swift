import Foundation
import Testing
import VigieCore
import VigieIngest

/// A throughput check to run by hand, not a timed test (timings on shared CI machines mean
/// nothing). It prints MB/s for the splitter alone and for splitter + toolkit decoder:
///
///     VIGIE_CSV_THROUGHPUT=1 swift test -c release -Xswiftc -enable-testing --filter CSVThroughput
@Suite struct CSVThroughputCheck {
    static let enabled = ProcessInfo.processInfo.environment["VIGIE_CSV_THROUGHPUT"] != nil

    @Test(.enabled(if: enabled)) func splitAndDecodeToolkitRows() throws {
        let rowCount = 1_000_000
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-csv-throughput.csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        text.reserveCapacity(rowCount * 160)
        for row in 0..<rowCount {
            let quoted = row % 10 == 0 ? "\"Avec une virgule, et des \"\"guillemets\"\"\"" : "Le débat sur la réforme continue"
            text += "\(1_500_000_000 + row),\(row % 5000),user_\(row % 5000),,,"
            text += "\(quoted) #politique @user_\(row % 97) https://exemple.fr/a/\(row % 300),\(1_606_451_170 + row),\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let megabytes = Double(text.utf8.count) / 1_000_000

        var rows = 0
        var start = Date()
        try CSVRowSplitter(source: ByteSource(path: path)).forEachRow({ _, _ in rows += 1 }, onError: { _ in })
        let splitSeconds = Date().timeIntervalSince(start)
        #expect(rows == rowCount + 1)

        var posts = 0
        var decoder: ToolkitCSVDecoder?
        var items: [IngestItem] = []
        start = Date()
        try CSVRowSplitter(source: ByteSource(path: path)).forEachRow({ fields, _ in
            guard decoder != nil else {
                decoder = try ToolkitCSVDecoder(header: fields, options: CSVOptions())
                return
            }
            try decoder?.decode(fields, into: &items)
            posts += items.count(where: { if case .post = $0 { true } else { false } })
            items.removeAll(keepingCapacity: true)
        }, onError: { _ in })
        let decodeSeconds = Date().timeIntervalSince(start)
        #expect(posts == rowCount)

        print(String(format: "CSV throughput on %.0f MB: split %.0f MB/s, split + toolkit decode %.0f MB/s (%.0f posts/s)",
                     megabytes, megabytes / splitSeconds, megabytes / decodeSeconds, Double(rowCount) / decodeSeconds))
    }
}
