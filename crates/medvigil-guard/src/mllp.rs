//! MLLP (Minimal Lower Layer Protocol) framing, with no I/O.
//!
//! HL7 v2 over TCP wraps every message as `<VT> payload <FS><CR>` (0x0B, 0x1C, 0x0D).
//! [`MllpDecoder::decode`] looks at the bytes received so far and says either "here is a
//! whole frame", "need more bytes", or why the stream cannot be trusted any more. It
//! checks the size cap *before* the caller buffers more: a frame that has not ended
//! within `max_payload` bytes is an error as soon as that many bytes are present, so a
//! sender cannot make the guard hold more than `max_payload + 3` bytes per connection.

use std::ops::Range;

/// Start block: vertical tab.
pub const START_BLOCK: u8 = 0x0B;
/// End block: file separator.
pub const END_BLOCK: u8 = 0x1C;
/// Carriage return that must follow the end block.
pub const CARRIAGE_RETURN: u8 = 0x0D;

/// One complete frame found in the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Where the HL7 payload lies in the buffer (without the framing bytes).
    pub payload: Range<usize>,
    /// How many bytes of the buffer the frame used, leading blank bytes included:
    /// the caller drops them before decoding again.
    pub consumed: usize,
}

/// Why a byte stream is not valid MLLP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The frame has not ended within the size cap.
    #[error("MLLP frame larger than the limit of {limit} bytes")]
    TooLarge {
        /// The cap on the payload, in bytes.
        limit: usize,
    },
    /// Something other than a start block (or blank CR/LF) between frames.
    #[error(
        "byte 0x{byte:02X} at offset {offset} outside an MLLP frame (expected start block 0x0B)"
    )]
    Garbage {
        /// The unexpected byte.
        byte: u8,
        /// Its offset in the buffer.
        offset: usize,
    },
    /// A second start block before the first frame ended.
    #[error("start block inside an MLLP frame at offset {offset}")]
    NestedStart {
        /// Offset of the second start block.
        offset: usize,
    },
    /// The end block was not followed by a carriage return.
    #[error("end block at offset {offset} not followed by a carriage return")]
    MissingCarriageReturn {
        /// Offset of the end block.
        offset: usize,
    },
}

/// Incremental MLLP decoder: remembers how far it has scanned so a slow sender does
/// not make it rescan the same bytes on every read.
#[derive(Debug, Clone)]
pub struct MllpDecoder {
    max_payload: usize,
    scanned: usize,
}

impl MllpDecoder {
    /// A decoder accepting payloads of at most `max_payload` bytes.
    pub fn new(max_payload: usize) -> MllpDecoder {
        MllpDecoder {
            max_payload,
            scanned: 0,
        }
    }

    /// The most bytes a caller ever needs to hold for one frame (payload, framing, and
    /// a little leading blank space).
    pub fn max_buffer(&self) -> usize {
        self.max_payload + 3 + 16
    }

    /// Looks for one frame at the start of `buf`.
    ///
    /// Returns `Ok(None)` when more bytes are needed. After `Ok(Some(frame))` the
    /// caller must drop `frame.consumed` bytes from the front of `buf` before calling
    /// again.
    pub fn decode(&mut self, buf: &[u8]) -> Result<Option<Frame>, FrameError> {
        // Blank CR/LF between frames is common (senders that end frames with CRLF).
        let mut start = 0;
        while start < buf.len() && (buf[start] == b'\r' || buf[start] == b'\n') {
            start += 1;
        }
        if start >= buf.len() {
            self.scanned = 0;
            if start > 16 {
                return Err(FrameError::Garbage {
                    byte: buf[start - 1],
                    offset: start - 1,
                });
            }
            return Ok(None);
        }
        if buf[start] != START_BLOCK || start > 16 {
            self.scanned = 0;
            return Err(FrameError::Garbage {
                byte: buf[start],
                offset: start,
            });
        }
        let body = start + 1;
        let from = self.scanned.max(body);
        let limit_end = body + self.max_payload;
        let scan_to = buf.len().min(limit_end + 1);
        for i in from..scan_to {
            match buf[i] {
                END_BLOCK => {
                    if i + 1 >= buf.len() {
                        self.scanned = i;
                        return Ok(None);
                    }
                    self.scanned = 0;
                    if buf[i + 1] != CARRIAGE_RETURN {
                        return Err(FrameError::MissingCarriageReturn { offset: i });
                    }
                    return Ok(Some(Frame {
                        payload: body..i,
                        consumed: i + 2,
                    }));
                }
                START_BLOCK => {
                    self.scanned = 0;
                    return Err(FrameError::NestedStart { offset: i });
                }
                _ => {}
            }
        }
        if buf.len() > limit_end {
            self.scanned = 0;
            return Err(FrameError::TooLarge {
                limit: self.max_payload,
            });
        }
        self.scanned = scan_to;
        Ok(None)
    }
}

