//! The pipeline: frames → IP (defragmented) → flows → reassembled streams → dissectors →
//! devices and findings.
//!
//! Memory is bounded by the number of active flows and hosts, never by the capture size:
//! flows are evicted when idle (or the oldest when the table is full), reassembly buffers
//! share one budget, and per-host and per-finding tables are capped.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;

use medvigil_model::{Device, MacAddr};
use rustc_hash::FxHashMap;

use crate::capture::{self, CaptureError, Frame};
use crate::defrag::{DefragEvent, DefragLimits, Defragmenter};
use crate::dissect::{self, Decoder, Dicom, Event, Protocol, Verdict, dhcp};
use crate::oui::{OuiRegistry, is_medical_manufacturer};
use crate::packet::{self, Decoded, IpPacket, LinkInfo};
use crate::report::*;
use crate::stream::{Budget, Chunk, Stream};
use crate::time::Timestamp;

/// Bounds on the analyser's state.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Flows tracked at once; the oldest idle ones are evicted beyond this.
    pub max_flows: usize,
    /// Out-of-order TCP bytes buffered over all flows.
    pub reassembly_bytes: usize,
    /// Bytes application decoders may buffer over all flows (partial PDUs, hellos,
    /// headers). A flow whose decoder would push past this stops being decoded.
    pub decoder_bytes: usize,
    /// Seconds of capture time after which an open flow is considered finished.
    pub flow_idle_secs: i64,
    /// Seconds after which a closed (FIN/RST) flow is forgotten.
    pub closed_idle_secs: i64,
    /// Local hosts tracked.
    pub max_hosts: usize,
    /// Host pairs tracked (for internet and infusion-pump findings).
    pub max_contacts: usize,
    /// Findings, DICOM associations and HL7 conversations kept (each).
    pub max_records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_flows: 256 * 1024,
            reassembly_bytes: 64 * 1024 * 1024,
            decoder_bytes: 64 * 1024 * 1024,
            flow_idle_secs: 300,
            closed_idle_secs: 30,
            max_hosts: 100_000,
            max_contacts: 200_000,
            max_records: 10_000,
        }
    }
}

/// A device the inventory already knows, used to label traffic.
#[derive(Debug, Clone, Default)]
pub struct KnownDevice {
    /// Inventory asset id.
    pub asset_id: String,
    /// Its IPs.
    pub ips: Vec<IpAddr>,
    /// Its MACs.
    pub macs: Vec<MacAddr>,
    /// The inventory says it is an infusion pump.
    pub infusion_pump: bool,
    /// The inventory gives it a clinical function or a device class.
    pub clinical: bool,
}

impl From<&Device> for KnownDevice {
    fn from(d: &Device) -> Self {
        let class = d.device_class.as_deref().unwrap_or("").to_ascii_lowercase();
        KnownDevice {
            asset_id: d.asset_id.clone(),
            ips: d.ips.clone(),
            macs: d.macs.clone(),
            infusion_pump: class.contains("infusion") || class.contains("pump"),
            clinical: d.clinical_function.is_some() || d.device_class.is_some(),
        }
    }
}

/// How to analyse.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// MAC → manufacturer registry; without it devices have no manufacturer.
    pub oui: Option<OuiRegistry>,
    /// Devices from the inventory.
    pub known: Vec<KnownDevice>,
    /// State bounds.
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FlowKey {
    lo: (IpAddr, u16),
    hi: (IpAddr, u16),
    proto: u8,
}

impl FlowKey {
    fn new(a: (IpAddr, u16), b: (IpAddr, u16), proto: u8) -> FlowKey {
        if a <= b {
            FlowKey {
                lo: a,
                hi: b,
                proto,
            }
        } else {
            FlowKey {
                lo: b,
                hi: a,
                proto,
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Where {
    file: u32,
    frame: u64,
    ts: Timestamp,
}

#[derive(Debug)]
struct Flow {
    client: (IpAddr, u16),
    server: (IpAddr, u16),
    proto: u8,
    first: Where,
    last: Where,
    packets: [u64; 2],
    bytes: [u64; 2],
    macs: [Option<[u8; 6]>; 2],
    protocol: Option<Protocol>,
    /// First bytes of each direction, until the protocol is known.
    head: [Vec<u8>; 2],
    verdict: [Verdict; 2],
    decoder: Decoder,
    streams: Option<Box<[Stream; 2]>>,
    fin: [bool; 2],
    rst: bool,
    /// Index of this flow's DICOM association record.
    dicom: Option<usize>,
    payload_packets: u32,
    /// The recognised protocol has been recorded on the hosts.
    announced: bool,
    /// What this flow's decoder buffers, as last counted in `Analyzer::decoder_bytes`.
    buffered: usize,
    /// A pure SYN has been seen, so the orientation is certain.
    syn_seen: bool,
}

impl Flow {
    /// Exchanges client and server, with everything kept per direction.
    fn swap_sides(&mut self) {
        std::mem::swap(&mut self.client, &mut self.server);
        self.packets.swap(0, 1);
        self.bytes.swap(0, 1);
        self.macs.swap(0, 1);
        self.head.swap(0, 1);
        self.verdict.swap(0, 1);
        self.fin.swap(0, 1);
        if let Some(s) = self.streams.as_mut() {
            s.swap(0, 1);
        }
    }
}

#[derive(Debug, Default)]
struct Host {
    macs: Vec<[u8; 6]>,
    first: Option<Where>,
    last_ts: Timestamp,
    roles: BTreeSet<&'static str>,
    identifiers: BTreeMap<&'static str, BTreeSet<String>>,
    protocols: BTreeSet<Protocol>,
    infusion_pump: bool,
}

#[derive(Debug)]
struct Contact {
    first: Where,
    last: Where,
    packets: u64,
    flows: u64,
    ports: BTreeSet<u16>,
}

#[derive(Debug)]
struct FindingAcc {
    severity: &'static str,
    summary: String,
    details: BTreeMap<String, String>,
    first: Where,
    last: Where,
    count: u64,
    count_of: &'static str,
    flows: u64,
}

/// Receives each finished flow.
type FlowSink = Box<dyn FnMut(&FlowRecord)>;

type FindingKey = (&'static str, IpAddr, IpAddr, Option<u16>);

/// Streams captures through the pipeline and accumulates a [`Report`].
pub struct Analyzer {
    opts: Options,
    files: Vec<FileSummary>,
    file_idx: u32,
    flows: FxHashMap<FlowKey, Flow>,
    defrag: Defragmenter,
    budget: Budget,
    /// Bytes held by all flows' decoders.
    decoder_bytes: usize,
    hosts: FxHashMap<IpAddr, Host>,
    mac_ips: FxHashMap<[u8; 6], BTreeSet<IpAddr>>,
    dhcp_macs: FxHashMap<[u8; 6], Host>,
    contacts: FxHashMap<(IpAddr, IpAddr), Contact>,
    findings: FxHashMap<FindingKey, FindingAcc>,
    assocs: Vec<DicomAssociation>,
    hl7: FxHashMap<(IpAddr, IpAddr, u16, String), Hl7Conversation>,
    ftp_expect: FxHashMap<(IpAddr, u16), ()>,
    errors: ErrorReport,
    stats: FlowStats,
    frames: u64,
    bytes: u64,
    last_sweep: Timestamp,
    now: Timestamp,
    events: Vec<Event>,
    defrag_events: Vec<DefragEvent>,
    sink: Option<FlowSink>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("frames", &self.frames)
            .field("active_flows", &self.flows.len())
            .finish_non_exhaustive()
    }
}

fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            !(v.is_private()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_broadcast()
                || v.is_multicast()
                || v.is_unspecified()
                || v.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] >= 240)
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            if let Some(v4) = v.to_ipv4_mapped() {
                return is_global(IpAddr::V4(v4));
            }
            !(v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8))
        }
    }
}

