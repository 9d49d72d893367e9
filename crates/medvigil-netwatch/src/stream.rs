//! TCP stream reassembly, one direction at a time.
//!
//! Segments are delivered in sequence order. Retransmitted bytes are trimmed (first copy
//! wins, as most receiving stacks do); out-of-order segments wait in a buffer bounded per
//! stream and by a budget shared by all streams. When a buffer fills, or the flow ends with
//! holes, the hole is skipped and the consumer is told how many bytes it missed
//! ([`Chunk::Gap`]), so a dissector can resynchronise instead of misreading.

use std::collections::BTreeMap;

/// What the reassembler hands to the consumer, in stream order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// Contiguous bytes.
    Data(&'a [u8]),
    /// This many bytes were never seen (lost by the capture or cut by its snaplen).
    Gap(u64),
}

/// Memory shared by all streams for out-of-order segments.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Bytes buffered now, over all streams.
    pub used: usize,
    /// Upper bound over all streams.
    pub limit: usize,
}

/// Counters a stream reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Segments whose bytes had all been delivered already.
    pub retransmissions: u64,
    /// Holes skipped.
    pub gaps: u64,
}

/// Out-of-order bytes buffered per stream before a hole is given up on.
pub const MAX_PENDING_PER_STREAM: usize = 256 * 1024;

#[derive(Debug)]
struct Pending {
    data: Vec<u8>,
    /// Sequence space the segment covers (≥ `data.len()` when the snaplen cut it).
    claimed: u64,
}

/// One direction of a TCP connection.
#[derive(Debug, Default)]
pub struct Stream {
    next_seq: Option<u32>,
    /// Stream offset of `next_seq` since reassembly started.
    next_off: u64,
    pending: BTreeMap<u64, Pending>,
    pending_bytes: usize,
    /// Set when the consumer needs no more bytes: segments are then only counted.
    pub ignore: bool,
    /// Counters.
    pub stats: StreamStats,
}

impl Stream {
    /// A SYN fixes the initial sequence number: data starts at `seq + 1`.
    pub fn syn(&mut self, seq: u32) {
        if self.next_seq.is_none() {
            self.next_seq = Some(seq.wrapping_add(1));
        }
    }

    /// Bytes delivered or skipped so far.
    pub fn offset(&self) -> u64 {
        self.next_off
    }

