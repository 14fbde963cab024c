import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VigieServer

/// The OpenAPI document is written by hand; these tests hold it to the routes the server
/// really registers, both ways, and check that it is a well-formed 3.1 document.
@Suite("OpenAPI document")
struct OpenAPITests {
    static func document() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
    }

    /// `GET /api/v1/me`-style pairs of the document.
    static func documentedOperations() throws -> Set<String> {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where ["get", "put", "post", "delete", "patch", "head", "options"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test("every API route is in the document, and every documented operation is a route")
    func documentMatchesRoutes() async throws {
        let world = try await TestWorld()
        let components = try ServerComponents(configuration: world.configuration, store: world.store,
                                              logger: .init(label: "test"), metrics: world.metrics)
        let registered = Set(components.router.routes
            .filter { $0.path.description.hasPrefix("/api/") }
            .map { "\($0.method) \($0.path.description)" })
        let documented = try Self.documentedOperations()
        #expect(registered.subtracting(documented).isEmpty, "routes missing from openapi.json: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not served: \(documented.subtracting(registered).sorted())")
        #expect(registered.count >= 20)
    }

    @Test("the document is OpenAPI 3.1: operations have unique ids, problem answers, and every $ref resolves")
    func documentIsWellFormed() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var ids: [String] = []
        for (path, item) in paths {
            for (method, value) in item {
                let operation = try #require(value as? [String: Any], "\(method) \(path)")
                ids.append(try #require(operation["operationId"] as? String, "\(method) \(path) has no operationId"))
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses["default"] != nil, "\(method) \(path) does not document its problem answers")
                // Every path parameter is declared.
                let declared = Self.parameterNames(operation["parameters"] as? [Any] ?? [], document: document)
                for name in Self.templateParameters(path) {
                    #expect(declared.contains(name), "\(method) \(path) does not declare {\(name)}")
                }
            }
        }
        #expect(Set(ids).count == ids.count, "duplicate operationIds")
        for reference in Self.references(in: document) {
            #expect(Self.resolve(reference, in: document) != nil, "unresolved \(reference)")
        }
    }

    @Test("the document is served, without authentication")
    func documentIsServed() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(try response.json()["openapi"] as? String == "3.1.0")
        }
    }

    static func templateParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    static func parameterNames(_ parameters: [Any], document: [String: Any]) -> Set<String> {
        Set(parameters.compactMap { parameter -> String? in
            var object = parameter as? [String: Any]
            if let reference = object?["$ref"] as? String { object = resolve(reference, in: document) as? [String: Any] }
            guard object?["in"] as? String == "path" else { return nil }
            return object?["name"] as? String
        })
    }

    static func references(in value: Any) -> [String] {
        switch value {
        case let object as [String: Any]:
            let own = (object["$ref"] as? String).map { [$0] } ?? []
            return own + object.values.flatMap(references)
        case let array as [Any]:
            return array.flatMap(references)
        default:
            return []
        }
    }

    static func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") {
            current = (current as? [String: Any])?[String(part)]
        }
        return current
    }
}
