//! Streaming pcap and pcapng reading with a bounded buffer.
//!
//! Frames are handed to a callback as they are parsed; the file is never loaded whole, so
//! a 1 GB capture needs the same memory as a 1 MB one. Damage (a truncated last record, a
//! corrupt block header, a record longer than [`MAX_RECORD`]) stops reading that file and is
//! reported as a [`CaptureProblem`]; every frame read before it has been delivered.

use std::io::Read;

use pcap_parser::pcapng::Block;
use pcap_parser::{Linktype, PcapBlockOwned, PcapError, create_reader};

use crate::time::Timestamp;

/// The initial read buffer: large enough for any Ethernet frame with room to spare.
const INITIAL_BUFFER: usize = 256 * 1024;
/// The largest single record accepted. pcapng allows 256 KiB snaplen by convention
/// (Wireshark's maximum); 16 MiB leaves room for oddities without letting a corrupt
/// length field make us allocate gigabytes.
pub const MAX_RECORD: usize = 16 * 1024 * 1024;

/// One captured frame, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based frame number within its file, as Wireshark counts.
    pub number: u64,
    /// When the frame was captured.
    pub ts: Timestamp,
    /// The link-layer type of the interface it was captured on.
    pub linktype: i32,
    /// The captured bytes (possibly fewer than were on the wire).
    pub data: &'a [u8],
    /// How long the frame was on the wire; larger than `data.len()` when the snaplen cut it.
    pub orig_len: u32,
}

/// Why a capture could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// The file could not be opened or read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is empty.
    #[error("empty file: not a pcap or pcapng capture")]
    Empty,
    /// The first bytes are neither a pcap nor a pcapng header.
    #[error("not a pcap or pcapng capture (unrecognised file header)")]
    NotACapture,
    /// The file ends inside its header.
    #[error("truncated capture: the file ends inside its header")]
    TruncatedHeader,
}

/// What went wrong part-way through a capture; reading that file stopped there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaptureProblem {
    /// Byte offset in the file of the record that could not be read.
    pub offset: u64,
    /// The number the next frame would have had.
    pub frame: u64,
    /// Stable snake_case kind: `truncated_record`, `corrupt_block`, `record_too_large`,
    /// `read_error`.
    pub kind: &'static str,
    /// Human explanation.
    pub detail: String,
}

/// Per-interface facts a pcapng section declares.
#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: i32,
    /// Timestamp units per second.
    resolution: u64,
    offset: i64,
}