    /// Adds one segment carrying `payload` (the captured bytes) out of `claimed` bytes of
    /// sequence space, and delivers whatever became contiguous.
    pub fn segment(
        &mut self,
        seq: u32,
        payload: &[u8],
        claimed: usize,
        budget: &mut Budget,
        out: &mut dyn FnMut(Chunk<'_>),
    ) {
        let claimed = claimed.max(payload.len()) as u64;
        if claimed == 0 {
            return;
        }
        if self.ignore {
            self.release(budget);
            return;
        }
        let next = *self.next_seq.get_or_insert(seq);
        let d = i64::from(seq.wrapping_sub(next) as i32);
        let (mut payload, mut claimed, mut d) = (payload, claimed, d);
        if d < 0 {
            let skip = d.unsigned_abs();
            if skip >= claimed {
                self.stats.retransmissions += 1;
                return;
            }
            payload = &payload[(skip as usize).min(payload.len())..];
            claimed -= skip;
            d = 0;
        }
        if d == 0 {
            self.deliver(payload, claimed, out);
            self.drain(budget, out);
            return;
        }
        let off = self.next_off + d as u64;
        let need = payload.len();
        match self.pending.get(&off) {
            Some(p) if p.claimed >= claimed => {
                self.stats.retransmissions += 1;
                return;
            }
            Some(p) => {
                let old = p.data.len();
                self.pending_bytes -= old;
                budget.used -= old;
            }
            None => {}
        }
        self.pending.insert(
            off,
            Pending {
                data: payload.to_vec(),
                claimed,
            },
        );
        self.pending_bytes += need;
        budget.used += need;
        // Over a bound: give up on the first hole and move on.
        while !self.pending.is_empty()
            && (self.pending_bytes > MAX_PENDING_PER_STREAM || budget.used > budget.limit)
        {
            self.skip_first_hole(out);
            self.drain(budget, out);
        }
    }

    /// The flow ended: deliver everything buffered, skipping holes.
    pub fn flush(&mut self, budget: &mut Budget, out: &mut dyn FnMut(Chunk<'_>)) {
        while !self.pending.is_empty() {
            if self.ignore {
                self.release(budget);
                return;
            }
            self.skip_first_hole(out);
            self.drain(budget, out);
        }
    }

    /// Frees the buffered segments (the consumer lost interest).
    pub fn release(&mut self, budget: &mut Budget) {
        budget.used -= self.pending_bytes;
        self.pending_bytes = 0;
        self.pending.clear();
    }

    fn deliver(&mut self, payload: &[u8], claimed: u64, out: &mut dyn FnMut(Chunk<'_>)) {
        if !payload.is_empty() {
            out(Chunk::Data(payload));
        }
        let missing = claimed - payload.len() as u64;
        if missing > 0 {
            self.stats.gaps += 1;
            out(Chunk::Gap(missing));
        }
        self.advance(claimed);
    }

    fn advance(&mut self, n: u64) {
        self.next_off += n;
        self.next_seq = self.next_seq.map(|s| s.wrapping_add(n as u32));
    }

    fn skip_first_hole(&mut self, out: &mut dyn FnMut(Chunk<'_>)) {
        if let Some((&k, _)) = self.pending.first_key_value()
            && k > self.next_off
        {
            let gap = k - self.next_off;
            self.stats.gaps += 1;
            out(Chunk::Gap(gap));
            self.advance(gap);
        }
    }

    fn drain(&mut self, budget: &mut Budget, out: &mut dyn FnMut(Chunk<'_>)) {
        while let Some(entry) = self.pending.first_entry() {
            let k = *entry.key();
            if k > self.next_off {
                break;
            }
            let p = entry.remove();
            self.pending_bytes -= p.data.len();
            budget.used -= p.data.len();
            let skip = self.next_off - k;
            if skip >= p.claimed {
                self.stats.retransmissions += 1;
                continue;
            }
            if self.ignore {
                continue;
            }
            let data = &p.data[(skip as usize).min(p.data.len())..];
            self.deliver(data, p.claimed - skip, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(segs: &[(u32, &[u8])]) -> (Vec<u8>, Vec<u64>, StreamStats) {
        let mut s = Stream::default();
        s.syn(999);
        let mut b = Budget {
            used: 0,
            limit: 1 << 20,
        };
        let mut data = Vec::new();
        let mut gaps = Vec::new();
        let mut out = |c: Chunk<'_>| match c {
            Chunk::Data(d) => data.extend_from_slice(d),
            Chunk::Gap(n) => gaps.push(n),
        };
        for (seq, p) in segs {
            s.segment(*seq, p, p.len(), &mut b, &mut out);
        }
        s.flush(&mut b, &mut out);
        assert_eq!(b.used, 0);
        (data, gaps, s.stats)
    }

    #[test]
    fn in_order() {
        let (d, g, _) = run(&[(1000, b"hello "), (1006, b"world")]);
        assert_eq!(d, b"hello world");
        assert!(g.is_empty());
    }

    #[test]
    fn out_of_order_and_retransmission() {
        let (d, g, st) = run(&[
            (1006, b"world"),
            (1000, b"hello "),
            (1000, b"hello "),
            (1003, b"lo wor"),
            (1011, b"!"),
        ]);
        assert_eq!(d, b"hello world!");
        assert!(g.is_empty());
        assert_eq!(st.retransmissions, 2);
    }

    #[test]
    fn overlapping_retransmission_extends() {
        let (d, _, _) = run(&[(1000, b"abc"), (1001, b"bcdef")]);
        assert_eq!(d, b"abcdef");
    }

    #[test]
    fn gap_is_reported_at_flush() {
        let (d, g, st) = run(&[(1000, b"abc"), (1010, b"xyz")]);
        assert_eq!(d, b"abcxyz");
        assert_eq!(g, vec![7]);
        assert_eq!(st.gaps, 1);
    }

    #[test]
    fn sequence_wraparound() {
        let mut s = Stream::default();
        s.syn(u32::MAX - 2);
        let mut b = Budget {
            used: 0,
            limit: 1 << 20,
        };
        let mut data = Vec::new();
        let mut out = |c: Chunk<'_>| {
            if let Chunk::Data(d) = c {
                data.extend_from_slice(d)
            }
        };
        s.segment(1, b"def", 3, &mut b, &mut out);
        s.segment(u32::MAX - 1, b"abc", 3, &mut b, &mut out);
        assert_eq!(data, b"abcdef");
    }

    #[test]
    fn pending_is_bounded() {
        let mut s = Stream::default();
        s.syn(0);
        let mut b = Budget {
            used: 0,
            limit: 1 << 30,
        };
        let seg = vec![7u8; 1000];
        let mut gaps = 0;
        let mut out = |c: Chunk<'_>| {
            if let Chunk::Gap(_) = c {
                gaps += 1
            }
        };
        // Never deliver seq 1: everything else waits behind the hole until the bound.
        for i in 1..2000u32 {
            s.segment(1 + i * 1000, &seg, 1000, &mut b, &mut out);
            assert!(s.pending_bytes <= MAX_PENDING_PER_STREAM);
        }
        assert!(gaps >= 1);
        assert_eq!(b.used, s.pending_bytes);
    }
}
