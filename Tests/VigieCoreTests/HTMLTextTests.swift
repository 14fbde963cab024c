import Testing
import VigieCore

@Suite struct HTMLTextTests {
    @Test func paragraphsAreSeparatedByABlankLineAndBreaksByANewline() {
        let html = "<p>Wordle 591 X/6*</p><p>🟨⬛🟩<br />🟨⬛🟩<br/>🟩🟩🟩</p>"
        #expect(HTMLText.plainText(html) == "Wordle 591 X/6*\n\n🟨⬛🟩\n🟨⬛🟩\n🟩🟩🟩")
    }

    @Test func entitiesAreDecoded() {
        let html = "<p>&quot;Tom &amp; Jerry&quot; &lt;3 &gt; l&apos;été&nbsp;ici &#39;a&#x27; &#233; &hellip;</p>"
        #expect(HTMLText.plainText(html) == "\"Tom & Jerry\" <3 > l'été ici 'a' é …")
    }

    @Test func unknownOrBrokenEntitiesStayAsWritten() {
        #expect(HTMLText.plainText("a &bogus; b & c &#xZZ; &#0;") == "a &bogus; b & c &#xZZ; &#0;")
    }

    @Test func invisibleAndEllipsisSpansReadAsTheFullURL() {
        let html = "<p><a href=\"https://www.theguardian.com/money/2019/dec/07/x\" rel=\"nofollow noopener\">"
            + "<span class=\"invisible\">https://www.</span><span class=\"ellipsis\">theguardian.com/money/2019/dec</span>"
            + "<span class=\"invisible\">/07/x</span></a></p>"
        let rendering = HTMLText.render(html)
        #expect(rendering.text == "https://www.theguardian.com/money/2019/dec/07/x")
        #expect(rendering.links == ["https://www.theguardian.com/money/2019/dec/07/x"])
    }

    @Test func mentionsAndHashtagsAreNotLinks() {
        let html = "<p>Hey <a href=\"https://iosdev.space/tags/Swift\" rel=\"tag\">#<span>Swift</span></a> "
            + "<span class=\"h-card\"><a href=\"https://m.example/users/k\" class=\"u-url mention\">@<span>k</span></a></span> "
            + "<a class=\"hashtag\" data-tag=\"love\" href=\"https://m.example/tag/love\">#love</a> "
            + "see <a href=\"https://example.com/a?x=1&amp;y=2\">example.com/a</a></p>"
        let rendering = HTMLText.render(html)
        #expect(rendering.text == "Hey #Swift @k #love see example.com/a")
        #expect(rendering.links == ["https://example.com/a?x=1&y=2"])
        #expect(rendering.hashtags == ["Swift", "love"])
    }

    @Test func aMangledClosingTagDoesNotSwallowText() {
        // As in the tootsdk account fixtures: `</span></a>` damaged into `</span}`.
        let html = "<p>#<span>awoo</span}.space <a href=\"https://awoo.space/tags/admin\" class=\"mention hashtag\">#<span>admin</span} ~ ok</p>"
        #expect(HTMLText.plainText(html) == "#awoo.space #admin ~ ok")
    }

    @Test func sourceWhitespaceIsASpaceAndLinesAreTrimmed() {
        #expect(HTMLText.plainText("<p> one\ntwo  </p>\n<p>\tthree</p>") == "one two\n\nthree")
        #expect(HTMLText.plainText("  plain text,\nno markup  ") == "plain text,\nno markup")
        #expect(HTMLText.plainText("") == "")
        #expect(HTMLText.plainText("<p></p>") == "")
    }

    @Test func aLoneAngleBracketIsText() {
        #expect(HTMLText.plainText("a < b <3 <") == "a < b <3 <")
        #expect(HTMLText.plainText("x<!-- hidden -->y") == "xy")
    }

    @Test func unterminatedTagsDoNotCrash() {
        #expect(HTMLText.plainText("text <a href=\"http://x") == "text")
        #expect(HTMLText.plainText("<p>&") == "&")
        #expect(HTMLText.render("<a href='https://x.example'>x.example").links == ["https://x.example"])
    }
}