fn is_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => !(v.is_broadcast() || v.is_multicast() || v.is_unspecified()),
        IpAddr::V6(v) => !(v.is_multicast() || v.is_unspecified()),
    }
}

impl Analyzer {
    /// A new analyser.
    pub fn new(opts: Options) -> Analyzer {
        let limits = opts.limits;
        Analyzer {
            opts,
            files: Vec::new(),
            file_idx: 0,
            flows: FxHashMap::default(),
            defrag: Defragmenter::new(DefragLimits::default()),
            budget: Budget {
                used: 0,
                limit: limits.reassembly_bytes,
            },
            decoder_bytes: 0,
            hosts: FxHashMap::default(),
            mac_ips: FxHashMap::default(),
            dhcp_macs: FxHashMap::default(),
            contacts: FxHashMap::default(),
            findings: FxHashMap::default(),
            assocs: Vec::new(),
            hl7: FxHashMap::default(),
            ftp_expect: FxHashMap::default(),
            errors: ErrorReport::default(),
            stats: FlowStats::default(),
            frames: 0,
            bytes: 0,
            last_sweep: Timestamp::ZERO,
            now: Timestamp::ZERO,
            events: Vec::new(),
            defrag_events: Vec::new(),
            sink: None,
        }
    }

    /// Calls `sink` with every flow as it finishes (idle, evicted, or at [`finish`](Self::finish)).
    pub fn set_flow_sink(&mut self, sink: impl FnMut(&FlowRecord) + 'static) {
        self.sink = Some(Box::new(sink));
    }

    /// Flows being tracked now.
    pub fn active_flows(&self) -> usize {
        self.flows.len()
    }

    /// Reads a capture file.
    pub fn read_file(&mut self, path: &Path) -> Result<&FileSummary, CaptureError> {
        let f = std::fs::File::open(path)?;
        self.read_capture(
            &path.display().to_string(),
            std::io::BufReader::with_capacity(1 << 20, f),
        )
    }

    /// Reads a capture from any reader; `name` labels its evidence.
    pub fn read_capture<R: Read + Send>(
        &mut self,
        name: &str,
        input: R,
    ) -> Result<&FileSummary, CaptureError> {
        self.files.push(FileSummary {
            file: name.to_string(),
            frames: 0,
            bytes: 0,
            problem: None,
        });
        self.file_idx = (self.files.len() - 1) as u32;
        let result = capture::read_frames(input, |f| self.frame(f));
        let idx = self.file_idx as usize;
        match result {
            Ok(problem) => {
                if let Some(p) = &problem {
                    self.error(p.kind, p.frame);
                }
                self.files[idx].problem = problem;
                Ok(&self.files[idx])
            }
            Err(e) => {
                self.files.pop();
                Err(e)
            }
        }
    }

    fn error(&mut self, kind: &'static str, frame: u64) {
        self.error_n(kind, 1, frame);
    }

    fn error_n(&mut self, kind: &'static str, n: u64, frame: u64) {
        self.errors.total += n;
        *self.errors.by_kind.entry(kind).or_default() += n;
        if self.errors.samples.len() < 50 {
            let file = self.files[self.file_idx as usize].file.clone();
            self.errors.samples.push(ErrorSample { kind, file, frame });
        }
    }

    fn here(&self, frame: u64) -> Where {
        Where {
            file: self.file_idx,
            frame,
            ts: self.now,
        }
    }

    fn frame(&mut self, f: &Frame<'_>) {
        self.frames += 1;
        self.bytes += f.data.len() as u64;
        let fs = &mut self.files[self.file_idx as usize];
        fs.frames += 1;
        fs.bytes += f.data.len() as u64;
        self.now = f.ts;
        if f.ts.secs_since(self.last_sweep) >= 10 || self.flows.len() >= self.opts.limits.max_flows
        {
            self.sweep();
        }
        if (f.data.len() as u32) < f.orig_len {
            self.error("frame_cut_by_snaplen", f.number);
        }
        match packet::decode(f.linktype, f.data) {
            Decoded::Ip(link, ip) => self.ip(f, link, ip),
            Decoded::NotIp(_) => {}
            Decoded::Malformed(kind) => self.error(kind, f.number),
            Decoded::UnsupportedLink => self.error("unsupported_link_type", f.number),
        }
    }

    fn ip(&mut self, f: &Frame<'_>, link: LinkInfo, ip: IpPacket<'_>) {
        // A header announcing more bytes than a complete (not snaplen-cut) frame holds is
        // corrupt; stacks drop such packets, so do we (Wireshark flags them too).
        if ip.claimed_len > ip.payload.len() && (f.data.len() as u32) >= f.orig_len {
            self.error("ip_length_exceeds_frame", f.number);
            return;
        }
        if let Some(frag) = ip.fragment {
            let mut ev = std::mem::take(&mut self.defrag_events);
            let whole = self.defrag.add(
                f.ts,
                ip.src,
                ip.dst,
                ip.proto,
                frag.id,
                frag.offset,
                frag.more,
                ip.payload,
                &mut ev,
            );
            for e in ev.drain(..) {
                let kind = match e {
                    DefragEvent::Overlap => "ip_fragment_overlap",
                    DefragEvent::Oversized => "ip_fragment_oversized",
                    DefragEvent::Dropped => "ip_fragment_incomplete",
                };
                self.error(kind, f.number);
            }
            self.defrag_events = ev;
            if let Some(data) = whole {
                let whole = IpPacket {
                    payload: &data,
                    claimed_len: data.len(),
                    fragment: None,
                    ..ip
                };
                self.transport(f, link, whole);
            }
            return;
        }
        self.transport(f, link, ip);
    }

