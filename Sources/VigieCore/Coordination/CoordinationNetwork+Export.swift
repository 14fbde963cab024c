import Foundation

/// GEXF (Gephi), GraphML (yEd, NetworkX, igraph) and CSV edge lists of a coordination network.
///
/// Only accounts with at least one edge are written. Nodes are identified by account id and
/// labelled with the handle where known. Edges carry the type, the weight, the directed
/// weights, the pair count and the first and last times (ISO 8601, UTC); two accounts tied by
/// several behaviours get one edge per behaviour.
extension CoordinationNetwork {
    /// GEXF 1.3, undirected, with one parallel edge per type (`kind` names the type).
    public func gexf() -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gexf xmlns="http://gexf.net/1.3" version="1.3">
          <meta><creator>Vigie</creator><description>coordination network, window \(Self.number(options.window)) s, minimum weight \(options.minWeight)</description></meta>
          <graph mode="static" defaultedgetype="undirected">
            <attributes class="node">
              <attribute id="0" title="handle" type="string"/>
            </attributes>
            <attributes class="edge">
              <attribute id="0" title="type" type="string"/>
              <attribute id="1" title="pairs" type="integer"/>
              <attribute id="2" title="source_weight" type="integer"/>
              <attribute id="3" title="target_weight" type="integer"/>
              <attribute id="4" title="first" type="string"/>
              <attribute id="5" title="last" type="string"/>
            </attributes>
            <nodes>

