#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the password comes from, in order: `--password-stdin` (the first line of standard
/// input), `MANHOLE_PASSWORD`, or a prompt without echo when standard input is a terminal.
enum PasswordSource {
    /// Why no password could be had.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Finds the password.
    /// - Parameters:
    ///   - fromStandardInput: `--password-stdin` was given.
    ///   - environment: The process environment (`MANHOLE_PASSWORD`).
    ///   - input: Standard input's reader (its first line is the password with `--password-stdin`).
    ///   - promptLabel: What the prompt asks for, e.g. `admin@127.0.0.1:5022`.
    static func resolve(
        fromStandardInput: Bool, environment: [String: String], input: LineReader, promptLabel: String
    ) throws -> String {
        if fromStandardInput {
            guard let line = input.readLine(), !line.isEmpty else {
                throw Unavailable(description: "--password-stdin: standard input has no password line")
            }
            return line
        }
        if let password = environment["MANHOLE_PASSWORD"], !password.isEmpty { return password }
        guard Terminal.isTerminal(0) else {
            throw Unavailable(description:
                "no password: standard input is not a terminal, so set MANHOLE_PASSWORD or use --password-stdin")
        }
        return try PasswordPrompt.read(prompt: "password for \(promptLabel): ")
    }
}

/// Reads a password from the terminal on standard input with echo off, restoring the terminal
/// afterwards (also when the read fails or Ctrl-C interrupts it).
enum PasswordPrompt {
    /// Ctrl-C at the prompt.
    struct Interrupted: Error, CustomStringConvertible {
        var description: String { "interrupted" }
    }

    /// Shows `prompt` on standard error and reads one line without echo.
    static func read(prompt: String) throws -> String {
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { throw PasswordSource.Unavailable(description: "cannot read the terminal settings") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ICANON)
        // Ctrl-C interrupts the read (no SA_RESTART) instead of killing the process with echo off.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGINT, &action, &previous)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            sigaction(SIGINT, &previous, nil)
            StandardStreams().error("\n")
        }
        StandardStreams().error(prompt)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(0, &byte, 1)
            if count < 0 { throw errno == EINTR ? Interrupted() : PasswordSource.Unavailable(description: "cannot read the password") }
            if count == 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
