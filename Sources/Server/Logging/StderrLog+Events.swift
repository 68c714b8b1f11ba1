extension StderrLog {
    /// Writes one `event=<name> key=value ...` line at once; values are quoted when needed.
    func event(_ name: String, _ fields: KeyValuePairs<String, String> = [:]) {
        var line = "event=" + name
        for (key, value) in fields {
            line += " " + key + "=" + Self.quoted(value)
        }
        write(line)
    }
}
