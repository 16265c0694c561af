import Crypto
import Foundation

func sha256Bytes(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

func sha256Hex(_ text: String) -> String { sha256Bytes(text).map { String(format: "%02x", $0) }.joined() }