    fn transport(&mut self, f: &Frame<'_>, link: LinkInfo, ip: IpPacket<'_>) {
        match ip.proto {
            6 => {
                let Ok(tcp) = etherparse::TcpHeaderSlice::from_slice(ip.payload) else {
                    self.error("malformed_tcp_header", f.number);
                    return;
                };
                let hl = tcp.slice().len();
                let payload = &ip.payload[hl..];
                let claimed = ip.claimed_len.saturating_sub(hl).max(payload.len());
                let seg = Segment {
                    sport: tcp.source_port(),
                    dport: tcp.destination_port(),
                    seq: tcp.sequence_number(),
                    syn: tcp.syn(),
                    ack: tcp.ack(),
                    fin: tcp.fin(),
                    rst: tcp.rst(),
                    payload,
                    claimed,
                };
                self.tcp(f, link, &ip, seg);
            }
            17 => {
                let Ok(udp) = etherparse::UdpHeaderSlice::from_slice(ip.payload) else {
                    self.error("malformed_udp_header", f.number);
                    return;
                };
                let payload = &ip.payload[8..];
                self.udp(
                    f,
                    link,
                    &ip,
                    udp.source_port(),
                    udp.destination_port(),
                    payload,
                );
            }
            _ => {}
        }
    }

    /// Finds or creates the flow; returns its key and the packet's direction.
    fn flow_for(
        &mut self,
        f: &Frame<'_>,
        link: LinkInfo,
        src: (IpAddr, u16),
        dst: (IpAddr, u16),
        proto: u8,
        responder_first: bool,
    ) -> (FlowKey, usize) {
        let key = FlowKey::new(src, dst, proto);
        let here = self.here(f.number);
        if !self.flows.contains_key(&key) {
            if self.flows.len() >= self.opts.limits.max_flows {
                self.evict_for_space();
            }
            let (client, server) = if responder_first {
                (dst, src)
            } else {
                (src, dst)
            };
            let mut protocol = None;
            if proto == 6 && self.ftp_expect.remove(&server).is_some() {
                protocol = Some(Protocol::FtpData);
            }
            let flow = Flow {
                client,
                server,
                proto,
                first: here.clone(),
                last: here.clone(),
                packets: [0; 2],
                bytes: [0; 2],
                macs: [None; 2],
                protocol,
                head: [Vec::new(), Vec::new()],
                verdict: [Verdict::More; 2],
                decoder: Decoder::Done,
                streams: (proto == 6 && protocol.is_none()).then(Box::default),
                fin: [false; 2],
                rst: false,
                dicom: None,
                payload_packets: 0,
                announced: false,
                buffered: 0,
                syn_seen: false,
            };
            self.flows.insert(key, flow);
            self.stats.total += 1;
            if proto == 6 {
                self.stats.tcp += 1;
            } else {
                self.stats.udp += 1;
            }
            self.stats.peak_active = self.stats.peak_active.max(self.flows.len() as u64);
            self.touch_host(client.0, link.src_mac.filter(|_| !responder_first), &here);
            self.touch_host(server.0, link.src_mac.filter(|_| responder_first), &here);
        }
        let flow = self.flows.get_mut(&key).expect("inserted above");
        let dir = usize::from(flow.client != src);
        flow.packets[dir] += 1;
        flow.bytes[dir] += u64::from(f.orig_len);
        flow.last = here;
        if flow.macs[dir].is_none() && link.src_mac.is_some() {
            flow.macs[dir] = link.src_mac;
            let ip = src.0;
            if let Some(m) = link.src_mac {
                self.note_mac(ip, m);
            }
        }
        (key, dir)
    }

    fn note_mac(&mut self, ip: IpAddr, mac: [u8; 6]) {
        // Multicast/broadcast MACs and the all-zero MAC of Linux loopback name no device.
        if is_global(ip) || !is_unicast(ip) || mac[0] & 1 == 1 || mac == [0; 6] {
            return;
        }
        let set = self.mac_ips.entry(mac).or_default();
        if set.len() < 64 {
            set.insert(ip);
        }
        if let Some(h) = self.hosts.get_mut(&ip)
            && !h.macs.contains(&mac)
            && h.macs.len() < 4
        {
            h.macs.push(mac);
        }
    }

    fn touch_host(&mut self, ip: IpAddr, mac: Option<[u8; 6]>, here: &Where) {
        if is_global(ip) || !is_unicast(ip) {
            return;
        }
        if !self.hosts.contains_key(&ip) && self.hosts.len() >= self.opts.limits.max_hosts {
            self.error("host_table_full", here.frame);
            return;
        }
        let h = self.hosts.entry(ip).or_default();
        if h.first.is_none() {
            h.first = Some(here.clone());
        }
        h.last_ts = h.last_ts.max(here.ts);
        if let Some(m) = mac {
            self.note_mac(ip, m);
        }
    }

    fn tcp(&mut self, f: &Frame<'_>, link: LinkInfo, ip: &IpPacket<'_>, seg: Segment<'_>) {
        let src = (ip.src, seg.sport);
        let dst = (ip.dst, seg.dport);
        // Who initiated: the SYN sender. A capture that starts mid-connection has no
        // SYN; then a packet from a well-known port to an ephemeral one is taken to come
        // from the server.
        let responder_first = if seg.syn {
            seg.ack
        } else {
            seg.sport < 1024 && seg.dport >= 1024
        };
        let (key, mut dir) = self.flow_for(f, link, src, dst, 6, responder_first);
        let mut events = std::mem::take(&mut self.events);
        {
            let flow = self.flows.get_mut(&key).expect("flow exists");
            if seg.syn && !seg.ack {
                // The SYN arrived after other packets (a mirror port merging links can
                // reorder): its sender is the client after all. Only safe while no payload
                // has been interpreted with the wrong orientation.
                if dir == 1 && !flow.syn_seen && flow.payload_packets == 0 {
                    flow.swap_sides();
                    dir = 0;
                }
                flow.syn_seen = true;
            }
            if seg.rst {
                flow.rst = true;
            }
            if seg.fin {
                flow.fin[dir] = true;
            }
            if let Some(streams) = flow.streams.as_mut() {
                if seg.syn {
                    streams[dir].syn(seg.seq);
                }
                if seg.claimed > 0 {
                    flow.payload_packets += 1;
                    let mut streams = flow.streams.take().expect("checked");
                    let budget = &mut self.budget;
                    let mut ignore_now = false;
                    streams[dir].segment(seg.seq, seg.payload, seg.claimed, budget, &mut |c| {
                        if !feed(flow, dir, c, &mut events) {
                            ignore_now = true;
                        }
                    });
                    if ignore_now {
                        streams[dir].ignore = true;
                        streams[dir].release(budget);
                    }
                    // Account the decoder's buffers against the global budget.
                    let now = flow.decoder.buffered();
                    self.decoder_bytes = self.decoder_bytes - flow.buffered + now;
                    flow.buffered = now;
                    if self.decoder_bytes > self.opts.limits.decoder_bytes {
                        streams[0].ignore = true;
                        streams[1].ignore = true;
                        events.push(Event::Malformed("decoder_budget_exceeded"));
                    }
                    if streams[0].ignore && streams[1].ignore {
                        streams[0].release(budget);
                        streams[1].release(budget);
                        // Nothing more will be decoded: free the decoder's buffers now.
                        flow.decoder = Decoder::Done;
                        self.decoder_bytes -= flow.buffered;
                        flow.buffered = 0;
                    } else {
                        flow.streams = Some(streams);
                    }
                }
            }
        }
        if !events.is_empty() {
            self.handle_events(key, &mut events, f.number);
        }
        self.events = events;
        self.after_classify(key, f.number);
    }

