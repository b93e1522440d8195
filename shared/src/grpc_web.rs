//! The grpc-web wire format as the web app speaks it: a request is one length-prefixed data
//! frame; an answer is data frames then one trailer frame, or, when it fails before any message,
//! the status in the response headers. `grpc-message` is percent-encoded and
//! `grpc-status-details-bin` is base64.

/// The flag byte of a trailer frame.
const TRAILERS: u8 = 0x80;

/// gRPC status codes, as numbers on the wire.
pub mod code {
    pub const OK: i32 = 0;
    pub const UNKNOWN: i32 = 2;
    pub const INVALID_ARGUMENT: i32 = 3;
    pub const PERMISSION_DENIED: i32 = 7;
    pub const FAILED_PRECONDITION: i32 = 9;
    pub const UNIMPLEMENTED: i32 = 12;
    pub const INTERNAL: i32 = 13;
    pub const UNAVAILABLE: i32 = 14;
    pub const UNAUTHENTICATED: i32 = 16;
}

/// A call's outcome: its code, message and encoded `google.rpc.Status` details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: i32,
    pub message: String,
    pub details: Vec<u8>,
}

impl Status {
    pub fn new(code: i32, message: impl Into<String>) -> Status {
        Status {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// The status carried by headers or trailers, read through `get` (lowercase names); `None`
    /// when there is no `grpc-status`.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Option<Status> {
        let code = get("grpc-status")?;
        Some(Status {
            code: code.trim().parse().unwrap_or(code::UNKNOWN),
            message: get("grpc-message")
                .map(|m| percent_decode(m.trim()))
                .unwrap_or_default(),
            details: get("grpc-status-details-bin")
                .and_then(|d| base64_decode(d.trim()))
                .unwrap_or_default(),
        })
    }

    pub fn is_ok(&self) -> bool {
        self.code == code::OK
    }
}

/// `message` as one data frame.
pub fn frame(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 5);
    out.push(0);
    // A message over 4 GiB cannot be framed; the server's own limit is far below.
    out.extend_from_slice(
        &u32::try_from(message.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(message);
    out
}

/// One frame of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Message(Vec<u8>),
    Trailers(Status),
}

/// Cuts frames out of an answer that arrives in pieces of any size.
#[derive(Debug, Default)]
pub struct Frames {
    buffer: Vec<u8>,
}

impl Frames {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole frame, if one has arrived.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let header: [u8; 5] = self.buffer.get(..5)?.try_into().ok()?;
        let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
        let end = len.checked_add(5).filter(|end| *end <= self.buffer.len())?;
        let payload = self.buffer[5..end].to_vec();
        self.buffer.drain(..end);
        Some(if header[0] & TRAILERS == 0 {
            Frame::Message(payload)
        } else {
            Frame::Trailers(trailers(&payload))
        })
    }

    /// Bytes of an unfinished frame are waiting.
    pub fn has_partial(&self) -> bool {
        !self.buffer.is_empty()
    }
}

/// The status in a trailer frame (`name: value` lines); `Internal` when it carries none.
fn trailers(payload: &[u8]) -> Status {
    let text = String::from_utf8_lossy(payload);
    let get = |name: &str| {
        text.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.to_owned())
        })
    };
    Status::from_fields(get)
        .unwrap_or_else(|| Status::new(code::INTERNAL, "the answer carried no status"))
}

/// The gRPC code for an HTTP status that came without one (gRPC's HTTP-to-gRPC mapping).
pub fn code_for_http(status: u16) -> i32 {
    match status {
        400 => code::INTERNAL,
        401 => code::UNAUTHENTICATED,
        403 => code::PERMISSION_DENIED,
        404 => code::UNIMPLEMENTED,
        429 | 502..=504 => code::UNAVAILABLE,
        _ => code::UNKNOWN,
    }
}

