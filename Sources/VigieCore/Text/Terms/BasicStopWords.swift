import Foundation

/// A short list of the most frequent French and English function words (folded), used whatever
/// the language: enough to keep them out of the term ranking when the lexicons
/// (stopwords-iso, ``StopWords``) are not there: weak signals and watch dashboards fall back to it.
public struct BasicStopWords: StopWordFilter {
    static let words: Set<String> = [
        // French
        "les", "des", "une", "est", "pas", "pour", "que", "qui", "dans", "sur", "avec", "plus", "par",
        "mais", "sont", "ont", "aux", "ses", "son", "sa", "nous", "vous", "ils", "elles", "elle", "lui",
        "leur", "leurs", "ces", "cette", "cet", "tout", "tous", "toute", "toutes", "comme", "fait",
        "faire", "bien", "tres", "aussi", "encore", "deja", "etre", "avoir", "meme", "ete", "sans",
        "entre", "donc", "alors", "quand", "chez", "ici", "moi", "toi", "notre", "votre", "nos", "vos",
        "mes", "tes", "peu", "trop", "rien", "ca", "cela", "ceci", "celui", "celle", "dont", "quoi",
        "car", "puis", "apres", "avant", "depuis", "vers", "sous", "non", "oui", "aujourd", "hui",
        "etait", "sera", "suis", "sommes", "etes", "fois", "jour", "voila", "juste", "vraiment",
        // English
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "her", "was", "one",
        "our", "out", "has", "have", "had", "his", "him", "how", "its", "may", "new", "now", "see",
        "who", "did", "get", "got", "let", "say", "she", "too", "use", "that", "with", "this", "from",
        "they", "will", "would", "there", "their", "what", "about", "which", "when", "were", "been",
        "your", "them", "than", "then", "into", "just", "like", "more", "some", "only", "also", "very",
        "here", "over", "such", "even", "most", "much", "why", "where", "these", "those", "being",
        "does", "doing", "could", "should", "because", "while", "after", "before", "really", "today",
        "cant", "im", "ive", "youre", "thats", "amp", "via", "http", "https", "www",
    ]

    public init() {}

    public func isStopWord(_ folded: String, language: String?) -> Bool { Self.words.contains(folded) }
}