/// Wraps `payload` in MLLP framing.
pub fn encode(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 3);
    out.push(START_BLOCK);
    out.extend_from_slice(payload);
    out.push(END_BLOCK);
    out.push(CARRIAGE_RETURN);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(max: usize, bytes: &[u8]) -> Result<Vec<Vec<u8>>, FrameError> {
        let mut d = MllpDecoder::new(max);
        let mut buf = bytes.to_vec();
        let mut out = Vec::new();
        while let Some(f) = d.decode(&buf)? {
            out.push(buf[f.payload.clone()].to_vec());
            buf.drain(..f.consumed);
        }
        Ok(out)
    }

    #[test]
    fn round_trip_two_frames() {
        let mut bytes = encode(b"MSH|a");
        bytes.extend(b"\r\n");
        bytes.extend(encode(b"MSH|b"));
        assert_eq!(
            decode_all(100, &bytes).unwrap(),
            vec![b"MSH|a".to_vec(), b"MSH|b".to_vec()]
        );
    }

    #[test]
    fn byte_by_byte_needs_more_until_complete() {
        let bytes = encode(b"MSH|^~\\&|X");
        let mut d = MllpDecoder::new(100);
        for n in 0..bytes.len() {
            assert_eq!(d.decode(&bytes[..n]).unwrap(), None, "prefix {n}");
        }
        let f = d.decode(&bytes).unwrap().unwrap();
        assert_eq!(&bytes[f.payload], b"MSH|^~\\&|X");
        assert_eq!(f.consumed, bytes.len());
    }

    #[test]
    fn size_cap_applies_before_the_end_arrives() {
        let mut d = MllpDecoder::new(10);
        let mut buf = vec![START_BLOCK];
        buf.extend([b'x'; 10]);
        assert_eq!(d.decode(&buf).unwrap(), None);
        buf.push(b'x');
        assert_eq!(d.decode(&buf), Err(FrameError::TooLarge { limit: 10 }));
        // Exactly at the cap is fine.
        let ok = encode(&[b'y'; 10]);
        assert_eq!(decode_all(10, &ok).unwrap().len(), 1);
    }

    #[test]
    fn garbage_nested_start_and_missing_cr_are_errors() {
        assert!(matches!(
            decode_all(100, b"GET / HTTP/1.1\r\n"),
            Err(FrameError::Garbage {
                byte: b'G',
                offset: 0
            })
        ));
        assert!(matches!(
            decode_all(
                100,
                &[START_BLOCK, b'a', START_BLOCK, b'b', END_BLOCK, b'\r']
            ),
            Err(FrameError::NestedStart { offset: 2 })
        ));
        assert!(matches!(
            decode_all(100, &[START_BLOCK, b'a', END_BLOCK, b'x']),
            Err(FrameError::MissingCarriageReturn { offset: 2 })
        ));
        // Endless blank lines are not allowed to pile up either.
        assert!(decode_all(100, &[b'\n'; 40]).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic fuzz: every prefix of pseudo-random byte soup.
        let mut x: u32 = 0x1234_5678;
        let mut soup = Vec::new();
        for _ in 0..4000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            soup.push(match x % 7 {
                0 => START_BLOCK,
                1 => END_BLOCK,
                2 => CARRIAGE_RETURN,
                _ => (x >> 8) as u8,
            });
        }
        for n in (0..soup.len()).step_by(37) {
            let _ = decode_all(64, &soup[..n]);
        }
    }

    #[test]
    fn encode_then_decode_round_trips_random_payloads() {
        let mut x: u64 = 42;
        for len in 0..500 {
            let payload: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                    match (x >> 56) as u8 {
                        START_BLOCK | END_BLOCK => b'x',
                        b => b,
                    }
                })
                .collect();
            let mut wire = encode(&payload);
            wire.extend(encode(b"next"));
            let frames = decode_all(500, &wire).unwrap();
            assert_eq!(frames, vec![payload, b"next".to_vec()]);
        }
    }
}