    /// Raises per-flow findings once the protocol is known (Telnet) and records protocols.
    fn after_classify(&mut self, key: FlowKey, frame: u64) {
        let Some(flow) = self.flows.get_mut(&key) else {
            return;
        };
        let Some(p) = flow.protocol else { return };
        if flow.announced {
            return;
        }
        flow.announced = true;
        let (c, s) = (flow.client, flow.server);
        for ip in [c.0, s.0] {
            if let Some(h) = self.hosts.get_mut(&ip) {
                h.protocols.insert(p);
            }
        }
        let roles: Option<(&'static str, &'static str)> = match p {
            Protocol::Telnet => Some(("telnet_client", "telnet_server")),
            Protocol::Ftp => Some(("ftp_client", "ftp_server")),
            Protocol::Smb => Some(("smb_client", "smb_server")),
            Protocol::Http => Some(("http_client", "http_server")),
            Protocol::Tls => Some(("tls_client", "tls_server")),
            Protocol::Modbus => Some(("modbus_client", "modbus_server")),
            Protocol::Dnp3 => Some(("dnp3_master", "dnp3_outstation")),
            _ => None,
        };
        if let Some((rc, rs)) = roles {
            self.role(c.0, rc);
            self.role(s.0, rs);
        }
        if p == Protocol::Telnet {
            let here = self.here(frame);
            self.finding(
                ("telnet", c.0, s.0, Some(s.1)),
                "high",
                format!("Telnet session from {} to {}:{}: remote login and everything typed travel in clear text", c.0, s.0, s.1),
                &here,
                "packets",
                BTreeMap::new(),
                0,
            );
        }
    }

    fn udp(
        &mut self,
        f: &Frame<'_>,
        link: LinkInfo,
        ip: &IpPacket<'_>,
        sport: u16,
        dport: u16,
        payload: &[u8],
    ) {
        let (key, _dir) = self.flow_for(f, link, (ip.src, sport), (ip.dst, dport), 17, false);
        if !dhcp::looks_like_dhcp(payload) {
            return;
        }
        if let Some(flow) = self.flows.get_mut(&key) {
            flow.protocol = Some(Protocol::Dhcp);
        }
        match dhcp::parse(payload) {
            Ok((m, problem)) => {
                if let Some(kind) = problem {
                    self.error(kind, f.number);
                }
                self.dhcp(f, ip, m);
            }
            Err(kind) => self.error(kind, f.number),
        }
    }

    fn dhcp(&mut self, f: &Frame<'_>, ip: &IpPacket<'_>, m: dhcp::DhcpMessage) {
        let here = self.here(f.number);
        let mac = m.client_mac;
        if m.from_client {
            let h = self.dhcp_macs.entry(mac).or_default();
            if h.first.is_none() {
                h.first = Some(here.clone());
            }
            h.last_ts = here.ts;
            h.roles.insert("dhcp_client");
            h.protocols.insert(Protocol::Dhcp);
            for (kind, v) in [
                ("dhcp_hostname", m.hostname),
                ("dhcp_vendor_class", m.vendor_class),
                ("dhcp_parameter_request_list", m.parameter_request_list),
            ] {
                if let Some(v) = v {
                    add_identifier(h, kind, v);
                }
            }
        } else {
            self.touch_host(ip.src, None, &here);
            if let Some(h) = self.hosts.get_mut(&ip.src) {
                h.roles.insert("dhcp_server");
                h.protocols.insert(Protocol::Dhcp);
            }
            if m.message_type == Some(5)
                && let Some(addr) = m.address
            {
                // The server's ACK binds the address to the client's MAC.
                self.touch_host(addr, None, &here);
                self.note_mac(addr, mac);
            }
        }
    }

