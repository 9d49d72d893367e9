//! The guard's TOML configuration: where to listen, where the pump gateway is, who may
//! send what, and the drug library.
//!
//! Parsing is strict: unknown keys are errors (a misspelt `hard_max` must not silently
//! leave a drug without a limit) and every error names the file, line and column.
//! Relative paths are taken from the configuration file's folder.

use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::units::{Concentration, Unit, parse_unit};

/// A configuration problem, with its place in the file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line (0 when the problem is not tied to a place, e.g. unreadable file).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

/// When the audit log is flushed to stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FsyncPolicy {
    /// fsync before any decision takes effect (records are written in groups, so
    /// concurrent connections share one fsync). Survives power loss.
    #[default]
    Always,
    /// Written to the OS before the decision takes effect; fsync at most every 100 ms.
    /// Survives a guard crash; a power cut may lose the last 100 ms.
    Interval,
    /// Written to the OS before the decision takes effect; the OS flushes when it
    /// likes.
    Never,
}

/// TLS settings for the listening side.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// PEM certificate chain presented to senders.
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// PEM CA certificates that sign sender (client) certificates.
    pub client_ca: Option<PathBuf>,
    /// Refuse senders without a valid client certificate (mutual TLS).
    pub require_client_cert: bool,
}

/// TLS settings towards the pump gateway.
#[derive(Debug, Clone)]
pub struct UpstreamTls {
    /// PEM CA certificates that sign the gateway's certificate.
    pub ca: PathBuf,
    /// The name the gateway's certificate must carry (default: the upstream host).
    pub server_name: String,
    /// The guard's own client certificate and key (PEM), when the gateway asks for one.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

/// Sizes, rates and timeouts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest HL7 message accepted, in bytes (default 65,536).
    #[serde(default = "defaults::max_message_bytes")]
    pub max_message_bytes: usize,
    /// Messages each sender may send per minute (default 120).
    #[serde(default = "defaults::max_messages_per_minute")]
    pub max_messages_per_minute: u32,
    /// Oldest ORC-9 (time the clinician started the program) accepted (default 600).
    #[serde(default = "defaults::stale_order_seconds")]
    pub stale_order_seconds: u64,
    /// A connection that completes no message for this long is closed (default 300).
    #[serde(default = "defaults::idle_timeout_seconds")]
    pub idle_timeout_seconds: u64,
    /// How long to wait for the pump gateway to connect and answer (default 10).
    #[serde(default = "defaults::upstream_timeout_seconds")]
    pub upstream_timeout_seconds: u64,
    /// Concurrent sender connections; more are closed at once (default 4,096).
    #[serde(default = "defaults::max_connections")]
    pub max_connections: usize,
    /// How far in the future ORC-9 may be, for clock drift (default 300).
    #[serde(default = "defaults::max_clock_skew_seconds")]
    pub max_clock_skew_seconds: u64,
    /// UTC offset assumed for ORC-9 without one, e.g. "-0600". Without this setting a
    /// timestamp lacking an offset is rejected: its age would be a guess.
    #[serde(default, deserialize_with = "de_offset")]
    pub default_utc_offset: Option<i64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: defaults::max_message_bytes(),
            max_messages_per_minute: defaults::max_messages_per_minute(),
            stale_order_seconds: defaults::stale_order_seconds(),
            idle_timeout_seconds: defaults::idle_timeout_seconds(),
            upstream_timeout_seconds: defaults::upstream_timeout_seconds(),
            max_connections: defaults::max_connections(),
            max_clock_skew_seconds: defaults::max_clock_skew_seconds(),
            default_utc_offset: None,
        }
    }
}

mod defaults {
    pub fn max_message_bytes() -> usize {
        65_536
    }
    pub fn max_messages_per_minute() -> u32 {
        120
    }
    pub fn stale_order_seconds() -> u64 {
        600
    }
    pub fn idle_timeout_seconds() -> u64 {
        300
    }
    pub fn upstream_timeout_seconds() -> u64 {
        10
    }
    pub fn max_connections() -> usize {
        4096
    }
    pub fn max_clock_skew_seconds() -> u64 {
        300
    }
}

