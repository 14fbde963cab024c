import Foundation
import Testing
@testable import VigieIngest
import VigieTestSupport

@Suite struct CSVRowSplitterTests {
    @Test func simpleRowsWithAndWithoutFinalNewline() throws {
        for text in ["a,b,c\n1,2,3\n", "a,b,c\n1,2,3"] {
            let split = try CSVTestSupport.split(text)
            #expect(split.rows == [["a", "b", "c"], ["1", "2", "3"]])
            #expect(split.lines == [1, 2])
            #expect(split.errors.isEmpty)
        }
    }

    @Test func emptyFieldsAreKept() throws {
        let split = try CSVTestSupport.split(",,\na,,b\n")
        #expect(split.rows == [["", "", ""], ["a", "", "b"]])
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndNewlines() throws {
        let text = "id,text\n1,\"hello, world\"\n2,\"she said \"\"hi\"\"\"\n3,\"two\nlines\r\nhere\"\n4,last\n"
        let split = try CSVTestSupport.split(text)
        #expect(split.rows == [["id", "text"], ["1", "hello, world"], ["2", "she said \"hi\""],
                               ["3", "two\nlines\r\nhere"], ["4", "last"]])
        // Row 3 starts on line 4 and spans three lines, so row 4 starts on line 7.
        #expect(split.lines == [1, 2, 3, 4, 7])
    }

    @Test func aQuoteInsideAnUnquotedFieldIsPlainText() throws {
        let split = try CSVTestSupport.split("a,5\" screen,b\n")
        #expect(split.rows == [["a", "5\" screen", "b"]])
    }

    @Test func textAfterAClosingQuoteIsKept() throws {
        let split = try CSVTestSupport.split("\"abc\"def,x\n")
        #expect(split.rows == [["abcdef", "x"]])
    }

    @Test func crlfLineEndings() throws {
        let split = try CSVTestSupport.split("a,b\r\n\"q\",2\r\n3,\r\n4,5")
        #expect(split.rows == [["a", "b"], ["q", "2"], ["3", ""], ["4", "5"]])
        #expect(split.lines == [1, 2, 3, 4])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let split = try CSVTestSupport.split(bytes: [0xEF, 0xBB, 0xBF] + Array("\"id\",name\n1,Zoé\n".utf8))
        #expect(split.rows == [["id", "name"], ["1", "Zoé"]])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let split = try CSVTestSupport.split("a,b\n\n1,2\n   \n\r\n3,4\n\n")
        #expect(split.rows == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(split.lines == [1, 3, 6])
    }

    @Test func aLoneEmptyQuotedFieldIsARow() throws {
        let split = try CSVTestSupport.split("\"\"\n")
        #expect(split.rows == [[""]])
    }

    @Test func quoteClosingAtTheVeryEndOfTheInput() throws {
        let split = try CSVTestSupport.split("a,\"b\"")
        #expect(split.rows == [["a", "b"]])
        #expect(split.errors.isEmpty)
    }

    @Test func unterminatedQuoteIsReportedAndReadingGoesOn() throws {
        let split = try CSVTestSupport.split("id,text\n1,ok\n2,\"never closed\n3,after\n")
        let error = try #require(split.errors.first)
        #expect(split.errors.count == 1)
        #expect(error.line == 3)
        #expect(error.reason.contains("unterminated"))
        #expect(error.excerpt.hasPrefix("2,\"never closed"))
        // The stray quote does not take the rows after it down with it.
        #expect(split.rows == [["id", "text"], ["1", "ok"], ["3", "after"]])
        #expect(split.lines == [1, 2, 4])
    }

    @Test func oversizedRowIsReportedAndSkippedToTheNextLine() throws {
        let big = String(repeating: "x", count: 5000)
        let split = try CSVTestSupport.split("a,b\n1,\(big)\n2,small\n", chunkSize: 64, maxRowBytes: 1000)
        #expect(split.errors.count == 1)
        #expect(split.errors.first?.line == 2)
        #expect(split.rows == [["a", "b"], ["2", "small"]])
        #expect(split.lines == [1, 3])
    }

    @Test func otherDelimiters() throws {
        let semicolon = try CSVTestSupport.split("id;texte\n1;\"un; deux\"\n", delimiter: UInt8(ascii: ";"))
        #expect(semicolon.rows == [["id", "texte"], ["1", "un; deux"]])
        let tab = try CSVTestSupport.split("id\ttext\n1\ta,b\n", delimiter: UInt8(ascii: "\t"))
        #expect(tab.rows == [["id", "text"], ["1", "a,b"]])
    }

    @Test func multibyteCharactersAcrossChunkBoundaries() throws {
        let text = "texte\n\"Réseaux sociaux 日本 👍🏽\"\nçà\n"
        for chunkSize in [1, 2, 5] {
            let split = try CSVTestSupport.split(text, chunkSize: chunkSize)
            #expect(split.rows == [["texte"], ["Réseaux sociaux 日本 👍🏽"], ["çà"]])
        }
    }

    @Test func emptyInput() throws {
        #expect(try CSVTestSupport.split("").rows.isEmpty)
        #expect(try CSVTestSupport.split(bytes: [0xEF, 0xBB, 0xBF]).rows.isEmpty)
    }

    @Test func delimiterDetection() {
        #expect(CSVRowSplitter.detectDelimiter(headerLine: "id,text,created_at") == UInt8(ascii: ","))
        #expect(CSVRowSplitter.detectDelimiter(headerLine: "id;texte;date") == UInt8(ascii: ";"))
        #expect(CSVRowSplitter.detectDelimiter(headerLine: "id\ttext\tdate") == UInt8(ascii: "\t"))
        // Delimiters inside quoted names do not count.
        #expect(CSVRowSplitter.detectDelimiter(headerLine: "\"a,b,c\";\"d\";e") == UInt8(ascii: ";"))
        #expect(CSVRowSplitter.detectDelimiter(headerLine: "single") == UInt8(ascii: ","))
    }

    @Test func delimiterDetectionFromAFile() throws {
        let path = try CSVTestSupport.temporaryFile([0xEF, 0xBB, 0xBF] + Array("id;texte,avec;date\n1;a,b,c,d;2024\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CSVRowSplitter.detectDelimiter(path: path) == UInt8(ascii: ";"))
        let srf = SharedData.url("instagram-fake-followers-srf/labelled_1000_inclprivate.csv")
        #expect(try CSVRowSplitter.detectDelimiter(path: srf.path) == UInt8(ascii: ","))
    }
}
