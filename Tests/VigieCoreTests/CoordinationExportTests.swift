import Foundation
import Testing
import VigieCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Collects element names and attributes, and whether the document parsed.
private final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }

    static func parse(_ text: String) -> (ok: Bool, collector: XMLCollector) {
        let parser = XMLParser(data: Data(text.utf8))
        let collector = XMLCollector()
        parser.delegate = collector
        return (parser.parse(), collector)
    }
}

@Suite struct CoordinationExportTests {
    typealias F = CoordinationFixture

    /// Handles with XML and CSV specials, two types between the same pair, one lone account.
    private func network() -> CoordinationNetwork {
        F.detect([
            F.post("1", by: "a", at: 0, text: "les mêmes mots dans les deux messages", repostOf: nil, handle: "A&<\"b\">"),
            F.post("2", by: "b", at: 5, text: "les mêmes mots dans les deux messages", handle: "b,\"c\""),
            F.post("3", by: "a", at: 100, repostOf: "o"),
            F.post("4", by: "b", at: 101, repostOf: "o"),
            F.post("5", by: "lone", at: 0, repostOf: "nothing"),
        ], types: [.coRepost, .coPost])
    }

    @Test func gexfParsesWithNodesAndParallelEdges() {
        let network = network()
        #expect(network.edges.count == 2)
        let (ok, collector) = XMLCollector.parse(network.gexf())
        #expect(ok)
        let nodes = collector.elements.filter { $0.name == "node" }
        let edges = collector.elements.filter { $0.name == "edge" }
        #expect(nodes.count == 2)
        #expect(nodes.contains { $0.attributes["label"] == "A&<\"b\">" })
        #expect(edges.count == 2)
        #expect(Set(edges.compactMap { $0.attributes["kind"] }) == ["co-repost", "co-text"])
        #expect(edges.allSatisfy { $0.attributes["source"] == "a" && $0.attributes["target"] == "b" })
    }

    @Test func graphMLParsesWithKeysNodesAndEdges() {
        let (ok, collector) = XMLCollector.parse(network().graphML())
        #expect(ok)
        #expect(collector.elements.filter { $0.name == "node" }.count == 2)
        #expect(collector.elements.filter { $0.name == "edge" }.count == 2)
        #expect(collector.elements.filter { $0.name == "key" }.count == 9)
        #expect(collector.elements.first { $0.name == "graph" }?.attributes["edgedefault"] == "undirected")
    }

    @Test func csvHasHeaderAndQuotedLabels() {
        let lines = network().csv().split(separator: "\n").map(String.init)
        #expect(lines.first == "source,target,type,weight,first,last,source_label,target_label,source_weight,target_weight,pairs")
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix("a,b,co-repost,1,") && $0.contains(#","A&<""b"">","b,""c""","#) })
    }

    @Test func csvWrittenInPiecesIsTheSameText() throws {
        let network = network()
        var pieces: [[UInt8]] = []
        network.writeCSV(chunkSize: 40) { pieces.append(Array($0)) }
        #expect(pieces.count == 2)  // the header with the first edge, then the second edge
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == network.csv())
        // Numbers of several digits and times are written in full.
        let line = try #require(network.csv().split(separator: "\n").first { $0.contains("co-repost") })
        #expect(line.hasPrefix("a,b,co-repost,1,2025-03-01T00:01:40Z,2025-03-01T00:01:41Z,"))
        // Weights of two digits and more.
        let posts = (0..<120).flatMap { round in
            [F.post("a\(round)", by: "a", at: Double(round) * 1000, repostOf: "o\(round)"),
             F.post("b\(round)", by: "b", at: Double(round) * 1000 + 1, repostOf: "o\(round)")]
        }
        let heavy = F.detect(posts, types: [.coRepost]).csv()
        #expect(heavy.contains("\na,b,co-repost,120,") && heavy.hasSuffix(",120,120,120\n"))
    }
}
