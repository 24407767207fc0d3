/// A UTC instant in the two forms Signature Version 4 uses: `20150830T123600Z` and its date `20150830`.
struct AWSTimestamp: Sendable, Hashable {
    /// `yyyyMMdd'T'HHmmss'Z'`.
    let dateTime: String
    /// `yyyyMMdd`.
    var date: Substring { dateTime.prefix(8) }

    /// The instant `secondsSinceEpoch` (UTC, proleptic Gregorian calendar), for any year from 0 to 9999.
    init(secondsSinceEpoch: Int64) {
        let clamped = min(max(secondsSinceEpoch, -62_167_219_200), 253_402_300_799)
        let days = clamped >= 0 ? clamped / 86_400 : (clamped - 86_399) / 86_400
        let secondOfDay = clamped - days * 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, in 400-year eras).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        dateTime =
            digits(year, 4) + digits(month, 2) + digits(day, 2) + "T" + digits(secondOfDay / 3_600, 2)
            + digits(secondOfDay % 3_600 / 60, 2) + digits(secondOfDay % 60, 2) + "Z"
    }
}
