//! The design diagram's promises, checked geometrically on every sample and
//! on generated designs: no line or discovery link passes through a node
//! box, no edge label lies on a node box, every line starts on its source's
//! border and every arrowhead's tip is on its target's, no two lines meet a
//! box at one point; the SVG is well-formed XML with no text under 11 px.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use engine::Design;
use engine::diagram::{Diagram, Point, Rect, svg};
use engine::model::{Discovery, Edge, EdgeKind, Node, NodeKind};

fn samples() -> Vec<(String, Design)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((name, engine::model::format::load(&path).unwrap()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 5);
    out
}

/// Well-formed XML, and every font size at least 11 px.
fn check_svg(name: &str, text: &str) {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut sizes = 0;
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let size: f64 = node.attribute("font-size").expect("every text has a size").parse().unwrap();
        assert!(size >= 11.0, "{name}: text at {size} px");
        sizes += 1;
    }
    assert!(sizes > 0, "{name}: no text");
}

#[test]
fn every_sample_is_drawn_without_defects() {
    for (name, design) in samples() {
        let diagram = Diagram::build(&design);
        assert_eq!(diagram.defects(), Vec::new(), "{name}");
        let edges: usize = diagram.bundles.iter().map(|b| b.edges.len()).sum();
        assert_eq!(edges, design.edges.len(), "{name}: every edge drawn");
        let text = svg::render(&design, &diagram, &svg::Options::default());
        check_svg(&name, &text);
        assert_eq!(text.matches("class=\"node ").count(), design.nodes.len(), "{name}");
        let dark = svg::render(&design, &diagram, &svg::Options { theme: svg::Theme::Dark, ..Default::default() });
        check_svg(&name, &dark);
        assert_ne!(text, dark);
    }
}

#[test]
fn orders_to_postgres_does_not_pass_under_payments() {
    let (_, design) = samples().into_iter().find(|(n, _)| n == "ecommerce-checkout").unwrap();
    let diagram = Diagram::build(&design);
    let at = |id: &str| design.nodes.iter().position(|n| n.id == id).unwrap();
    let (orders, db, payments) = (at("orders"), at("db"), at("payments"));
    let bundle = diagram.bundles.iter().find(|b| b.from == orders && b.to == db).unwrap();
    let box_of_payments = diagram.nodes[payments];
    assert!(bundle.points.windows(2).all(|s| !box_of_payments.crossed_by(s[0], s[1])), "{:?}", bundle.points);
    // The straight line of the old drawing did pass under it.
    let (a, b) = (diagram.nodes[orders].center(), diagram.nodes[db].center());
    assert!(box_of_payments.crossed_by(a, b));
    // Three "Shoppers → API gateway" edges are one line marked ×3.
    let shoppers = diagram.bundles.iter().find(|b| b.from == at("shoppers")).unwrap();
    assert_eq!(shoppers.edges.len(), 3);
    assert_eq!(shoppers.label.as_ref().unwrap().text, "×3");
}

#[test]
fn a_registry_is_linked_to_its_services_and_the_legend_names_kinds() {
    let (_, design) = samples().into_iter().find(|(n, _)| n == "service-discovery").unwrap();
    let diagram = Diagram::build(&design);
    let registered = design.nodes.iter().filter(|n| n.discovery.as_ref().is_some_and(|d| d.registry.is_some())).count();
    assert!(registered > 0);
    assert_eq!(diagram.links.len(), registered);
    let text = svg::render(&design, &diagram, &svg::Options::default());
    assert_eq!(text.matches("class=\"discovery\"").count(), registered);
    assert!(text.contains("service registry") && text.contains("discovery link"));
}