    fn handle_events(&mut self, key: FlowKey, events: &mut Vec<Event>, frame: u64) {
        let Some(flow) = self.flows.get(&key) else {
            events.clear();
            return;
        };
        let (client, server) = (flow.client, flow.server);
        let assoc_idx = flow.dicom;
        let here = self.here(frame);
        let ends = [client.0, server.0];
        for ev in events.drain(..) {
            match ev {
                Event::Malformed(kind) => self.error(kind, frame),
                Event::Hl7 { dir, msg } => {
                    let (from, to) = (ends[dir], ends[1 - dir]);
                    let is_ack = msg.message_type == "ACK";
                    self.role(from, if is_ack { "hl7_receiver" } else { "hl7_sender" });
                    self.role(to, if is_ack { "hl7_sender" } else { "hl7_receiver" });
                    self.ident(from, "hl7_application", &msg.sending_application);
                    self.ident(from, "hl7_facility", &msg.sending_facility);
                    if !is_ack {
                        self.ident(to, "hl7_application", &msg.receiving_application);
                        self.ident(to, "hl7_facility", &msg.receiving_facility);
                    }
                    let mtype = if msg.trigger.is_empty() {
                        msg.message_type.clone()
                    } else {
                        format!("{}^{}", msg.message_type, msg.trigger)
                    };
                    match msg.ihe_profile {
                        Some("PCD-01") => self.role(from, "ihe_pcd_device_observation_reporter"),
                        Some("PCD-03") => {
                            self.role(to, "infusion_pump");
                            self.role(from, "ihe_pcd_infusion_order_programmer");
                            if let Some(h) = self.hosts.get_mut(&to) {
                                h.infusion_pump = true;
                            }
                        }
                        _ => {}
                    }
                    if let Some(pid) = msg.pid {
                        let mut details = BTreeMap::new();
                        details.insert("data".to_string(), pid.kinds().join(", "));
                        details.insert("message_type".to_string(), mtype.clone());
                        self.finding(
                            ("patient_data_in_clear", from, to, Some(server.1)),
                            "high",
                            format!(
                                "HL7 {mtype} messages with patient demographics (PID) travel unencrypted from {from} to {to} on port {}",
                                server.1
                            ),
                            &here,
                            "messages",
                            details,
                            1,
                        );
                    }
                    self.hl7_conversation(from, to, server.1, &msg, mtype, &here);
                }
                Event::Dicom { dir, pdu } => self.dicom(key, assoc_idx, dir, pdu, &here),
                Event::HttpRequest {
                    user_agent, host, ..
                } => {
                    self.role(client.0, "http_client");
                    self.role(server.0, "http_server");
                    if let Some(ua) = user_agent {
                        self.ident(client.0, "http_user_agent", &ua);
                    }
                    if let Some(h) = host {
                        self.ident(client.0, "http_host_requested", &h);
                    }
                }
                Event::HttpResponse { server: Some(s) } => {
                    self.ident(server.0, "http_server", &s);
                }
                Event::HttpResponse { server: None } => {}
                Event::TlsClientHello { sni, versions, .. } => {
                    self.role(client.0, "tls_client");
                    self.role(server.0, "tls_server");
                    if let Some(s) = sni {
                        self.ident(client.0, "tls_sni_requested", &s);
                    }
                    if !versions.is_empty() {
                        self.ident(client.0, "tls_versions_offered", &versions.join(", "));
                    }
                }
                Event::TlsServerHello { version } => {
                    if let Some(v) = version {
                        self.ident(server.0, "tls_version", v);
                    }
                }
                Event::Smb1 {
                    negotiate_request,
                    dialects,
                    ..
                } => {
                    self.role(client.0, "smb_client");
                    self.role(server.0, "smb_server");
                    if negotiate_request {
                        self.ident(client.0, "smb_dialects_offered", &dialects.join(", "));
                    } else {
                        self.finding(
                            ("smbv1", client.0, server.0, Some(server.1)),
                            "high",
                            format!(
                                "SMBv1 in use between {} and {}:{} (the protocol of EternalBlue/WannaCry; disable it)",
                                client.0, server.0, server.1
                            ),
                            &here,
                            "messages",
                            BTreeMap::new(),
                            1,
                        );
                    }
                }
                Event::Smb2Offered { dialects } => {
                    self.role(client.0, "smb_client");
                    self.role(server.0, "smb_server");
                    self.ident(client.0, "smb_dialects_offered", &dialects.join(", "));
                }
                Event::Smb2Negotiated { dialect } => {
                    self.ident(server.0, "smb_dialect", &dialect);
                }
                Event::Telnet => {}
                Event::FtpUser { anonymous } => {
                    self.role(client.0, "ftp_client");
                    self.role(server.0, "ftp_server");
                    let mut d = BTreeMap::new();
                    d.insert("anonymous".to_string(), anonymous.to_string());
                    self.finding(
                        ("ftp_cleartext_login", client.0, server.0, Some(server.1)),
                        "high",
                        format!(
                            "FTP login from {} to {}:{}: user name and password sent in clear text (not recorded here)",
                            client.0, server.0, server.1
                        ),
                        &here,
                        "logins",
                        d,
                        0,
                    );
                }
                Event::FtpPass => {
                    self.finding(
                        ("ftp_cleartext_login", client.0, server.0, Some(server.1)),
                        "high",
                        format!(
                            "FTP login from {} to {}:{}: user name and password sent in clear text (not recorded here)",
                            client.0, server.0, server.1
                        ),
                        &here,
                        "logins",
                        BTreeMap::new(),
                        1,
                    );
                }
                Event::FtpLoggedIn => {
                    let mut d = BTreeMap::new();
                    d.insert("login_succeeded".to_string(), "true".to_string());
                    self.finding_details(
                        ("ftp_cleartext_login", client.0, server.0, Some(server.1)),
                        d,
                    );
                }
                Event::FtpAuthTls => {}
                Event::FtpDataChannel { ip, port, active } => {
                    let host = if active {
                        ip.unwrap_or(client.0)
                    } else {
                        ip.unwrap_or(server.0)
                    };
                    if self.ftp_expect.len() < 4096 {
                        self.ftp_expect.insert((host, port), ());
                    }
                }
            }
        }
    }

    fn hl7_conversation(
        &mut self,
        from: IpAddr,
        to: IpAddr,
        port: u16,
        msg: &dissect::Hl7Message,
        mtype: String,
        here: &Where,
    ) {
        let key = (
            from,
            to,
            port,
            format!(
                "{mtype}|{}|{}",
                msg.sending_application, msg.receiving_application
            ),
        );
        if !self.hl7.contains_key(&key) && self.hl7.len() >= self.opts.limits.max_records {
            self.error("record_table_full", here.frame);
            return;
        }
        let first = self.pref(here);
        let c = self.hl7.entry(key).or_insert_with(|| Hl7Conversation {
            sender: from,
            receiver: to,
            port,
            sending_application: msg.sending_application.clone(),
            sending_facility: msg.sending_facility.clone(),
            receiving_application: msg.receiving_application.clone(),
            receiving_facility: msg.receiving_facility.clone(),
            message_type: mtype,
            version: msg.version.clone(),
            ihe_profile: msg.ihe_profile,
            messages: 0,
            with_patient_data: 0,
            first,
        });
        c.messages += 1;
        if msg.pid.is_some() {
            c.with_patient_data += 1;
        }
    }

