import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A file received from a client, waiting for its import job in a folder of its own (removed
/// with the folder when the job ends). It keeps the client's file name, so that reports and
/// rejected records name the file the user knows.
struct UploadedFile: Sendable {
    let folder: URL
    let originalName: String
    let bytes: Int

    var path: String { folder.appendingPathComponent(originalName).path }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Streams request bodies to disk, never holding a whole upload in memory, and refuses those
/// over the limit with 413.
enum Uploads {
    /// A file name safe to create: letters, digits, `.`, `-`, `_`; no leading dot; at most 100.
    static func safeName(_ name: String?) -> String {
        let base = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var safe = String(base.unicodeScalars.map { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        })
        while safe.hasPrefix(".") { safe.removeFirst() }
        safe = String(safe.prefix(100))
        return safe.isEmpty ? "upload" : safe
    }

    /// Writes a raw request body (the API's upload) to a new folder under `root`.
    static func receive(_ body: RequestBody, name: String?, root: String, limit: Int) async throws -> UploadedFile {
        let writer = try UploadWriter(root: root, name: safeName(name), limit: limit)
        do {
            for try await buffer in body {
                try writer.append(buffer)
            }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Reads a `multipart/form-data` body (the dashboard's upload form): the text fields, and
    /// the one file part (named `fileField`) streamed to a new folder under `root`.
    static func receiveForm(_ body: RequestBody, contentType: String, fileField: String, root: String,
                            limit: Int) async throws -> (fields: [String: String], file: UploadedFile?) {
        guard let boundary = boundary(of: contentType) else {
            throw Problem.invalidArgument("send the form as multipart/form-data")
        }
        let parser = MultipartParser(boundary: boundary)
        let state = FormState()
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { state.beginPart(disposition: value) }
        }
        parser.onBody = { buffer in state.appendBody(&buffer) }
        parser.onPartComplete = { state.endPart() }
        var writer: UploadWriter?
        var total = 0
        do {
            for try await buffer in body {
                total += buffer.readableBytes
                // Fields and multipart framing count too; the file part has its own limit below.
                if total > limit + 64 * 1024 { throw Problem.tooLarge(limit: limit) }
                try parser.execute(buffer)
                for event in state.drain() {
                    switch event {
                    case .fileStart(let field, let name) where field == fileField && writer == nil:
                        writer = try UploadWriter(root: root, name: safeName(name), limit: limit)
                    case .fileBytes(let field, let bytes) where field == fileField:
                        try writer?.append(bytes)
                    default:
                        break
                    }
                }
            }
            let file = try writer?.finish()
            return (state.fields, file.flatMap { $0.bytes > 0 ? $0 : nil })
        } catch {
            writer?.abandon()
            if error is Problem { throw error }
            throw Problem.invalidArgument("the form could not be read (\(error)); choose the file again and resend")
        }
    }

    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// Appends to a new file in a new folder, counting bytes against a limit.
private final class UploadWriter {
    let folder: URL
    let name: String
    let handle: FileHandle
    let limit: Int
    var bytes = 0

    init(root: String, name: String, limit: Int) throws {
        folder = URL(fileURLWithPath: root).appendingPathComponent("vigie-upload-" + Secrets.identifier())
        self.name = name
        self.limit = limit
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            try? FileManager.default.removeItem(at: folder)
            throw Problem(.insufficientStorage, code: "upload-failed", title: "Upload failed",
                          detail: "the server could not store the upload; try again later")
        }
        self.handle = handle
    }

    func append(_ buffer: ByteBuffer) throws {
        bytes += buffer.readableBytes
        guard bytes <= limit else { throw Problem.tooLarge(limit: limit) }
        try handle.write(contentsOf: Data(buffer: buffer))
    }

    func finish() throws -> UploadedFile {
        try handle.close()
        return UploadedFile(folder: folder, originalName: name, bytes: bytes)
    }

    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// What the multipart parser's callbacks saw, drained after each chunk.
private final class FormState {
    enum Event {
        case fileStart(field: String, fileName: String?)
        case fileBytes(field: String, ByteBuffer)
    }

    var fields: [String: String] = [:]
    private var events: [Event] = []
    private var currentField: String?
    private var currentIsFile = false
    private var fieldValue = ByteBuffer()

    func beginPart(disposition: String) {
        currentField = Self.parameter("name", in: disposition)
        let fileName = Self.parameter("filename", in: disposition)
        currentIsFile = fileName != nil
        fieldValue.clear()
        if currentIsFile, let field = currentField { events.append(.fileStart(field: field, fileName: fileName)) }
    }

    func appendBody(_ buffer: inout ByteBuffer) {
        guard let field = currentField else { return }
        if currentIsFile {
            events.append(.fileBytes(field: field, buffer))
        } else if fieldValue.readableBytes + buffer.readableBytes <= 64 * 1024 {
            fieldValue.writeBuffer(&buffer)
        }
    }

    func endPart() {
        if let field = currentField, !currentIsFile { fields[field] = String(buffer: fieldValue) }
        currentField = nil
        currentIsFile = false
    }

    func drain() -> [Event] {
        defer { events.removeAll() }
        return events
    }

    static func parameter(_ name: String, in disposition: String) -> String? {
        for part in disposition.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
