/// Random values for secrets and nonces, from the system's cryptographically secure generator.
enum RandomToken {
    /// `byteCount` random bytes as lowercase hexadecimal.
    static func hex(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(byteCount * 2)
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return text
    }
}
