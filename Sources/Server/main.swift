internal import Foundation
internal import Verification

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
    BenchGEMMCommand.self,
    BenchStepCommand.self,
    ServeCommand.self,
    MineCommand.self,
    VerifyBundleCommand.self,
]

// Before any command: OpenBLAS must run kernels this CPU can use well (every command may
// multiply matrices), which can take a new process image.
do {
    try BLASCoreStartup.reexecuteIfNeeded()
    // Our own kernels take the OpenBLAS core's path (AVX2 under OPENBLAS_CORETYPE=Haswell).
    KernelLevel.followOpenBLAS()
} catch {
    CommandLineTool.stderr("error: \(BLASCoreStartup.settingVariable): \(error)")
    exit(2)
}
exit(CommandLineTool(commands: commands).run(Array(CommandLine.arguments.dropFirst())))
