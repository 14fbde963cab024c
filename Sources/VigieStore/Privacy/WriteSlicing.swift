import Foundation
import GRDB
import VigieCore

/// How long privacy work (an erasure, a retention purge) shares the write lock: as a series of
/// short write transactions ("slices") with the lock left free between them, so that another
/// writer (a request of `vigie serve`, an import or a listener in another process) waits about
/// one slice at most, not the whole operation.
///
/// A slice stops taking rows once `budget` has passed (checked between rows, so one slow row can
/// overrun it) or at the operation's row cap, whichever comes first.
struct WriteSlicing: Sendable {
    /// Work per transaction. 40 ms leaves room under the 100 ms for the commit and for a
    /// row that overruns, on a loaded 2-core machine.
    var budget: Duration = .milliseconds(40)
    /// The lock is left free this long between slices. A writer in another process waits through
    /// SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20 and then 25 ms between tries: a gap
    /// shorter than its sleep would let the next slice take the lock first, again and again (the
    /// probe of `scripts/bench-privacy` waited 0.7–2.6 s that way behind back-to-back
    /// transactions). 30 ms is longer than any of its sleeps in the first 128 ms, so it gets in
    /// behind the current slice. The cost: the operation runs about 40% longer when nobody waits.
    var pause: Duration = .milliseconds(30)
    /// Tests: stop with ``Interrupted`` before slice number `stopAfter + 1`, as a crash would.
    var stopAfter: Int?
    /// Where an operation deletes a set of rows per statement (an erasure's posts, and its
    /// interactions from each of the source and target indexes), the size of the set: a few
    /// milliseconds of work, so that a slice stops close to its budget.
    var postsPerStatement = 50
    var interactionsPerStatement = 250

    static let standard = WriteSlicing()

    /// Thrown when ``stopAfter`` slices have run.
    struct Interrupted: Error {}
}

/// What one operation's slices took: how many, and the longest hold of the write lock.
struct SliceMeter: Sendable {
    let slicing: WriteSlicing
    private(set) var transactions = 0
    private(set) var longest: Duration = .zero

    init(_ slicing: WriteSlicing) {
        self.slicing = slicing
    }

    var longestMilliseconds: Double {
        Double(longest.components.seconds) * 1000 + Double(longest.components.attoseconds) / 1e15
    }

    fileprivate mutating func record(_ held: Duration) {
        transactions += 1
        longest = max(longest, held)
    }
}

extension ContinuousClock.Instant {
    /// Whether a slice's budget is spent (``WriteSlicing/budget``).
    var hasPassed: Bool { ContinuousClock.now >= self }
}

extension SQLiteStore {
    /// Runs one slice: a `BEGIN IMMEDIATE` transaction whose body gets the instant at which it
    /// should stop taking rows; the lock hold (from the body's start to the commit) is recorded.
    /// Pauses first when an earlier slice of the same operation ran.
    func writeSlice<T: Sendable>(_ meter: inout SliceMeter,
                                 _ body: @escaping @Sendable (Database, ContinuousClock.Instant) throws -> T) async throws -> T {
        guard !isReadOnly else {
            throw StoreError(code: .readOnly, location: path, message:
                "this database was opened read-only; open it with write access to change it")
        }
        if let stop = meter.slicing.stopAfter, meter.transactions >= stop { throw WriteSlicing.Interrupted() }
        if meter.transactions > 0 { try await Task.sleep(for: meter.slicing.pause) }
        let budget = meter.slicing.budget
        let (value, held): (T, Duration)
        do {
            (value, held) = try await writer.writeWithoutTransaction { db in
                var result: T?
                var started = ContinuousClock.now
                try db.inTransaction(.immediate) {
                    started = ContinuousClock.now
                    result = try body(db, started + budget)
                    return .commit
                }
                return (result!, ContinuousClock.now - started)
            }
        } catch {
            throw StoreError.from(error, path: path)
        }
        meter.record(held)
        return value
    }
}
