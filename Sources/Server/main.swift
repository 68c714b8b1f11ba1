internal import Foundation

// `verifier <subcommand> [arguments]`. Each subcommand lives in Commands/ in its own file
// and is listed once here.
let commands: [any Subcommand.Type] = [
    VersionCommand.self,
    KeygenCommand.self,
    AttestVerifyCommand.self,
    QuantizeCommand.self,
    MerkleRootCommand.self,
    MerkleProveCommand.self,
    MerkleVerifyCommand.self,
    MerkleTreeCommand.self,
    BenchPoQCommand.self,
    BenchStepCommand.self,
    ServeCommand.self,
    MineCommand.self,
    VerifyBundleCommand.self,
]

exit(CommandLineTool(commands: commands).run(Array(CommandLine.arguments.dropFirst())))