/// A sending system (BCMA, EHR) and what it may send.
#[derive(Debug, Clone)]
pub struct Sender {
    /// Name used in the audit log and rate limits.
    pub name: String,
    /// Networks its connections come from.
    pub networks: Vec<ipnet::IpNet>,
    /// Required TLS client certificate subject: the full subject as printed by
    /// `openssl x509 -subject` in RFC 4514 style (`CN=bcma,O=Hospital`), or just
    /// `CN=<common name>`.
    pub client_cert_subject: Option<String>,
    /// Message types it may send, as MSH-9 `CODE^TRIGGER` (e.g. `RGV^O15`).
    pub message_types: Vec<String>,
}

/// One drug-library entry.
#[derive(Debug, Clone)]
pub struct Drug {
    /// The code senders put in RXG-4.1.
    pub code: String,
    /// Human-readable name.
    pub name: String,
    /// Care areas (PV1-3.1) this entry applies to; empty: all care areas without an
    /// entry of their own.
    pub care_areas: Vec<String>,
    /// The unit of the limits below.
    pub dose_unit: Unit,
    /// Hard minimum: below is rejected.
    pub hard_min: f64,
    /// Hard maximum: above is rejected.
    pub hard_max: f64,
    /// Soft minimum: below is forwarded with a warning.
    pub soft_min: Option<f64>,
    /// Soft maximum: above is forwarded with a warning.
    pub soft_max: Option<f64>,
    /// Largest volume to be infused (RXG-5), mL.
    pub max_vtbi_ml: f64,
    /// Allowed concentrations; empty: any.
    pub concentrations: Vec<Concentration>,
}

/// The whole configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the guard listens on.
    pub listen: SocketAddr,
    /// The pump gateway, `host:port`.
    pub upstream: String,
    /// The hash-chained JSON-lines audit log.
    pub audit_log: PathBuf,
    /// When the audit log reaches the disk.
    pub audit_fsync: FsyncPolicy,
    /// TLS on the listening side; `None`: plain TCP.
    pub tls: Option<TlsConfig>,
    /// TLS towards the pump gateway; `None`: plain TCP.
    pub upstream_tls: Option<UpstreamTls>,
    /// Sizes, rates, timeouts.
    pub limits: Limits,
    /// Allowed senders.
    pub senders: Vec<Sender>,
    /// The drug library.
    pub drugs: Vec<Drug>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Spanned<String>,
    upstream: Spanned<String>,
    audit_log: PathBuf,
    #[serde(default)]
    audit_fsync: FsyncPolicy,
    tls: Option<RawTls>,
    upstream_tls: Option<RawUpstreamTls>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    senders: Vec<Spanned<RawSender>>,
    #[serde(default)]
    drugs: Vec<Spanned<RawDrug>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpstreamTls {
    ca: PathBuf,
    server_name: Option<String>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert: PathBuf,
    key: PathBuf,
    client_ca: Option<PathBuf>,
    #[serde(default)]
    require_client_cert: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSender {
    name: String,
    networks: Vec<Network>,
    client_cert_subject: Option<String>,
    message_types: Vec<MessageType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrug {
    code: String,
    name: String,
    #[serde(default)]
    care_areas: Vec<String>,
    dose_unit: DoseUnit,
    hard_min: f64,
    hard_max: f64,
    soft_min: Option<f64>,
    soft_max: Option<f64>,
    max_vtbi_ml: f64,
    #[serde(default)]
    concentrations: Vec<Conc>,
}

/// A CIDR network or a single address, checked while parsing so the error has a place.
struct Network(ipnet::IpNet);

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if let Ok(n) = s.parse::<ipnet::IpNet>() {
            return Ok(Network(n.trunc()));
        }
        match s.parse::<IpAddr>() {
            Ok(ip) => Ok(Network(ipnet::IpNet::from(ip))),
            Err(_) => Err(serde::de::Error::custom(format!(
                "invalid network {s:?}: expected a CIDR such as \"10.20.0.0/16\" or an address"
            ))),
        }
    }
}

