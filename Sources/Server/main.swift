internal import Foundation

// `verifier <subcommand> [arguments]`. Each subcommand lives in Commands/ in its own file
// and is listed once here.
let commands: [any Subcommand.Type] = [
    VersionCommand.self,
    ServeCommand.self,
]

exit(CommandLineTool(commands: commands).run(Array(CommandLine.arguments.dropFirst())))
