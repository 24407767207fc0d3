import ArgumentParser

/// The job a command about one job (`errors show`, `result`) acts on: its group and id, and `--json`.
struct JobTarget: ParsableArguments {
    @Argument(help: "The group.")
    var group: String

    @Argument(help: "The job id.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false
}
