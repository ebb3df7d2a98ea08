//! The HTML report page of every sample and the comparison page, read as
//! markup: a Content-Security-Policy that keeps every request in the file,
//! no outside URL in any `src` or `href`, an inline script only, every axis
//! ticked at 1-2-5 steps, and `compare --html` writing the figures of both
//! reports. The rendering in a real browser is checked by
//! `.ci/report-browser.py`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::report_html::axis::is_125_step;
use engine::sim::{Report, RunControl, RunOptions, run};

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no samples in {}", dir.display());
    files
}

fn short_run(path: &Path) -> (engine::model::Design, Report) {
    let design = engine::model::format::load(path).unwrap();
    let options = RunOptions { duration_s: Some(12.0), warmup_s: Some(2.0), ..RunOptions::default() };
    let report = run(&design, &options, &RunControl::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (design, report)
}

/// The values of `attr="…"` in `html`.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.split(needle.as_str()).skip(1).filter_map(|p| p.split_once('"').map(|(v, _)| v)).collect()
}

/// Problems with the page's structure, in words.
fn problems(name: &str, html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';";
    if !html.contains(csp) {
        out.push(format!("{name}: no strict Content-Security-Policy"));
    }
    if html.find(csp) > html.find("<style>") {
        out.push(format!("{name}: the policy must come before anything it governs"));
    }
    for attr in ["src", "href", "action", "xlink:href"] {
        for v in attr_values(html, attr) {
            if !v.starts_with('#') {
                out.push(format!("{name}: {attr}=\"{v}\" points outside the page"));
            }
        }
    }
    // `url(#id)` names a part of the page (an SVG marker); anything else loads.
    if html.split("url(").skip(1).any(|rest| !rest.starts_with('#')) || html.contains("@import") {
        out.push(format!("{name}: the style loads something"));
    }
    if html.matches("<script").count() != html.matches("<script>").count() {
        out.push(format!("{name}: a script with attributes"));
    }
    // Each chart's ticks: per chart and axis, consecutive values one 1-2-5 step apart.
    for (i, chart) in html.split("<figure class=\"chart").skip(1).enumerate() {
        let chart = chart.split("</figure>").next().unwrap_or_default();
        for class in ["tk", "tx"] {
            let ticks: Vec<f64> = chart
                .split(&format!("class=\"{class}\" data-tick=\""))
                .skip(1)
                .filter_map(|p| p.split_once('"').and_then(|(v, _)| v.parse().ok()))
                .collect();
            if chart.contains("log scale") && class == "tx" {
                // Logarithmic: labelled ticks are 1, 2 or 5 times a power of ten.
                if let Some(t) = ticks.iter().find(|t| !is_125_step(**t)) {
                    out.push(format!("{name}: chart {i} has a log tick at {t}"));
                }
                continue;
            }
            for w in ticks.windows(2) {
                if !is_125_step(w[1] - w[0]) {
                    out.push(format!("{name}: chart {i} has {class} ticks {} → {}", w[0], w[1]));
                }
            }
        }
    }
    out
}

#[test]
fn every_sample_report_keeps_to_itself_and_ticks_at_1_2_5() {
    let mut found = Vec::new();
    let mut charts = 0;
    for path in samples() {
        let (design, report) = short_run(&path);
        let html = engine::report_html::html(&report, &design);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        found.extend(problems(&name, &html));
        charts += html.matches("<figure class=\"chart").count();
        // Every table scrolls in its own box, so the page never widens.
        assert_eq!(html.matches("<table>").count(), html.matches("<div class=\"wide\"><table>").count(), "{name}");
        // Each workload has its latency chart, saying whose latency it is.
        for w in &report.workloads {
            assert!(html.contains(&format!("Latency of successful requests: {}", w.name)), "{name}: {}", w.name);
        }
        assert!(html.contains("Latency percentiles per workload"), "{name}");
        // And the distribution of each workload with successes, on a log axis with units.
        if report.workloads.iter().any(|w| !w.latency_cdf.is_empty()) {
            let cdf = html.split("<figure class=\"chart cdf\"").nth(1).unwrap_or_else(|| panic!("{name}: no CDF"));
            let cdf = cdf.split("</figure>").next().unwrap_or_default();
            assert!(cdf.contains("log scale") && cdf.contains(" ms</text>"), "{name}: {cdf}");
            for w in report.workloads.iter().filter(|w| !w.latency_cdf.is_empty()) {
                let name_attr = format!("data-name=\"{}\"", engine::report_html::escape(&w.name));
                assert!(cdf.contains(&name_attr), "{name}: no line for {}", w.name);
            }
        }
    }
    assert!(charts > 40, "only {charts} charts");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_checks_catch_a_bad_page() {
    let bad = "<html><head><style>body{background:url(x.png)}</style></head><body><img src=\"http://example.com/a.png\"><script src=\"x.js\"></script><figure class=\"chart\"><text class=\"tk\" data-tick=\"0\"></text><text class=\"tk\" data-tick=\"24\"></text></figure></body></html>";
    let found = problems("bad", bad);
    for what in ["Content-Security-Policy", "http://example.com", "loads something", "script with attributes", "0 → 24"]
    {
        assert!(found.iter().any(|p| p.contains(what)), "{what} not caught: {found:?}");
    }
}

fn cli(args: &[&str]) -> u8 {
    let mut out = Vec::new();
    let mut argv: Vec<std::ffi::OsString> = vec!["switchboard".into()];
    argv.extend(args.iter().map(Into::into));
    switchboard::cli::run(argv, &mut out)
}

#[test]
fn compare_writes_a_page_with_both_reports() {
    let dir = std::env::temp_dir().join(format!("switchboard-report-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let (a, b, page) = (dir.join("storm.json"), dir.join("fixed.json"), dir.join("cmp.html"));
    for (sample, out) in [("retry-storm.json", &a), ("retry-storm-fixed.json", &b)] {
        let code = cli(&[
            "simulate",
            samples.join(sample).to_str().unwrap(),
            "--duration",
            "60s",
            "--warmup",
            "5s",
            "--quiet",
            "--json",
            out.to_str().unwrap(),
        ]);
        assert!(matches!(code, 0 | 3 | 4), "{sample}: exit {code}");
    }
    let code = cli(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--quiet",
        "--fail-on",
        "errors:+100pp",
        "--html",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(problems("compare", &html).is_empty(), "{:?}", problems("compare", &html));
    let base = Report::from_json(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let new = Report::from_json(&std::fs::read_to_string(&b).unwrap()).unwrap();
    let deltas = engine::sim::compare::compare(&base, &new);
    assert!(!deltas.is_empty());
    for (i, d) in deltas.iter().enumerate() {
        assert!(html.contains(&format!("data-key=\"deltas/#{i}/base\" data-value=\"{}\"", d.base)), "{d:?}");
        assert!(html.contains(&format!("data-key=\"deltas/#{i}/new\" data-value=\"{}\"", d.new)), "{d:?}");
    }
    // An error rate cannot grow by more than 100 points: no gate fails.
    assert_eq!(code, 0);
    assert!(html.contains("No gate failed."));
    assert!(html.contains("product page · base") && html.contains("product page · new"));
    // A gate that fails is listed first, before the figures.
    let code = cli(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--quiet",
        "--fail-on",
        // One of the two fails unless p50 is the same to a nanosecond.
        "p50:+0.000001ms,p50:-0.000001ms",
        "--html",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(code, 3);
    let gates = html.find("Gates failed").expect("the failed gate is named");
    assert!(gates < html.find("Headline figures").unwrap());
}
