import Foundation
import VigieCore

/// Typed reads of one Twitter object's fields that name the field at fault when the input is
/// wrong. The field path is an autoclosure: it is only built when something is wrong, so a good
/// record costs no string building.
struct TwitterFields {
    let value: JSONValue

    init(_ value: JSONValue) {
        self.value = value
    }

    /// An identifier: a non-empty string, or an integer (v1.1 numeric `id`). `nil` when absent or null.
    func id(_ key: String, _ path: @autoclosure () -> String) throws -> String? {
        guard let field = value[key] else { return nil }
        switch field {
        case .string(let text):
            guard !text.isEmpty else {
                throw RecordError.invalid("field '\(path())' is an empty id", field: path())
            }
            return text
        case .int(let number):
            return String(number)
        default:
            throw RecordError.wrongType(path(), expected: "an id (a string of digits)", found: field)
        }
    }

    func requiredID(_ key: String, _ path: @autoclosure () -> String) throws -> String {
        guard let id = try id(key, path()) else { throw RecordError.missing(path()) }
        return id
    }

    func string(_ key: String, _ path: @autoclosure () -> String) throws -> String? {
        guard let field = value[key] else { return nil }
        guard case .string(let text) = field else {
            throw RecordError.wrongType(path(), expected: "a string", found: field)
        }
        return text
    }

    /// A timestamp in any form `DateParsing` knows; an impossible date is an error, not a nil.
    func date(_ key: String, _ path: @autoclosure () -> String) throws -> Date? {
        guard let text = try string(key, path()) else { return nil }
        guard let date = DateParsing.parse(text) else {
            throw RecordError.invalid("field '\(path())' is not a valid date: '\(text.prefix(40))'"
                                      + DateParsing.explanation(for: text), field: path())
        }
        return date
    }

    func requiredDate(_ key: String, _ path: @autoclosure () -> String) throws -> Date {
        guard let date = try date(key, path()) else { throw RecordError.missing(path()) }
        return date
    }

    /// A count: a whole number ≥ 0 (the API never sends a negative one).
    func count(_ key: String, _ path: @autoclosure () -> String) throws -> Int? {
        guard let field = value[key] else { return nil }
        guard let number = field.int else {
            throw RecordError.wrongType(path(), expected: "an integer", found: field)
        }
        guard number >= 0 else {
            throw RecordError.invalid("field '\(path())' is a count and cannot be negative (\(number))", field: path())
        }
        return number
    }

    func flag(_ key: String, _ path: @autoclosure () -> String) throws -> Bool? {
        guard let field = value[key] else { return nil }
        guard case .bool(let flag) = field else {
            throw RecordError.wrongType(path(), expected: "true or false", found: field)
        }
        return flag
    }

    /// The elements of an array field; empty when absent or null.
    func elements(_ key: String, _ path: @autoclosure () -> String) throws -> [JSONValue] {
        guard let field = value[key] else { return [] }
        guard case .array(let elements) = field else {
            throw RecordError.wrongType(path(), expected: "an array", found: field)
        }
        return elements
    }

    func object(_ key: String, _ path: @autoclosure () -> String) throws -> TwitterFields? {
        guard let field = value[key] else { return nil }
        guard case .object = field else {
            throw RecordError.wrongType(path(), expected: "an object", found: field)
        }
        return TwitterFields(field)
    }
}

/// Where a tweet or user sits inside a unit (`data[3]`, `includes.users[0]`, or the unit itself).
struct TwitterRecordPath {
    var container: String
    var index: Int?

    static let unit = TwitterRecordPath(container: "", index: nil)

    /// `data[3]`, or `""` for the unit itself.
    var name: String {
        guard let index else { return container }
        return "\(container)[\(index)]"
    }

    /// `data[3].created_at`.
    func field(_ key: String) -> String {
        let name = self.name
        return name.isEmpty ? key : name + "." + key
    }

    /// The record itself, for errors about the whole record (`data[3]`, or `record`).
    var recordName: String {
        let name = self.name
        return name.isEmpty ? "record" : name
    }
}
