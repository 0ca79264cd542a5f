// ChildProcess: runs a fixture's script (pg-fixture, slapd-fixture) and waits for it, through posix_spawn.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to its end, its output (standard output and error) in a file, its input /dev/null. The fixture
/// scripts close the other descriptors they inherit before they start a daemon that outlives them.
///
/// Not Foundation's `Process`: on Linux its `run()` reads the entries of /proc/self/fd with a 256-byte copy each
/// and now and then reads past the end of glibc's buffer into an unmapped page (swift-corelibs-foundation PR
/// #5472, in Swift 6.3.1): the whole test process died of SIGSEGV in one CI run out of several.
enum ChildProcess {
    /// Runs the command on a thread of its own: waiting for it must not hold one of the few cooperative threads.
    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) async -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: runBlocking(path, arguments, environment: environment)) }.start()
        }
    }

    /// The exit status (128 + the signal for a command a signal ended, -1 when it could not start) and its output.
    static func runBlocking(_ path: String, _ arguments: [String], environment: [String: String]) -> (status: Int32, output: String) {
        // Output goes to a file, not a pipe: a daemon the script starts inherits the descriptor, and a pipe it holds
        // open would never reach its end.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hirebind-child-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { return (-1, "cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        // The exit status is in the second byte when the low seven bits (the signal) are zero.
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, text)
    }
}
