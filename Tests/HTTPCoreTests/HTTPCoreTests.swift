import Testing
import HTTPCore

struct HTTPCoreTests {
    @Test func speaksHTTP11() { #expect(HTTPCore.version == "HTTP/1.1") }
}