/// A small deterministic generator (xorshift), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Nodes on a jittered grid (as a person or the auto-layout places them),
/// random edges of every kind, some groups, a registry with users.
fn generated(seed: u64, nodes: usize) -> Design {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut d = Design::default();
    let columns = (nodes as f64).sqrt().ceil() as usize + 1;
    for i in 0..nodes {
        let kind = [NodeKind::Service, NodeKind::Database, NodeKind::Cache, NodeKind::Broker, NodeKind::Gateway]
            [rng.next(5) as usize];
        let mut n = Node::new(format!("n{i}"), format!("node {i} with a long name"), kind);
        n.position.x = (i % columns) as f32 * 260.0 + rng.next(40) as f32 - 20.0;
        n.position.y = (i / columns) as f32 * 140.0 + rng.next(30) as f32 - 15.0;
        if rng.next(3) == 0 {
            n.group = Some(format!("g{}", rng.next(3)));
        }
        d.nodes.push(n);
    }
    let mut registry = Node::new("reg", "registry", NodeKind::Registry);
    registry.position.x = -300.0;
    registry.position.y = 0.0;
    d.nodes.push(registry);
    for n in d.nodes.iter_mut().take(nodes).filter(|n| n.kind == NodeKind::Service).take(4) {
        n.discovery = Some(Discovery { registry: Some("reg".into()), ..Default::default() });
    }
    for e in 0..nodes * 2 {
        let (a, b) = (rng.next(nodes as u64), rng.next(nodes as u64));
        let kind = EdgeKind::ALL[rng.next(4) as usize];
        let mut edge = Edge::new(format!("e{e}"), format!("n{a}"), format!("n{b}"), kind);
        if rng.next(2) == 0 {
            edge.calls_per_request = 2;
        }
        d.edges.push(edge);
    }
    d
}

#[test]
fn generated_designs_are_drawn_without_defects() {
    for seed in 0..24 {
        let design = generated(seed, 6 + (seed as usize * 3) % 40);
        let diagram = Diagram::build(&design);
        assert_eq!(diagram.defects(), Vec::new(), "seed {seed}");
        check_svg(&format!("seed {seed}"), &svg::render(&design, &diagram, &svg::Options::default()));
    }
}

#[test]
fn a_large_design_gets_an_overview_with_a_zoom_switch() {
    let design = generated(99, 80);
    let diagram = Diagram::build(&design);
    assert_eq!(diagram.defects(), Vec::new());
    let html = svg::figure_html(&design, &diagram, &svg::Options::default());
    assert!(html.contains("id=\"dz-full\"") && html.contains("81 nodes"));
    let small = generated(5, 10);
    assert!(!svg::figure_html(&small, &Diagram::build(&small), &svg::Options::default()).contains("dz-full"));
}

#[test]
fn the_defect_check_catches_a_line_under_a_box() {
    let design = generated(3, 9);
    let mut diagram = Diagram::build(&design);
    let bundle = &mut diagram.bundles[0];
    let (a, b) = (bundle.from, bundle.to);
    let other = (0..diagram.nodes.len()).find(|&i| i != a && i != b).unwrap();
    let c = diagram.nodes[other].center();
    bundle.points = vec![Point::new(c.x - 200.0, c.y), Point::new(c.x + 200.0, c.y)];
    bundle.label = Some(engine::diagram::Label { text: "x".into(), rect: Rect::from_center_size(c, 10.0, 10.0) });
    let defects = diagram.defects();
    assert!(defects.iter().any(|d| matches!(d, engine::diagram::Defect::LineThroughNode { .. })));
    assert!(defects.iter().any(|d| matches!(d, engine::diagram::Defect::LabelOnNode { .. })));
    assert!(defects.iter().any(|d| matches!(d, engine::diagram::Defect::ArrowOffBorder { .. })));
}

/// Each line's ends as (node, point in quarter units).
fn ends_of(lines: &[(usize, usize, Vec<Point>)]) -> Vec<(usize, (i64, i64))> {
    let q = |p: &Point| ((p.x * 4.0).round() as i64, (p.y * 4.0).round() as i64);
    lines
        .iter()
        .filter(|(a, b, _)| a != b)
        .flat_map(|(a, b, points)| [(*a, q(points.first().unwrap())), (*b, q(points.last().unwrap()))])
        .collect()
}

fn shared(ends: &[(usize, (i64, i64))]) -> usize {
    let mut seen = std::collections::BTreeMap::new();
    for e in ends {
        *seen.entry(*e).or_insert(0) += 1;
    }
    seen.values().filter(|&&n| n > 1).count()
}

