import Foundation

public enum GraphExportFormat: String, Sendable, CaseIterable {
    case gexf, graphml, csv
}

/// Writes an interaction graph for Gephi (GEXF 1.3), NetworkX / igraph (GraphML) or any tool
/// (CSV edge list `source,target,weight` over node numbers, plus a node table).
/// Output is streamed in chunks to `emit`, so a large graph never sits in one string.
public struct GraphExporter: Sendable {
    public let graph: InteractionGraph
    public let community: [Int32]?
    /// PageRank of each node, written as a node attribute when given.
    public let pageRank: [Double]?
    public let connectedOnly: Bool
    private let included: [Bool]
    /// The accounts as the files name them: the graph's, or their pseudonyms (``pseudonymised(with:)``).
    private var shown: [GraphAccount]

    public init(graph: InteractionGraph, community: [Int32]? = nil, pageRank: [Double]? = nil, connectedOnly: Bool = false) {
        self.graph = graph
        self.community = community
        self.pageRank = pageRank
        self.connectedOnly = connectedOnly
        shown = graph.nodes.accounts
        var included = [Bool](repeating: !connectedOnly, count: graph.nodeCount)
        if connectedOnly {
            for v in 0..<graph.nodeCount where graph.outgoing.offsets[v + 1] > graph.outgoing.offsets[v]
                || graph.incoming.offsets[v + 1] > graph.incoming.offsets[v] { included[v] = true }
        }
        self.included = included
    }

    /// The same export naming every account by its pseudonym (handle and platform id), for a
    /// workspace whose pseudonymisation is on.
    public func pseudonymised(with pseudonyms: Pseudonymizer) -> GraphExporter {
        var copy = self
        copy.shown = shown.map { account in
            let name = pseudonyms.pseudonym(account.key)
            return GraphAccount(platform: account.platform, platformID: name, handle: name, followers: account.followers)
        }
        return copy
    }

    public var exportedNodes: Int { included.reduce(0) { $0 + ($1 ? 1 : 0) } }

    public func write(_ format: GraphExportFormat, to emit: (String) throws -> Void) rethrows {
        switch format {
        case .gexf: try gexf(emit)
        case .graphml: try graphML(emit)
        case .csv: try edgesCSV(emit)
        }
    }

    /// All of an export in one string (small graphs, tests).
    public func string(_ format: GraphExportFormat) -> String {
        var out = ""
        write(format) { out += $0 }
        return out
    }

    private func forEachEdge(_ body: (Int, Int, Float) throws -> Void) rethrows {
        let rows = graph.outgoing
        for v in 0..<rows.nodeCount {
            for slot in rows.offsets[v]..<rows.offsets[v + 1] { try body(v, Int(rows.targets[slot]), rows.weights[slot]) }
        }
    }

    private func gexf(_ emit: (String) throws -> Void) rethrows {
        try emit("""
            <?xml version="1.0" encoding="UTF-8"?>
            <gexf xmlns="http://gexf.net/1.3" version="1.3">
              <meta><creator>Vigie</creator><description>interaction graph (engager to engaged)</description></meta>
              <graph mode="static" defaultedgetype="directed">
                <attributes class="node">
                  <attribute id="platform" title="platform" type="string"/>
                  <attribute id="platform_id" title="platform_id" type="string"/>
                  <attribute id="followers" title="followers" type="long"/>
                  <attribute id="community" title="community" type="integer"/>
                  <attribute id="pagerank" title="pagerank" type="double"/>
                </attributes>
                <nodes>

            """)
        var chunk = ""
        for v in 0..<graph.nodeCount where included[v] {
            let account = shown[v]
            chunk += "      <node id=\"\(v)\" label=\"\(XMLText.escaped(account.label))\"><attvalues>"
                + "<attvalue for=\"platform\" value=\"\(XMLText.escaped(account.platform))\"/>"
                + "<attvalue for=\"platform_id\" value=\"\(XMLText.escaped(account.platformID))\"/>"
                + (account.followers.map { "<attvalue for=\"followers\" value=\"\($0)\"/>" } ?? "")
                + (community.map { "<attvalue for=\"community\" value=\"\($0[v])\"/>" } ?? "")
                + (pageRank.map { "<attvalue for=\"pagerank\" value=\"\($0[v])\"/>" } ?? "")
                + "</attvalues></node>\n"
            if chunk.utf8.count > 1 << 16 { try emit(chunk); chunk = "" }
        }
        chunk += "    </nodes>\n    <edges>\n"
        var id = 0
        try forEachEdge { source, target, weight in
            chunk += "      <edge id=\"\(id)\" source=\"\(source)\" target=\"\(target)\" weight=\"\(weight)\"/>\n"
            id += 1
            if chunk.utf8.count > 1 << 16 { try emit(chunk); chunk = "" }
        }
        chunk += "    </edges>\n  </graph>\n</gexf>\n"
        try emit(chunk)
    }

