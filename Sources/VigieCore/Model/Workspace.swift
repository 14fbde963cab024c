/// Workspaces separate client brands: every stored record belongs to exactly one.
public enum Workspace {
    public static let defaultName = "default"

    /// Workspace names are short slugs so they are safe in paths, URLs and SQL identifiers.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { c in
            c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_")
        }
    }
}
