import VigieCore

/// The fuzz generator's randomness: seeded, so a failing case is rebuilt exactly from its seed.
struct FuzzRandom {
    private var generator: SeededRandom

    init(seed: UInt64) { generator = SeededRandom(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { generator.next(in: range) }

    mutating func int(below bound: Int) -> Int { bound <= 1 ? 0 : generator.next(in: 0...(bound - 1)) }

    mutating func chance(_ probability: Double) -> Bool { generator.unit() < probability }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(below: choices.count)] }

    mutating func next() -> UInt64 { generator.next() }

    /// The length of a huge field value. Over a 64 KiB line and over the readers' record limits
    /// alike; in the long set one in a hundred is 50 MB, the rest mostly 70 KB: at one in five,
    /// a file of 400 records came to hundreds of megabytes and a format took over an hour.
    mutating func hugeValueSize(large: Bool) -> Int {
        large && chance(0.01) ? 50_000_000 : pick([70_000, 70_000, 70_000, 1_000_000, 4_000_000])
    }
}
