//! IP fragment reassembly, bounded in count, bytes and time.
//!
//! Overlapping fragments are a classic evasion trick (the "teardrop" family): two
//! fragments disagree about the same bytes and different stacks keep different ones. We
//! keep the bytes that arrived first, never write out of bounds, and count the overlap so
//! the report shows it.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::time::Timestamp;

/// Largest IP datagram: the 16-bit total length bounds it.
const MAX_DATAGRAM: usize = 65_535;

/// Limits on reassembly state.
#[derive(Debug, Clone, Copy)]
pub struct DefragLimits {
    /// Datagrams being reassembled at once.
    pub max_datagrams: usize,
    /// Bytes buffered over all datagrams.
    pub max_bytes: usize,
    /// Seconds of capture time after which an incomplete datagram is dropped.
    pub timeout_secs: i64,
}

impl Default for DefragLimits {
    fn default() -> Self {
        DefragLimits {
            max_datagrams: 4096,
            max_bytes: 32 * 1024 * 1024,
            timeout_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    id: u32,
}

#[derive(Debug)]
struct Pending {
    data: Vec<u8>,
    /// Received byte ranges, sorted and merged.
    have: Vec<(usize, usize)>,
    /// Datagram payload length, known once the last fragment arrived.
    total: Option<usize>,
    started: Timestamp,
}

impl Pending {
    fn complete(&self) -> bool {
        matches!(self.total, Some(t) if self.have.len() == 1 && self.have[0] == (0, t))
    }
}

/// Something that went wrong reassembling; each is counted in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefragEvent {
    /// A fragment overlapped bytes already received (first copy kept).
    Overlap,
    /// A fragment would extend the datagram past 65,535 bytes, or past its last fragment.
    Oversized,
    /// An incomplete datagram timed out or was evicted for space.
    Dropped,
}

/// The reassembly table.
#[derive(Debug, Default)]
pub struct Defragmenter {
    limits: DefragLimits,
    pending: HashMap<Key, Pending>,
    bytes: usize,
    last_sweep: Timestamp,
}

impl Defragmenter {
    /// An empty table with the given limits.
    pub fn new(limits: DefragLimits) -> Self {
        Defragmenter {
            limits,
            ..Default::default()
        }
    }

    /// Datagrams currently being reassembled.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Adds one fragment. Returns the whole datagram payload when this completed it.
    /// `events` receives whatever went wrong.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        ts: Timestamp,
        src: IpAddr,
        dst: IpAddr,
        proto: u8,
        id: u32,
        offset: usize,
        more: bool,
        payload: &[u8],
        events: &mut Vec<DefragEvent>,
    ) -> Option<Vec<u8>> {
        self.sweep(ts, events);
        let end = offset + payload.len();
        if end > MAX_DATAGRAM {
            events.push(DefragEvent::Oversized);
            return None;
        }
        let key = Key {
            src,
            dst,
            proto,
            id,
        };
        if !self.pending.contains_key(&key) {
            if self.pending.len() >= self.limits.max_datagrams {
                self.evict_oldest(events);
            }
            self.pending.insert(
                key,
                Pending {
                    data: Vec::new(),
                    have: Vec::new(),
                    total: None,
                    started: ts,
                },
            );
        }
        let p = self.pending.get_mut(&key)?;
        if !more {
            match p.total {
                Some(t) if t != end => {
                    events.push(DefragEvent::Oversized);
                    self.remove(&key);
                    return None;
                }
                _ => p.total = Some(end),
            }
        }
        if matches!(p.total, Some(t) if end > t) {
            events.push(DefragEvent::Oversized);
            self.remove(&key);
            return None;
        }
        let grow = end.saturating_sub(p.data.len());
        if self.bytes + grow > self.limits.max_bytes {
            events.push(DefragEvent::Dropped);
            self.remove(&key);
            return None;
        }
        if grow > 0 {
            p.data.resize(end, 0);
            self.bytes += grow;
        }
        // Copy only the parts not yet received: first arrival wins.
        let mut cursor = offset;
        let mut overlapped = false;
        for &(s, e) in &p.have {
            if e <= cursor || s >= end {
                continue;
            }
            if s > cursor {
                p.data[cursor..s].copy_from_slice(&payload[cursor - offset..s - offset]);
            }
            overlapped = true;
            cursor = cursor.max(e);
            if cursor >= end {
                break;
            }
        }
        if cursor < end {
            p.data[cursor..end].copy_from_slice(&payload[cursor - offset..]);
        }
        if overlapped {
            events.push(DefragEvent::Overlap);
        }
        merge_range(&mut p.have, offset, end);
        if p.complete() {
            let p = self.pending.remove(&key)?;
            self.bytes -= p.data.len();
            return Some(p.data);
        }
        None
    }

