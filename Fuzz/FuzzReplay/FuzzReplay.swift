// FuzzReplay: the fuzz targets' entry: libFuzzer's driver in a fuzz build, a replay of files otherwise.

import Foundation

#if FUZZING
/// libFuzzer's driver (from `libclang_rt.fuzzer_no_main`, linked by `scripts/fuzz`): it parses libFuzzer's
/// flags and calls the callback with each input it makes.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The input handler libFuzzer calls; set once, before the driver starts.
nonisolated(unsafe) var target: (([UInt8]) -> Void)?
#endif

/// A fuzz target's `main`: in a fuzz build (`-DFUZZING`, coverage instrumentation, libFuzzer linked) it hands
/// `body` to libFuzzer; in an ordinary build it runs `body` on every file named on the command line (folders: every
/// file in them), so the corpus and every crash a fuzzer found stay regression tests (`scripts/fuzz` replays them).
public enum FuzzReplay {
    public static func main(_ body: @escaping ([UInt8]) -> Void) {
        #if FUZZING
        target = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(
            LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                target?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
                return 0
            })
        #else
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("fuzz replay: \(argument) does not exist\n".utf8))
                exit(2)
            }
            let files =
                isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map { argument + "/" + $0 } : [argument]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                body(Array(data))
                count += 1
            }
        }
        print("\(count) inputs replayed, none crashed")
        #endif
    }
}
