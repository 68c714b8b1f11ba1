import Testing
@testable import Verification

/// Shapes refuse what a reader cannot accept while the document is parsed, naming the field.
struct JSONShapeTests {
    static let bundleLike = JSONShape.object([
        "name": .any,
        "steps": .array(.object(["loss": .any])),
        "config": .object(["hidden": .array(.any)]),
    ])

    func failure(_ text: String, _ shape: JSONShape = bundleLike) -> JSONFieldError? {
        do {
            _ = try JSONCursor.parse(Array(text.utf8), shape: shape)
            return nil
        } catch {
            return error
        }
    }

    /// What follows the first byte is not even JSON: only a refusal at that byte explains a
    /// shape error rather than a syntax error.
    @Test func refusesAnArrayWhereAnObjectIsWantedAtItsFirstByte() {
        let error = failure("[0,0,0,\u{01}")
        #expect(error == JSONFieldError(field: "", reason: "must be an object"))
        #expect(failure(#"{"steps": {"#)?.field == "steps")
        #expect(failure(#"{"steps": {"#)?.reason == "must be an array")
    }

    @Test func refusesAnUnknownMemberAtItsKey() {
        let error = failure(#"{"name": 1, "steps": [{"loss": 1}, {"loss": 2, "extra": [0, 0, "#)
        #expect(error == JSONFieldError(field: "steps[1].extra", reason: "is not a known field"))
        #expect(failure(#"{"config": {"hidden": [1], "depth": 2}}"#)?.field == "config.depth")
        #expect(failure(#"{"\u006eame": 1, "nam\u0065x": 2}"#)?.field == "namex")
    }

    @Test func acceptsNullMembersAndElementsButNotANullDocument() {
        #expect(failure(#"{"name": null, "steps": [null, {"loss": null}], "config": null}"#) == nil)
        #expect(failure("null") == JSONFieldError(field: "", reason: "must be an object"))
        #expect(failure(#"{"steps": [1]}"#) == JSONFieldError(field: "steps[0]", reason: "must be an object"))
    }

    @Test func leavesAnySubtreeAlone() {
        #expect(failure(#"{"name": {"a": [{"b": []}]}, "config": {"hidden": [{"x": 1}, [2]]}}"#) == nil)
    }

    /// Text that is not JSON is a syntax error (400), not a shape error, even where a scalar
    /// stands in for an object.
    @Test func textThatIsNotJSONIsASyntaxError() {
        for text in ["not json", "tru", "\"open", "-"] {
            #expect(failure(text)?.syntax != nil, "\(text)")
        }
        #expect(failure("\"a string\"") == JSONFieldError(field: "", reason: "must be an object"))
    }
}
