import Testing
@testable import Server

/// The one conversion from `Duration` to the integer milliseconds of SQL, SQLite and libcurl.
struct DurationMillisecondsTests {
    @Test func wholeMillisecondsAreExactWhereDoubleIsNot() {
        #expect(Duration.milliseconds(86_400_000).wholeMilliseconds == 86_400_000)
        #expect(Duration.seconds(86_400).wholeMilliseconds == 86_400_000)
        #expect(Duration.seconds(30).wholeMilliseconds == 30_000)
        #expect(Duration.zero.wholeMilliseconds == 0)
    }

    @Test func partMillisecondsRoundUp() {
        #expect(Duration.nanoseconds(1).wholeMilliseconds == 1)
        #expect(Duration.microseconds(1_001).wholeMilliseconds == 2)
        #expect(Duration.milliseconds(1).wholeMilliseconds == 1)
    }
}
