// libFuzzer harness for HTTPRequestParser, compiled together with the parser sources by
// scripts/fuzz-http. Besides crashes and sanitizer reports it checks invariants, trapping on
// any violation so libFuzzer saves the input:
// - feeding the input whole, split at a point chosen by the input, in thirds, or (short inputs)
//   one byte at a time yields
//   the same requests and the same final error;
// - every request respects the limits (target, header count, body size).

/// One thing the parser produced, `sendContinue` left out since it depends on arrival timing.
enum Outcome: Equatable {
    case request(HTTPRequest)
    case error(HTTPParseError)
}

let limits = HTTPRequestParser.Limits(HTTPServerConfiguration(
    maxTargetBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 512))

func outcomes(_ pieces: [ArraySlice<UInt8>]) -> [Outcome] {
    var parser = HTTPRequestParser(limits: limits)
    var result: [Outcome] = []
    for piece in pieces {
        var action = Array(piece).withUnsafeBytes { parser.bytesReceived($0) }
        while true {
            switch action {
            case .needMoreData:
                break
            case .sendContinue:
                action = parser.next()
                continue
            case .bodyFollows:
                action = parser.admitBody(limit: limits.maxBodyBytes)
                continue
            case .request(let request):
                check(request)
                result.append(.request(request))
                action = parser.next()
                continue
            case .error(let error):
                result.append(.error(error))
                return result
            }
            break
        }
    }
    return result
}

/// Traps with `message` (kept in optimized builds, unlike precondition's) when `condition` fails.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

func check(_ request: HTTPRequest) {
    require(request.target.utf8.count <= limits.maxTargetBytes, "target over limit")
    require(request.headers.count <= limits.maxHeaderCount, "too many headers")
    require(request.trailers.count <= limits.maxHeaderCount, "too many trailers")
    require(request.body.count <= limits.maxBodyBytes, "body over limit")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = outcomes([bytes[...]])
    if size > 1 {
        let cut = Int(bytes[size - 1]) * 31 % size
        require(outcomes([bytes[..<cut], bytes[cut...]]) == whole, "split at \(cut) differs from whole")
        let third = size / 3, twoThirds = 2 * size / 3
        require(outcomes([bytes[..<third], bytes[third..<twoThirds], bytes[twoThirds...]]) == whole,
                "split in thirds differs from whole")
    }
    // Byte at a time only for short inputs: it dominates the cost of an execution.
    if size <= 96 {
        require(outcomes(bytes.indices.map { bytes[$0...$0] }) == whole, "byte-at-a-time differs from whole")
    }
    return 0
}
