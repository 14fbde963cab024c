extension Array where Element: Comparable {
    /// Sorts the array and drops repeated elements in place (no second array, no hashing):
    /// for the large key arrays of coordination, where a `Set` would cost more than the sort.
    mutating func sortAndRemoveDuplicates() {
        sort()
        var write = 0
        for read in indices where read == 0 || self[read] != self[read - 1] {
            self[write] = self[read]
            write += 1
        }
        removeLast(count - write)
    }
}
