import ArgumentParser
import Synchronization

/// The entry point: installs the requested executor first (it must precede every task), then runs the command.
@main
enum BenchMain {
    static func main() async {
        let installed = BenchExecutor.installRequested(in: CommandLine.arguments)
        BenchCommand.nioExecutorInstalled.store(installed == .nio, ordering: .relaxed)
        await BenchCommand.main()
    }
}
