extension HTTPRequestParser {
    /// Finds the end of the next line, checking that every CR is followed by LF and every LF
    /// preceded by CR. Returns the index just past the LF, or nil when the line is incomplete.
    /// Resumes where the previous call stopped, so byte-at-a-time input costs linear time. Looks
    /// only at bytes before `limit`, so the outcome never depends on how the input was split.
    mutating func nextLineEnd(limit: Int) throws(HTTPParseError) -> Int? {
        let result: Result<Int?, HTTPParseError> = buffer.withUnsafeBufferPointer { buf in
            var i = scanned
            let stop = min(buf.count, limit)
            while i < stop {
                let b = buf[i]
                if b == ByteClass.lf {
                    guard i > lineStart, buf[i - 1] == ByteClass.cr else { return .failure(.bareLineFeed) }
                    scanned = i + 1
                    return .success(i + 1)
                }
                if b == ByteClass.cr {
                    guard i + 1 < stop else { break }
                    guard buf[i + 1] == ByteClass.lf else { return .failure(.bareCarriageReturn) }
                }
                i += 1
            }
            scanned = i
            return .success(nil)
        }
        return try result.get()
    }

    /// Scans a CRLF-terminated section of lines ended by an empty line (a request head, or the
    /// trailer section of a chunked body) and returns the index just past it, or nil if incomplete.
    /// Enforces the size and count limits while scanning, so an endless head is refused early.
    mutating func scanSection(isHead: Bool) throws(HTTPParseError) -> Int? {
        while let end = try nextLineEnd(limit: start + limits.maxHeaderBytes + 1) {
            if end - lineStart == 2 {
                // RFC 9112 section 2.2: ignore empty lines received before the request-line.
                if isHead && lineCount == 0 {
                    start = end
                    lineStart = end
                    continue
                }
                guard end - start <= limits.maxHeaderBytes else { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                return end
            }
            if isHead && lineCount == 0 && end - start > limits.maxHeaderBytes {
                throw .requestLineTooLong(limit: limits.maxHeaderBytes)
            }
            lineCount += 1
            lineStart = end
            // The request line is not a field; a trailer section has no request line.
            if lineCount - (isHead ? 1 : 0) > limits.maxHeaderCount { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
        }
        if buffer.count - start > limits.maxHeaderBytes {
            if isHead && lineCount == 0 { throw .requestLineTooLong(limit: limits.maxHeaderBytes) }
            throw .headersTooLarge(limit: limits.maxHeaderBytes)
        }
        return nil
    }

    /// Parses a chunk-size line `[from, to)` (without CRLF): hex digits, then optional extensions.
    func parseChunkSize(_ from: Int, _ to: Int) throws(HTTPParseError) -> Int {
        var size = 0
        var i = from
        while i < to, let digit = ByteClass.hexValue(buffer[i]) {
            // 15 hex digits already exceed any sane body limit; refuse before overflowing.
            guard i - from < 15 else { throw .invalidChunkSize }
            size = size << 4 | digit
            i += 1
        }
        guard i > from else { throw .invalidChunkSize }
        while i < to, ByteClass.isWhitespace(buffer[i]) { i += 1 }
        guard i == to || buffer[i] == 0x3B else { throw .invalidChunkSize }
        while i < to {
            guard ByteClass.isFieldValueChar(buffer[i]) else { throw .invalidChunkExtension }
            i += 1
        }
        return size
    }

    /// Parses the trailer section `[from, end)` (which ends with an empty line) into fields.
    func parseTrailers(_ from: Int, _ end: Int) throws(HTTPParseError) -> HTTPHeaders {
        guard end - from > 2 else { return HTTPHeaders() }
        return try buffer.withUnsafeBufferPointer { buf throws(HTTPParseError) in
            let section = Array(UnsafeBufferPointer(rebasing: buf[from..<end - 2]))
            var fields: [HTTPHeaders.Field] = []
            var lineStart = from
            while lineStart < end - 2 {
                var lineEnd = lineStart
                while buf[lineEnd] != ByteClass.cr { lineEnd += 1 }
                fields.append(try Self.parseField(buf, lineStart, lineEnd, base: from))
                lineStart = lineEnd + 2
            }
            return HTTPHeaders(storage: section, fields: fields)
        }
    }

    /// Parses one field line `[from, to)` (without CRLF); offsets in the result are relative to `base`.
    static func parseField(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int,
                           base: Int) throws(HTTPParseError) -> HTTPHeaders.Field {
        // A line starting with whitespace continues the previous one (obs-fold, RFC 9112 section 5.2).
        if ByteClass.isWhitespace(buf[from]) { throw .obsoleteLineFolding }
        var colon = from
        while colon < to && buf[colon] != ByteClass.colon {
            let b = buf[colon]
            if ByteClass.isWhitespace(b) { throw .whitespaceBeforeColon }
            guard ByteClass.isTokenChar(b) else { throw .invalidFieldName }
            colon += 1
        }
        guard colon < to else { throw .missingColon }
        guard colon > from else { throw .invalidFieldName }
        var valueStart = colon + 1
        while valueStart < to && ByteClass.isWhitespace(buf[valueStart]) { valueStart += 1 }
        var valueEnd = to
        while valueEnd > valueStart && ByteClass.isWhitespace(buf[valueEnd - 1]) { valueEnd -= 1 }
        for i in valueStart..<valueEnd where !ByteClass.isFieldValueChar(buf[i]) {
            throw .controlCharacterInField(byte: buf[i])
        }
        return HTTPHeaders.Field(nameStart: Int32(from - base), nameEnd: Int32(colon - base),
                                 valueStart: Int32(valueStart - base), valueEnd: Int32(valueEnd - base))
    }
}
