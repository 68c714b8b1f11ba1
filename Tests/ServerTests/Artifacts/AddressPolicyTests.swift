import Testing
@testable import Server

/// IPAddress categories (every refused range, its edges and its IPv4-mapped form) and the
/// allowlist syntax.
@Suite struct AddressPolicyTests {
    @Test(arguments: [
        ("127.0.0.1", IPAddress.Category.loopback), ("::1", .loopback), ("::ffff:127.0.0.1", .loopback),
        ("10.0.0.1", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("192.168.1.1", .private),
        ("::ffff:10.1.2.3", .private), ("fc00::1", .private), ("fd12:3456::1", .private),
        ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal), ("::ffff:169.254.1.1", .linkLocal),
        ("100.64.0.1", .sharedCGNAT), ("100.127.255.255", .sharedCGNAT),
        ("0.0.0.0", .unspecified), ("::", .unspecified),
        ("224.0.0.1", .multicast), ("ff02::1", .multicast),
        ("169.254.169.254", .metadata), ("::ffff:169.254.169.254", .metadata), ("fd00:ec2::254", .metadata),
        ("240.0.0.1", .reserved), ("255.255.255.255", .reserved), ("64:ff9b::a00:1", .reserved), ("::a00:1", .reserved),
    ])
    func refusesNonPublicAddress(_ text: String, _ category: IPAddress.Category) throws {
        #expect(try #require(IPAddress(text)).category == category)
    }

    @Test(arguments: ["8.8.8.8", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0", "11.0.0.1",
                      "2001:4860:4860::8888", "::ffff:8.8.8.8", "fbff::1", "fe00::1"])
    func acceptsPublicAddress(_ text: String) throws {
        #expect(try #require(IPAddress(text)).category == nil)
    }

    @Test func allowlistMatchesCIDRAndPort() throws {
        let block = try AllowlistEntry(parsing: "10.1.0.0/16")
        #expect(block.permits(IPAddress("10.1.255.1")!, port: 80))
        #expect(!block.permits(IPAddress("10.2.0.1")!, port: 80))
        let hostPort = try AllowlistEntry(parsing: "127.0.0.1:9000")
        #expect(hostPort.permits(IPAddress("127.0.0.1")!, port: 9000))
        #expect(!hostPort.permits(IPAddress("127.0.0.1")!, port: 9001))
        #expect(hostPort.permits(IPAddress("::ffff:127.0.0.1")!, port: 9000))
        let v6 = try AllowlistEntry(parsing: "[fd12::/16]:443")
        #expect(v6.permits(IPAddress("fd12:1::5")!, port: 443))
        #expect(!v6.permits(IPAddress("fd13::5")!, port: 443))
        #expect(try AllowlistEntry(parsing: "::1").permits(IPAddress("::1")!, port: 1))
    }

    @Test(arguments: ["localhost", "10.0.0.0/33", "::1/129", "127.0.0.1:0", "127.0.0.1:65536", "[::1", "[::1]x", "1.2.3.4/x"])
    func refusesMalformedAllowlistEntry(_ text: String) {
        #expect(throws: AllowlistEntry.ParseError(entry: text)) { try AllowlistEntry(parsing: text) }
    }

    @Test func parsesCommaSeparatedList() throws {
        let list = try AllowlistEntry.parseList(" 127.0.0.1:8080, 10.0.0.0/8 ,,")
        #expect(list.map(\.description) == ["127.0.0.1:8080", "10.0.0.0/8"])
    }
}
