//! Real peers on loopback, captured with tcpdump inside the test, then compared with what
//! tshark's own dissectors say about the same capture.
//!
//! * DICOM: a pynetdicom SCP and SCU (association, C-ECHO, C-STORE of a small CT image,
//!   release) on an arbitrary port, not 104.
//! * HL7: the Python `hl7` package's MLLP client sending an IHE PCD-01 ORU^R01 with a PID
//!   segment, and a plain-socket MLLP server answering ACKs, on an arbitrary port.
//!
//! Needs tcpdump, tshark, python3 with pynetdicom and hl7 (`.ci/setup.d/netwatch.sh`) and
//! permission to capture on `lo`. When `CI` is unset and something is missing the test
//! says SKIPPED past the harness capture; when `CI` is set it must run. Every wait is
//! bounded.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use medvigil_netwatch::{Analyzer, Options, Report};

fn have(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `Some(())` when everything is there; otherwise skips (no CI) or panics (CI).
fn tools_or_skip(test: &str) -> Option<()> {
    let missing: Vec<&str> = [
        ("tcpdump", have("tcpdump", &["--version"])),
        ("tshark", have("tshark", &["-v"])),
        (
            "python3 with pynetdicom and hl7",
            have("python3", &["-c", "import pynetdicom, hl7"]),
        ),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| n)
    .collect();
    if missing.is_empty() {
        return Some(());
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: CI is set but these are missing: {missing:?} (see .ci/setup.d/netwatch.sh)"
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: missing {missing:?}; run .ci/setup.d/netwatch.sh"
    );
    None
}

/// One capture at a time: parallel tcpdumps on `lo` have been seen to miss packets.
static LO: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Capture {
    child: Child,
    path: PathBuf,
    /// tcpdump's stderr lines (its packet counts at exit help when a capture is short).
    log: mpsc::Receiver<String>,
}

impl Capture {
    /// Starts tcpdump on `lo` for one TCP port and waits until it listens.
    fn start(dir: &Path, port: u16) -> Capture {
        Capture::start_filter(dir, port, &format!("tcp port {port}"))
    }

    /// Starts tcpdump on `lo` with a capture filter and waits until it listens.
    fn start_filter(dir: &Path, port: u16, filter: &str) -> Capture {
        Capture::start_on(dir, port, filter, &["-i", "lo"])
    }

    /// Starts tcpdump with interface options (`-i any -y LINUX_SLL2`, ...).
    fn start_on(dir: &Path, port: u16, filter: &str, iface: &[&str]) -> Capture {
        let path = dir.join(format!("cap-{port}.pcap"));
        let mut child = Command::new("tcpdump")
            // --immediate-mode: hand each packet over at once instead of in TPACKET_V3
            // blocks, which a SIGINT could otherwise discard unread.
            .args(iface)
            .args(["--immediate-mode", "-B", "16384", "-U", "-s", "0", "-w"])
            .arg(&path)
            .arg(filter)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) if l.contains("listening on") => {
                    // tcpdump announces itself just before the socket filter is live.
                    std::thread::sleep(Duration::from_millis(500));
                    break;
                }
                Ok(_) => continue,
                Err(_) => {
                    let _ = child.kill();
                    panic!("tcpdump did not start listening on lo within 15 s");
                }
            }
        }
        Capture {
            child,
            path,
            log: rx,
        }
    }

    /// Stops tcpdump (SIGINT flushes the file) and returns the capture path.
    fn stop(mut self) -> PathBuf {
        // Let the last packets reach the file: wait until it stops growing (bounded).
        let size = || std::fs::metadata(&self.path).map_or(0, |m| m.len());
        let deadline = Instant::now() + Duration::from_secs(5);
        let (mut last, mut stable) = (size(), 0);
        while stable < 4 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(250));
            let now = size();
            stable = if now == last { stable + 1 } else { 0 };
            last = now;
        }
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        wait_bounded(&mut self.child, Duration::from_secs(10), "tcpdump");
        std::thread::sleep(Duration::from_millis(100));
        let log: Vec<String> = self.log.try_iter().collect();
        let _ = writeln!(
            std::io::stderr(),
            "tcpdump {}: {}",
            self.path.display(),
            log.join(" / ")
        );
        // A kernel drop makes the capture, not the analyser, incomplete: say so plainly.
        if let Some(l) = log.iter().find(|l| l.contains("dropped by kernel")) {
            assert!(
                l.starts_with("0 "),
                "tcpdump lost packets ({l}); the machine is overloaded, rerun"
            );
        }
        self.path.clone()
    }
}

