/// A failure of a use case, worded for any front end: what is wrong and what to change, with the
/// request field at fault so that a front end can name its own option (`--since`) or JSON field.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        /// A request value is out of range or malformed.
        case invalidArgument
        /// A named thing (watch, account, rule, topic) does not exist in the workspace.
        case notFound
        /// The workspace holds nothing the operation can work on.
        case noData
        /// A resource (language data, a model file) is missing or unreadable.
        case resourceMissing
        /// An input file or document cannot be used.
        case unreadableInput
    }

    public var code: Code
    public var message: String
    /// The request field at fault (`since`, `query`, `watch`, `model`…), when there is one.
    public var field: String?

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
