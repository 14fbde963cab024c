/// The most recent posts of one kind, kept so that replies, reposts and quotes can point at
/// them. Fixed capacity: memory does not grow with the number of posts.
struct PostRing {
    private var slots: [PostContent] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        slots.reserveCapacity(capacity)
    }

    var count: Int { slots.count }
    var isEmpty: Bool { slots.isEmpty }

    mutating func add(_ post: PostContent) {
        if slots.count < capacity {
            slots.append(post)
        } else {
            slots[next] = post
        }
        next = (next + 1) % capacity
    }

    /// A recent post, the newest ones more likely (engagement fades with age).
    func recent(_ random: inout SeededGenerator) -> PostContent? {
        guard !slots.isEmpty else { return nil }
        let age = min(slots.count - 1, Int(random.exponential(mean: Double(min(slots.count, capacity)) / 4)))
        let newest = (next - 1 + slots.count) % slots.count
        return slots[(newest - age + slots.count) % slots.count]
    }

    /// The post with the most-followed author among a few recent ones: preferential attachment.
    func popular(_ random: inout SeededGenerator, followers: [Int32], excluding author: Int32) -> PostContent? {
        var best: PostContent?
        for _ in 0..<3 {
            guard let candidate = recent(&random), candidate.author != author else { continue }
            if let current = best, followers[Int(candidate.author)] <= followers[Int(current.author)] { continue }
            best = candidate
        }
        return best
    }
}
