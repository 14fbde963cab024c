import Synchronization
import VigieCore

/// Builds the full-text documents of a batch's posts on another core while the writer stores
/// the batch (issue 19): the document (tokens, stems, codes of ``FTS5``) was a third of the
/// writer's CPU, and the writer is the one thread an import waits for.
///
/// The worker walks the posts in order, ahead of the writer. The writer takes a document the
/// worker has finished; when it catches up with the worker it builds the document itself and
/// moves the worker past it, so it never waits. A document is the same whoever builds it
/// (``StemCache`` only remembers), so the index is identical to a sequential import's. Posts that
/// turn out to be stored already (a re-import) never ask for theirs: the worker's work on them is
/// lost, on the other core.
final class FullTextPrefetch: Sendable {
    private struct State {
        /// The next post (index into `posts`) the worker will build.
        var next = 0
        var ready: [[String]?]
        var stopped = false
    }

    /// The posts of the batch, with their item positions.
    private let posts: [Post]
    private let positions: [Int: Int]
    private let state: Mutex<State>

    init(batch: IngestBatch) {
        var posts: [Post] = []
        var positions: [Int: Int] = [:]
        for (index, item) in batch.items.enumerated() {
            if case .post(let post) = item {
                positions[index] = posts.count
                posts.append(post)
            }
        }
        self.posts = posts
        self.positions = positions
        state = Mutex(State(ready: Array(repeating: nil, count: posts.count)))
    }

    /// Whether the batch holds enough posts for a second thread to pay off.
    var isWorthwhile: Bool { posts.count >= 64 }

    /// The worker's loop: runs until every post is built or ``stop()`` is called.
    func run(stems: inout StemCache) {
        while true {
            let next: Int? = state.withLock { state in
                guard !state.stopped, state.next < posts.count else { return nil }
                defer { state.next += 1 }
                return state.next
            }
            guard let next else { return }
            let document = FTS5.columnValues(of: QueryIndex.document(for: posts[next], stems: &stems))
            state.withLock { state in
                // The writer may have built it meanwhile and gone past: then nobody needs it.
                if !state.stopped { state.ready[next] = document }
            }
        }
    }

    /// Stops the worker after the post it is building.
    func stop() {
        state.withLock { $0.stopped = true }
    }

    /// The document of the post at item `index` of the batch: the worker's, or built here.
    func document(for post: Post, itemIndex index: Int, stems: inout StemCache) -> [String] {
        if let slot = positions[index] {
            let taken: [String]? = state.withLock { state in
                if let document = state.ready[slot] {
                    state.ready[slot] = nil
                    return document
                }
                // Caught up: the worker skips this one (and restarts after it).
                if state.next <= slot { state.next = slot + 1 }
                return nil
            }
            if let taken { return taken }
        }
        return FTS5.columnValues(of: QueryIndex.document(for: post, stems: &stems))
    }
}
