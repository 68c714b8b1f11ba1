internal import Glibc

/// The `Date: ...\r\n` header line (RFC 9110 IMF-fixdate), formatted at most once per second.
struct DateCache {
    private var second = -1
    private(set) var line: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Refreshes the line when the wall-clock second has changed.
    mutating func update() {
        let now = time(nil)
        guard now != second else { return }
        second = now
        var t = now
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        var out: [UInt8] = Array("Date: ".utf8)
        out.append(contentsOf: Self.days[Int(tm.tm_wday)].utf8)
        out.append(contentsOf: ", ".utf8)
        Self.two(Int(tm.tm_mday), &out)
        out.append(0x20)
        out.append(contentsOf: Self.months[Int(tm.tm_mon)].utf8)
        out.append(0x20)
        out.append(contentsOf: String(Int(tm.tm_year) + 1900).utf8)
        out.append(0x20)
        Self.two(Int(tm.tm_hour), &out)
        out.append(0x3A)
        Self.two(Int(tm.tm_min), &out)
        out.append(0x3A)
        Self.two(Int(tm.tm_sec), &out)
        out.append(contentsOf: " GMT\r\n".utf8)
        line = out
    }

    private static func two(_ n: Int, _ out: inout [UInt8]) {
        out.append(UInt8(0x30 + n / 10))
        out.append(UInt8(0x30 + n % 10))
    }
}
