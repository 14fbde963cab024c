import Foundation

/// A labelled tweet set laid out like cardiffnlp/xlm-t's `data/sentiment/` (and
/// `../shared/data/tweets-sentiment-xlmt`): one folder per language (`english`, `french`…), each
/// with `<split>_text.txt` (one tweet a line) and `<split>_labels.txt` (the same line's label:
/// 0 negative, 1 neutral, 2 positive).
///
/// ```swift
/// let french = try LabelledTweets.load(root: data, language: "french", split: .validation)
/// french.examples.first?.label   // .negative
/// ```
public struct LabelledTweets: Sendable {
    public enum Split: String, Sendable, CaseIterable {
        case train
        case validation = "val"
    }

    public struct Example: Sendable, Hashable {
        public var text: String
        public var label: SentimentLabel
    }

    /// Folder name → ISO 639-1 code, for the language-identification accuracy.
    public static let folderLanguages: [String: String] = [
        "arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
        "italian": "it", "portuguese": "pt", "spanish": "es", "russian": "ru", "dutch": "nl",
    ]

    public var folder: String
    public var split: Split
    public var examples: [Example]

    /// Reads `root/language/split_text.txt` and `split_labels.txt`; errors name the file and line.
    public static func load(root: URL, language folder: String, split: Split) throws -> LabelledTweets {
        let directory = root.appendingPathComponent(folder)
        let textFile = directory.appendingPathComponent("\(split.rawValue)_text.txt")
        let labelFile = directory.appendingPathComponent("\(split.rawValue)_labels.txt")
        let texts = try lines(of: textFile)
        let labels = try lines(of: labelFile)
        guard texts.count == labels.count else {
            throw LabelledTweetsError("\(textFile.path) has \(texts.count) lines but \(labelFile.path) has \(labels.count)")
        }
        var examples: [Example] = []
        examples.reserveCapacity(texts.count)
        for (index, (text, label)) in zip(texts, labels).enumerated() {
            guard let value = Int(label.trimmingCharacters(in: .whitespaces)), let parsed = SentimentLabel(classIndex: value) else {
                throw LabelledTweetsError("\(labelFile.path):\(index + 1): label '\(label)' is not 0, 1 or 2")
            }
            examples.append(Example(text: text, label: parsed))
        }
        return LabelledTweets(folder: folder, split: split, examples: examples)
    }

    /// The language folders under `root` that hold `split` (sorted by name).
    public static func folders(root: URL, split: Split) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        } catch {
            throw LabelledTweetsError("cannot list \(root.path): \(error.localizedDescription)")
        }
        return names.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/\(split.rawValue)_text.txt").path)
        }.sorted()
    }

    private static func lines(of file: URL) throws -> [String] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw LabelledTweetsError("cannot read \(file.path): \(error.localizedDescription)")
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

public struct LabelledTweetsError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
