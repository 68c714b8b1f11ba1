/// The containers and member names a reader of a document accepts, checked while the document
/// is parsed: a value of the wrong container kind or an unknown member is refused at its first
/// byte (or at its key), before anything after it is read or stored.
///
/// Only containers are constrained; scalars (and `null` anywhere but at the top) pass and are
/// judged by the reader, which also applies every count and size limit.
public indirect enum JSONShape: Sendable {
    /// Any value.
    case any
    /// An object whose members are exactly some of these names, each with its own shape.
    case object([String: JSONShape])
    /// An array whose elements all have this shape.
    case array(JSONShape)
}
