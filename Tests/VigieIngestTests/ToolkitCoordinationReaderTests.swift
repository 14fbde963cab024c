import Foundation
import Testing
import VigieCore
@testable import VigieIngest

@Suite struct ToolkitCoordinationReaderTests {
    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("toolkit-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func toolkitInput() -> CoordinationInput {
        CoordinationInput(keys: .toolkit, types: [.coRepost, .coPost, .coLink, .coReply], deduplicatesPosts: true)
    }

    /// Bad rows are named with their line and reason; the good rows around them are kept.
    @Test func badRowsAreReportedWithTheirLineAndTheRunGoesOn() throws {
        let path = try Self.write("""
            message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
            1,u1,alice,,,same words for all,1740787200,
            2,u2,bob,too,few
            ,u3,carol,,,no id,1740787201,
            4,,dave,,,no author,1740787202,
            5,u5,eve,,,"a quoted, text with ""quotes""
            and a newline",not-a-time,
            6,u6,frank,,,same words for ALL @someone,1740787210,
            1,u7,gina,,,a repeated id: the first copy counts,1740787211,
            8,u8,hugo,,,"unterminated
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var input = Self.toolkitInput()
        let report = try ToolkitCoordinationReader.read(path: path, into: &input)
        #expect(report.fromBytes)
        #expect(report.posts == 2)
        #expect(input.count == 2)
        #expect(input.duplicatePostsSkipped == 1)
        #expect(report.rejected == 5)
        let lines = report.firstRejects.map(\.line)
        #expect(lines == [3, 4, 5, 6, 10], "\(report.firstRejects)")
        let reasons = report.firstRejects.map(\.reason)
        #expect(reasons[0].contains("fields"))
        #expect(reasons[1].contains("message_id"))
        #expect(reasons[2].contains("user_id"))
        #expect(reasons[3].contains("timestamp") && reasons[3].contains("not-a-time"))
        #expect(reasons[4].contains("unterminated"))
        #expect(report.firstRejects.allSatisfy { $0.file == path })
        // The two good rows share the toolkit's co-text key (case and mentions dropped).
        let network = CoordinationDetector(options: .init(minWeight: 1, types: [.coPost])).detect(in: input)
        #expect(network.edges.count == 1)
        #expect(network.edges.first.map { network.evidence(of: $0) }?.first?.key == "same words for all")
    }

    /// The `urls` column is split as the toolkit's `row[-1].split(" ")`: an empty column is one
    /// empty link, and so is the piece after a trailing space.
    @Test func linksAreSplitOnSingleSpacesAsTheToolkitDoes() throws {
        let path = try Self.write("""
            message_id,user_id,username,repost_id,reply_id,message,timestamp,urls
            1,u1,a,,,one,1740787200,https://x.org/1 
            2,u2,b,,,two,1740787210,
            3,u3,c,,,three,1740787220,https://x.org/1 https://x.org/1
            4,u4,d,9,,a repost: only a co-repost key,1740787230,https://x.org/1
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var input = Self.toolkitInput()
        _ = try ToolkitCoordinationReader.read(path: path, into: &input)
        let network = CoordinationDetector(options: .init(minWeight: 1, types: [.coLink])).detect(in: input)
        let pairs = Set(network.edges.map { "\(network.accounts[$0.source].id)-\(network.accounts[$0.target].id)" })
        // u1 and u3 share the link, u1 and u2 the empty link; u4's link is a repost's.
        #expect(pairs == ["u1-u3", "u1-u2"])
        let u1u3 = try #require(network.edges.first { network.accounts[$0.target].id == "u3" })
        #expect(u1u3.pairs == 1 && u1u3.sourceWeight == 1 && u1u3.targetWeight == 1)
    }

    @Test func aHeaderThatIsNotTheToolkitsIsAnError() throws {
        let path = try Self.write("id,author,text\n1,a,hello\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!ToolkitCoordinationReader.recognizes(path: path))
        var input = Self.toolkitInput()
        #expect(throws: ImportError.self) { try ToolkitCoordinationReader.read(path: path, into: &input) }
    }
}