    fn dicom(&mut self, key: FlowKey, idx: Option<usize>, dir: usize, pdu: Dicom, here: &Where) {
        let Some(flow) = self.flows.get(&key) else {
            return;
        };
        let ends = [flow.client, flow.server];
        let (req, acc) = (ends[dir], ends[1 - dir]);
        match pdu {
            Dicom::AssociateRq(rq) => {
                self.role(req.0, "dicom_scu");
                self.role(acc.0, "dicom_scp");
                if !rq.scp_role_proposed.is_empty() {
                    self.role(req.0, "dicom_scp");
                }
                self.ident(req.0, "dicom_ae_title", &rq.calling_ae);
                self.ident(acc.0, "dicom_ae_title", &rq.called_ae);
                if let Some(u) = &rq.implementation_class_uid {
                    self.ident(req.0, "dicom_implementation_class_uid", u);
                }
                if let Some(v) = &rq.implementation_version {
                    self.ident(req.0, "dicom_implementation_version", v);
                }
                for uid in rq.abstract_syntaxes.iter().take(16) {
                    let name = dissect::dicom::sop_class_name(uid).unwrap_or(uid);
                    self.ident(req.0, "dicom_sop_class_proposed", name);
                }
                if self.assocs.len() >= self.opts.limits.max_records {
                    self.error("record_table_full", here.frame);
                    return;
                }
                let request = self.pref(here);
                self.assocs.push(DicomAssociation {
                    requestor: req.0,
                    acceptor: acc.0,
                    port: acc.1,
                    calling_ae: rq.calling_ae,
                    called_ae: rq.called_ae,
                    implementation_class_uid: rq.implementation_class_uid,
                    implementation_version: rq.implementation_version,
                    acceptor_implementation_class_uid: None,
                    acceptor_implementation_version: None,
                    abstract_syntaxes: rq.abstract_syntaxes,
                    result: "no_answer",
                    accepted_contexts: 0,
                    rejected_contexts: 0,
                    commands: BTreeMap::new(),
                    request,
                });
                let i = self.assocs.len() - 1;
                if let Some(f) = self.flows.get_mut(&key) {
                    f.dicom = Some(i);
                }
            }
            Dicom::AssociateAc(ac) => {
                // `req` here is the sender of the AC, i.e. the acceptor.
                if let Some(u) = &ac.implementation_class_uid {
                    self.ident(req.0, "dicom_implementation_class_uid", u);
                }
                if let Some(v) = &ac.implementation_version {
                    self.ident(req.0, "dicom_implementation_version", v);
                }
                if let Some(a) = idx.and_then(|i| self.assocs.get_mut(i)) {
                    a.result = "accepted";
                    a.accepted_contexts = ac.accepted;
                    a.rejected_contexts = ac.rejected;
                    a.acceptor_implementation_class_uid = ac.implementation_class_uid;
                    a.acceptor_implementation_version = ac.implementation_version;
                }
            }
            Dicom::AssociateRj { .. } => {
                if let Some(a) = idx.and_then(|i| self.assocs.get_mut(i)) {
                    a.result = "rejected";
                }
            }
            Dicom::Command { name, .. } => {
                if let Some(a) = idx.and_then(|i| self.assocs.get_mut(i)) {
                    *a.commands.entry(name.to_string()).or_default() += 1;
                }
            }
            Dicom::Release | Dicom::Abort => {}
        }
    }

    fn pref(&self, w: &Where) -> PacketRef {
        PacketRef {
            file: self.files[w.file as usize].file.clone(),
            frame: w.frame,
            time: w.ts,
        }
    }

    fn role(&mut self, ip: IpAddr, role: &'static str) {
        if let Some(h) = self.hosts.get_mut(&ip) {
            h.roles.insert(role);
        }
    }

