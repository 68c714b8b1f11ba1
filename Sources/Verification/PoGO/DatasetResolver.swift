internal import Foundation

/// Maps a data set's SHA-256 to a local file holding exactly those bytes.
///
/// The server indexes its data folder once; a bundle naming a digest that is not indexed
/// cannot be verified here (`PoGOVerificationError.datasetUnknown`).
public struct DatasetResolver: Sendable {
    private let paths: [Digest: String]

    /// A resolver over known files, keyed by the SHA-256 of their bytes.
    public init(paths: [Digest: String]) {
        self.paths = paths
    }

    /// Indexes every regular file directly in `directory` (not recursing, skipping names that
    /// start with "."), hashing each file's bytes; files above `maxBytes` are skipped.
    /// Throws `DatasetDirectoryError` when `directory` is missing or not a folder.
    public static func indexing(directory: String, maxBytes: Int = 64 << 20) throws -> DatasetResolver {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetDirectoryError(directory: directory)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var paths: [Digest: String] = [:]
        for name in names where !name.hasPrefix(".") {
            let path = directory + "/" + name
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? Int, size <= maxBytes,
                  let data = FileManager.default.contents(atPath: path)
            else { continue }
            paths[SHA256.hash([UInt8](data))] = path
        }
        return DatasetResolver(paths: paths)
    }

    /// The file holding the data set with this digest, if known.
    public func path(for digest: Digest) -> String? {
        paths[digest]
    }
}

/// The data set folder does not exist or is not a folder.
public struct DatasetDirectoryError: Error, Equatable, CustomStringConvertible {
    public let directory: String

    public var description: String {
        "dataset directory \(directory) does not exist or is not a folder (set VERIFIER_DATASET_DIR or --dataset-dir; scripts/setup fetches the default data sets into ./data)"
    }
}
