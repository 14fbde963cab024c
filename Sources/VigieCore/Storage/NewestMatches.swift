/// A query match a backend keeps while it pages through candidates: its row id and creation time.
public protocol TimedMatch {
    var id: Int64 { get }
    var createdAt: Int64 { get }
}

/// The `limit` newest matches seen so far (by creation date, then id), in a min-heap: what every
/// backend needs for a query's first page without sorting all its matches.
public struct NewestMatches<Match: TimedMatch> {
    public let limit: Int
    @usableFromInline var heap: [Match] = []

    public init(limit: Int) { self.limit = limit }

    @inlinable static func older(_ a: Match, _ b: Match) -> Bool {
        a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id
    }

    @inlinable public mutating func offer(_ match: Match) {
        guard limit > 0 else { return }
        if heap.count < limit {
            heap.append(match)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.older(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if Self.older(heap[0], match) {
            heap[0] = match
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, Self.older(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count, Self.older(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// Newest first.
    public var sorted: [Match] { heap.sorted { Self.older($1, $0) } }
}
