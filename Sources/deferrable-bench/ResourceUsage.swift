import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time and memory of this process (`getrusage(RUSAGE_SELF)` and, on Linux, `/proc/self/statm`).
struct ResourceUsage: Sendable {
    /// User plus system CPU seconds used so far.
    var cpuSeconds: Double
    /// Peak resident set size so far (`ru_maxrss`), in bytes.
    var peakRSSBytes: Int

    /// The usage now.
    static func now() -> ResourceUsage {
        var usage = rusage()
        #if os(Linux)
        _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        _ = getrusage(RUSAGE_SELF, &usage)
        #endif
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        #if os(Linux)
        let peak = Int(usage.ru_maxrss) * 1024
        #else
        let peak = Int(usage.ru_maxrss)
        #endif
        return ResourceUsage(cpuSeconds: cpu, peakRSSBytes: peak)
    }

    /// The current resident set size in bytes (`/proc/self/statm`), or `nil` where that file does not exist.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Returns freed heap to the system (glibc `malloc_trim`, looked up at run time), so a following resident-size
    /// reading is a fair baseline. Does nothing where `malloc_trim` does not exist.
    static func releaseFreeMemory() {
        #if os(Linux)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
