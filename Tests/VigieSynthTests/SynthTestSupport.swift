import Foundation
import Testing
import VigieCore
import VigieIngest
@testable import VigieSynth

/// A fresh temporary directory per generation, removed by the caller.
func temporaryDirectory(_ name: String = #function) -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    return FileManager.default.temporaryDirectory
        .appendingPathComponent("vigie-synth-\(safe)-\(UUID().uuidString)")
}

/// Generates into a temporary directory and hands back the summary and the directory.
func generate(_ configuration: SynthConfiguration, _ format: SynthFormat,
              name: String = #function) throws -> (SynthSummary, URL) {
    let directory = temporaryDirectory(name)
    let summary = try SynthGenerator(configuration: configuration).generate(format: format, to: directory, progress: nil)
    return (summary, directory)
}

func lines(of url: URL) throws -> [String] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// RFC 4180 fields of one line (no line breaks inside fields in generated files).
func csvFields(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(line)
    chars.append(",")
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if quoted {
            if c == "\"" {
                if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
            } else {
                field.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            fields.append(field)
            field = ""
        } else {
            field.append(c)
        }
        i += 1
    }
    return fields
}

/// Rows of a CSV file with a header, as dictionaries.
func csvRows(_ url: URL) throws -> [[String: String]] {
    let all = try lines(of: url)
    guard let header = all.first.map(csvFields) else { return [] }
    return all.dropFirst().map { line in
        let fields = csvFields(line)
        var row: [String: String] = [:]
        for (key, value) in zip(header, fields) { row[key] = value }
        return row
    }
}

func groundTruth(in directory: URL) throws -> GroundTruth {
    try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: directory.appendingPathComponent("ground-truth.json")))
}

/// Case- and accent-folded text, for keyword checks.
func folded(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
}

/// Whether `phrase` occurs in `text` as whole words, folding case and accents.
func containsWords(_ text: String, _ phrase: String) -> Bool {
    let haystack = Array(folded(text).unicodeScalars)
    let needle = Array(folded(phrase).unicodeScalars)
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
    for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
        let before = start == 0 || !isWord(haystack[start - 1])
        let afterIndex = start + needle.count
        let after = afterIndex == haystack.count || !isWord(haystack[afterIndex])
        if before && after { return true }
    }
    return false
}

func median(_ values: [Int]) -> Int {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func parse(_ line: String) throws -> JSONValue {
    try JSONParser.parse(line)
}

func array(_ value: JSONValue?) -> [JSONValue] {
    if case .array(let elements) = value { return elements }
    return []
}

/// A substring by code-point offsets (Twitter entity offsets).
func codePointSlice(_ text: String, _ start: Int, _ end: Int) -> String {
    let scalars = Array(text.unicodeScalars)
    guard start >= 0, end <= scalars.count, start <= end else { return "<out of range>" }
    var result = ""
    result.unicodeScalars.append(contentsOf: scalars[start..<end])
    return result
}

/// A substring by UTF-8 byte offsets (Bluesky facets).
func byteSlice(_ text: String, _ start: Int, _ end: Int) -> String {
    let bytes = Array(text.utf8)
    guard start >= 0, end <= bytes.count, start <= end else { return "<out of range>" }
    return String(decoding: bytes[start..<end], as: UTF8.self)
}