    fn ident(&mut self, ip: IpAddr, kind: &'static str, value: &str) {
        if value.is_empty() {
            return;
        }
        if let Some(h) = self.hosts.get_mut(&ip) {
            add_identifier(h, kind, value.to_string());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &mut self,
        key: FindingKey,
        severity: &'static str,
        summary: String,
        here: &Where,
        count_of: &'static str,
        details: BTreeMap<String, String>,
        count: u64,
    ) {
        if !self.findings.contains_key(&key) && self.findings.len() >= self.opts.limits.max_records
        {
            self.error("record_table_full", here.frame);
            return;
        }
        let acc = self.findings.entry(key).or_insert_with(|| FindingAcc {
            severity,
            summary,
            details: BTreeMap::new(),
            first: here.clone(),
            last: here.clone(),
            count: 0,
            count_of,
            flows: 1,
        });
        acc.last = here.clone();
        acc.count += count;
        acc.details.extend(details);
    }

    fn finding_details(&mut self, key: FindingKey, details: BTreeMap<String, String>) {
        if let Some(acc) = self.findings.get_mut(&key) {
            acc.details.extend(details);
        }
    }

    fn sweep(&mut self) {
        self.last_sweep = self.now;
        let now = self.now;
        let l = self.opts.limits;
        let expired: Vec<FlowKey> = self
            .flows
            .iter()
            .filter(|(_, f)| {
                let idle = now.secs_since(f.last.ts);
                let closed = f.rst || (f.fin[0] && f.fin[1]);
                idle > if closed {
                    l.closed_idle_secs
                } else {
                    l.flow_idle_secs
                }
            })
            .map(|(k, _)| *k)
            .collect();
        for k in expired {
            self.end_flow(k);
        }
    }

    fn evict_for_space(&mut self) {
        // Evict the least recently active eighth of the table in one pass.
        let mut ages: Vec<(Timestamp, FlowKey)> =
            self.flows.iter().map(|(k, f)| (f.last.ts, *k)).collect();
        let n = (ages.len() / 8).max(1);
        ages.select_nth_unstable_by_key(n - 1, |a| a.0);
        for (_, k) in ages.into_iter().take(n) {
            self.stats.evicted_early += 1;
            self.end_flow(k);
        }
    }

    fn end_flow(&mut self, key: FlowKey) {
        let Some(mut flow) = self.flows.remove(&key) else {
            return;
        };
        self.decoder_bytes -= flow.buffered;
        flow.buffered = 0;
        let mut events = std::mem::take(&mut self.events);
        let mut gaps = 0;
        if let Some(mut streams) = flow.streams.take() {
            for dir in 0..2 {
                gaps += streams[dir].stats.gaps;
                let budget = &mut self.budget;
                streams[dir].flush(budget, &mut |c| {
                    feed(&mut flow, dir, c, &mut events);
                });
                streams[dir].release(budget);
            }
        }
        let frame = flow.last.frame;
        // Events from the flush still belong to this flow: put it back briefly.
        let dicom = flow.dicom;
        let (client, server, proto) = (flow.client, flow.server, flow.protocol);
        if !events.is_empty() {
            self.flows.insert(key, flow);
            self.handle_events(key, &mut events, frame);
            flow = self.flows.remove(&key).expect("just inserted");
        }
        let _ = dicom;
        self.events = events;
        if gaps > 0 {
            self.error_n("tcp_gap", gaps, frame);
        }
        if proto == Some(Protocol::Telnet)
            && let Some(f) = self
                .findings
                .get_mut(&("telnet", client.0, server.0, Some(server.1)))
        {
            f.count += flow.packets[0] + flow.packets[1];
            if f.last.ts <= flow.last.ts {
                f.last = flow.last.clone();
            }
        }
        *self
            .stats
            .by_protocol
            .entry(proto.map_or("unknown", Protocol::as_str))
            .or_default() += 1;
        // Host last-seen and the contacts table.
        for ip in [client.0, server.0] {
            if let Some(h) = self.hosts.get_mut(&ip) {
                h.last_ts = h.last_ts.max(flow.last.ts);
            }
        }
        let pair = if client.0 <= server.0 {
            (client.0, server.0)
        } else {
            (server.0, client.0)
        };
        if self.contacts.contains_key(&pair) || self.contacts.len() < self.opts.limits.max_contacts
        {
            let c = self.contacts.entry(pair).or_insert_with(|| Contact {
                first: flow.first.clone(),
                last: flow.last.clone(),
                packets: 0,
                flows: 0,
                ports: BTreeSet::new(),
            });
            c.packets += flow.packets[0] + flow.packets[1];
            c.flows += 1;
            if c.last.ts <= flow.last.ts {
                c.last = flow.last.clone();
            }
            if c.ports.len() < 8 {
                c.ports.insert(server.1);
            }
        } else {
            self.error("contact_table_full", frame);
        }
        if let Some(sink) = self.sink.as_mut() {
            let rec = FlowRecord {
                transport: if flow.proto == 6 { "tcp" } else { "udp" },
                client,
                server,
                protocol: proto.map(Protocol::as_str),
                packets: flow.packets,
                bytes: flow.bytes,
                first: PacketRef {
                    file: self.files[flow.first.file as usize].file.clone(),
                    frame: flow.first.frame,
                    time: flow.first.ts,
                },
                last: flow.last.ts,
            };
            sink(&rec);
        }
    }

    /// Ends every flow and builds the report.
    pub fn finish(mut self) -> Report {
        let keys: Vec<FlowKey> = self.flows.keys().copied().collect();
        for k in keys {
            self.end_flow(k);
        }
        let devices = self.devices();
        self.contact_findings(&devices);
        let mut findings: Vec<NetworkFinding> = self
            .findings
            .iter()
            .map(|(&(kind, client, server, port), a)| NetworkFinding {
                kind,
                severity: a.severity,
                summary: a.summary.clone(),
                client,
                server,
                server_port: port,
                details: a.details.clone(),
                evidence: Evidence {
                    first: self.pref(&a.first),
                    last: self.pref(&a.last),
                    count: a.count,
                    count_of: a.count_of,
                    flows: a.flows,
                },
            })
            .collect();
        findings.sort_by(|a, b| {
            (a.kind, a.client, a.server, a.server_port).cmp(&(
                b.kind,
                b.client,
                b.server,
                b.server_port,
            ))
        });
        let mut hl7: Vec<Hl7Conversation> = self.hl7.values().cloned().collect();
        hl7.sort_by(|a, b| {
            (a.first.file.as_str(), a.first.frame).cmp(&(b.first.file.as_str(), b.first.frame))
        });
        Report {
            frames: self.frames,
            bytes: self.bytes,
            files: std::mem::take(&mut self.files),
            flows: std::mem::take(&mut self.stats),
            devices,
            findings,
            dicom_associations: std::mem::take(&mut self.assocs),
            hl7_conversations: hl7,
            errors: std::mem::take(&mut self.errors),
        }
    }
}

impl Analyzer {
    /// Groups hosts into devices: by MAC when the MAC is the device's own (not a router's,
    /// which fronts many addresses), else by IP.
    fn devices(&mut self) -> Vec<DeviceObservation> {
        let gateways: BTreeSet<[u8; 6]> = self
            .mac_ips
            .iter()
            .filter(|(_, ips)| ips.len() > 8)
            .map(|(m, _)| *m)
            .collect();
        let mut by_mac: BTreeMap<[u8; 6], Vec<IpAddr>> = BTreeMap::new();
        let mut by_ip: Vec<IpAddr> = Vec::new();
        for (ip, h) in &self.hosts {
            match h.macs.iter().find(|m| !gateways.contains(*m)) {
                Some(m) => by_mac.entry(*m).or_default().push(*ip),
                None => by_ip.push(*ip),
            }
        }
        for m in self.dhcp_macs.keys() {
            by_mac.entry(*m).or_default();
        }
        let mut out = Vec::new();
        let groups = by_mac
            .into_iter()
            .map(|(m, ips)| (Some(m), ips))
            .chain(by_ip.into_iter().map(|ip| (None, vec![ip])));
        for (mac, mut ips) in groups {
            ips.sort();
            let mut acc = Host::default();
            let mut sources: Vec<&Host> = ips.iter().filter_map(|ip| self.hosts.get(ip)).collect();
            if let Some(h) = mac.and_then(|m| self.dhcp_macs.get(&m)) {
                sources.push(h);
            }
            for h in sources {
                if let Some(f) = &h.first
                    && acc
                        .first
                        .as_ref()
                        .is_none_or(|a| (f.ts, f.file, f.frame) < (a.ts, a.file, a.frame))
                {
                    acc.first = Some(f.clone());
                }
                acc.last_ts = acc.last_ts.max(h.last_ts);
                acc.roles.extend(h.roles.iter().copied());
                acc.protocols.extend(h.protocols.iter().copied());
                acc.infusion_pump |= h.infusion_pump;
                for (k, vs) in &h.identifiers {
                    for v in vs {
                        add_identifier(&mut acc, k, v.clone());
                    }
                }
            }
            let Some(first) = acc.first.clone() else {
                continue;
            };
            let manufacturer = mac
                .and_then(|m| self.opts.oui.as_ref().and_then(|o| o.lookup(m)))
                .map(str::to_string);
            let known = self.opts.known.iter().find(|k| {
                mac.is_some_and(|m| k.macs.contains(&MacAddr(m)))
                    || ips.iter().any(|ip| k.ips.contains(ip))
            });
            let clinical = if known.is_some_and(|k| k.clinical) {
                Some("inventory".to_string())
            } else if acc.infusion_pump || known.is_some_and(|k| k.infusion_pump) {
                Some(
                    "infusion pump or pump gateway (receives IHE PCD-03 infusion orders)"
                        .to_string(),
                )
            } else if acc.roles.iter().any(|r| r.starts_with("dicom_")) {
                Some("speaks DICOM".to_string())
            } else if acc.roles.iter().any(|r| r.starts_with("hl7_")) {
                Some("speaks HL7".to_string())
            } else {
                manufacturer
                    .as_deref()
                    .filter(|m| is_medical_manufacturer(m))
                    .map(|m| format!("manufacturer {m}"))
            };
            let mut roles: Vec<String> = acc.roles.iter().map(|r| r.to_string()).collect();
            if known.is_some_and(|k| k.infusion_pump) && !acc.roles.contains("infusion_pump") {
                roles.push("infusion_pump".to_string());
                roles.sort();
            }
            let identifiers = acc
                .identifiers
                .iter()
                .flat_map(|(k, vs)| {
                    vs.iter().map(|v| Identifier {
                        kind: k.to_string(),
                        value: v.clone(),
                    })
                })
                .collect();
            out.push(DeviceObservation {
                mac: mac.map(MacAddr),
                ips,
                manufacturer,
                roles,
                identifiers,
                protocols: acc
                    .protocols
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                clinical,
                asset_id: known.map(|k| k.asset_id.clone()),
                first_seen: self.pref(&first),
                last_seen: acc.last_ts,
            });
        }
        out.sort_by(|a, b| (a.ips.first(), a.mac).cmp(&(b.ips.first(), b.mac)));
        out
    }

