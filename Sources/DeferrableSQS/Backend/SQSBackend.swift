import Deferrable

/// A group's queues on SQS. It keeps no results, task statistics or worker heartbeats.
struct SQSBackend: Backend {
    let group: String
    let queue: any JobQueue
    let errorQueue: any ErrorQueue

    init(group: SQSGroup) {
        self.group = group.name
        self.queue = SQSJobQueue(group: group)
        self.errorQueue = SQSErrorQueue(group: group)
    }
}
