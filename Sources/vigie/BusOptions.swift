import Foundation
import VigieBus
import VigieCore

/// Opens the ingest bus named by a URL: the one place the CLI names a bus implementation.
enum BusOptions {
    static func open(_ url: String, ackWait: Duration = .seconds(30)) throws -> any IngestBus {
        do {
            var bus = try NATSIngestBus(url: url)
            bus.ackWait = ackWait
            return bus
        } catch let error as NATSError {
            throw CLIError("--bus: \(error.description)")
        }
    }

    /// The id prefix of an import's batches: the files and their sizes and dates, so that the
    /// same import run again within the bus's duplicate window is stored once.
    static func importID(_ paths: [String]) -> String {
        var parts: [String] = []
        for path in paths {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? Int) ?? 0
            let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("\(path):\(size):\(Int(date))")
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "|").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "import-" + String(hash, radix: 16)
    }
}
