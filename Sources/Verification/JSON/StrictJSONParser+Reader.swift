extension StrictJSONParser {
    /// One pass over a document's bytes, appending to the tape and checking the shape.
    struct Reader {
        /// One step of the path to the value being read, kept only below constrained shapes.
        enum Step {
            case key(String)
            case index(Int)
        }

        let source: [UInt8]
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var position = 0
        var tape = Tape()
        var path: [Step] = []
        /// Key indices of the object being checked for duplicates, reused across objects.
        var keys: [UInt32] = []

        init(source: [UInt8], bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.source = source
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func syntax(_ reason: String, at offset: Int? = nil) -> JSONFieldError {
            JSONFieldError(syntax: JSONSyntaxError(offset: offset ?? position, reason: reason))
        }

        /// A shape error at the current path (plus `key`, for an unknown member).
        func shape(_ reason: String, key: String? = nil) -> JSONFieldError {
            var field = ""
            for step in path + (key.map { [Step.key($0)] } ?? []) {
                switch step {
                case let .key(k): field = field.isEmpty ? k : field + "." + k
                case let .index(i): field += "[\(i)]"
                }
            }
            return JSONFieldError(field: field, reason: reason)
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while position < bytes.count {
                let c = bytes[position]
                guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
                position += 1
            }
        }

        mutating func expect(_ literal: StaticString) throws(JSONFieldError) {
            let text = literal.utf8Start
            for i in 0..<literal.utf8CodeUnitCount {
                guard current == text[i] else { throw syntax("expected \"\(literal)\"") }
                position += 1
            }
        }

        /// Reads one value whose first byte is at `position`.
        mutating func value(depth: Int, shape: JSONShape) throws(JSONFieldError) {
            guard let c = current else { throw syntax("unexpected end of document") }
            switch c {
            case UInt8(ascii: "{"):
                if case .array = shape { throw self.shape("must be an array") }
                try object(depth: depth + 1, shape: shape)
                return
            case UInt8(ascii: "["):
                if case .object = shape { throw self.shape("must be an object") }
                try array(depth: depth + 1, shape: shape)
                return
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try expect("true"); _ = tape.append(.true, 0)
            case UInt8(ascii: "f"): try expect("false"); _ = tape.append(.false, 0)
            case UInt8(ascii: "n"): try expect("null"); _ = tape.append(.null, 0)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw syntax("unexpected character")
            }
            // A scalar is read first (it adds one entry), so text that is not JSON at all is a
            // syntax error. A member or element may be null (readers treat it as absent).
            guard depth == 0 || c != UInt8(ascii: "n") else { return }
            if case .object = shape { throw self.shape("must be an object") }
            if case .array = shape { throw self.shape("must be an array") }
        }

        mutating func object(depth: Int, shape: JSONShape) throws(JSONFieldError) {
            guard depth <= maxDepth else { throw syntax("nesting deeper than \(maxDepth)") }
            let start = tape.append(.object, 0)
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                tape.close(start)
                return
            }
            var members: [String: JSONShape]?
            if case let .object(m) = shape { members = m }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
                let key = try string()
                var memberShape = JSONShape.any
                if let members {
                    let name = String(decoding: decoded(key), as: UTF8.self)
                    guard let known = members[name] else { throw self.shape("is not a known field", key: name) }
                    memberShape = known
                    path.append(.key(name))
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw syntax("expected ':'") }
                position += 1
                skipWhitespace()
                try value(depth: depth, shape: memberShape)
                if members != nil { path.removeLast() }
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard current == UInt8(ascii: "}") else { throw syntax("expected ',' or '}'") }
                position += 1
                tape.close(start)
                try refuseDuplicateKeys(object: start)
                return
            }
        }

        mutating func array(depth: Int, shape: JSONShape) throws(JSONFieldError) {
            guard depth <= maxDepth else { throw syntax("nesting deeper than \(maxDepth)") }
            let start = tape.append(.array, 0)
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                tape.close(start)
                return
            }
            var elementShape = JSONShape.any
            if case let .array(e) = shape { elementShape = e }
            let tracked: Bool
            if case .any = elementShape { tracked = false } else { tracked = true }
            if tracked { path.append(.index(0)) }
            var index = 0
            while true {
                skipWhitespace()
                if tracked { path[path.count - 1] = .index(index) }
                try value(depth: depth, shape: elementShape)
                index += 1
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard current == UInt8(ascii: "]") else { throw syntax("expected ',' or ']'") }
                position += 1
                if tracked { path.removeLast() }
                tape.close(start)
                return
            }
        }

        /// Refuses an object (just closed at tape index `start`) with two keys that decode to the
        /// same string, naming the earliest second occurrence, as a reader going left to right would.
        mutating func refuseDuplicateKeys(object start: Int) throws(JSONFieldError) {
            var keys = self.keys
            self.keys = []
            defer { self.keys = keys }
            keys.removeAll(keepingCapacity: true)
            var child = start + 1
            var count = 0
            while child < tape.count {
                count += 1
                child = tape.next(child + 1)
            }
            keys.reserveCapacity(count)
            child = start + 1
            while child < tape.count {
                keys.append(UInt32(child))
                child = tape.next(child + 1)
            }
            var duplicate: Int?
            if keys.count <= 16 {
                for i in keys.indices {
                    for j in keys.indices where j > i && compareKeys(Int(keys[i]), Int(keys[j])) == 0 {
                        duplicate = min(duplicate ?? .max, Int(keys[j]))
                    }
                }
            } else {
                // Sorted by decoded key, then by position: equal keys end up adjacent, the
                // later occurrence second.
                keys.sort { a, b in
                    let order = compareKeys(Int(a), Int(b))
                    return order != 0 ? order < 0 : a < b
                }
                for (a, b) in zip(keys, keys.dropFirst()) where compareKeys(Int(a), Int(b)) == 0 {
                    duplicate = min(duplicate ?? .max, Int(b))
                }
            }
            guard let duplicate else { return }
            let offset = Int(tape.entry(duplicate) & JSONDocument.payloadMask)
            let name = String(decoding: decoded(duplicate), as: UTF8.self)
            throw syntax("duplicate key \"\(name)\"", at: offset)
        }

        private func compareKeys(_ a: Int, _ b: Int) -> Int {
            JSONDocument.compareStrings(source, stringRange(a), escaped(a), stringRange(b), escaped(b))
        }

        private func escaped(_ index: Int) -> Bool { tape.entry(index) & JSONDocument.escapedBit != 0 }

        private func stringRange(_ index: Int) -> Range<Int> {
            JSONDocument.stringRange(in: source, quoteAt: Int(tape.entry(index) & JSONDocument.payloadMask))
        }

        /// The decoded bytes of the string at tape index `index`.
        private func decoded(_ index: Int) -> [UInt8] {
            let range = stringRange(index)
            return escaped(index) ? Array(JSONUnescaper(bytes: source, range: range)) : Array(source[range])
        }
    }
}
