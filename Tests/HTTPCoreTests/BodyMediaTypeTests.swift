import Testing
@testable import HTTPCore

/// A JSON route reads `application/json`, `+json` types and bodies without Content-Type; it
/// refuses other types with 415 from the head, before the body is read.
struct BodyMediaTypeTests {
    @Test(arguments: ["application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ",
                      "application/vnd.in-toto+json", "application/problem+json;q=1", "text/x-custom+json"])
    func readsJSONMediaTypes(value: String) {
        #expect(BodyMediaType.isJSON(value))
        #expect(BodyMediaType.json.refusal([value]) == nil)
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/json+xml",
                      "application/+json", "json", "application/", "/json", "", "multipart/form-data; boundary=x"])
    func refusesOtherMediaTypes(value: String) {
        #expect(!BodyMediaType.isJSON(value))
        #expect(BodyMediaType.json.refusal([value])?.status == 415)
        #expect(BodyMediaType.any.refusal([value]) == nil)
    }

    @Test func readsMissingContentTypeAsJSONAndRefusesAnyNonJSONOneOfSeveral() {
        #expect(BodyMediaType.json.refusal([]) == nil)
        #expect(BodyMediaType.json.refusal(["application/json", "application/json"]) == nil)
        #expect(BodyMediaType.json.refusal(["application/json", "text/plain"])?.status == 415)
    }

    @Test func answers415BeforeReadingTheBodyAndKeepsEmptyRequestsOpen() throws {
        let server = try TestServer()
        defer { server.stop() }
        let announced = try RawClient(port: server.port)
        // The body is announced but never sent: the answer comes from the head alone.
        announced.send("POST /json HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
        let refused = try announced.readResponse()
        #expect(refused.status == 415 && refused.header("Content-Type") == "application/problem+json")
        #expect(refused.text.contains("text/plain"))
        #expect(try announced.isClosedByServer())

        let client = try RawClient(port: server.port)
        client.send("POST /json HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"
            + "POST /json HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}"
            + "POST /json HTTP/1.1\r\nHost: a\r\nContent-Type: application/vnd.in-toto+json\r\nContent-Length: 2\r\n\r\n[]")
        #expect(try client.readResponse().status == 415)
        #expect(try client.readResponse().text == "{}")
        #expect(try client.readResponse().text == "[]")
    }
}