    fn remove(&mut self, key: &Key) {
        if let Some(p) = self.pending.remove(key) {
            self.bytes -= p.data.len();
        }
    }

    fn evict_oldest(&mut self, events: &mut Vec<DefragEvent>) {
        if let Some(k) = self
            .pending
            .iter()
            .min_by_key(|(_, p)| p.started)
            .map(|(k, _)| *k)
        {
            self.remove(&k);
            events.push(DefragEvent::Dropped);
        }
    }

    fn sweep(&mut self, now: Timestamp, events: &mut Vec<DefragEvent>) {
        if now.secs_since(self.last_sweep) < 1 {
            return;
        }
        self.last_sweep = now;
        let timeout = self.limits.timeout_secs;
        let before = self.pending.len();
        let mut freed = 0;
        self.pending.retain(|_, p| {
            let keep = now.secs_since(p.started) <= timeout;
            if !keep {
                freed += p.data.len();
            }
            keep
        });
        self.bytes -= freed;
        for _ in self.pending.len()..before {
            events.push(DefragEvent::Dropped);
        }
    }
}

/// Inserts `[s, e)` into a sorted list of disjoint ranges, merging neighbours.
fn merge_range(have: &mut Vec<(usize, usize)>, s: usize, e: usize) {
    if s >= e {
        return;
    }
    have.push((s, e));
    have.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(have.len());
    for &(a, b) in have.iter() {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    *have = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn add(
        d: &mut Defragmenter,
        off: usize,
        more: bool,
        data: &[u8],
        ev: &mut Vec<DefragEvent>,
    ) -> Option<Vec<u8>> {
        d.add(
            Timestamp::from_parts(100, 0),
            ip("10.0.0.1"),
            ip("10.0.0.2"),
            17,
            7,
            off,
            more,
            data,
            ev,
        )
    }

    #[test]
    fn out_of_order_and_overlap_first_wins() {
        let mut d = Defragmenter::new(DefragLimits::default());
        let mut ev = Vec::new();
        assert!(add(&mut d, 16, false, b"CCCCCCCC", &mut ev).is_none());
        assert!(add(&mut d, 0, true, b"AAAAAAAA", &mut ev).is_none());
        // Overlaps both neighbours; only the middle hole is taken from it.
        let whole = add(&mut d, 0, true, b"xxxxxxxxBBBBBBBBxxxxxxxx", &mut ev).unwrap();
        assert_eq!(whole, b"AAAAAAAABBBBBBBBCCCCCCCC");
        assert_eq!(ev, vec![DefragEvent::Overlap]);
        assert_eq!(d.pending(), 0);
        assert_eq!(d.bytes, 0);
    }

    #[test]
    fn lying_offsets_are_rejected() {
        let mut d = Defragmenter::new(DefragLimits::default());
        let mut ev = Vec::new();
        assert!(add(&mut d, 65_530, true, &[0; 16], &mut ev).is_none());
        assert_eq!(ev, vec![DefragEvent::Oversized]);
        ev.clear();
        assert!(add(&mut d, 8, false, &[0; 8], &mut ev).is_none());
        // A fragment beyond the announced end (16 bytes).
        assert!(add(&mut d, 16, true, &[0; 8], &mut ev).is_none());
        assert_eq!(ev, vec![DefragEvent::Oversized]);
    }

    #[test]
    fn bounded_by_count() {
        let mut d = Defragmenter::new(DefragLimits {
            max_datagrams: 4,
            ..Default::default()
        });
        let mut ev = Vec::new();
        for id in 0..100 {
            d.add(
                Timestamp::from_parts(1, 0),
                ip("10.0.0.1"),
                ip("10.0.0.2"),
                17,
                id,
                0,
                true,
                &[1; 64],
                &mut ev,
            );
        }
        assert_eq!(d.pending(), 4);
        assert_eq!(ev.len(), 96);
    }
}
