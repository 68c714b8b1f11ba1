internal import CPQ

/// One result row, copied out of the libpq result in binary format so the result can be freed.
struct PostgresRow: Sendable {
    /// One cell: the column's type OID and its binary value (nil for SQL NULL).
    struct Cell: Sendable {
        let oid: Oid
        let bytes: [UInt8]?
    }

    let cells: [Cell]

    /// Copies row `row` of `result`, which must hold binary-format columns.
    init(result: OpaquePointer, row: Int32) {
        cells = (0..<PQnfields(result)).map { column in
            let oid = PQftype(result, column)
            guard PQgetisnull(result, row, column) == 0 else { return Cell(oid: oid, bytes: nil) }
            let length = Int(PQgetlength(result, row, column))
            let bytes = PQgetvalue(result, row, column).withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
            return Cell(oid: oid, bytes: bytes)
        }
    }

    /// Column `index` as text (types text, varchar), nil for NULL.
    func text(_ index: Int) throws(PostgresError) -> String? {
        guard let bytes = try cell(index, types: [PostgresValue.TypeOID.text, PostgresValue.TypeOID.varchar]) else {
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Column `index` as raw bytes (type bytea), nil for NULL.
    func bytes(_ index: Int) throws(PostgresError) -> [UInt8]? {
        try cell(index, types: [PostgresValue.TypeOID.bytea])
    }

    /// Column `index` as an integer (types int2, int4, int8: big-endian two's complement), nil for NULL.
    func int64(_ index: Int) throws(PostgresError) -> Int64? {
        let types = [PostgresValue.TypeOID.int2, PostgresValue.TypeOID.int4, PostgresValue.TypeOID.int8]
        guard let bytes = try cell(index, types: types) else { return nil }
        guard [2, 4, 8].contains(bytes.count) else {
            throw .unexpectedResult(column: index, message: "integer of \(bytes.count) bytes")
        }
        // Sign-extend from the first byte, then shift the remaining bytes in.
        var value = Int64(Int8(bitPattern: bytes[0]))
        for byte in bytes.dropFirst() { value = value << 8 | Int64(byte) }
        return value
    }

    private func cell(_ index: Int, types: [Oid]) throws(PostgresError) -> [UInt8]? {
        guard index < cells.count else {
            throw .unexpectedResult(column: index, message: "result has \(cells.count) columns")
        }
        let cell = cells[index]
        guard types.contains(cell.oid) else {
            throw .unexpectedResult(column: index, message: "type oid \(cell.oid), want one of \(types)")
        }
        return cell.bytes
    }
}
