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
    /// Per slot: the string's 32-bit hash in the high half and its index into `ends` in the low
    /// half (one load per probe), `empty` for none; a power of two long.
    private var slots: [UInt64] = []
    private static var empty: UInt64 { .max }
    /// When false, ``append(_:)`` only stores (no lookups are made, no table is kept) until
    /// ``buildIndex()``.
    private(set) var indexed: Bool

    init(indexed: Bool = true) {
        self.indexed = indexed
        if indexed { slots = Array(repeating: Self.empty, count: 64) }
    }

    var count: Int { ends.count }

    /// The number of `bytes`, or the existing number when they were interned before.
    @discardableResult
    mutating func intern(_ text: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        precondition(indexed, "intern on an unindexed ByteInterner")
        let hash = UInt64(UInt32(truncatingIfNeeded: Self.hash(text)))
        var mask = slots.count - 1
        var slot = Int(hash) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            while true {
                let existing = slots[slot]
                if existing == Self.empty { return nil }
                if existing >> 32 == hash, equals(Int(existing & 0xFFFF_FFFF), text) {
                    return Int32(truncatingIfNeeded: existing & 0xFFFF_FFFF)
                }
                slot = (slot + 1) & mask
            }
        }
        if let found { return (found, false) }
        let id = Int32(ends.count)
        store(text)
        if ends.count * 2 > slots.count {
            grow()
            mask = slots.count - 1
            slot = Int(hash) & mask
            while slots[slot] != Self.empty { slot = (slot + 1) & mask }
        }
        slots[slot] = hash << 32 | UInt64(UInt32(id))
        return (id, true)
    }

    /// Indexes the strings stored so far (``append(_:)`` on an unindexed interner), so that
    /// ``intern(_:)`` can be used from now on. Strings stored twice keep their first number.
    mutating func buildIndex() {
        guard !indexed else { return }
        indexed = true
        var size = 64
        while size < ends.count * 2 + 2 { size <<= 1 }
        slots = Array(repeating: Self.empty, count: size)
        let mask = size - 1
        bytes.withUnsafeBufferPointer { all in
            for id in 0..<ends.count {
                let range = self.range(Int32(id))
                let text = UnsafeBufferPointer(rebasing: all[range])
                let hash = UInt64(UInt32(truncatingIfNeeded: Self.hash(text)))
                var slot = Int(hash) & mask
                while slots[slot] != Self.empty {
                    if slots[slot] >> 32 == hash, equals(Int(slots[slot] & 0xFFFF_FFFF), text) { break }
                    slot = (slot + 1) & mask
                }
                if slots[slot] == Self.empty { slots[slot] = hash << 32 | UInt64(id) }
            }
        }
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
        var fresh = [UInt64](repeating: Self.empty, count: capacity)
        for code in slots where code != Self.empty {
            var slot = Int(code >> 32) & mask
            while fresh[slot] != Self.empty { slot = (slot + 1) & mask }
            fresh[slot] = code
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

/// Open-addressing table from `UInt64` keys (pairs of accounts, packed) to a small integer value:
/// the memory of two flat arrays instead of a dictionary of structs. `UInt64` values hold two
/// directed counts per pair (``PairCountTable``); `UInt16` values saturating counts per directed
/// pair, enough to tell which pairs reach a minimum weight at 10 bytes a slot (``DirectedCountTable``).
struct PackedCountTable<Value: FixedWidthInteger & UnsignedInteger> {
    private static var empty: UInt64 { .max }
    private(set) var keys: [UInt64]
    private(set) var counts: [Value]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: Self.empty, count: size)
        counts = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Adds `increment` to `key`'s value (wrapping: for packed counts, 1 for the low direction
    /// and 1 << 32 for the high direction).
    @inline(__always)
    mutating func add(_ key: UInt64, _ increment: Value) {
        update(key) { $0 &+= increment }
    }

    /// Adds one to `key`'s value, stopping at `Value.max`.
    @inline(__always)
    mutating func increment(_ key: UInt64) {
        update(key) { if $0 < Value.max { $0 += 1 } }
    }

    @inline(__always)
    private mutating func update(_ key: UInt64, _ change: (inout Value) -> Void) {
        var slot = Int(truncatingIfNeeded: MinHash.mix(key)) & mask
        while true {
            let existing = keys[slot]
            if existing == key {
                change(&counts[slot])
                return
            }
            if existing == Self.empty { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        counts[slot] = 0
        change(&counts[slot])
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

    /// Every (key, value) pair, in table order.
    func forEach(_ body: (UInt64, Value) -> Void) {
        for slot in keys.indices where keys[slot] != Self.empty { body(keys[slot], counts[slot]) }
    }

    /// Every key whose value is at least `minimum`.
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

/// Two directed counts per undirected pair of accounts (low 32 bits: the lower account's posts
/// matched by the higher; high 32 bits: the reverse).
typealias PairCountTable = PackedCountTable<UInt64>

/// Saturating counts per directed pair of accounts.
typealias DirectedCountTable = PackedCountTable<UInt16>
