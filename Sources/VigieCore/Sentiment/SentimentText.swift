import Foundation

/// A text tokenised once for every stage of sentiment: the lexicon rules (both lexicons when
/// the language is unknown), the model's dense features and its token features. Each stage
/// used to tokenise the text again (the token features once per whitespace chunk), which made
/// the model three times as slow as the rules alone.
struct SentimentText {
    let text: String
    let tokens: [Token]
    /// UTF-8 offset where each token starts.
    private let starts: [Int]

    init(_ text: String) {
        self.text = text
        (tokens, starts) = Tokenizer.tokenizeWithOffsets(text)
    }

    /// The whitespace-separated chunks (what `text.split` on space, tab, CR and LF gives): the
    /// tokens inside each, and whether it ends a clause (`,` `.` `;` `:` `!` `?` `…`), which
    /// stops a negation's scope. Tokens never cross such whitespace, so tokenising the whole
    /// text gives exactly the tokens of the chunks one by one. Computed on demand: only the
    /// model's token features need them.
    func chunks() -> [(tokens: Range<Int>, endsClause: Bool)] {
        var chunks: [(tokens: Range<Int>, endsClause: Bool)] = []
        var next = 0
        for chunk in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            let end = text.utf8.distance(from: text.utf8.startIndex, to: chunk.endIndex)
            let first = next
            while next < starts.count, starts[next] < end { next += 1 }
            let endsClause = chunk.last.map { ",.;:!?…".contains($0) } ?? false
            chunks.append((first..<next, endsClause))
        }
        return chunks
    }
}
