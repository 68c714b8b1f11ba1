internal import Foundation

/// One `verifier` subcommand. `run` returns the process exit status: 0 success,
/// 1 failure (e.g. a proof that does not verify), 2 usage error.
protocol Subcommand {
    /// The word after `verifier`, possibly two words (`merkle root`).
    static var name: String { get }
    /// One line for the usage listing, showing the arguments.
    static var usage: String { get }
    static func run(_ arguments: [String]) throws -> Int32
}

/// A usage error: printed with the subcommand's usage line, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Finds the subcommand named by the leading words and runs it.
struct CommandLineTool {
    let commands: [any Subcommand.Type]

    func run(_ arguments: [String]) -> Int32 {
        // Longest name first, so "merkle root" wins over a hypothetical "merkle".
        let sorted = commands.sorted { $0.name.split(separator: " ").count > $1.name.split(separator: " ").count }
        for command in sorted {
            let words = command.name.split(separator: " ").map(String.init)
            guard arguments.count >= words.count, Array(arguments.prefix(words.count)) == words else { continue }
            let rest = Array(arguments.dropFirst(words.count))
            if rest.contains("--help") || rest.contains("-h") {
                print("usage: verifier \(command.usage)")
                return 0
            }
            do {
                return try command.run(rest)
            } catch let error as UsageError {
                Self.stderr("error: \(error)\nusage: verifier \(command.usage)")
                return 2
            } catch {
                Self.stderr("error: \(error)")
                return 1
            }
        }
        let listing = commands.map { "  verifier \($0.usage)" }.joined(separator: "\n")
        Self.stderr("usage:\n\(listing)")
        return 2
    }

    static func stderr(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Minimal `--flag value` / `--switch` / positional argument scanning.
struct ArgumentScanner {
    private(set) var positionals: [String] = []
    private var options: [String: String] = [:]
    private var switches: Set<String> = []

    /// Scans `arguments`. `valued` names the options that take a value; `flags` those that do not.
    /// Unknown options and missing values are usage errors.
    init(_ arguments: [String], valued: Set<String>, flags: Set<String> = []) throws {
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a.hasPrefix("--") {
                var key = a
                var inline: String? = nil
                if let eq = a.firstIndex(of: "=") {
                    key = String(a[..<eq])
                    inline = String(a[a.index(after: eq)...])
                }
                if valued.contains(key) {
                    if let v = inline { options[key] = v } else {
                        guard i + 1 < arguments.count else { throw UsageError("\(key) needs a value") }
                        options[key] = arguments[i + 1]
                        i += 1
                    }
                } else if flags.contains(key), inline == nil {
                    switches.insert(key)
                } else {
                    throw UsageError("unknown option \(key)")
                }
            } else {
                positionals.append(a)
            }
            i += 1
        }
    }

    func value(_ key: String) -> String? { options[key] }
    func isSet(_ key: String) -> Bool { switches.contains(key) }

    /// An integer option; a usage error when it is not an integer.
    func int(_ key: String) throws -> Int? {
        guard let v = options[key] else { return nil }
        guard let n = Int(v) else { throw UsageError("\(key) must be an integer, got \"\(v)\"") }
        return n
    }
}