/// Reads every frame of a pcap or pcapng stream, calling `on_frame` for each.
///
/// Returns the problem that stopped reading early, if any.
pub fn read_frames<R: Read + Send>(
    input: R,
    mut on_frame: impl FnMut(&Frame<'_>),
) -> Result<Option<CaptureProblem>, CaptureError> {
    let mut reader = match create_reader(INITIAL_BUFFER, input) {
        Ok(r) => r,
        Err(PcapError::Eof) => return Err(CaptureError::Empty),
        Err(PcapError::Incomplete(_)) | Err(PcapError::UnexpectedEof) => {
            return Err(CaptureError::TruncatedHeader);
        }
        Err(PcapError::ReadError) => {
            return Err(CaptureError::Io(std::io::Error::other("read failed")));
        }
        Err(_) => return Err(CaptureError::NotACapture),
    };
    let mut capacity = INITIAL_BUFFER;
    let mut frame_no: u64 = 0;
    // Legacy pcap: one link type for the whole file.
    let mut legacy_linktype = 1i32;
    let mut legacy_nanos = false;
    // pcapng: interfaces of the current section, in declaration order.
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut stalls = 0u32;

    loop {
        let offset_before = reader.consumed() as u64;
        match reader.next() {
            Ok((len, block)) => {
                stalls = 0;
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        legacy_linktype = h.network.0;
                        legacy_nanos = h.is_nanosecond_precision();
                    }
                    PcapBlockOwned::Legacy(b) => {
                        frame_no += 1;
                        let sub = if legacy_nanos {
                            u64::from(b.ts_usec)
                        } else {
                            u64::from(b.ts_usec) * 1000
                        };
                        let ts = Timestamp::from_parts(i64::from(b.ts_sec), sub);
                        let n = (b.caplen as usize).min(b.data.len());
                        on_frame(&Frame {
                            number: frame_no,
                            ts,
                            linktype: legacy_linktype,
                            data: &b.data[..n],
                            orig_len: b.origlen.max(n as u32),
                        });
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => interfaces.clear(),
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        // An absurd resolution (a corrupt option) falls back to microseconds.
                        let resolution = idb.ts_resolution().unwrap_or(1_000_000).max(1);
                        interfaces.push(Interface {
                            linktype: idb.linktype.0,
                            resolution,
                            offset: idb.ts_offset(),
                        });
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        frame_no += 1;
                        let iface =
                            interfaces
                                .get(epb.if_id as usize)
                                .copied()
                                .unwrap_or(Interface {
                                    linktype: Linktype::ETHERNET.0,
                                    resolution: 1_000_000,
                                    offset: 0,
                                });
                        let units = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                        let ts = Timestamp::from_units(units, iface.resolution, iface.offset);
                        let n = (epb.caplen as usize).min(epb.data.len());
                        on_frame(&Frame {
                            number: frame_no,
                            ts,
                            linktype: iface.linktype,
                            data: &epb.data[..n],
                            orig_len: epb.origlen.max(n as u32),
                        });
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        frame_no += 1;
                        let linktype = interfaces.first().map_or(1, |i| i.linktype);
                        let n = (spb.origlen as usize).min(spb.data.len());
                        on_frame(&Frame {
                            number: frame_no,
                            ts: Timestamp::ZERO,
                            linktype,
                            data: &spb.data[..n],
                            orig_len: spb.origlen.max(n as u32),
                        });
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                reader.consume(len);
            }
            Err(PcapError::Eof) => return Ok(None),
            Err(PcapError::Incomplete(_)) => {
                // Needs more bytes. A refill that adds nothing twice in a row means the
                // source is stuck; give up rather than spin.
                let before = reader.data().len();
                if reader.refill().is_err() {
                    return Ok(Some(problem(
                        offset_before,
                        frame_no,
                        "read_error",
                        "read failed",
                    )));
                }
                if reader.data().len() == before && !reader.reader_exhausted() {
                    stalls += 1;
                    if stalls > 2 {
                        return Ok(Some(problem(
                            offset_before,
                            frame_no,
                            "read_error",
                            "the input stopped delivering data",
                        )));
                    }
                }
            }
            Err(PcapError::BufferTooSmall) => {
                if capacity >= MAX_RECORD {
                    return Ok(Some(problem(
                        offset_before,
                        frame_no,
                        "record_too_large",
                        &format!(
                            "a record claims more than {MAX_RECORD} bytes (corrupt length field?)"
                        ),
                    )));
                }
                capacity = (capacity * 2).min(MAX_RECORD + 64 * 1024);
                if !reader.grow(capacity) {
                    return Ok(Some(problem(
                        offset_before,
                        frame_no,
                        "record_too_large",
                        "cannot grow the read buffer",
                    )));
                }
                if reader.refill().is_err() {
                    return Ok(Some(problem(
                        offset_before,
                        frame_no,
                        "read_error",
                        "read failed",
                    )));
                }
            }
            Err(PcapError::UnexpectedEof) => {
                return Ok(Some(problem(
                    offset_before,
                    frame_no,
                    "truncated_record",
                    "the file ends in the middle of a record (capture cut short?)",
                )));
            }
            Err(PcapError::ReadError) => {
                return Ok(Some(problem(
                    offset_before,
                    frame_no,
                    "read_error",
                    "read failed",
                )));
            }
            Err(e) => {
                let detail = format!("corrupt block header: {e:?}");
                // Keep the detail short: nom errors can carry the rest of the buffer.
                let detail: String = detail.chars().take(120).collect();
                return Ok(Some(problem(
                    offset_before,
                    frame_no,
                    "corrupt_block",
                    &detail,
                )));
            }
        }
    }
}

fn problem(offset: u64, frame: u64, kind: &'static str, detail: &str) -> CaptureProblem {
    CaptureProblem {
        offset,
        frame: frame + 1,
        kind,
        detail: detail.to_string(),
    }
}
