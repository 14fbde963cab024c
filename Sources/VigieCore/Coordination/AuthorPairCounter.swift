import Foundation

/// Counts the edges of one keyed type author by author, in dense per-account arrays instead of
/// hash tables of pairs: the counting pass of ``EdgeAggregator`` for keyed types.
///
/// Every post's window (the posts of the same key within ``CoordinationDetector/Options/window``,
/// a range of its key's time-sorted run) is worked out once. Then, for one author `A` at a time,
/// the windows of all of `A`'s posts are scanned and, for each partner account `B` above `A`
/// (each pair is counted from its lower account), dense arrays indexed by account gather:
/// - `A→B`: `A`'s posts with a post of `B` in their window (a stamp per partner and post, so a
///   post counts once per partner across its keys);
/// - `B→A`: `B`'s posts in the window of one of `A`'s posts (a stamp per post and author);
/// - the distinct post pairs, and the first and last time of the pairs.
///
/// The second count is the toolkit's `B→A` weight only if "`q` is in `p`'s window" is the same
/// as "`p` is in `q`'s window". With real numbers it is; with the toolkit's float bounds
/// (`t₂ between t₁ − w and t₁ + w`) it could fail by a rounding at the bound, so every scanned
/// pair is checked both ways and the counter gives up (returns nil, the caller then counts
/// with pair tables) if one is not.
///
/// The arrays of one author stay in the cache (a few bytes per account), so each (post,
/// partner) step costs a few instructions rather than a cache miss in a table of millions of
/// pairs; the exact weights come out in the same pass, for every pair, and only pairs reaching
/// the minimum weight in a direction are kept. Authors are shared among the threads.
struct AuthorPairCounter {
    /// One kept pair of accounts: `key` is ``EdgeAggregator/pairKey(_:_:)``; `weights` low 32
    /// bits the lower account's posts matched by the higher, high 32 bits the reverse.
    struct Kept: Sendable {
        var key: UInt64
        var weights: UInt64
        var pairs: Int32
        var first: Double
        var last: Double
    }

    let runs: KeyRuns
    let postAuthor: [Int32]
    let accountCount: Int
    let window: Double
    let minWeight: Int
    let threads: Int

    init(_ runs: KeyRuns, input: CoordinationInput, options: CoordinationDetector.Options) {
        self.runs = runs
        postAuthor = input.postAuthor
        accountCount = input.accountCount
        window = options.window
        minWeight = options.minWeight
        threads = options.threads
    }

