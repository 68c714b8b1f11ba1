import Foundation
import TestSupport
import Testing
@testable import Verification
#if canImport(Glibc)
import Glibc
#endif

/// The strict parser's memory per input byte, measured in a child process per document (this
/// test binary, re-run with `JSON_ALLOCATION_CHILD` naming the document) so no other test's
/// allocations, and no memory freed earlier and still resident, count: the peak
/// resident memory while parsing (VmHWM, reset through /proc/self/clear_refs first), which
/// counts every allocation the parse touches, transient or kept, and the bytes the document's
/// tape holds, counted by the tape.
struct JSONAllocationTests {
    static let childVariable = "JSON_ALLOCATION_CHILD"
    /// Size of each measured document. Large enough that constant costs vanish.
    static let documentBytes = 4 << 20

    /// The worst cases per byte of each structure: one-digit numbers, arrays nested to the
    /// depth limit, empty strings, distinct short keys, and many small objects.
    static let kinds = ["numbers", "nesting", "strings", "keys", "objects"]

    /// A document of about `n` bytes of the given kind.
    static func document(_ kind: String, bytes n: Int) -> [UInt8] {
        let nested = String(repeating: "[", count: 63) + "0" + String(repeating: "]", count: 63)
        let (open, close, item): (String, String, (Int) -> String) = switch kind {
        case "numbers": ("[", "]", { _ in "0" })
        case "nesting": ("[", "]", { _ in nested })
        case "strings": ("[", "]", { _ in "\"\"" })
        case "keys": ("{", "}", { "\"\(String($0, radix: 36))\":0" })
        default: ("[", "]", { _ in "{\"a\":0}" })
        }
        // Reserved up front, so no freed buffer stays resident for the parser to reuse unseen.
        var out: [UInt8] = []
        out.reserveCapacity(n)
        out += Array(open.utf8)
        var i = 0
        while out.count < n - 200 {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(item(i).utf8)
            i += 1
        }
        return out + Array(close.utf8)
    }

    @Test func measureInChild() throws {
        guard let kind = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
        let text = Self.document(kind, bytes: Self.documentBytes)
        // Freed memory still resident would be reused unseen: give it back first.
        Self.releaseFreeMemory()
        let rss = Self.status("VmRSS")
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let document = try StrictJSONParser().parse(text)
        let peak = Self.status("VmHWM") - rss
        FileHandle.standardOutput.write(Data("measured \(kind) \(text.count) \(peak) \(document.tapeBytes)\n".utf8))
    }

    @Test func parsingCostsAtMostFourBytesPerInputByte() throws {
        for name in Self.kinds {
            let fields = try Self.measure(name)
            let n = fields[0], peak = fields[1], tape = fields[2]
            let comment = Comment(rawValue: "\(name): \(n) bytes, peak +\(peak), tape \(tape)")
            // 8 bytes per value, and with separators no value takes less than 2 bytes; plus the
            // chunk not yet full, the first chunk's growth and malloc's rounding.
            #expect(tape <= 4 * n + (256 << 10), comment)
            // Everything the parse touched: transient scratch and page granularity included.
            #expect(peak <= 4 * n + (2 << 20), comment)
        }
    }

    /// Runs the child for document `name`; returns its size, peak and tape bytes.
    static func measure(_ name: String) throws -> [Int] {
        let text = try Subprocess.run(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                                      ["--testing-library", "swift-testing", "--filter", "JSONAllocationTests/measureInChild"],
                                      environment: ProcessInfo.processInfo.environment.merging([childVariable: name]) { $1 }).stdout
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("measured \(name) ") }, "child printed:\n\(text)")
        return line.split(separator: " ").dropFirst(2).map { Int($0)! }
    }

    /// glibc's malloc_trim(0): returns free heap pages to the system (not exported by the
    /// Glibc module, hence the lookup).
    static func releaseFreeMemory() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// A `/proc/self/status` field in bytes (the file gives kB).
    static func status(_ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
