internal import Foundation

/// Delivers Unix signals to a closure through Dispatch sources instead of an async-signal handler.
///
/// A library type on purpose: under Swift 6 a DispatchSource whose handler is created in
/// top-level main.swift code traps on its first event.
final class SignalTrap: @unchecked Sendable {
    // Immutable after init; DispatchSource is thread-safe but not annotated Sendable.
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            // The default action would kill the process before the source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