struct MessageType(String);

impl<'de> Deserialize<'de> for MessageType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let parts: Vec<&str> = s.split('^').collect();
        let ok = (parts.len() == 2 || parts.len() == 3)
            && parts[..2]
                .iter()
                .all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !ok {
            return Err(serde::de::Error::custom(format!(
                "invalid message type {s:?}: expected MSH-9 as CODE^TRIGGER, e.g. \"RGV^O15\""
            )));
        }
        Ok(MessageType(format!("{}^{}", parts[0], parts[1])))
    }
}

struct DoseUnit(Unit);

impl<'de> Deserialize<'de> for DoseUnit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match parse_unit(&s) {
            Some(u) if u.is_rate() => Ok(DoseUnit(u)),
            _ => Err(serde::de::Error::custom(format!(
                "invalid dose_unit {s:?}: expected a rate such as \"mL/h\", \"ug/kg/min\", \
                 \"units/h\", \"mg/kg/h\""
            ))),
        }
    }
}

struct Conc(Concentration);

impl<'de> Deserialize<'de> for Conc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map(Conc).map_err(serde::de::Error::custom)
    }
}

fn de_offset<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s = String::deserialize(d)?;
    crate::time::parse_offset(&s).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "invalid default_utc_offset {s:?}: expected +HHMM or -HHMM, e.g. \"-0600\""
        ))
    })
}

