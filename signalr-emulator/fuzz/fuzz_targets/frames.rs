//! The hub protocols' frame parsers: any bytes, split anywhere, give frames and messages or
//! errors, never a panic; and every message decoded re-encodes to bytes that decode to it again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signalr_emulator::protocol::{self, FrameReader, Protocol};

fuzz_target!(|data: &[u8]| {
    let _ = protocol::parse_handshake(data);
    // The first byte says where the input is cut in two, as two transport messages would be.
    let (cut, rest) = match data.split_first() {
        Some((cut, rest)) => (usize::from(*cut).min(rest.len()), rest),
        None => (0, data),
    };
    for protocol in [Protocol::Json, Protocol::MessagePack] {
        let mut reader = FrameReader::new(protocol, 4096);
        for part in [&rest[..cut], &rest[cut..]] {
            reader.push(part);
            while let Ok(Some(frame)) = reader.next_frame() {
                if let Ok(message) = protocol::decode(protocol, &frame) {
                    let encoded = protocol::encode(protocol, &message);
                    let mut again = FrameReader::new(protocol, usize::MAX);
                    again.push(&encoded);
                    let frame = again.next_frame().unwrap().unwrap();
                    let decoded = protocol::decode(protocol, &frame).unwrap();
                    // JSON floats may round; compare the re-encoding, which is stable.
                    assert_eq!(protocol::encode(protocol, &decoded), encoded);
                }
            }
        }
    }
});
