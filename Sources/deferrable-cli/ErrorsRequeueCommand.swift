import ArgumentParser
import Deferrable

/// `deferrable errors requeue GROUP (ID | --all)`.
struct ErrorsRequeueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue",
        abstract: "Move error-queue entries back to the queue as fresh jobs (attempts reset, runnable at once).",
        discussion: """
            Examples:
              deferrable errors requeue emails 6c1e0d1a-2f7b-4c55-9a63-0d0f5b1c9e11
              deferrable errors requeue emails --all
            """
    )

    @OptionGroup var redis: RedisOptions

    @Argument(help: "The group.")
    var group: String

    @Argument(help: "The job id (or use --all).")
    var id: String?

    @Flag(help: "Requeue every entry that holds a valid job.")
    var all = false

    func validate() throws {
        if all, id != nil { throw ValidationError("give either a job id or --all, not both") }
        if !all, id == nil { throw ValidationError("give a job id or --all") }
    }

    func run() async throws {
        try await redis.withFactory { factory in
            let deferrable = try await redis.deferrable(group: group, factory: factory)
            if let id {
                do {
                    guard try await deferrable.errors.requeue(id: id) else {
                        throw CLIError.notFound("no error-queue entry '\(id)' in group '\(group)'")
                    }
                } catch let error as RequeueError {
                    throw CLIError.operational(error.description)
                }
                Output.line("requeued \(id) in '\(group)'")
            } else {
                let before = try await deferrable.errors.count()
                let requeued = try await deferrable.errors.requeueAll()
                let left = before - requeued
                Output.line(
                    "requeued \(Format.count(requeued)) job\(requeued == 1 ? "" : "s") in '\(group)'"
                        + (left > 0 ? "; \(Format.count(left)) entries without a valid job stay in the error queue" : ""))
            }
        }
    }
}
