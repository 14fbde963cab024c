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
}
