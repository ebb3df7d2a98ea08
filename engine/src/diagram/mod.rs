//! The design diagram, drawn the same way by the HTML report, the canvas's
//! SVG/PNG export and `switchboard render`: boxes shaped by node kind, group
//! frames with titles, edges routed around boxes with their arrowheads on the
//! target's border, the lines meeting one side of a box spread along it
//! (never one shared point), parallel edges bundled with a count, edge labels placed
//! clear of every box, discovery links from services to their registry and a
//! legend. Pure geometry and text: no GUI dependency.
//!
//! [`Diagram::build`] lays out and routes; [`svg::render`] writes the SVG;
//! [`Diagram::defects`] checks the promises above geometrically (the tests
//! run it on every sample).

mod check;
pub mod geom;
pub mod layout;
pub mod ports;
pub mod route;
pub mod svg;

use std::collections::BTreeMap;

pub use check::Defect;
pub use geom::{Point, Rect};

use crate::Design;
use crate::model::{DiscoveryMode, EdgeKind, NodeKind};

/// Font size of edge labels, in pixels at 100 %.
pub const LABEL_FONT_PX: f64 = 11.0;
/// Length of an arrowhead along its line.
pub const ARROW_LEN: f64 = 10.0;

/// Edges with the same ends and kind, drawn as one line.
#[derive(Clone, Debug)]
pub struct Bundle {
    /// Indices into `design.edges`, in file order.
    pub edges: Vec<usize>,
    /// Source node index.
    pub from: usize,
    /// Target node index.
    pub to: usize,
    /// The edges' kind.
    pub kind: EdgeKind,
    /// The route: from the source's border to the target's border.
    pub points: Vec<Point>,
    /// The visible label and where it goes, if it fits somewhere clear.
    pub label: Option<Label>,
}

/// A placed piece of text.
#[derive(Clone, Debug)]
pub struct Label {
    /// The text.
    pub text: String,
    /// Its box (estimated from the font size).
    pub rect: Rect,
}

/// A discovered service's link to its registry.
#[derive(Clone, Debug)]
pub struct Link {
    /// The service's node index.
    pub service: usize,
    /// The registry's node index.
    pub registry: usize,
    /// Client-side discovery (the callers look up), else server-side.
    pub client_side: bool,
    /// The route, from the service's border to the registry's.
    pub points: Vec<Point>,
}

/// A laid out and routed design.
#[derive(Clone, Debug)]
pub struct Diagram {
    /// Box of each node, indexed like `design.nodes`.
    pub nodes: Vec<Rect>,
    /// Group frames by name.
    pub groups: BTreeMap<String, Rect>,
    /// Edges, bundled.
    pub bundles: Vec<Bundle>,
    /// Discovery links.
    pub links: Vec<Link>,
    /// Everything drawn but the legend.
    pub bounds: Rect,
}

impl Diagram {
    /// Lay out `design` from its own positions and route it.
    #[must_use]
    pub fn build(design: &Design) -> Self {
        Self::with_boxes(design, layout::node_rects(design))
    }