/// `%XX` escapes decoded; malformed escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64, padded or not; `None` on any other character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().take_while(|c| *c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn trailer_frame(text: &str) -> Vec<u8> {
        let mut out = frame(text.as_bytes());
        out[0] = TRAILERS;
        out
    }

    #[test]
    fn a_unary_answer_is_a_message_then_an_ok_trailer() {
        let mut wire = frame(b"hello");
        wire.extend(trailer_frame("grpc-status:0\r\ngrpc-message:\r\n"));
        let mut frames = Frames::default();
        frames.push(&wire);
        assert_eq!(frames.next_frame(), Some(Frame::Message(b"hello".to_vec())));
        let Some(Frame::Trailers(status)) = frames.next_frame() else {
            panic!("trailers expected");
        };
        assert!(status.is_ok());
        assert_eq!(frames.next_frame(), None);
        assert!(!frames.has_partial());
    }

    #[test]
    fn trailers_carry_code_decoded_message_and_details() {
        let mut frames = Frames::default();
        frames.push(&trailer_frame(
            "Grpc-Status: 3\r\ngrpc-message: caf%C3%A9 is 100%25 wrong\r\n\
             grpc-status-details-bin: CAMSBGJhZCE\r\n",
        ));
        let Some(Frame::Trailers(status)) = frames.next_frame() else {
            panic!("trailers expected");
        };
        assert_eq!(status.code, code::INVALID_ARGUMENT);
        assert_eq!(status.message, "café is 100% wrong");
        assert_eq!(status.details, b"\x08\x03\x12\x04bad!".to_vec());
    }

    #[test]
    fn a_trailer_without_status_is_internal_and_a_cut_frame_waits() {
        let mut frames = Frames::default();
        frames.push(&trailer_frame("x: y\r\n"));
        assert!(matches!(
            frames.next_frame(),
            Some(Frame::Trailers(Status {
                code: code::INTERNAL,
                ..
            }))
        ));
        frames.push(&frame(b"abcdef")[..7]);
        assert_eq!(frames.next_frame(), None);
        assert!(frames.has_partial());
    }

    #[test]
    fn headers_without_grpc_status_are_no_status() {
        assert_eq!(Status::from_fields(|_| None), None);
        let s = Status::from_fields(|n| (n == "grpc-status").then(|| "16".to_owned()));
        assert_eq!(s.map(|s| s.code), Some(code::UNAUTHENTICATED));
    }

    #[test]
    fn http_statuses_map_to_codes() {
        assert_eq!(code_for_http(401), code::UNAUTHENTICATED);
        assert_eq!(code_for_http(503), code::UNAVAILABLE);
        assert_eq!(code_for_http(404), code::UNIMPLEMENTED);
        assert_eq!(code_for_http(500), code::UNKNOWN);
    }

    #[test]
    fn malformed_escapes_and_base64_are_handled() {
        assert_eq!(percent_decode("50%zz%4"), "50%zz%4");
        assert_eq!(base64_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64_decode("a b"), None);
    }

    fn base64_encode(bytes: &[u8]) -> String {
        const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    proptest! {
        #[test]
        fn messages_survive_any_split_of_the_stream(
            messages in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..6),
            cuts in prop::collection::vec(1usize..64, 0..40),
        ) {
            let mut wire: Vec<u8> = messages.iter().flat_map(|m| frame(m)).collect();
            wire.extend(trailer_frame("grpc-status:0\r\n"));
            let mut frames = Frames::default();
            let mut got = Vec::new();
            let mut rest = wire.as_slice();
            let mut cuts = cuts.into_iter();
            while !rest.is_empty() {
                let n = cuts.next().unwrap_or(rest.len()).min(rest.len());
                frames.push(&rest[..n]);
                rest = &rest[n..];
                while let Some(f) = frames.next_frame() {
                    got.push(f);
                }
            }
            let mut expected: Vec<Frame> = messages.into_iter().map(Frame::Message).collect();
            expected.push(Frame::Trailers(Status::new(code::OK, "")));
            prop_assert_eq!(got, expected);
            prop_assert!(!frames.has_partial());
        }

        #[test]
        fn base64_decodes_what_was_encoded(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
            prop_assert_eq!(base64_decode(&base64_encode(&bytes)), Some(bytes));
        }
    }
}
