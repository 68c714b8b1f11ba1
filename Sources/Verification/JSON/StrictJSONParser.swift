/// A strict RFC 8259 parser for untrusted input: valid UTF-8 only, no duplicate object keys,
/// no lone surrogates, no trailing content, nesting depth limited.
///
/// It makes one pass over the bytes and builds a `JSONDocument`, whose tape costs at most
/// 8 bytes per value, so a document of n bytes costs at most about 4n bytes beyond its text
/// (plus 4 bytes per member of its largest object while its keys are compared), whatever its
/// shape. Given a `JSONShape`, a value the reader cannot accept is refused at its first byte.
struct StrictJSONParser {
    /// Maximum nesting depth of arrays and objects. Default 64.
    var maxDepth: Int

    init(maxDepth: Int = 64) { self.maxDepth = maxDepth }

    /// Parses a whole document.
    func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONDocument {
        do {
            return try parse(bytes, shape: .any)
        } catch {
            // With `.any` only syntax can be wrong.
            guard let syntax = error.syntax else { preconditionFailure("shape error without a shape: \(error)") }
            throw syntax
        }
    }

    /// Parses a whole document that must have `shape`: a syntax error is a `JSONFieldError`
    /// carrying it; a value of the wrong container kind or an unknown member is one naming its
    /// field, raised as soon as the offending byte or key is read.
    func parse(_ bytes: [UInt8], shape: JSONShape) throws(JSONFieldError) -> JSONDocument {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONFieldError) -> JSONDocument in
            var reader = Reader(source: bytes, bytes: buffer, maxDepth: maxDepth)
            reader.skipWhitespace()
            try reader.value(depth: 0, shape: shape)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.syntax("trailing content after the document") }
            return JSONDocument(bytes: bytes, chunks: reader.tape.chunks)
        }
    }

    /// The tape under construction (see `JSONDocument` for the entry layout).
    struct Tape {
        private(set) var chunks: [[UInt64]] = [[]]
        private(set) var count = 0

        /// Appends an entry; returns its index.
        mutating func append(_ kind: JSONKind, _ payload: Int, escaped: Bool = false) -> Int {
            if chunks[chunks.count - 1].count == JSONDocument.chunkSize {
                var chunk: [UInt64] = []
                chunk.reserveCapacity(JSONDocument.chunkSize)
                chunks.append(chunk)
            }
            chunks[chunks.count - 1].append(kind.rawValue << 61 | (escaped ? JSONDocument.escapedBit : 0) | UInt64(payload))
            count += 1
            return count - 1
        }

        /// Records that the container at `index` ends here.
        mutating func close(_ index: Int) {
            let e = entry(index)
            chunks[index >> JSONDocument.chunkShift][index & (JSONDocument.chunkSize - 1)] = e & ~JSONDocument.payloadMask | UInt64(count)
        }

        func entry(_ index: Int) -> UInt64 { chunks[index >> JSONDocument.chunkShift][index & (JSONDocument.chunkSize - 1)] }

        func next(_ index: Int) -> Int {
            let e = entry(index)
            let kind = e >> 61
            return kind == JSONKind.array.rawValue || kind == JSONKind.object.rawValue ? Int(e & JSONDocument.payloadMask) : index + 1
        }
    }
}