    /// Route `design` with the given node boxes (the canvas's, indexed like
    /// `design.nodes`; missing ones are laid out from the design).
    #[must_use]
    pub fn with_boxes(design: &Design, mut nodes: Vec<Rect>) -> Self {
        if nodes.len() != design.nodes.len() {
            nodes = layout::node_rects(design);
        }
        let groups = layout::group_rects(design, &nodes);
        let mut router = route::Router::new(&nodes);
        let index: BTreeMap<&str, usize> = design.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();

        let mut by_ends: BTreeMap<(usize, usize, usize), Vec<usize>> = BTreeMap::new();
        for (i, e) in design.edges.iter().enumerate() {
            let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else { continue };
            let kind = EdgeKind::ALL.iter().position(|k| *k == e.kind).unwrap_or(0);
            by_ends.entry((a, b, kind)).or_default().push(i);
        }
        let mut bundles: Vec<Bundle> = by_ends
            .into_iter()
            .map(|((from, to, _), edges)| {
                let kind = edges.first().and_then(|&i| design.edges.get(i)).map_or(EdgeKind::Call, |e| e.kind);
                Bundle { points: router.route(from, to), edges, from, to, kind, label: None }
            })
            .collect();
        // File order of the first edge, so the drawing order follows the file.
        bundles.sort_by_key(|b| b.edges.first().copied());

        let mut links = Vec::new();
        for (service, node) in design.nodes.iter().enumerate() {
            let Some(d) = &node.discovery else { continue };
            let Some(&registry) = d.registry.as_deref().and_then(|r| index.get(r)) else { continue };
            if registry == service || design.nodes.get(registry).is_none_or(|r| r.kind != NodeKind::Registry) {
                continue;
            }
            links.push(Link {
                service,
                registry,
                client_side: d.mode == DiscoveryMode::ClientSide,
                points: router.route(service, registry),
            });
        }

        // Lines sharing a side of a box meet it at points of their own.
        let mut routes: Vec<Vec<Point>> = bundles
            .iter_mut()
            .map(|b| std::mem::take(&mut b.points))
            .chain(links.iter_mut().map(|l| std::mem::take(&mut l.points)))
            .collect();
        let ends: Vec<ports::Ends> = bundles
            .iter()
            .map(|b| ports::Ends { from: b.from, to: b.to, width: 0.0 })
            .chain(links.iter().map(|l| ports::Ends { from: l.service, to: l.registry, width: 0.0 }))
            .collect();
        ports::spread(&mut routes, &ends, &nodes, &|a, b| router.clear(a, b));
        let mut routes = routes.into_iter();
        for points in bundles.iter_mut().map(|b| &mut b.points).chain(links.iter_mut().map(|l| &mut l.points)) {
            *points = routes.next().unwrap_or_default();
        }

        let mut placed: Vec<Rect> = Vec::new();
        for bundle in &mut bundles {
            let text = bundle_label(design, bundle);
            if text.is_empty() {
                continue;
            }
            bundle.label = place_label(&text, &bundle.points, &nodes, &placed);
            if let Some(l) = &bundle.label {
                placed.push(l.rect);
            }
        }

        let mut bounds: Option<Rect> = None;
        let everything = nodes
            .iter()
            .chain(groups.values())
            .copied()
            .chain(placed.iter().copied())
            .chain(bundles.iter().flat_map(|b| b.points.iter().map(|p| Rect { min: *p, max: *p })))
            .chain(links.iter().flat_map(|l| l.points.iter().map(|p| Rect { min: *p, max: *p })));
        for r in everything {
            bounds = Some(bounds.map_or(r, |b| b.union(&r)));
        }
        let bounds = bounds.unwrap_or(Rect::from_min_size(Point::new(0.0, 0.0), 400.0, 300.0));
        Self { nodes, groups, bundles, links, bounds }
    }
}

/// The visible label of a bundle: the edge's own label, or the count of
/// parallel edges (their labels go in the tooltip).
fn bundle_label(design: &Design, bundle: &Bundle) -> String {
    if bundle.edges.len() > 1 {
        return format!("×{}", bundle.edges.len());
    }
    bundle.edges.first().and_then(|&i| design.edges.get(i)).map(|e| e.label().to_string()).unwrap_or_default()
}

/// Estimated width of `text` at `font_px`: wide (CJK) characters take a
/// full em, others a bit over half (DejaVu Sans and browsers' sans-serif
/// average below this, so the estimate errs on the wide side).
#[must_use]
pub fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars()
        .map(|c| if (c as u32) >= 0x1100 && !matches!(c, '×' | '·' | '‖' | 'ρ' | '…') { 1.0 } else { 0.62 })
        .sum::<f64>()
        * font_px
}

/// The first spot along the route where the label's box touches no node
/// box and no label placed before: the middle of the longest segments
/// first, then other points along them. None when no spot is clear (the
/// label then shows only in the tooltip).
fn place_label(text: &str, points: &[Point], nodes: &[Rect], placed: &[Rect]) -> Option<Label> {
    let (w, h) = (text_width(text, LABEL_FONT_PX) + 6.0, LABEL_FONT_PX + 5.0);
    let mut segments: Vec<(Point, Point)> = points.windows(2).map(|s| (s[0], s[1])).collect();
    segments.sort_by(|a, b| b.0.distance(b.1).total_cmp(&a.0.distance(a.1)));
    for avoid_labels in [true, false] {
        for &(a, b) in &segments {
            for t in [0.5, 0.3, 0.7, 0.15, 0.85] {
                let p = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
                // Beside the line, not on it: above a horizontal one, right of a vertical one.
                let candidates = if a.y == b.y {
                    [Point::new(p.x, p.y - h / 2.0 - 2.0), Point::new(p.x, p.y + h / 2.0 + 2.0)]
                } else {
                    [Point::new(p.x + w / 2.0 + 3.0, p.y), Point::new(p.x - w / 2.0 - 3.0, p.y)]
                };
                for c in candidates {
                    let rect = Rect::from_center_size(c, w, h);
                    let clear_of_nodes = nodes.iter().all(|n| !n.expand(2.0).overlaps(&rect));
                    let clear_of_labels = !avoid_labels || placed.iter().all(|l| !l.overlaps(&rect));
                    if clear_of_nodes && clear_of_labels {
                        return Some(Label { text: text.to_owned(), rect });
                    }
                }
            }
        }
    }
    None
}
