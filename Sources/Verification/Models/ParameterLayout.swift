/// Why a model, checkpoint or batch was refused.
public enum ModelError: Error, Equatable, Sendable {
    case invalidConfig(String)
    case parameterCountMismatch(got: Int, want: Int)
    case missingTensor(String)
    case unexpectedTensor(String)
    case shapeMismatch(name: String, got: [Int], want: [Int])
    case batchShapeMismatch(field: String, got: Int, want: Int)
    case emptyBatch
    case labelOutOfRange(index: Int, label: Int32, classes: Int)
}

/// The named tensors of a model laid out as slices of one contiguous Float buffer.
///
/// Tensors are ordered by name, byte-wise over UTF-8 (the protocol's canonical order), each
/// row-major and packed with no gaps, so the parameter buffer is exactly the canonical
/// parameter vector and a gradient buffer in the same layout is the canonical gradient.
public struct ParameterLayout: Sendable, Hashable {
    /// One tensor's place in the buffer.
    public struct Slot: Sendable, Hashable {
        public let name: String
        public let shape: [Int]
        /// Index of the tensor's first element in the buffer.
        public let offset: Int
        /// Number of elements, the product of the shape.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Tensors in canonical (byte-wise name) order.
    public let slots: [Slot]
    /// Total number of parameters.
    public let count: Int
    /// Names a checkpoint may hold besides the parameters, skipped when reading it: buffers
    /// that are not parameters by the architecture's rule (GPT-2's attention masks).
    public let ignored: Set<String>
    private let index: [String: Int]

    /// Lays out `tensors` in canonical order. Requires distinct names and non-negative dimensions.
    public init(_ tensors: [(name: String, shape: [Int])], ignored: Set<String> = []) {
        self.ignored = ignored
        let sorted = tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        var slots: [Slot] = []
        var offset = 0
        for t in sorted {
            precondition(t.shape.allSatisfy { $0 >= 0 }, "negative dimension in \(t.name)")
            slots.append(Slot(name: t.name, shape: t.shape, offset: offset))
            offset += t.shape.reduce(1, *)
        }
        self.slots = slots
        count = offset
        index = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($0.element.name, $0.offset) })
    }

    /// The slot named `name`. Requires that it exists (model code asks only for its own names).
    public subscript(name: String) -> Slot {
        guard let i = index[name] else { preconditionFailure("no tensor named \(name)") }
        return slots[i]
    }

    /// The offset of the tensor named `name` in the buffer.
    public func offset(_ name: String) -> Int { self[name].offset }

    /// The buffer's tensors as safetensors F32 tensors, ready for `SafeTensorsWriter`.
    public func tensors(from buffer: [Float]) -> [SafeTensorsWriter.Tensor] {
        precondition(buffer.count == count, "buffer has \(buffer.count) floats, layout \(count)")
        return slots.map { SafeTensorsWriter.Tensor(name: $0.name, shape: $0.shape, floats: Array(buffer[$0.offset..<$0.offset + $0.count])) }
    }

    /// Reads a checkpoint holding exactly this layout's tensors (F32, same names and shapes).
    public func load(_ file: SafeTensorsFile) throws -> [Float] {
        let want = Set(slots.map(\.name))
        if let extra = file.entries.first(where: { !want.contains($0.name) && !ignored.contains($0.name) }) {
            throw ModelError.unexpectedTensor(extra.name)
        }
        var buffer = [Float](repeating: 0, count: count)
        for slot in slots {
            guard let entry = file.entry(slot.name) else { throw ModelError.missingTensor(slot.name) }
            guard entry.shape == slot.shape else {
                throw ModelError.shapeMismatch(name: slot.name, got: entry.shape, want: slot.shape)
            }
            let values = try file.floats(slot.name)
            buffer.replaceSubrange(slot.offset..<slot.offset + slot.count, with: values)
        }
        return buffer
    }
}
