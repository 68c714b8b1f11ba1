/// The Merkle commitment to a quantized gradient: the RFC 6962 tree over its `GradientLeaf`
/// serializations, hashed straight from `scales` and `packedCodes`.
///
/// Leaf i's bytes are its scales as fp32 little-endian followed by its packed codes; on this
/// little-endian host (safetensors files are read the same way) the first part is exactly the
/// memory of `scales[firstBlock..<...]`. The root gathers each leaf's two slices into a
/// 576-byte per-thread buffer so leaves can be hashed in pairs (`NodeHasher.hashLeaves`);
/// `leafHashes` absorbs the two slices in turn.
extension QuantizedGradient {
    /// The RFC 6962 root over the gradient's leaves, the value committed as `gradientRoot`.
    public func merkleRoot() -> Digest {
        withLeafParts { leafCount, parts in
            do {
                let leaves = LeafBytes(bytes: { i, scratch in
                    let (scaleBytes, codeBytes) = parts(i)
                    scratch.copyMemory(from: scaleBytes)
                    UnsafeMutableRawBufferPointer(rebasing: scratch[scaleBytes.count...]).copyMemory(from: codeBytes)
                    return UnsafeRawBufferPointer(rebasing: scratch[0..<(scaleBytes.count + codeBytes.count)])
                })
                let full = GradientLeaf.byteCount(parameters: GradientLeaf.parametersPerLeaf)
                return try MerkleTreeBuilder(scratchBytes: full).root(of: 0..<leafCount, leaves: leaves).digest
            } catch {
                // The leaf closure above cannot throw; the builder's signature allows it for others.
                preconditionFailure("gradient leaf hashing threw \(error)")
            }
        }
    }

    /// Every leaf's hash SHA-256(0x00 || leaf bytes), in leaf order.
    public func leafHashes() -> [Digest] {
        withLeafParts { leafCount, parts in
            let hasher = NodeHasher()
            return (0..<leafCount).map { i in
                let (scaleBytes, codeBytes) = parts(i)
                return hasher.hashLeaf(scaleBytes, codeBytes).digest
            }
        }
    }

    /// Calls `body` with the leaf count and a function giving leaf i's two byte ranges
    /// (scales, codes), valid during the call (the function must not outlive it).
    private func withLeafParts<R>(
        _ body: (Int, @escaping (Int) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer)) -> R
    ) -> R {
        let parameterCount = parameterCount, leafCount = leafCount
        return scales.withUnsafeBytes { scaleBytes in
            packedCodes.withUnsafeBytes { codeBytes in
                body(leafCount) { i in
                    let range = Self.leafRange(i, parameters: parameterCount)
                    let firstScale = 4 * (range.lowerBound / Self.blockSize)
                    let firstCode = range.lowerBound / 2
                    let scalePart = scaleBytes[firstScale..<(firstScale + 4 * Self.blockCount(parameters: range.count))]
                    let codePart = codeBytes[firstCode..<(firstCode + Self.packedByteCount(parameters: range.count))]
                    return (UnsafeRawBufferPointer(rebasing: scalePart), UnsafeRawBufferPointer(rebasing: codePart))
                }
            }
        }
    }
}
