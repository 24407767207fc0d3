import Deferrable
import Synchronization

/// The demo's jobs, each showing one behaviour.
struct DemoJobs: Sendable {
    struct TransientError: Error, CustomStringConvertible {
        var description: String { "the mail server is busy" }
    }

    struct CardDeclined: Error, CustomStringConvertible {
        var description: String { "card declined" }
    }

    struct Greeting: Codable, Sendable {
        var name: String
    }

    struct Invoice: Codable, Sendable {
        var number: Int
        var amountCents: Int
    }

    let greet: JobHandle<Greeting>
    let flakyEmail: JobHandle<Greeting>
    let charge: JobHandle<Invoice>
    let reminder: JobHandle<Greeting>
    let offer: JobHandle<Greeting>
    let quote: ResultJobHandle<Invoice, Int>

    init(deferrable: Deferrable) throws {
        greet = try deferrable.register("greet") { (args: Greeting, context) in
            print("    ▶ running greet: hello, \(args.name)! (attempt \(context.attempt))")
        }
        let flakyRuns = Atomic<Int>(0)
        flakyEmail = try deferrable.register(
            "flaky-email",
            options: JobOptions(maxAttempts: 3, retry: .on(TransientError.self), backoff: .fixed(.milliseconds(200)))
        ) { (args: Greeting, context) in
            let run = flakyRuns.add(1, ordering: .relaxed).newValue
            print("    ▶ running flaky-email to \(args.name) (attempt \(context.attempt) of \(context.maxAttempts))")
            if run == 1 { throw TransientError() }
        }
        charge = try deferrable.register(
            "charge-card",
            options: JobOptions(maxAttempts: 2, retry: .on(TransientError.self), backoff: .immediate)
        ) { (args: Invoice, context) in
            print("    ▶ running charge-card for invoice \(args.number) (attempt \(context.attempt))")
            throw CardDeclined()
        }
        reminder = try deferrable.register("reminder", options: JobOptions(delay: .milliseconds(400))) { (args: Greeting, _) in
            print("    ▶ running reminder for \(args.name), after its delay")
        }
        offer = try deferrable.register("limited-offer", options: JobOptions(ttl: .milliseconds(100))) { (args: Greeting, _) in
            print("    ▶ running limited-offer for \(args.name)")
        }
        quote = try deferrable.register("quote", returning: Int.self) { (args: Invoice, _) in
            print("    ▶ running quote for invoice \(args.number): returns the total with 20 % tax")
            return args.amountCents + args.amountCents / 5
        }
    }
}
