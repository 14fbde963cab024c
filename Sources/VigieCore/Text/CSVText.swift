/// Writing CSV (RFC 4180) for exports.
public enum CSVText {
    /// A field as it must appear in a CSV line: quoted, with quotes doubled, only when needed.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