#[test]
fn lines_meeting_one_side_of_a_box_meet_it_apart() {
    let mut before = 0;
    for (name, design) in samples() {
        let diagram = Diagram::build(&design);
        // The drawing: every end on its box's border, no two at one point
        // (the defect check), and so in the drawn lines.
        let drawn: Vec<(usize, usize, Vec<Point>)> = diagram
            .bundles
            .iter()
            .map(|b| (b.from, b.to, b.points.clone()))
            .chain(diagram.links.iter().map(|l| (l.service, l.registry, l.points.clone())))
            .collect();
        let ends = ends_of(&drawn);
        assert_eq!(shared(&ends), 0, "{name}");
        for (node, (x, y)) in &ends {
            let p = Point::new(*x as f64 / 4.0, *y as f64 / 4.0);
            assert!(diagram.nodes[*node].on_border(p, 0.3), "{name}: {p:?} off node {node}'s border");
        }
        // The router alone meets each side at its middle, where lines met.
        let mut router = engine::diagram::route::Router::new(&diagram.nodes);
        let raw: Vec<(usize, usize, Vec<Point>)> =
            drawn.iter().map(|(a, b, _)| (*a, *b, if a == b { Vec::new() } else { router.route(*a, *b) })).collect();
        before += shared(&ends_of(&raw));
    }
    assert!(before > 5, "the samples had {before} shared points before spreading");
    // The check catches two lines put back on one point.
    let (_, design) = samples().into_iter().find(|(n, _)| n == "ecommerce-checkout").unwrap();
    let mut diagram = Diagram::build(&design);
    let (i, j) = (0..diagram.bundles.len())
        .flat_map(|i| (0..diagram.bundles.len()).map(move |j| (i, j)))
        .find(|&(i, j)| i != j && diagram.bundles[i].from == diagram.bundles[j].from)
        .unwrap();
    diagram.bundles[j].points[0] = diagram.bundles[i].points[0];
    let defects = diagram.defects();
    assert!(defects.iter().any(|d| matches!(d, engine::diagram::Defect::SharedEnd { .. })), "{defects:?}");
    // And a line that starts inside its box.
    diagram.bundles[i].points[0] = diagram.nodes[diagram.bundles[i].from].center();
    let defects = diagram.defects();
    assert!(defects.contains(&engine::diagram::Defect::StartOffBorder { line: i }), "{defects:?}");
}

fn render(args: &[&str]) -> u8 {
    let mut argv = vec!["switchboard".into(), "render".into()];
    argv.extend(args.iter().map(std::ffi::OsString::from));
    switchboard::cli::run(argv, &mut Vec::new())
}

#[test]
fn render_writes_svg_and_png_without_a_display() {
    let dir = std::env::temp_dir().join(format!("sb-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/ecommerce-checkout.json");
    let sample = sample.to_str().unwrap();
    let svg_path = dir.join("design.svg");
    assert_eq!(render(&[sample, "-o", svg_path.to_str().unwrap(), "--quiet"]), 0);
    let text = std::fs::read_to_string(&svg_path).unwrap();
    check_svg("render", &text);
    assert!(text.contains("Postgres"));

    let mut pictures = Vec::new();
    for theme in ["light", "dark"] {
        let png = dir.join(format!("design-{theme}.png"));
        assert_eq!(render(&[sample, "-o", png.to_str().unwrap(), "--theme", theme, "-q", "--scale", "1"]), 0);
        let image = image::open(&png).unwrap().to_rgba8();
        assert!(image.width() > 600 && image.height() > 400);
        let background = *image.get_pixel(2, 2);
        let drawn = image.pixels().filter(|p| **p != background).count();
        assert!(drawn > 20_000, "{theme}: {drawn} pixels drawn");
        pictures.push((background, image));
    }
    assert_ne!(pictures[0].0, pictures[1].0, "dark background differs");
    // Text is drawn with the embedded font: the name row of a box holds dark
    // glyph pixels on the light picture (no system font needed).
    let light = &pictures[0].1;
    let dark_text = light.pixels().filter(|p| p[0] < 100 && p[1] < 100 && p[2] < 100).count();
    assert!(dark_text > 400, "text pixels: {dark_text}");

    assert_eq!(render(&["/no/such/design.json", "-o", svg_path.to_str().unwrap()]), 2);
    assert_eq!(render(&[sample, "-o", dir.join("design.gif").to_str().unwrap()]), 2);
    assert_eq!(render(&[sample]), 2, "no output named");
    std::fs::remove_dir_all(&dir).unwrap();
}
