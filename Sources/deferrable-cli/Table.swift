/// A plain-text table with aligned columns: text left-aligned, numbers right-aligned.
struct Table {
    /// How a column aligns its cells.
    enum Alignment {
        case left
        case right
    }

    let headers: [String]
    let alignments: [Alignment]
    private(set) var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        headers = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    mutating func add(_ row: [String]) {
        rows.append(row)
    }

    /// The table as lines, columns separated by two spaces, trailing spaces trimmed.
    var rendered: [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() where index < widths.count {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(alignments[index] == .right ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return [line(headers)] + rows.map(line)
    }

    /// Prints the table to stdout.
    func print() {
        for line in rendered { Output.line(line) }
    }
}