    private func graphML(_ emit: (String) throws -> Void) rethrows {
        try emit("""
            <?xml version="1.0" encoding="UTF-8"?>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key id="label" for="node" attr.name="label" attr.type="string"/>
              <key id="platform" for="node" attr.name="platform" attr.type="string"/>
              <key id="platform_id" for="node" attr.name="platform_id" attr.type="string"/>
              <key id="followers" for="node" attr.name="followers" attr.type="long"/>
              <key id="community" for="node" attr.name="community" attr.type="int"/>
              <key id="pagerank" for="node" attr.name="pagerank" attr.type="double"/>
              <key id="weight" for="edge" attr.name="weight" attr.type="double"/>
              <graph id="interactions" edgedefault="directed">

            """)
        var chunk = ""
        for v in 0..<graph.nodeCount where included[v] {
            let account = shown[v]
            chunk += "    <node id=\"\(v)\"><data key=\"label\">\(XMLText.escaped(account.label))</data>"
                + "<data key=\"platform\">\(XMLText.escaped(account.platform))</data>"
                + "<data key=\"platform_id\">\(XMLText.escaped(account.platformID))</data>"
                + (account.followers.map { "<data key=\"followers\">\($0)</data>" } ?? "")
                + (community.map { "<data key=\"community\">\($0[v])</data>" } ?? "")
                + (pageRank.map { "<data key=\"pagerank\">\($0[v])</data>" } ?? "")
                + "</node>\n"
            if chunk.utf8.count > 1 << 16 { try emit(chunk); chunk = "" }
        }
        try forEachEdge { source, target, weight in
            chunk += "    <edge source=\"\(source)\" target=\"\(target)\"><data key=\"weight\">\(weight)</data></edge>\n"
            if chunk.utf8.count > 1 << 16 { try emit(chunk); chunk = "" }
        }
        chunk += "  </graph>\n</graphml>\n"
        try emit(chunk)
    }

    private func edgesCSV(_ emit: (String) throws -> Void) rethrows {
        var chunk = "source,target,weight\n"
        try forEachEdge { source, target, weight in
            chunk += "\(source),\(target),\(weight)\n"
            if chunk.utf8.count > 1 << 16 { try emit(chunk); chunk = "" }
        }
        try emit(chunk)
    }

    /// `node,platform,platform_id,handle,followers,community,pagerank`, one line per exported node.
    public func writeNodesCSV(to emit: (String) -> Void) {
        var chunk = "node,platform,platform_id,handle,followers,community,pagerank\n"
        for v in 0..<graph.nodeCount where included[v] {
            let account = shown[v]
            chunk += [String(v), account.platform, account.platformID, account.handle ?? "",
                      account.followers.map(String.init) ?? "", community.map { String($0[v]) } ?? "",
                      pageRank.map { String($0[v]) } ?? ""]
                .map(CSVText.field).joined(separator: ",") + "\n"
            if chunk.utf8.count > 1 << 16 { emit(chunk); chunk = "" }
        }
        emit(chunk)
    }
}