        """
        for account in connectedAccounts() {
            let node = accounts[account]
            out += "      <node id=\"\(XMLText.escaped(node.id))\" label=\"\(XMLText.escaped(node.label))\">"
            out += "<attvalues><attvalue for=\"0\" value=\"\(XMLText.escaped(node.handle ?? ""))\"/></attvalues></node>\n"
        }
        out += "    </nodes>\n    <edges>\n"
        for (index, edge) in edges.enumerated() {
            out += "      <edge id=\"\(index)\" source=\"\(XMLText.escaped(accounts[edge.source].id))\" "
            out += "target=\"\(XMLText.escaped(accounts[edge.target].id))\" kind=\"\(edge.type.rawValue)\" weight=\"\(edge.weight)\">"
            out += "<attvalues><attvalue for=\"0\" value=\"\(edge.type.rawValue)\"/>"
            out += "<attvalue for=\"1\" value=\"\(edge.pairs)\"/><attvalue for=\"2\" value=\"\(edge.sourceWeight)\"/>"
            out += "<attvalue for=\"3\" value=\"\(edge.targetWeight)\"/>"
            out += "<attvalue for=\"4\" value=\"\(Self.iso(edge.first))\"/><attvalue for=\"5\" value=\"\(Self.iso(edge.last))\"/>"
            out += "</attvalues></edge>\n"
        }
        out += "    </edges>\n  </graph>\n</gexf>\n"
        return out
    }

    /// GraphML, undirected, parallel edges allowed.
    public func graphML() -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key id="label" for="node" attr.name="label" attr.type="string"/>
          <key id="handle" for="node" attr.name="handle" attr.type="string"/>
          <key id="type" for="edge" attr.name="type" attr.type="string"/>
          <key id="weight" for="edge" attr.name="weight" attr.type="int"/>
          <key id="pairs" for="edge" attr.name="pairs" attr.type="int"/>
          <key id="source_weight" for="edge" attr.name="source_weight" attr.type="int"/>
          <key id="target_weight" for="edge" attr.name="target_weight" attr.type="int"/>
          <key id="first" for="edge" attr.name="first" attr.type="string"/>
          <key id="last" for="edge" attr.name="last" attr.type="string"/>
          <graph id="coordination" edgedefault="undirected">

        """
        for account in connectedAccounts() {
            let node = accounts[account]
            out += "    <node id=\"\(XMLText.escaped(node.id))\"><data key=\"label\">\(XMLText.escaped(node.label))</data>"
            if let handle = node.handle { out += "<data key=\"handle\">\(XMLText.escaped(handle))</data>" }
            out += "</node>\n"
        }
        for (index, edge) in edges.enumerated() {
            out += "    <edge id=\"e\(index)\" source=\"\(XMLText.escaped(accounts[edge.source].id))\" "
            out += "target=\"\(XMLText.escaped(accounts[edge.target].id))\">"
            out += "<data key=\"type\">\(edge.type.rawValue)</data><data key=\"weight\">\(edge.weight)</data>"
            out += "<data key=\"pairs\">\(edge.pairs)</data><data key=\"source_weight\">\(edge.sourceWeight)</data>"
            out += "<data key=\"target_weight\">\(edge.targetWeight)</data>"
            out += "<data key=\"first\">\(Self.iso(edge.first))</data><data key=\"last\">\(Self.iso(edge.last))</data>"
            out += "</edge>\n"
        }
        out += "  </graph>\n</graphml>\n"
        return out
    }

    /// `source,target,type,weight,first,last,source_label,target_label,source_weight,target_weight,pairs`:
    /// account ids (what Gephi's edge import expects), then handles (or ids) for reading, then
    /// the directed weights (the coordination-network-toolkit's `weight` of each direction) and
    /// the co-occurring post pairs. RFC 4180 quoting.
    public func csv() -> String {
        String(decoding: csvBytes(), as: UTF8.self)
    }

    /// ``csv()`` as UTF-8 bytes, written without a `String` per field (millions of edges).
    public func csvBytes() -> [UInt8] {
        var all: [UInt8] = []
        writeCSV { all.append(contentsOf: $0) }
        return all
    }

    /// ``csv()`` handed to `write` in pieces of about `chunkSize` bytes, so that a network of
    /// millions of edges is written without holding its whole text.
    public func writeCSV(chunkSize: Int = 1 << 20, _ write: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var out: [UInt8] = Array("source,target,type,weight,first,last,source_label,target_label,source_weight,target_weight,pairs\n".utf8)
        out.reserveCapacity(chunkSize + 4096)
        let ids = accounts.map { Array(CSVText.field($0.id).utf8) }
        let labels = accounts.map { Array(CSVText.field($0.label).utf8) }
        var typeNames = [[UInt8]](repeating: [], count: CoordinationType.allCases.count)
        for type in CoordinationType.allCases { typeNames[type.ordinal] = Array(type.rawValue.utf8) }
        let comma = UInt8(ascii: ",")
        for edge in edges {
            out += ids[edge.source]
            out.append(comma)
            out += ids[edge.target]
            out.append(comma)
            out += typeNames[edge.type.ordinal]
            out.append(comma)
            Self.appendNumber(edge.weight, to: &out)
            out.append(comma)
            Self.appendISO(edge.first, to: &out)
            out.append(comma)
            Self.appendISO(edge.last, to: &out)
            out.append(comma)
            out += labels[edge.source]
            out.append(comma)
            out += labels[edge.target]
            out.append(comma)
            Self.appendNumber(edge.sourceWeight, to: &out)
            out.append(comma)
            Self.appendNumber(edge.targetWeight, to: &out)
            out.append(comma)
            Self.appendNumber(edge.pairs, to: &out)
            out.append(UInt8(ascii: "\n"))
            if out.count >= chunkSize {
                try out.withUnsafeBufferPointer(write)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { try out.withUnsafeBufferPointer(write) }
    }

    private static func appendNumber(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // At most 20 digits, written from the end of a fixed buffer.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }

    /// `2026-01-05T10:00:00Z` (UTC, whole seconds), as `Date.formatted(.iso8601)` writes it.
    private static func appendISO(_ date: Date, to out: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86400
        var rest = seconds - days * 86400
        if rest < 0 {
            rest += 86400
            days -= 1
        }
        let (year, month, day) = DateParsing.civilFromDays(days)
        func two(_ value: Int64) {
            out.append(UInt8(ascii: "0") + UInt8(value / 10))
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        two(year / 100)
        two(year % 100)
        out.append(UInt8(ascii: "-"))
        two(month)
        out.append(UInt8(ascii: "-"))
        two(day)
        out.append(UInt8(ascii: "T"))
        two(rest / 3600)
        out.append(UInt8(ascii: ":"))
        two(rest % 3600 / 60)
        out.append(UInt8(ascii: ":"))
        two(rest % 60)
        out.append(UInt8(ascii: "Z"))
    }

    /// Accounts with at least one edge, ascending.
    private func connectedAccounts() -> [Int] {
        var seen = [Bool](repeating: false, count: accounts.count)
        for edge in edges {
            seen[edge.source] = true
            seen[edge.target] = true
        }
        return seen.indices.filter { seen[$0] }
    }

    private static func iso(_ date: Date) -> String {
        var bytes: [UInt8] = []
        appendISO(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
