/// Splits SQL text into its statements, so that a migration's text can run one statement per call (the extended
/// protocol that postgres-nio speaks takes one statement at a time).
///
/// A `;` ends a statement unless it is inside a `'…'` string, a `"…"` identifier, a `-- …` comment, or a
/// dollar-quoted body (`$$…$$` or `$tag$…$tag$`). Statements are trimmed; empty ones are dropped.
enum SQLScript {
    static func statements(_ text: String) -> [String] {
        let characters = Array(text.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func flush() {
            let statement = String(current).trimmingWhitespace()
            if !statement.isEmpty, !statement.allSatisfy({ $0 == ";" }) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'", "\"":
                // A string or quoted identifier: up to the closing quote (a doubled quote stays inside).
                current.append(character)
                index += 1
                while index < characters.count {
                    current.append(characters[index])
                    if characters[index] == character {
                        if index + 1 < characters.count, characters[index + 1] == character {
                            current.append(characters[index + 1])
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
                index += 1
            case "-" where index + 1 < characters.count && characters[index + 1] == "-":
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case "$":
                // A dollar quote `$tag$`: copied whole up to the same tag.
                var end = index + 1
                while end < characters.count, characters[end] == "_" || characters[end].properties.isAlphabetic { end += 1 }
                guard end < characters.count, characters[end] == "$" else {
                    current.append(character)
                    index += 1
                    continue
                }
                let tag = Array(characters[index...end])
                current.append(contentsOf: tag)
                index = end + 1
                while index < characters.count {
                    if characters[index] == "$", index + tag.count <= characters.count,
                        Array(characters[index..<(index + tag.count)]) == tag
                    {
                        current.append(contentsOf: tag)
                        index += tag.count
                        break
                    }
                    current.append(characters[index])
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