fn wait_bounded(child: &mut Child, limit: Duration, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn python(script: &str, args: &[String]) {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let status = wait_bounded(&mut child, Duration::from_secs(60), "python peer");
    let mut err = String::new();
    let _ = std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err);
    assert!(status.success(), "python peer failed: {err}");
}

fn analyze(path: &Path) -> Report {
    let mut a = Analyzer::new(Options::default());
    a.read_file(path).expect("capture readable");
    a.finish()
}

fn tshark(path: &Path, decode_as: &str, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(path).args([
        "-d",
        decode_as,
        "-Y",
        filter,
        "-T",
        "fields",
        "-E",
        "separator=\t",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=;",
    ]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark runs");
    assert!(
        out.status.success(),
        "tshark: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

const DICOM_PEERS: &str = r#"
import sys, threading
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import Verification, CTImageStorage

port = int(sys.argv[1])
scp = AE(ae_title="MEDVIGIL_SCP")
scp.add_supported_context(Verification)
scp.add_supported_context(CTImageStorage, ExplicitVRLittleEndian)
def on_store(event):
    return 0x0000
server = scp.start_server(("127.0.0.1", port), block=False, evt_handlers=[(evt.EVT_C_STORE, on_store)])
try:
    scu = AE(ae_title="MEDVIGIL_SCU")
    scu.add_requested_context(Verification)
    scu.add_requested_context(CTImageStorage, ExplicitVRLittleEndian)
    assoc = scu.associate("127.0.0.1", port, ae_title="MEDVIGIL_SCP")
    assert assoc.is_established, "association failed"
    assert assoc.send_c_echo().Status == 0
    ds = Dataset()
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = generate_uid()
    ds.PatientName = "Synthetic^Test"
    ds.PatientID = "TEST-0001"
    ds.Modality = "CT"
    ds.Rows = 64
    ds.Columns = 64
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = bytes(64 * 64 * 2)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    assert assoc.send_c_store(ds).Status == 0
    assoc.release()
finally:
    server.shutdown()
"#;

#[test]
fn dicom_pynetdicom_on_loopback_is_fully_recovered() {
    let test = "dicom_pynetdicom_on_loopback_is_fully_recovered";
    if tools_or_skip(test).is_none() {
        return;
    }
    let _lo = LO.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let port = free_port();
    let cap = Capture::start(&dir, port);
    python(DICOM_PEERS, &[port.to_string()]);
    let path = cap.stop();
    let r = analyze(&path);
    assert_eq!(r.errors.total, 0, "{:?}", r.errors);
    assert_eq!(r.dicom_associations.len(), 1, "{:#?}", r.dicom_associations);
    let a = &r.dicom_associations[0];
    assert_eq!(a.calling_ae, "MEDVIGIL_SCU");
    assert_eq!(a.called_ae, "MEDVIGIL_SCP");
    assert_eq!(a.port, port);
    assert_eq!(a.result, "accepted");
    assert_eq!(a.accepted_contexts, 2);
    assert_eq!(
        a.abstract_syntaxes,
        ["1.2.840.10008.1.1", "1.2.840.10008.5.1.4.1.1.2"]
    );
    for c in ["C-ECHO-RQ", "C-ECHO-RSP", "C-STORE-RQ", "C-STORE-RSP"] {
        assert_eq!(a.commands.get(c), Some(&1), "{c}: {:?}", a.commands);
    }
    // Roles: the requestor is the SCU, the acceptor the SCP (same host on loopback).
    let dev = &r.devices[0];
    assert!(
        dev.roles.contains(&"dicom_scu".to_string())
            && dev.roles.contains(&"dicom_scp".to_string())
    );
    assert_eq!(r.flows.by_protocol.get("dicom"), Some(&1));
    // Field by field against tshark's DICOM dissector.
    let decode = format!("tcp.port=={port},dicom");
    let rq = tshark(
        &path,
        &decode,
        "dicom.pdu.type == 1",
        &[
            "dicom.assoc.ae.calling",
            "dicom.assoc.ae.called",
            "dicom.userinfo.uid",
            "dicom.userinfo.version",
            "dicom.pctx.abss.syntax",
            "frame.number",
        ],
    );
    assert_eq!(rq.len(), 1, "tshark A-ASSOCIATE-RQ rows: {rq:?}");
    let row = &rq[0];
    assert_eq!(row[0].trim(), a.calling_ae);
    assert_eq!(row[1].trim(), a.called_ae);
    assert_eq!(Some(row[2].trim()), a.implementation_class_uid.as_deref());
    assert_eq!(Some(row[3].trim()), a.implementation_version.as_deref());
    // tshark prints "CT Image Storage (1.2.840.10008.5.1.4.1.1.2)": keep the UID.
    let syntaxes: Vec<&str> = row[4]
        .split(';')
        .map(|s| {
            s.rsplit_once('(')
                .map_or(s, |x| x.1)
                .trim_end_matches(')')
                .trim()
        })
        .collect();
    assert_eq!(syntaxes, a.abstract_syntaxes);
    assert_eq!(row[5].parse::<u64>().unwrap(), a.request.frame);
    let ac = tshark(
        &path,
        &decode,
        "dicom.pdu.type == 2",
        &["dicom.pctx.result"],
    );
    assert_eq!(ac.len(), 1);
    // tshark prints each presentation-context result as 0x00 (acceptance) .. 0x04.
    let accepted = ac[0][0]
        .split(';')
        .filter(|r| matches!(r.trim(), "0" | "0x00"))
        .count();
    assert_eq!(accepted as u32, a.accepted_contexts);
}

const HL7_PEERS: &str = r#"
import sys, socket, threading
import hl7
from hl7.client import MLLPClient

port = int(sys.argv[1])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
def serve():
    conn, _ = srv.accept()
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            break
        buf += data
        while b"\x1c\r" in buf:
            msg, buf = buf.split(b"\x1c\r", 1)
            msh = msg.lstrip(b"\x0b").split(b"\r")[0].split(b"|")
            ack = b"MSH|^~\\&|EMR|HOSP|" + msh[2] + b"|" + msh[3] + b"|20240101000000||ACK^R01|A" + msh[9] + b"|P|2.6\rMSA|AA|" + msh[9] + b"\r"
            conn.sendall(b"\x0b" + ack + b"\x1c\r")
    conn.close()
t = threading.Thread(target=serve)
t.start()
msgs = [
    "MSH|^~\\&|PAT_DEVICE_MONITOR^0012345678ABCDEF^EUI-64|ICU|EMR|HOSP|20240101120000||ORU^R01^ORU_R01|MSG%04d|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\rPID|||SYN%04d^^^HOSP^MR||Synthetic^Patient||19700101|F\rOBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|98|262688^MDC_DIM_PERCENT^MDC|||||R\r" % (i, i)
    for i in range(5)
]
with MLLPClient("127.0.0.1", port) as client:
    for m in msgs:
        client.send_message(m)
t.join(10)
srv.close()
"#;

#[test]
fn hl7_mllp_on_loopback_is_fully_recovered() {
    let test = "hl7_mllp_on_loopback_is_fully_recovered";
    if tools_or_skip(test).is_none() {
        return;
    }
    let _lo = LO.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let port = free_port();
    let cap = Capture::start(&dir, port);
    python(HL7_PEERS, &[port.to_string()]);
    let path = cap.stop();
    let r = analyze(&path);
    assert_eq!(r.errors.total, 0, "{:?}", r.errors);
    let conv = &r.hl7_conversations;
    assert_eq!(conv.len(), 2, "{conv:#?}");
    let oru = conv.iter().find(|c| c.message_type == "ORU^R01").unwrap();
    assert_eq!(oru.messages, 5);
    assert_eq!(oru.with_patient_data, 5);
    assert_eq!(oru.ihe_profile, Some("PCD-01"));
    assert_eq!(oru.port, port);
    let ack = conv.iter().find(|c| c.message_type == "ACK^R01").unwrap();
    assert_eq!(ack.messages, 5);
    assert_eq!(ack.with_patient_data, 0);
    let phi = r
        .findings
        .iter()
        .find(|f| f.kind == "patient_data_in_clear")
        .unwrap();
    assert_eq!(phi.evidence.count, 5);
    assert!(phi.details["data"].contains("patient name (PID-5)"));
    // No patient data anywhere in the output.
    let json = serde_json::to_string(&r).unwrap();
    for secret in ["Synthetic", "SYN0001", "19700101"] {
        assert!(!json.contains(secret), "{secret} leaked into the report");
    }
    // MSH fields and message types against tshark's HL7 dissector. tshark lists only
    // non-empty fields, so [2..6] are MSH-3..MSH-6 here (all four are filled).
    let rows = tshark(
        &path,
        &format!("tcp.port=={port},hl7"),
        "hl7",
        &["hl7.message.type", "hl7.event.type", "hl7.field"],
    );
    assert_eq!(rows.len(), 10, "{rows:?}");
    let oru_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "ORU").collect();
    assert_eq!(oru_rows.len() as u64, oru.messages);
    assert_eq!(
        rows.iter().filter(|r| r[0] == "ACK").count() as u64,
        ack.messages
    );
    for r in oru_rows {
        assert_eq!(format!("{}^{}", r[0], r[1]), oru.message_type);
        let f: Vec<&str> = r[2].split(';').collect();
        assert_eq!(f[2], oru.sending_application);
        assert_eq!(f[3], oru.sending_facility);
        assert_eq!(f[4], oru.receiving_application);
        assert_eq!(f[5], oru.receiving_facility);
    }
}

const HTTP_TLS_PEERS: &str = r#"
import sys, socket, ssl, threading, urllib.request
from http.server import HTTPServer, SimpleHTTPRequestHandler

http_port, tls_port = int(sys.argv[1]), int(sys.argv[2])
class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
httpd = HTTPServer(("127.0.0.1", http_port), Quiet)
threading.Thread(target=httpd.handle_request).start()
req = urllib.request.Request("http://127.0.0.1:%d/status" % http_port, headers={"User-Agent": "InfusionGateway/4.2 (medvigil-test)"})
assert urllib.request.urlopen(req, timeout=10).read() == b"ok"
httpd.server_close()

# A TLS client against a server that never answers the handshake: the ClientHello is
# all we need on the wire.
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", tls_port))
srv.listen(1)
def sink():
    conn, _ = srv.accept()
    conn.recv(65536)
    conn.close()
t = threading.Thread(target=sink)
t.start()
ctx = ssl.create_default_context()
raw = socket.create_connection(("127.0.0.1", tls_port), timeout=10)
try:
    ctx.wrap_socket(raw, server_hostname="pacs.hospital.example")
except (ssl.SSLError, OSError):
    pass
t.join(10)
srv.close()
"#;

#[test]
fn http_and_tls_client_hello_on_loopback_agree_with_tshark() {
    let test = "http_and_tls_client_hello_on_loopback_agree_with_tshark";
    if tools_or_skip(test).is_none() {
        return;
    }
    let _lo = LO.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let (hp, tp) = (free_port(), free_port());
    let cap = Capture::start_filter(&dir, hp, &format!("tcp port {hp} or tcp port {tp}"));
    python(HTTP_TLS_PEERS, &[hp.to_string(), tp.to_string()]);
    let path = cap.stop();
    let r = analyze(&path);
    assert_eq!(r.flows.by_protocol.get("http"), Some(&1), "{:?}", r.flows);
    assert_eq!(r.flows.by_protocol.get("tls"), Some(&1), "{:?}", r.flows);
    let ids: Vec<(String, String)> = r
        .devices
        .iter()
        .flat_map(|d| {
            d.identifiers
                .iter()
                .map(|i| (i.kind.clone(), i.value.clone()))
        })
        .collect();
    let get = |k: &str| -> Vec<String> {
        ids.iter()
            .filter(|(kind, _)| kind == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(
        get("http_user_agent"),
        ["InfusionGateway/4.2 (medvigil-test)"]
    );
    assert_eq!(get("tls_sni_requested"), ["pacs.hospital.example"]);
    let http = tshark(
        &path,
        &format!("tcp.port=={hp},http"),
        "http",
        &["http.user_agent", "http.server"],
    );
    let ua: Vec<&str> = http
        .iter()
        .map(|r| r[0].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let server: Vec<&str> = http
        .iter()
        .map(|r| r[1].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(ua, get("http_user_agent"));
    assert_eq!(server, get("http_server"));
    let tls = tshark(
        &path,
        &format!("tcp.port=={tp},tls"),
        "tls.handshake.type == 1",
        &[
            "tls.handshake.extensions_server_name",
            "tls.handshake.extensions.supported_version",
        ],
    );
    assert_eq!(tls.len(), 1, "{tls:?}");
    assert_eq!(tls[0][0], "pacs.hospital.example");
    // tshark: 0x0304;0x0303 (GREASE-free from Python's OpenSSL); ours: "TLS 1.3, TLS 1.2".
    let names: Vec<&str> = tls[0][1]
        .split(';')
        .filter_map(|v| match v.trim() {
            "0x0304" => Some("TLS 1.3"),
            "0x0303" => Some("TLS 1.2"),
            "0x0302" => Some("TLS 1.1"),
            "0x0301" => Some("TLS 1.0"),
            _ => None,
        })
        .collect();
    assert_eq!(get("tls_versions_offered"), [names.join(", ")]);
}

/// Linux cooked captures (`tcpdump -i any`, SLL and SLL2 link layers) and the same
/// capture converted to pcapng by editcap give the same HL7 results as Ethernet on `lo`.
#[test]
fn cooked_link_layers_and_pcapng_give_the_same_hl7() {
    let test = "cooked_link_layers_and_pcapng_give_the_same_hl7";
    if tools_or_skip(test).is_none() || !editcap_or_skip(test) {
        return;
    }
    let _lo = LO.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    for link in ["LINUX_SLL", "LINUX_SLL2"] {
        let port = free_port();
        let cap = Capture::start_on(
            &dir,
            port,
            &format!("tcp port {port}"),
            &["-i", "any", "-y", link],
        );
        python(HL7_PEERS, &[port.to_string()]);
        let path = cap.stop();
        let ng = dir.join(format!("cap-{port}.pcapng"));
        let st = Command::new("editcap")
            .args(["-F", "pcapng"])
            .arg(&path)
            .arg(&ng)
            .status()
            .unwrap();
        assert!(st.success());
        for p in [&path, &ng] {
            let r = analyze(p);
            assert_eq!(r.errors.total, 0, "{link} {}: {:?}", p.display(), r.errors);
            let oru = r
                .hl7_conversations
                .iter()
                .find(|c| c.message_type == "ORU^R01")
                .unwrap_or_else(|| panic!("{link} {}: no ORU^R01", p.display()));
            assert_eq!(oru.messages, 5, "{link} {}", p.display());
            assert_eq!(oru.with_patient_data, 5);
            assert_eq!(oru.ihe_profile, Some("PCD-01"));
        }
    }
}

fn editcap_or_skip(test: &str) -> bool {
    if have("editcap", &["-h"]) {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test}: CI is set but editcap (wireshark-common) is missing");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: editcap missing");
    false
}

/// A scratch directory removed when the test ends (pass or fail).
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    let d = std::env::temp_dir().join(format!(
        "medvigil-netwatch-live-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}