impl Config {
    /// Reads and validates the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration: {e}"),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::from_toml(&text, path, base)
    }

    /// Parses configuration text; `path` is used in errors, relative paths are taken
    /// from `base`.
    pub fn from_toml(text: &str, path: &Path, base: &Path) -> Result<Config, ConfigError> {
        let at = |span: Option<Range<usize>>, message: String| {
            let (line, column) = span.map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_string()))?;
        let listen = raw.listen.get_ref().parse::<SocketAddr>().map_err(|_| {
            at(
                Some(raw.listen.span()),
                format!(
                    "invalid listen address {:?}: expected IP:PORT, e.g. \"0.0.0.0:2575\"",
                    raw.listen.get_ref()
                ),
            )
        })?;
        let up = raw.upstream.get_ref();
        let port_ok = up
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
        if !port_ok {
            return Err(at(
                Some(raw.upstream.span()),
                format!("invalid upstream {up:?}: expected HOST:PORT, e.g. \"10.1.2.3:3000\""),
            ));
        }
        let resolve = |p: PathBuf| if p.is_relative() { base.join(p) } else { p };
        let tls = raw.tls.map(|t| TlsConfig {
            cert: resolve(t.cert),
            key: resolve(t.key),
            client_ca: t.client_ca.map(resolve),
            require_client_cert: t.require_client_cert,
        });
        if let Some(t) = &tls
            && t.require_client_cert
            && t.client_ca.is_none()
        {
            return Err(at(
                None,
                "[tls] require_client_cert = true needs client_ca (the CA that signs sender certificates)".into(),
            ));
        }
        let upstream_host = up
            .rsplit_once(':')
            .map(|(h, _)| h.trim_matches(['[', ']']))
            .unwrap_or(up);
        let upstream_tls = match raw.upstream_tls {
            None => None,
            Some(t) => {
                let client_cert = match (t.cert, t.key) {
                    (Some(c), Some(k)) => Some((resolve(c), resolve(k))),
                    (None, None) => None,
                    _ => {
                        return Err(at(
                            None,
                            "[upstream_tls] needs both cert and key, or neither".into(),
                        ));
                    }
                };
                Some(UpstreamTls {
                    ca: resolve(t.ca),
                    server_name: t.server_name.unwrap_or_else(|| upstream_host.to_string()),
                    client_cert,
                })
            }
        };
        let l = &raw.limits;
        if l.max_message_bytes < 64 || l.max_message_bytes > 64 * 1024 * 1024 {
            return Err(at(
                None,
                "[limits] max_message_bytes must be between 64 and 67108864".into(),
            ));
        }
        if l.max_messages_per_minute == 0
            || l.idle_timeout_seconds == 0
            || l.upstream_timeout_seconds == 0
            || l.max_connections == 0
        {
            return Err(at(
                None,
                "[limits] max_messages_per_minute, idle_timeout_seconds, upstream_timeout_seconds and max_connections must be above 0".into(),
            ));
        }
        let mut senders: Vec<Sender> = Vec::new();
        for s in raw.senders {
            let span = s.span();
            let s = s.into_inner();
            if s.name.trim().is_empty() {
                return Err(at(Some(span), "sender name is empty".into()));
            }
            if senders.iter().any(|o| o.name == s.name) {
                return Err(at(
                    Some(span),
                    format!("sender {:?} is defined twice", s.name),
                ));
            }
            if s.networks.is_empty() {
                return Err(at(
                    Some(span),
                    format!("sender {:?} has no networks", s.name),
                ));
            }
            if s.message_types.is_empty() {
                return Err(at(
                    Some(span),
                    format!("sender {:?} has no message_types", s.name),
                ));
            }
            senders.push(Sender {
                name: s.name,
                networks: s.networks.into_iter().map(|n| n.0).collect(),
                client_cert_subject: s.client_cert_subject,
                message_types: s.message_types.into_iter().map(|m| m.0).collect(),
            });
        }
        let mut drugs: Vec<Drug> = Vec::new();
        for d in raw.drugs {
            let span = d.span();
            let d = d.into_inner();
            let name = format!("drug {:?} ({})", d.code, d.name);
            let fail = |m: String| Err(at(Some(span.clone()), format!("{name}: {m}")));
            if d.code.trim().is_empty() {
                return fail("code is empty".into());
            }
            let nums = [
                Some(d.hard_min),
                Some(d.hard_max),
                d.soft_min,
                d.soft_max,
                Some(d.max_vtbi_ml),
            ];
            if nums.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
                return fail("limits must be finite and not negative".into());
            }
            if d.hard_min > d.hard_max {
                return fail(format!(
                    "hard_min {} is above hard_max {}",
                    d.hard_min, d.hard_max
                ));
            }
            for (what, v) in [("soft_min", d.soft_min), ("soft_max", d.soft_max)] {
                if let Some(v) = v
                    && (v < d.hard_min || v > d.hard_max)
                {
                    return fail(format!(
                        "{what} {v} is outside hard_min..hard_max ({}..{})",
                        d.hard_min, d.hard_max
                    ));
                }
            }
            if let (Some(lo), Some(hi)) = (d.soft_min, d.soft_max)
                && lo > hi
            {
                return fail(format!("soft_min {lo} is above soft_max {hi}"));
            }
            if d.max_vtbi_ml <= 0.0 {
                return fail("max_vtbi_ml must be above 0".into());
            }
            let overlaps = drugs.iter().any(|o| {
                o.code == d.code
                    && (o.care_areas.is_empty() && d.care_areas.is_empty()
                        || o.care_areas.iter().any(|a| d.care_areas.contains(a)))
            });
            if overlaps {
                return fail("another entry with this code covers the same care areas".into());
            }
            drugs.push(Drug {
                code: d.code,
                name: d.name,
                care_areas: d.care_areas,
                dose_unit: d.dose_unit.0,
                hard_min: d.hard_min,
                hard_max: d.hard_max,
                soft_min: d.soft_min,
                soft_max: d.soft_max,
                max_vtbi_ml: d.max_vtbi_ml,
                concentrations: d.concentrations.into_iter().map(|c| c.0).collect(),
            });
        }
        Ok(Config {
            listen,
            upstream: raw.upstream.into_inner(),
            audit_log: resolve(raw.audit_log),
            audit_fsync: raw.audit_fsync,
            tls,
            upstream_tls,
            limits: raw.limits,
            senders,
            drugs,
        })
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
listen = "127.0.0.1:2575"
upstream = "127.0.0.1:3000"
audit_log = "audit.jsonl"