    /// The kept pairs sorted by key, or nil when the window relation is not symmetric for a
    /// pair of posts (see the type's documentation).
    func keptPairs() -> [Kept]? {
        let n = runs.post.count
        guard n > 0 else { return [] }
        let bounds = windows()
        let layout = Layout(runs, postCount: postAuthor.count, accountCount: accountCount, postAuthor: postAuthor)
        let results = ThreadResults(count: threads)
        let next = AuthorCursor(count: accountCount)
        let work: @Sendable (Int) -> Void = { [self] thread in
            let state = ThreadState(accounts: accountCount, posts: postAuthor.count, multiKey: runs.multiKey != nil)
            runs.time.withUnsafeBufferPointer { time in
            runs.author.withUnsafeBufferPointer { author in
            runs.post.withUnsafeBufferPointer { post in
            bounds.lower.withUnsafeBufferPointer { lower in
            bounds.upper.withUnsafeBufferPointer { upper in
            layout.entryStart.withUnsafeBufferPointer { entryStart in
            layout.entries.withUnsafeBufferPointer { entries in
            layout.postStart.withUnsafeBufferPointer { postStart in
            layout.posts.withUnsafeBufferPointer { posts in
            (runs.multiKey ?? []).withUnsafeBufferPointer { multiKey in
                let view = View(time: time, author: author, post: post, lower: lower, upper: upper, entryStart: entryStart,
                                entries: entries, postStart: postStart, posts: posts, multiKey: multiKey)
                outer: while let range = next.take(256) {
                    for author in range {
                        count(author: Int32(author), view, state)
                        if state.asymmetric { break outer }
                    }
                }
            }}}}}}}}}}
            results.set(thread, state.kept, asymmetric: state.asymmetric)
        }
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: threads, execute: work)
        } else {
            work(0)
        }
        guard !results.asymmetric else { return nil }
        var kept = results.all.flatMap { $0 }
        kept.sort { $0.key < $1.key }
        return kept
    }

    /// Per entry, its window: `lower[i]..<upper[i]` in the runs (the sliding window of the
    /// pair-table counting, with the same float bounds).
    private func windows() -> (lower: [Int32], upper: [Int32]) {
        let n = runs.post.count
        var lower = [Int32](repeating: 0, count: n)
        var upper = [Int32](repeating: 0, count: n)
        runs.forEachWindow(window) { i, lo, hi in
            lower[i] = Int32(lo)
            upper[i] = Int32(hi)
        }
        return (lower, upper)
    }

    /// Entries grouped by post, posts grouped by author (counting sorts).
    struct Layout: Sendable {
        /// `entries[entryStart[p]..<entryStart[p + 1]]`: the run positions of post `p`'s entries.
        var entryStart: [Int32]
        var entries: [Int32]
        /// `posts[postStart[a]..<postStart[a + 1]]`: the posts of author `a` with an entry.
        var postStart: [Int32]
        var posts: [Int32]

        init(_ runs: KeyRuns, postCount: Int, accountCount: Int, postAuthor: [Int32]) {
            var entryStart = [Int32](repeating: 0, count: postCount + 1)
            for post in runs.post { entryStart[Int(post) + 1] += 1 }
            var postsOf = [Int32](repeating: 0, count: accountCount + 1)
            for post in 0..<postCount where entryStart[post + 1] > 0 { postsOf[Int(postAuthor[post]) + 1] += 1 }
            for index in 0..<postCount { entryStart[index + 1] += entryStart[index] }
            for index in 0..<accountCount { postsOf[index + 1] += postsOf[index] }
            var fill = entryStart
            var entries = [Int32](repeating: 0, count: runs.post.count)
            for (position, post) in runs.post.enumerated() {
                entries[Int(fill[Int(post)])] = Int32(position)
                fill[Int(post)] += 1
            }
            var postFill = postsOf
            var posts = [Int32](repeating: 0, count: Int(postsOf[accountCount]))
            for post in 0..<postCount where entryStart[post + 1] > entryStart[post] {
                let author = Int(postAuthor[post])
                posts[Int(postFill[author])] = Int32(post)
                postFill[author] += 1
            }
            self.entryStart = entryStart
            self.entries = entries
            postStart = postsOf
            self.posts = posts
        }
    }

    /// What one thread gathers about one partner of the current author: one cache line's
    /// worth, so that a (post, partner) step touches one place.
    struct Partner {
        /// The last post of the current author that counted this partner (A→B).
        var seen: Int32 = -1
        var forward: UInt32 = 0
        var backward: UInt32 = 0
        var pairs: Int32 = 0
        var first: Double = .infinity
        var last: Double = -.infinity
    }

    /// One thread's dense arrays, indexed by partner account (or by post for the stamps).
    final class ThreadState {
        let partners: UnsafeMutableBufferPointer<Partner>
        /// Per post: the last author that counted it (B→A).
        let countedBy: UnsafeMutableBufferPointer<Int32>
        /// Per post: the last post that counted a pair with it (posts with several keys only).
        let pairedWith: UnsafeMutableBufferPointer<Int32>
        var touched: [Int32] = []
        var kept: [Kept] = []
        var asymmetric = false

        init(accounts: Int, posts: Int, multiKey: Bool) {
            partners = .allocate(capacity: accounts)
            partners.initialize(repeating: Partner())
            countedBy = .allocate(capacity: posts)
            countedBy.initialize(repeating: -1)
            pairedWith = .allocate(capacity: multiKey ? posts : 0)
            pairedWith.initialize(repeating: -1)
        }

        deinit {
            partners.deallocate()
            countedBy.deallocate()
            pairedWith.deallocate()
        }
    }

    /// Read-only views of the runs and the layout for one thread.
    struct View {
        let time: UnsafeBufferPointer<Double>
        let author: UnsafeBufferPointer<Int32>
        let post: UnsafeBufferPointer<Int32>
        let lower: UnsafeBufferPointer<Int32>
        let upper: UnsafeBufferPointer<Int32>
        let entryStart: UnsafeBufferPointer<Int32>
        let entries: UnsafeBufferPointer<Int32>
        let postStart: UnsafeBufferPointer<Int32>
        let posts: UnsafeBufferPointer<Int32>
        /// Per post, whether it has several keys of the type (empty: none has).
        let multiKey: UnsafeBufferPointer<Bool>
    }

    private func count(author a: Int32, _ view: View, _ state: ThreadState) {
        let postsBegin = Int(view.postStart[Int(a)]), postsEnd = Int(view.postStart[Int(a) + 1])
        guard postsBegin < postsEnd else { return }
        let w = window
        let (partners, countedBy, pairedWith) = (state.partners, state.countedBy, state.pairedWith)
        let (time, author, runPost) = (view.time, view.author, view.post)
        var asymmetric = false
        var touched = state.touched
        state.touched = []
        defer { state.touched = touched }
        for postIndex in postsBegin..<postsEnd {
            let p = view.posts[postIndex]
            let entriesBegin = Int(view.entryStart[Int(p)]), entriesEnd = Int(view.entryStart[Int(p) + 1])
            // Two posts sharing two keys (two links) are one pair: only posts with several keys can.
            let several = entriesEnd - entriesBegin > 1
            for entryIndex in entriesBegin..<entriesEnd {
                let i = Int(view.entries[entryIndex])
                let ti = time[i]
                for j in Int(view.lower[i])..<Int(view.upper[i]) {
                    let b = author[j]
                    guard b != a else { continue }
                    let tj = time[j]
                    // i must be in j's window too (the same bounds, from j).
                    if !(ti >= tj - w && ti <= tj + w) { asymmetric = true }
                    guard b > a else { continue }
                    let q = Int(runPost[j])
                    let counts = partners.baseAddress! + Int(b)
                    if counts.pointee.forward == 0 { touched.append(b) }
                    if counts.pointee.seen != p {
                        counts.pointee.seen = p
                        counts.pointee.forward += 1
                    }
                    if countedBy[q] != a {
                        countedBy[q] = a
                        counts.pointee.backward += 1
                    }
                    // Each pair of posts once, as counted from its earlier entry.
                    guard j > i ? tj - ti <= w : ti - tj <= w else { continue }
                    if several, view.multiKey[q] {
                        guard pairedWith[q] != p else { continue }
                        pairedWith[q] = p
                    }
                    counts.pointee.pairs += 1
                    counts.pointee.first = min(counts.pointee.first, min(ti, tj))
                    counts.pointee.last = max(counts.pointee.last, max(ti, tj))
                }
            }
        }
        let minimum = UInt32(clamping: minWeight)
        var kept = state.kept
        state.kept = []
        defer { state.kept = kept }
        for b in touched {
            let counts = partners[Int(b)]
            if max(counts.forward, counts.backward) >= minimum {
                kept.append(Kept(key: EdgeAggregator.pairKey(a, b), weights: UInt64(counts.forward) | UInt64(counts.backward) << 32,
                                 pairs: counts.pairs, first: counts.first, last: counts.last))
            }
            partners[Int(b)] = Partner(seen: counts.seen)
        }
        touched.removeAll(keepingCapacity: true)
        if asymmetric { state.asymmetric = true }
    }
}

/// Hands out ranges of authors to the counting threads.
private final class AuthorCursor: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func take(_ size: Int) -> Range<Int>? {
        lock.withLock {
            guard next < count else { return nil }
            let range = next..<min(count, next + size)
            next = range.upperBound
            return range
        }
    }
}

/// Per-thread results written from the counting threads.
private final class ThreadResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [[AuthorPairCounter.Kept]]
    private var anyAsymmetric = false

    init(count: Int) { results = Array(repeating: [], count: count) }

    func set(_ thread: Int, _ value: [AuthorPairCounter.Kept], asymmetric: Bool) {
        lock.withLock {
            results[thread] = value
            anyAsymmetric = anyAsymmetric || asymmetric
        }
    }

    var all: [[AuthorPairCounter.Kept]] { lock.withLock { results } }
    var asymmetric: Bool { lock.withLock { anyAsymmetric } }
}
