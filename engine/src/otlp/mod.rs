//! Spans in the OpenTelemetry formats real systems export: the OTLP JSON of
//! the OpenTelemetry Collector's file exporter (`write`, `read`) and the JSON
//! of Jaeger's API and UI download (`jaeger`).
//!
//! The types here are a plain span list, free of the simulator's internals,
//! so the simulator, the live emulator and calibration share one writer and
//! one reader.

pub mod jaeger;
pub mod read;
pub mod registry;
pub mod write;

use std::fmt::Write as _;

/// What a span stands for (OTLP `SpanKind`, written as its integer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpanKind {
    /// Not said (0).
    #[default]
    Unspecified,
    /// Work inside a process (1).
    Internal,
    /// Handling a request from a remote caller (2).
    Server,
    /// A request to a remote service (3).
    Client,
    /// Sending a message to a broker (4).
    Producer,
    /// Handling a message from a broker (5).
    Consumer,
}

impl SpanKind {
    /// The OTLP integer.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Unspecified => 0,
            Self::Internal => 1,
            Self::Server => 2,
            Self::Client => 3,
            Self::Producer => 4,
            Self::Consumer => 5,
        }
    }

    /// From the OTLP integer (unknown values are unspecified).
    #[must_use]
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::Internal,
            2 => Self::Server,
            3 => Self::Client,
            4 => Self::Producer,
            5 => Self::Consumer,
            _ => Self::Unspecified,
        }
    }

    /// From a name: `SPAN_KIND_SERVER` (proto enum name) or `server` (Jaeger's `span.kind` tag).
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        let n = name.trim_start_matches("SPAN_KIND_").to_ascii_lowercase();
        match n.as_str() {
            "internal" => Self::Internal,
            "server" => Self::Server,
            "client" => Self::Client,
            "producer" => Self::Producer,
            "consumer" => Self::Consumer,
            _ => Self::Unspecified,
        }
    }
}

/// An attribute value.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrValue {
    /// `stringValue`.
    Str(String),
    /// `intValue` (a decimal string in OTLP JSON).
    Int(i64),
    /// `doubleValue`.
    Double(f64),
    /// `boolValue`.
    Bool(bool),
}

impl AttrValue {
    /// The value as text, when it is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One span.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// 16-byte trace id (hex in files).
    pub trace_id: [u8; 16],
    /// 8-byte span id.
    pub span_id: [u8; 8],
    /// Parent span id; absent for a root.
    pub parent_span_id: Option<[u8; 8]>,
    /// Span name (an operation, `GET /cart`).
    pub name: String,
    /// Kind.
    pub kind: SpanKind,
    /// Start, nanoseconds since the Unix epoch.
    pub start_ns: u64,
    /// End, nanoseconds since the Unix epoch.
    pub end_ns: u64,
    /// The resource's `service.name`.
    pub service: String,
    /// Span attributes, in file order.
    pub attributes: Vec<(String, AttrValue)>,
    /// The status says error (OTLP status code 2).
    pub error: bool,
}

impl Span {
    /// The attribute `key` as text.
    #[must_use]
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.as_str())
    }
}

/// Semantic-convention attribute keys read and written.
pub mod keys {
    /// The resource's service name.
    pub const SERVICE_NAME: &str = "service.name";
    /// An HTTP server's route template.
    pub const HTTP_ROUTE: &str = "http.route";
    /// An RPC method.
    pub const RPC_METHOD: &str = "rpc.method";
    /// The messaging system (`kafka`, `rabbitmq`).
    pub const MESSAGING_SYSTEM: &str = "messaging.system";
    /// The queue or topic name.
    pub const MESSAGING_DESTINATION: &str = "messaging.destination.name";
    /// The remote service a client span calls (`peer.service`).
    pub const PEER_SERVICE: &str = "peer.service";
    /// The function a span runs in (`code.function.name`): an in-process signal's receiver.
    pub const CODE_FUNCTION: &str = "code.function.name";
    /// The host a client span calls (`server.address`).
    pub const SERVER_ADDRESS: &str = "server.address";
    /// The full URL of an HTTP client span (`url.full`).
    pub const URL_FULL: &str = "url.full";
}

/// Lower-case hex of `bytes`.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parse `N` bytes of hex (either case); `None` when the text is not exactly that.
#[must_use]
pub fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = text.as_bytes();
    if bytes.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let digit = |c: u8| char::from(c).to_digit(16);
        let (Some(hi), Some(lo)) = (pair.first().copied().and_then(digit), pair.get(1).copied().and_then(digit)) else {
            return None;
        };
        *o = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// A parent id that is all zeros or empty means no parent.
#[must_use]
pub fn parse_parent(text: &str) -> Option<[u8; 8]> {
    parse_hex::<8>(text).filter(|id| id.iter().any(|b| *b != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_wrong_lengths() {
        let id = [0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 0xff];
        assert_eq!(hex(&id), "deadbeef000102ff");
        assert_eq!(parse_hex::<8>("DEADBEEF000102FF"), Some(id));
        assert_eq!(parse_hex::<8>("deadbeef"), None);
        assert_eq!(parse_hex::<8>("zzadbeef000102ff"), None);
        assert_eq!(parse_parent(""), None);
        assert_eq!(parse_parent("0000000000000000"), None);
    }

    #[test]
    fn kinds_round_trip_as_codes_and_names() {
        for k in [SpanKind::Internal, SpanKind::Server, SpanKind::Client, SpanKind::Producer, SpanKind::Consumer] {
            assert_eq!(SpanKind::from_code(i64::from(k.code())), k);
        }
        assert_eq!(SpanKind::from_name("SPAN_KIND_CONSUMER"), SpanKind::Consumer);
        assert_eq!(SpanKind::from_name("server"), SpanKind::Server);
        assert_eq!(SpanKind::from_code(9), SpanKind::Unspecified);
    }
}
