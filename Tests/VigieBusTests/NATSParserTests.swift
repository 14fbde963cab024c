import NIOCore
import Testing
@testable import VigieBus

@Suite struct NATSParserTests {
    func parse(_ chunks: [String]) throws -> [NATSServerOp] {
        var parser = NATSParser()
        var operations: [NATSServerOp] = []
        for chunk in chunks {
            parser.feed(Array(chunk.utf8))
            while let operation = try parser.next() { operations.append(operation) }
        }
        return operations
    }

    @Test func controlLinesAndMessagesSplitAnywhere() throws {
        let stream = "INFO {\"server_id\":\"x\"}\r\nPING\r\nMSG a.b 7 _INBOX.x.1 5\r\nhello\r\n+OK\r\nPONG\r\n-ERR 'Authorization Violation'\r\n"
        // Every split point of the stream gives the same operations.
        let whole = try parse([stream])
        #expect(whole == [.info("{\"server_id\":\"x\"}"), .ping,
                          .message(NATSMessage(subject: "a.b", sid: 7, replyTo: "_INBOX.x.1", payload: Array("hello".utf8))),
                          .ok, .pong, .error("Authorization Violation")])
        let bytes = Array(stream.utf8)
        for cut in 1..<bytes.count {
            let first = String(decoding: bytes[..<cut], as: UTF8.self), second = String(decoding: bytes[cut...], as: UTF8.self)
            #expect(try parse([first, second]) == whole, "split at \(cut)")
        }
    }

    @Test func payloadsMayHoldCRLFAndBeEmpty() throws {
        let operations = try parse(["MSG s 1 4\r\n\r\n\r\n\r\nMSG s 1 0\r\n\r\n"])
        #expect(operations == [.message(NATSMessage(subject: "s", sid: 1, replyTo: nil, payload: Array("\r\n\r\n".utf8))),
                               .message(NATSMessage(subject: "s", sid: 1, replyTo: nil, payload: []))])
    }

    @Test func headersAndStatusOfJetStreamMessages() throws {
        let headers = "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\n\r\n"
        let stream = "HMSG _INBOX.a 2 \(headers.utf8.count) \(headers.utf8.count)\r\n\(headers)\r\n"
        guard case .message(let message)? = try parse([stream]).first else { Issue.record("no message"); return }
        #expect(message.status == 408)
        #expect(message.statusDescription == "Request Timeout")
        #expect(message.header("nats-pending-messages") == "3")
        #expect(message.payload.isEmpty)
        let withPayload = "NATS/1.0\r\nNats-Msg-Id: f#1\r\n\r\n"
        let second = "HMSG vigie.ingest.default 3 $JS.ACK.S.C.1.2.3.4.5 \(withPayload.utf8.count) \(withPayload.utf8.count + 2)\r\n\(withPayload){}\r\n"
        guard case .message(let data)? = try parse([second]).first else { Issue.record("no message"); return }
        #expect(data.header("Nats-Msg-Id") == "f#1" && data.payload == Array("{}".utf8) && data.replyTo == "$JS.ACK.S.C.1.2.3.4.5")
    }

    @Test(arguments: ["MSG a b 3\r\nxyz\r\n", "MSG a 1 -2\r\n", "HMSG a 1 10 5\r\n", "WHAT\r\n", "MSG a 1 99999999999\r\n"])
    func malformedLinesAreProtocolErrors(_ text: String) {
        #expect(throws: NATSProtocolError.self) { _ = try parse([text]) }
    }

    @Test func clientOperationsAreEncodedAndSubjectsValidated() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        NATSClientOp.publish(subject: "s", replyTo: "r", headers: [("Nats-Msg-Id", "x")], payload: Array("hi".utf8)).write(into: &buffer)
        let text = buffer.readString(length: buffer.readableBytes)
        #expect(text == "HPUB s r 28 30\r\nNATS/1.0\r\nNats-Msg-Id: x\r\n\r\nhi\r\n")
        for bad in ["", "a b", "a\r\nPUB x 1", "tab\there"] {
            #expect(throws: NATSError.self) { try NATSConnection.validate(bad) }
        }
        #expect(throws: NATSError.self) { _ = try NATSConfiguration(url: "http://127.0.0.1:4222") }
        #expect(throws: NATSError.self) { _ = try NATSConfiguration(url: "nats://user:pw@host:4222") }
        let configuration = try NATSConfiguration(url: "nats://127.0.0.1:14222")
        #expect(configuration.host == "127.0.0.1" && configuration.port == 14222)
    }
}
