import Deferrable

extension HistoryResolution {
    /// The resolution's code in the `resolution` column of `stat_history`.
    var postgresCode: String {
        switch self {
        case .minute: "m"
        case .tenMinutes: "t"
        case .day: "d"
        }
    }
}
