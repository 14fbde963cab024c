import Foundation

/// Byte strings (account ids, post ids, behaviour keys) numbered densely from 0: one arena of
/// bytes, one array of end offsets and an open-addressing table, so that millions of ids cost
/// three arrays instead of millions of `String`s and dictionary entries.
///
/// ```swift
/// var ids = ByteInterner()
/// let (a, isNew) = ids.intern("1234")   // (0, true)
/// ids.intern("1234").id == a             // true, isNew false
/// ids.string(a)                          // "1234"
/// ```
struct ByteInterner: Sendable {
    private(set) var bytes: [UInt8] = []
    /// `bytes[start(i)..<ends[i]]` is string `i`.
    private var ends: [Int] = []
    private var hashes: [UInt32] = []
    /// Indexes into `ends`, -1 for an empty slot; a power of two long.
    private var slots: [Int32] = []
    /// When false, ``append(_:)`` only stores (no lookups are made, no table is kept).
    let indexed: Bool

    init(indexed: Bool = true) {
        self.indexed = indexed
        if indexed { slots = Array(repeating: -1, count: 64) }
    }

    var count: Int { ends.count }

    /// The number of `bytes`, or the existing number when they were interned before.
    @discardableResult
    mutating func intern(_ text: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        precondition(indexed, "intern on an unindexed ByteInterner")
        let hash = Self.hash(text)
        var mask = slots.count - 1
        var slot = Int(UInt32(truncatingIfNeeded: hash)) & mask
        while true {
            let existing = slots[slot]
            if existing < 0 { break }
            if hashes[Int(existing)] == UInt32(truncatingIfNeeded: hash), equals(Int(existing), text) {
                return (existing, false)
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(ends.count)
        store(text)
        hashes.append(UInt32(truncatingIfNeeded: hash))
        if ends.count * 2 > slots.count {
            grow()
            mask = slots.count - 1
            slot = Int(UInt32(truncatingIfNeeded: hash)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = id
        return (id, true)
    }

    @discardableResult
    mutating func intern(_ text: String) -> (id: Int32, isNew: Bool) {
        var text = text
        return text.withUTF8 { intern($0) }
    }

    /// Stores `text` as the next number without looking it up (unindexed interners).
    @discardableResult
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) -> Int32 {
        let id = Int32(ends.count)
        store(text)
        return id
    }

    @discardableResult
    mutating func append(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { append($0) }
    }

    /// The bytes of string `id`, as a range of ``bytes``.
    func range(_ id: Int32) -> Range<Int> {
        let index = Int(id)
        return (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    func string(_ id: Int32) -> String {
        String(decoding: bytes[range(id)], as: UTF8.self)
    }

    /// Every string, in number order.
    var strings: [String] { (0..<count).map { string(Int32($0)) } }

    private mutating func store(_ text: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
    }

    private func equals(_ id: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        guard ends[id] - start == text.count else { return false }
        guard let base = text.baseAddress, !text.isEmpty else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, base, text.count) == 0 }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        let mask = capacity - 1
        var fresh = [Int32](repeating: -1, count: capacity)
        for id in 0..<ends.count {
            var slot = Int(hashes[id]) & mask
            while fresh[slot] >= 0 { slot = (slot + 1) & mask }
            fresh[slot] = Int32(id)
        }
        slots = fresh
    }

    /// Eight bytes at a time, multiply-xorshift mixing (not cryptographic).
    static func hash(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(text.count)
        guard let base = text.baseAddress else { return MinHash.mix(hash) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            offset += 8
        }
        if offset < text.count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < text.count {
                word |= UInt64(text[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ word) &* 0x94D0_49BB_1331_11EB
        }
        return MinHash.mix(hash)
    }
}

/// Open-addressing counts per pair of accounts (`UInt64` pair key), two directed counts per
/// pair: the memory of one flat table instead of a dictionary of structs.
struct PairCountTable {
    private static let empty = UInt64.max
    private(set) var keys: [UInt64]
    /// Low 32 bits: the lower account's posts matched by the higher; high 32 bits: the reverse.
    private(set) var counts: [UInt64]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Adds `increment` (1 for the low direction, 1 << 32 for the high direction) to `key`.
    @inline(__always)
    mutating func add(_ key: UInt64, _ increment: UInt64) {
        var slot = Int(truncatingIfNeeded: MinHash.mix(key)) & mask
        while true {
            let existing = keys[slot]
            if existing == key {
                counts[slot] &+= increment
                return
            }
            if existing == Self.empty { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        counts[slot] = increment
        count += 1
        if count * 2 > keys.count { grow() }
    }

    /// The slot of `key`, or nil.
    @inline(__always)
    func find(_ key: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: MinHash.mix(key)) & mask
        while true {
            let existing = keys[slot]
            if existing == key { return slot }
            if existing == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Every (key, counts) pair, in table order.
    func forEach(_ body: (UInt64, UInt64) -> Void) {
        for slot in keys.indices where keys[slot] != Self.empty { body(keys[slot], counts[slot]) }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldCounts = counts
        let size = keys.count * 2
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: 0, count: size)
        mask = size - 1
        for slot in oldKeys.indices where oldKeys[slot] != Self.empty {
            var fresh = Int(truncatingIfNeeded: MinHash.mix(oldKeys[slot])) & mask
            while keys[fresh] != Self.empty { fresh = (fresh + 1) & mask }
            keys[fresh] = oldKeys[slot]
            counts[fresh] = oldCounts[slot]
        }
    }
}

/// Open-addressing counts per directed pair of accounts (`UInt64` key), saturating at
/// `UInt16.max`: enough to tell which pairs reach a minimum weight, at 10 bytes a slot.
struct DirectedCountTable {
    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var counts: [UInt16]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    mutating func increment(_ key: UInt64) {
        var slot = Int(truncatingIfNeeded: MinHash.mix(key)) & mask
        while true {
            let existing = keys[slot]
            if existing == key {
                if counts[slot] < UInt16.max { counts[slot] += 1 }
                return
            }
            if existing == Self.empty { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        counts[slot] = 1
        count += 1
        if count * 2 > keys.count { grow() }
    }

    /// Every key counted at least `minimum` times.
    func forEach(atLeast minimum: Int, _ body: (UInt64) -> Void) {
        for slot in keys.indices where keys[slot] != Self.empty && Int(counts[slot]) >= minimum { body(keys[slot]) }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldCounts = counts
        let size = keys.count * 2
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: 0, count: size)
        mask = size - 1
        for slot in oldKeys.indices where oldKeys[slot] != Self.empty {
            var fresh = Int(truncatingIfNeeded: MinHash.mix(oldKeys[slot])) & mask
            while keys[fresh] != Self.empty { fresh = (fresh + 1) & mask }
            keys[fresh] = oldKeys[slot]
            counts[fresh] = oldCounts[slot]
        }
    }
}