    /// Findings that need the whole picture: clinical devices reaching the internet, and
    /// hosts outside the inventory (or with no clinical role) talking to infusion pumps.
    fn contact_findings(&mut self, devices: &[DeviceObservation]) {
        let mut clinical: FxHashMap<IpAddr, String> = FxHashMap::default();
        let mut pumps: BTreeSet<IpAddr> = BTreeSet::new();
        let mut vouched: BTreeSet<IpAddr> = BTreeSet::new();
        let have_inventory = !self.opts.known.is_empty();
        for d in devices {
            for ip in &d.ips {
                if let Some(why) = &d.clinical {
                    clinical.insert(*ip, why.clone());
                }
                if d.roles.iter().any(|r| r == "infusion_pump") {
                    pumps.insert(*ip);
                }
                let known = if have_inventory {
                    d.asset_id.is_some()
                } else {
                    d.clinical.is_some()
                };
                if known {
                    vouched.insert(*ip);
                }
            }
        }
        let mut new = Vec::new();
        for (&(a, b), c) in &self.contacts {
            for (dev, other) in [(a, b), (b, a)] {
                if is_global(other)
                    && let Some(why) = clinical.get(&dev)
                {
                    let mut details = BTreeMap::new();
                    details.insert("clinical_because".to_string(), why.clone());
                    details.insert("ports".to_string(), join_ports(&c.ports));
                    new.push((
                        ("clinical_device_internet", dev, other, None),
                        "high",
                        format!(
                            "Clinical device {dev} exchanged traffic with internet host {other}"
                        ),
                        details,
                        c,
                    ));
                }
                if pumps.contains(&dev) && !pumps.contains(&other) && !vouched.contains(&other) {
                    let mut details = BTreeMap::new();
                    details.insert("ports".to_string(), join_ports(&c.ports));
                    details.insert(
                        "why_unknown".to_string(),
                        if have_inventory {
                            "not in the inventory".to_string()
                        } else {
                            "no clinical role seen (pass an inventory to check against it)"
                                .to_string()
                        },
                    );
                    new.push((
                        ("unknown_host_to_infusion_pump", other, dev, None),
                        "high",
                        format!("Unknown host {other} talked to infusion pump {dev}"),
                        details,
                        c,
                    ));
                }
            }
        }
        let accs: Vec<(FindingKey, FindingAcc)> = new
            .into_iter()
            .map(|(key, severity, summary, details, c)| {
                (
                    key,
                    FindingAcc {
                        severity,
                        summary,
                        details,
                        first: c.first.clone(),
                        last: c.last.clone(),
                        count: c.packets,
                        count_of: "packets",
                        flows: c.flows,
                    },
                )
            })
            .collect();
        self.findings.extend(accs);
    }
}

fn join_ports(p: &BTreeSet<u16>) -> String {
    p.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

struct Segment<'a> {
    sport: u16,
    dport: u16,
    seq: u32,
    syn: bool,
    ack: bool,
    fin: bool,
    rst: bool,
    payload: &'a [u8],
    claimed: usize,
}

fn add_identifier(h: &mut Host, kind: &'static str, value: String) {
    let set = h.identifiers.entry(kind).or_default();
    if set.len() < 16 {
        set.insert(value);
    }
}

/// Feeds one reassembled chunk to the flow's classifier or decoder. Returns whether this
/// direction still needs bytes.
fn feed(flow: &mut Flow, dir: usize, chunk: Chunk<'_>, events: &mut Vec<Event>) -> bool {
    if flow.protocol.is_some() {
        return flow.decoder.feed(dir, chunk, events);
    }
    match chunk {
        Chunk::Gap(_) => {
            // Lost bytes before the protocol was recognised: this direction's start is unknown.
            flow.verdict[dir] = Verdict::No;
            flow.head[dir].clear();
        }
        Chunk::Data(d) => {
            if flow.verdict[dir] != Verdict::More {
                return give_up(flow);
            }
            let room = dissect::CLASSIFY_BYTES - flow.head[dir].len();
            let take = d.len().min(room);
            flow.head[dir].extend_from_slice(&d[..take]);
            match dissect::classify(dir, &flow.head[dir]) {
                Verdict::Is(p) => {
                    flow.protocol = Some(p);
                    flow.decoder = Decoder::new(p);
                    let heads = std::mem::take(&mut flow.head);
                    // Whatever the other side sent first, then this side's bytes.
                    let other = 1 - dir;
                    let mut keep_other = true;
                    if !heads[other].is_empty() {
                        keep_other = flow.decoder.feed(other, Chunk::Data(&heads[other]), events);
                    }
                    let mut keep = flow.decoder.feed(dir, Chunk::Data(&heads[dir]), events);
                    if keep && take < d.len() {
                        keep = flow.decoder.feed(dir, Chunk::Data(&d[take..]), events);
                    }
                    if p == Protocol::Telnet {
                        events.push(Event::Telnet);
                    }
                    if !keep_other && let Some(s) = flow.streams.as_mut() {
                        s[other].ignore = true;
                    }
                    return keep;
                }
                Verdict::No => flow.verdict[dir] = Verdict::No,
                Verdict::More if flow.head[dir].len() >= dissect::CLASSIFY_BYTES => {
                    flow.verdict[dir] = Verdict::No
                }
                Verdict::More => {}
            }
        }
    }
    let other = 1 - dir;
    if flow.verdict[dir] == Verdict::No
        && (flow.verdict[other] == Verdict::No || flow.payload_packets > 16)
    {
        return give_up(flow);
    }
    true
}

/// Unrecognised: stop reassembling both directions.
fn give_up(flow: &mut Flow) -> bool {
    flow.head = [Vec::new(), Vec::new()];
    if let Some(s) = flow.streams.as_mut() {
        s[0].ignore = true;
        s[1].ignore = true;
    }
    false
}
