import Foundation
import NIOConcurrencyHelpers
import Reactor
import Testing
@testable import Manhole
import ManholeClient
import ManholeTesting

@Suite("Shell commands")
struct ShellTests {
    @Test("help lists every command with its usage, and help NAME explains one")
    func help() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let list = try connection.run("help")
        #expect(list.kind == .ok)
        for usage in ["cancel ID", "cancel-timer ID", "complete PARTIAL-LINE", "help [COMMAND]", "inspect PATH [--depth N]",
                      "ls", "quit", "reactor", "result ID", "results [--all]", "sessions", "stats", "timers", "whoami"] {
            #expect(list.payload.contains("\n\(usage) "), "\(usage)")
        }
        let one = try connection.run("help p")
        #expect(one.payload.hasPrefix("usage: inspect PATH [--depth N]\nShow a live value"))
        #expect(one.payload.hasSuffix("read-only users may run it.\n"))
        #expect(try connection.run("help cancel").payload.hasSuffix("admin only: it changes the process.\n"))
        let unknown = try connection.run("help nope")
        #expect(unknown.kind == .error)
        #expect(unknown.payload.hasPrefix("unknown command 'nope'."))
    }

    @Test("ls lists registered objects and inspect renders paths, with depth and errors")
    func inspect() throws {
        let server = try TestServer(namespace: ["app": App()])
        let connection = try server.connect()
        #expect(try connection.run("ls").payload == "NAME  TYPE  READ ON  SUMMARY\napp   App   reactor  4 fields\n")
        #expect(try connection.run("inspect app.config.port").payload == "app.config.port: Int = 8080\n")
        #expect(try connection.run("p app.config").payload == "app.config: Config (2 fields)\n  port: Int = 8080\n  name: String = \"demo\"\n")
        #expect(try connection.run("inspect app.cache[\"user:42\"]").payload == "app.cache[\"user:42\"]: String = \"Ada\"\n")
        #expect(try connection.run("inspect app.jobs.count").payload == "app.jobs.count: Int = 1000\n")
        let page = try connection.run("inspect app.jobs --depth 1")
        #expect(page.payload.hasPrefix("app.jobs: Array<Int> (1000 elements)\n  [0]: Int = 0\n"))
        #expect(page.payload.hasSuffix("  [19]: Int = 19\n  … 980 more\n"))
        let shallow = try connection.run("inspect app --depth 0")
        #expect(shallow.payload.hasPrefix("app: App (4 fields)"))
        #expect(!shallow.payload.contains("port"))
        let typo = try connection.run("inspect app.confg")
        #expect(typo.kind == .error)
        #expect(typo.payload == "app (App) has no member \"confg\"; did you mean config?\n")
        #expect(try connection.run("inspect").payload == "usage: inspect PATH [--depth N]\n")
        #expect(try connection.run("inspect app --depth 99").payload == "--depth needs a number from 0 to 8\n")
    }

    @Test("results, result and cancel show and cancel the reactor's results; cancel is admin only")
    func results() throws {
        let server = try TestServer()
        let reactor = server.reactor
        let deferred = reactor.makeDeferred(of: Int.self)
        let pendingID = reactor.runInReactor { deferred }.stash()
        let doneID = reactor.runInReactor { "finished" }.stash()
        _ = try reactor.waitFor(timeout: .seconds(30)) { () }
        let admin = try server.connect()
        let listing = try admin.run("results").payload
        #expect(listing.hasPrefix("ID  TYPE"))
        #expect(listing.contains("\(pendingID)   Swift.Int     pending"))
        #expect(listing.contains("\(doneID)   Swift.String  succeeded"))
        let detail = try admin.run("result \(doneID)")
        #expect(detail.kind == .ok)
        #expect(detail.payload.contains("\"finished\""))
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        let refused = try viewer.run("cancel \(pendingID)")
        #expect(refused.kind == .error)
        #expect(refused.payload == "permission denied: 'cancel' changes the process and user 'viewer' is read-only\n")
        #expect(try viewer.run("results").kind == .ok)
        #expect(try admin.run("cancel \(pendingID)").payload == "cancelled result \(pendingID)\n")
        #expect(reactor.stashedResults().first { $0.id == pendingID }?.state == .cancelled)
        #expect(try admin.run("cancel \(pendingID)").kind == .error)
        #expect(try admin.run("result 999999").kind == .error)
        #expect(try admin.run("result x").payload == "usage: result ID (a number from 'results')\n")
    }

    @Test("timers lists live timers and cancel-timer cancels one; read-only users cannot")
    func timers() throws {
        let server = try TestServer()
        let timer = server.reactor.callLater(.seconds(3600), name: "nightly-report") {}
        let admin = try server.connect()
        let listing = try admin.run("timers").payload
        #expect(listing.contains("\(timer.id)   nightly-report  delayed"))
        #expect(listing.contains("ManholeTests/ShellTests.swift:"))
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        #expect(try viewer.run("cancel-timer \(timer.id)").payload.hasPrefix("permission denied: 'cancel-timer'"))
        #expect(timer.isActive)
        #expect(try admin.run("cancel-timer \(timer.id)").payload == "cancelled timer \(timer.id)\n")
        #expect(!timer.isActive)
        #expect(try admin.run("cancel-timer \(timer.id)").payload == "no live timer with id \(timer.id)\n")
    }

    @Test("stats, reactor, sessions and whoami describe the process and the connections")
    func status() throws {
        let server = try TestServer()
        let admin = try server.connect()
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        let stats = try admin.run("stats").payload
        for label in ["resident memory", "threads", "open files", "uptime", "cpu time"] { #expect(stats.contains(label)) }
        let reactor = try admin.run("reactor").payload
        #expect(reactor.contains("sessions logged in   2\n"))
        #expect(reactor.contains("sessions logging in  0\n"))
        #expect(reactor.contains("stopped              no\n"))
        let sessions = try viewer.run("sessions").payload
        #expect(sessions.hasPrefix("ID  USER    ROLE       PEER"))
        #expect(sessions.contains("admin   admin"))
        #expect(sessions.contains("viewer  read-only"))
        let viewerSession = try #require(try viewer.run("whoami").payload.split(separator: " ").last).dropLast()
        #expect(sessions.hasSuffix("this session: \(viewerSession)\n"))
        #expect(try viewer.run("whoami").payload.hasPrefix("user     viewer\nrole     read-only\nsession  "))
    }

    @Test("complete offers commands first, then paths, each replacing the last word")
    func complete() throws {
        let server = try TestServer(namespace: ["app": App()])
        let connection = try server.connect()
        #expect(try connection.run("complete ins").payload == "inspect\n")
        #expect(try connection.run("complete c").payload == "cancel\ncancel-timer\ncomplete\n")
        #expect(try connection.run("complete inspect app.co").payload == "app.config\napp.counter\n")
        #expect(try connection.run("complete p app.config.p").payload == "app.config.port\n")
        #expect(try connection.run("complete help ti").payload == "timers\n")
        #expect(try connection.run("complete whoami x").payload == "")
        #expect(try connection.run("complete inspect nothing.here").payload == "")
    }

    @Test("An unknown command suggests the closest names")
    func unknownCommand() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let reply = try connection.run("inspec app")
        #expect(reply.kind == .error)
        #expect(reply.payload == "unknown command 'inspec'. Did you mean 'inspect'? Type 'help' for the list.\n")
    }

    @Test("Host commands take arguments, obey roles, and report errors")
    func hostCommands() throws {
        let server = try TestServer()
        let paused = NIOLockedValueBox(false)
        try server.manhole.addCommand("pause-jobs", usage: "pause-jobs [REASON]", help: "Pause the job loop.") { invocation in
            paused.withLockedValue { $0 = true }
            return "paused by \(invocation.user): \(invocation.arguments.joined(separator: " "))"
        }
        try server.manhole.addCommand("queue-depth", help: "How many jobs wait.", readOnly: true) { _ in
            try await Task.sleep(for: .milliseconds(1))
            return "42"
        }
        try server.manhole.addCommand("explode", help: "Always fails.", readOnly: true) { _ in
            throw ShellError("the queue is on fire")
        }
        // The built-ins added since the first version (CHANGELOG.md), an alias, and the interrupt request.
        for name in ["ls", "p", "kick", "loop", "log", "watch", "unwatch", "watches", "interrupt"] {
            #expect(throws: ManholeError.invalidCommandName(name)) { try server.manhole.addCommand(name, help: "") { _ in "" } }
        }
        let viewer = try server.connect(user: "viewer", password: viewerPassword)
        #expect(try viewer.run("queue-depth").payload == "42\n")
        #expect(try viewer.run("pause-jobs").payload.hasPrefix("permission denied: 'pause-jobs'"))
        #expect(!paused.withLockedValue { $0 })
        let admin = try server.connect()
        #expect(try admin.run("pause-jobs \"disk full\" now").payload == "paused by admin: disk full now\n")
        #expect(paused.withLockedValue { $0 })
        let failure = try admin.run("explode")
        #expect(failure.kind == .error)
        #expect(failure.payload == "the queue is on fire\n")
        #expect(try admin.run("help").payload.contains("\npause-jobs [REASON] "))
    }

    @Test("@json asks for a JSON reply; errors come back as JSON too")
    func json() throws {
        let server = try TestServer(namespace: ["app": App()])
        let connection = try server.connect()
        let whoami = try connection.run("whoami", json: true)
        #expect(whoami.format == .json)
        let object = try JSONSerialization.jsonObject(with: Data(whoami.payload.utf8)) as? [String: Any]
        #expect(object?["user"] as? String == "admin")
        #expect(object?["session"] is Int)
        let rendering = try connection.run("inspect app.config.port", json: true)
        let root = try JSONSerialization.jsonObject(with: Data(rendering.payload.utf8)) as? [String: Any]
        #expect((root?["root"] as? [String: Any])?["summary"] as? String == "8080")
        let error = try connection.run("inspect app.nope", json: true)
        #expect(error.kind == .error)
        #expect(error.format == .json)
        #expect((try JSONSerialization.jsonObject(with: Data(error.payload.utf8)) as? [String: String])?["error"] != nil)
        let table = try connection.run("ls", json: true)
        #expect((try JSONSerialization.jsonObject(with: Data(table.payload.utf8)) as? [String: Any])?["rows"] != nil)
    }

    @Test("quit says bye and closes; an empty line gets an empty OK")
    func quitAndEmpty() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let empty = try connection.run("")
        #expect(empty.kind == .ok)
        #expect(empty.payload == "")
        let bye = try connection.run("quit")
        #expect(bye.kind == .ok)
        #expect(bye.payload == "bye\n")
        #expect(isClosed(connection))
    }

    @Test("Quoted arguments and a dangling quote are handled")
    func quoting() throws {
        let server = try TestServer()
        let connection = try server.connect()
        let reply = try connection.run("help \"whoami")
        #expect(reply.kind == .error)
        #expect(reply.payload == "cannot read the command: unterminated quote opened at column 6\n")
    }
}
