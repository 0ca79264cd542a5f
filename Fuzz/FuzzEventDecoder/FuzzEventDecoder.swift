// FuzzEventDecoder: the new-hire event decoder and validator on arbitrary bytes.

import Foundation
import FuzzReplay
import HireBindCore

/// One input: a webhook body. It decodes into a valid event or throws; it never crashes.
func fuzzOne(_ bytes: [UInt8]) {
    _ = try? NewHireEvent.decode(from: Data(bytes))
}

@main struct Fuzz {
    static func main() { FuzzReplay.main(fuzzOne) }
}
