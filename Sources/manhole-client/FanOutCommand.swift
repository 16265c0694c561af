import ArgumentParser
import Foundation

/// `--target` / `--targets`: the same commands on many manholes at once (see ``FanOut``).
extension ManholeClientCommand {
    /// Whether any target was given, which makes this run a fan-out.
    var isFanOut: Bool { !targetOptions.isEmpty || !targetFiles.isEmpty }

    /// Refuses what a fan-out cannot use: `-H`, `-p`, `--socket`, an interactive prompt, a
    /// malformed `--target`, more than ``TargetList/maximumCount`` targets. A bad line in a
    /// `--targets` file is reported here with its file and line, and exits 2.
    func validateFanOut() throws {
        guard isFanOut else { return }
        if host != nil || port != nil || socketPath != nil {
            throw ValidationError("-H/--host, -p/--port and --socket cannot be used with --target or --targets")
        }
        if commands.isEmpty, Terminal.isTerminal(0) {
            throw ValidationError(
                "--target/--targets run commands given with -c, or a script on standard input; "
                    + "there is no interactive prompt for many targets")
        }
        _ = try fanOutTargets()
    }

    /// The targets, `--target` options first then each `--targets` file, duplicates collapsed.
    /// - Throws: `ValidationError` for a malformed `--target` or too many targets; `ExitCode(2)`,
    ///   after saying which file and line, for a bad `--targets` line.
    func fanOutTargets() throws -> [FanOutTarget] {
        var targets: [FanOutTarget] = []
        for option in targetOptions {
            do {
                targets.append(try FanOutTarget(parsing: option))
            } catch {
                throw ValidationError("--target \(error.description)")
            }
        }
        for path in targetFiles {
            do {
                targets += try TargetList.load(path: path)
            } catch {
                StandardStreams().error("manhole-client: --targets \(error.description)\n")
                throw ExitCode(ClientExitStatus.connectionFailed.rawValue)
            }
        }
        targets = TargetList.collapsingDuplicates(targets)
        if targets.isEmpty { throw ValidationError("--targets: no target in the file") }
        if targets.count > TargetList.maximumCount {
            throw ValidationError("\(targets.count) targets: at most \(TargetList.maximumCount) may be given")
        }
        return targets
    }

    /// Resolves the password once, runs the commands on every target, prints the outcomes in
    /// the targets' order and exits with the worst status among them.
    func runFanOut() throws {
        let environment = ProcessInfo.processInfo.environment
        let sink = StandardStreams()
        let colorOutput = !json && Terminal.wantsColor(1, disabled: noColor, environment: environment)
        let colorError = Terminal.wantsColor(2, disabled: noColor, environment: environment)
        let printer = ReplyPrinter(mode: .text, colorOutput: colorOutput, colorError: colorError, sink: sink)
        let targets = try fanOutTargets()
        let user = user ?? environment["USER"] ?? "admin"
        let input = LineReader(descriptor: 0)
        let password: String
        do {
            password = try PasswordSource.resolve(
                fromStandardInput: passwordStdin, environment: environment, input: input,
                promptLabel: "\(user) on \(targets.count) target\(targets.count == 1 ? "" : "s")")
        } catch {
            printer.problem("\(error)")
            throw ExitCode(ClientExitStatus.connectionFailed.rawValue)
        }
        // Every target runs the same script, so it is read whole before any starts.
        let script = commands.isEmpty ? Array(AnyIterator { input.readLine() }) : commands
        let login = FanOutLogin(
            user: user, password: password, timeout: .seconds(max(1, timeout)),
            maximumReplyBytes: maxReplyBytes, allowWeakServerParameters: allowWeakServerParameters)
        let mode: ReplyPrinter.Mode = json ? .jsonLines : .text
        let outcomes = FanOut.run(
            targets: targets, commands: script, login: login, mode: mode, colorOutput: colorOutput, colorError: colorError)
        let status = FanOutPrinter(mode: mode, colorOutput: colorOutput, colorError: colorError, sink: sink).print(outcomes)
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
