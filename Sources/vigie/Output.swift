import Foundation
import VigieCore

/// Terminal output helpers: aligned tables, JSON, and the progress line.
enum Output {
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                // Numbers align right, text left.
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return Double(cell.replacingOccurrences(of: ",", with: "")) != nil ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A post in two lines: when, where, who and which, then its text on one line.
    static func post(_ post: Post) -> String {
        let who = post.authorHandle.map { "@" + $0 } ?? post.authorID
        let text = post.text.replacingOccurrences(of: "\n", with: " ")
        return "\(DateParsing.iso8601(post.createdAt))  \(post.platform.rawValue)  \(who)  [\(post.platformID)]\n"
            + "    " + (text.count > 200 ? String(text.prefix(200)) + "…" : text)
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Rewrites one status line on a terminal.
    static func status(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    static func clearStatus() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && c != "-" { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
