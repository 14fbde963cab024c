/// Writing XML 1.0 text for the GEXF and GraphML exports.
public enum XMLText {
    /// Text safe inside XML content and attribute values: the five markup characters escaped, and
    /// the control characters and non-characters that XML 1.0 forbids even escaped left out.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22: out += "&quot;"
            case 0x27: out += "&apos;"
            case 0x09, 0x0A, 0x0D: out.unicodeScalars.append(scalar)
            case ..<0x20, 0xFFFE, 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
