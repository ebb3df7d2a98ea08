//! What a telemetry file holds, told from its first bytes, so the command
//! line and the app read the same files the same way.

/// The formats calibration reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// OTLP JSON (the Collector's file exporter: `resourceSpans`).
    Otlp,
    /// Jaeger's JSON (its API and the UI's download).
    Jaeger,
    /// The Prometheus text exposition format.
    Prometheus,
}

impl InputKind {
    /// Tell a file's kind from its first kilobytes: JSON with
    /// `resourceSpans` is OTLP, other JSON is Jaeger, anything else is
    /// Prometheus text (whose parser then names what it cannot read).
    #[must_use]
    pub fn sniff(head: &[u8]) -> Self {
        let text = String::from_utf8_lossy(head);
        match text.trim_start_matches('\u{feff}').trim_start().chars().next() {
            Some('{' | '[') if text.contains("resourceSpans") || text.contains("resource_spans") => Self::Otlp,
            Some('{' | '[') => Self::Jaeger,
            _ => Self::Prometheus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InputKind;

    #[test]
    fn json_with_resource_spans_is_otlp_other_json_jaeger_and_text_prometheus() {
        assert_eq!(InputKind::sniff(b"\xef\xbb\xbf {\"resourceSpans\":[]}"), InputKind::Otlp);
        assert_eq!(InputKind::sniff(b"{\"resource_spans\":[]}"), InputKind::Otlp);
        assert_eq!(InputKind::sniff(b"{\"data\":[{\"traceID\":\"1\"}]}"), InputKind::Jaeger);
        assert_eq!(InputKind::sniff(b"# HELP x\nx_bucket{le=\"1\"} 3\n"), InputKind::Prometheus);
        assert_eq!(InputKind::sniff(b""), InputKind::Prometheus);
    }
}
