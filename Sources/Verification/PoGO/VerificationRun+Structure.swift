extension VerificationRun {
    /// "structure.dataset": the data set parses for the architecture, fits the model, and holds
    /// enough examples for a training batch and an evaluation batch.
    mutating func checkDataset(_ bytes: [UInt8]) -> PoGOWorkload? {
        let name = VerificationReport.CheckName.structureDataset
        var workload: PoGOWorkload
        do {
            workload = try PoGOWorkload(model: bundle.model, datasetBytes: bytes)
            workload.activationBudgetBytes = policy.activationBudgetBytes
        } catch {
            record(.init(name: name, passed: false, detail: "model and data set do not fit: \(error)"))
            return nil
        }
        let n = workload.exampleCount
        guard bundle.batchSize <= n, bundle.evaluationBatchSize <= n else {
            record(.init(name: name, passed: false, detail:
                "batchSize \(bundle.batchSize) and evaluation batchSize \(bundle.evaluationBatchSize) must not exceed the \(n) examples"))
            return nil
        }
        record(.init(name: name, passed: true, detail: "\(n) examples, \(workload.layout.count) parameters"))
        return workload
    }

    /// "structure.theta0" (decodes, exactly the model's F32 tensors and shapes, finite) and
    /// "structure.theta0Root" (its commitment root equals theta0Root).
    mutating func checkTheta0(loader: ArtifactLoader, layout: ParameterLayout) throws(PoGOVerificationError) -> [Float]? {
        let name = VerificationReport.CheckName.structureTheta0
        let file: SafeTensorsFile
        switch try loader.open(bundle.theta0Artifact, name: "theta0") {
        case let .malformed(reason):
            record(.init(name: name, passed: false, detail: "not a safetensors file: \(reason)"))
            return nil
        case let .file(f):
            file = f
        }
        let theta0: [Float]
        do {
            theta0 = try layout.load(file)
        } catch {
            record(.init(name: name, passed: false, detail: "tensors do not match the model: \(ArtifactErrorText.of(error))"))
            return nil
        }
        if let bad = theta0.firstIndex(where: { !$0.isFinite }) {
            record(.init(name: name, passed: false, detail: "parameter \(bad) is not finite"))
            return nil
        }
        record(.init(name: name, passed: true, detail: "\(layout.slots.count) tensors, \(theta0.count) finite F32 parameters"))

        let root = (try? ParameterCommitment(parameters: theta0))?.root
        let ok = root == bundle.theta0Root
        record(.init(name: .structureTheta0Root, passed: ok, detail: ok
            ? "root \(bundle.theta0Root.hex)"
            : "recomputed root \(root?.hex ?? "none") differs from theta0Root \(bundle.theta0Root.hex)"))
        return ok ? theta0 : nil
    }
}
