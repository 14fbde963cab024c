import Foundation
import Synchronization

/// The arithmetic behind the charts' axes: "nice" round ticks that cover the data, and short
/// labels for them.
enum ChartScale {
    /// About `count` round ticks (1, 2, 2.5 or 5 times a power of ten apart) from at most the
    /// smallest value (0 when all are positive) to at least the largest.
    static func ticks(minimum: Double, maximum: Double, count: Int = 5) -> [Double] {
        var low = min(minimum, 0)
        var high = max(maximum, 0)
        if low == high { high = low + 1 }
        guard low.isFinite, high.isFinite else { return [0, 1] }
        let rough = (high - low) / Double(max(count - 1, 1))
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        low = floor(low / step) * step
        high = ceil(high / step) * step
        let steps = Int(((high - low) / step).rounded())
        return (0...steps).map { low + Double($0) * step }
    }

    /// `1234` → `1.2k`, `2500000` → `2.5M`, `0.25` → `0.25`; whole numbers stay whole.
    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        func trimmed(_ number: Double, _ suffix: String) -> String {
            let text = String(format: "%.1f", number)
            return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + suffix
        }
        if magnitude >= 1_000_000_000 { return trimmed(value / 1_000_000_000, "G") }
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000, "M") }
        if magnitude >= 10_000 { return trimmed(value / 1_000, "k") }
        if value == value.rounded() { return String(Int(value)) }
        return String(format: magnitude < 1 ? "%.2f" : "%.1f", value)
    }

    /// The indexes of at most `maximum` evenly spaced labels among `count` (first and last kept).
    static func labelIndexes(count: Int, maximum: Int) -> [Int] {
        guard count > maximum, maximum >= 2 else { return Array(0..<count) }
        let stride = Double(count - 1) / Double(maximum - 1)
        return (0..<maximum).map { Int((Double($0) * stride).rounded()) }
    }
}

/// Text and attribute escaping for SVG and HTML written by hand.
enum Markup {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A coordinate with at most one decimal, for compact SVG.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// A process-wide counter (chart ids unique within any page).
final class IDCounter: Sendable {
    private let value = Atomic<Int>(0)

    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
