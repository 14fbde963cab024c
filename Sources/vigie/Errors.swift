import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

/// A failure to report on standard error with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Library errors are worded for any front end; this adds what only the CLI knows: the flag
/// that changes the value at fault, and the command that fixes a missing resource.
enum ErrorTranslation {
    static func translate(_ error: any Error) -> any Error {
        switch error {
        case let error as EngineError:
            return CLIError(error.message + hint(for: error))
        case let error as StoreError:
            return CLIError(error.description + hint(for: error))
        case let error as QueryError:
            return CLIError("invalid query\n" + error.description)
        case let error as WatchError:
            return CLIError(error.description + hint(for: error))
        default:
            return error
        }
    }

    /// The flag a request field is set with.
    static func flag(_ field: String) -> String {
        switch field {
        case "paths": return "the paths given"
        case "subject", "text": return "the \(field) given"
        case "trustModel", "sentimentModel": return "--model"
        case "target": return "the URL argument"
        default:
            let kebab = field.reduce(into: "") { text, c in
                if c.isUppercase { text += "-" + c.lowercased() } else { text.append(c) }
            }
            return "--" + kebab
        }
    }

    static func hint(for error: EngineError) -> String {
        switch (error.code, error.field) {
        case (.resourceMissing, "lexicons"?):
            return " (run scripts/fetch-lexicons, or name the folder with --lexicons DIR or VIGIE_LEXICONS)"
        case (.resourceMissing, "trustModel"?):
            return " (--model FILE or VIGIE_TRUST_MODEL; `vigie trust train` writes one)"
        case (.resourceMissing, "sentimentModel"?):
            return " (--model FILE or VIGIE_SENTIMENT_MODEL; `vigie sentiment train DATA` writes one)"
        case (.notFound, "rule"?):
            return " (see vigie alerts list)"
        case (.notFound, "watch"?):
            return " (`vigie watch add NAME QUERY` adds it; see `vigie watch list`)"
        case (_, let field?) where error.code == .invalidArgument:
            return " (\(flag(field)))"
        default:
            return ""
        }
    }

    static func hint(for error: StoreError) -> String {
        switch error.code {
        case .missing: return " (`vigie ingest` creates it; --database or VIGIE_DATABASE names another)"
        case .locked, .notAVigieStore, .cannotOpen, .corrupt, .newerSchema: return " (--database names another file)"
        case .invalidWorkspace: return " (--workspace)"
        default: return ""
        }
    }

    static func hint(for error: WatchError) -> String {
        switch error {
        case .alreadyExists(let name): return " (`vigie watch remove \(name)` removes it)"
        case .notFound: return " (see `vigie watch list`)"
        default: return ""
        }
    }
}