[[senders]]
name = "bcma"
networks = ["10.0.0.0/8", "127.0.0.1"]
message_types = ["RGV^O15"]

[[drugs]]
code = "1234"
name = "Dopamine"
dose_unit = "mcg/kg/min"
hard_min = 1
hard_max = 20
soft_max = 15
max_vtbi_ml = 500
concentrations = ["400 mg/250 mL"]
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(text, Path::new("guard.toml"), Path::new("/etc/medvigil"))
    }

    #[test]
    fn minimal_config_with_defaults() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.listen.port(), 2575);
        assert_eq!(c.audit_log, Path::new("/etc/medvigil/audit.jsonl"));
        assert_eq!(c.audit_fsync, FsyncPolicy::Always);
        assert_eq!(c.limits.max_message_bytes, 65_536);
        assert_eq!(c.senders[0].networks.len(), 2);
        assert_eq!(c.drugs[0].dose_unit.to_string(), "ug/kg/min");
        assert_eq!(c.drugs[0].concentrations.len(), 1);
    }

    fn error_of(text: &str) -> ConfigError {
        parse(text).expect_err("should be rejected")
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_line() {
        let e = error_of(&MINIMAL.replace("soft_max = 15", "sofft_max = 15"));
        assert_eq!(e.line, 17, "{e}");
        assert!(e.message.contains("sofft_max"), "{e}");

        let e = error_of(&MINIMAL.replace("10.0.0.0/8", "10.0.0.0/33"));
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("invalid network"), "{e}");

        let e = error_of(&MINIMAL.replace("mcg/kg/min", "furlongs"));
        assert_eq!(e.line, 14, "{e}");

        let e = error_of(&MINIMAL.replace("hard_max = 20", "hard_max = 0.5"));
        assert!(
            e.message.contains("hard_min 1 is above hard_max 0.5"),
            "{e}"
        );
        assert_eq!(e.line, 11, "{e}");

        let e = error_of(&MINIMAL.replace("soft_max = 15", "soft_max = 25"));
        assert!(e.message.contains("soft_max 25 is outside"), "{e}");

        let e = error_of(&MINIMAL.replace("127.0.0.1:2575", "localhost"));
        assert_eq!((e.line, e.column), (2, 10), "{e}");

        let e = error_of(&MINIMAL.replace("RGV^O15", "RGV-O15"));
        assert!(e.message.contains("CODE^TRIGGER"), "{e}");

        let e = error_of(&MINIMAL.replace("400 mg/250 mL", "400 mg"));
        assert!(e.message.contains("invalid concentration"), "{e}");

        let e = error_of(&format!(
            "{MINIMAL}\n[limits]\nmax_message_bytes = \"big\"\n"
        ));
        assert_eq!(e.line, 22, "{e}");
        assert!(e.to_string().starts_with("guard.toml:22:"), "{e}");

        let e = error_of(&format!(
            "{MINIMAL}\n[tls]\ncert = \"c.pem\"\nkey = \"k.pem\"\nrequire_client_cert = true\n"
        ));
        assert!(e.message.contains("client_ca"), "{e}");

        let e = error_of(&format!(
            "{MINIMAL}\n[upstream_tls]\nca = \"ca.pem\"\ncert = \"c.pem\"\n"
        ));
        assert!(e.message.contains("both cert and key"), "{e}");
        let c = parse(&format!("{MINIMAL}\n[upstream_tls]\nca = \"ca.pem\"\n")).unwrap();
        let t = c.upstream_tls.unwrap();
        assert_eq!(
            (t.server_name.as_str(), t.ca.as_path()),
            ("127.0.0.1", Path::new("/etc/medvigil/ca.pem"))
        );

        let twice = format!(
            "{MINIMAL}\n[[drugs]]\ncode = \"1234\"\nname = \"Dopa\"\ndose_unit = \"mL/h\"\nhard_min = 0\nhard_max = 5\nmax_vtbi_ml = 5\n"
        );
        assert!(error_of(&twice).message.contains("same care areas"));
    }
}
