internal import Foundation

// Entry point: `verifier <subcommand>`. Subcommands land with their issues.
let arguments = Array(CommandLine.arguments.dropFirst())
FileHandle.standardError.write(Data("usage: verifier serve [--host H] [--port P]\n".utf8))
exit(arguments.isEmpty ? 2 : 1)
