//! Plane geometry of the diagram in world units (logical pixels at 100 %):
//! points, axis-aligned rectangles and the segment tests the router and the
//! checks share.

/// A point; y grows downwards, as on the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal.
    pub x: f64,
    /// Vertical, growing downwards.
    pub y: f64,
}

impl Point {
    /// A point at `(x, y)`.
    #[must_use]
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// Euclidean distance to `other`.
    #[must_use]
    pub fn distance(self, other: Self) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Top-left corner.
    pub min: Point,
    /// Bottom-right corner.
    pub max: Point,
}

impl Rect {
    /// The rectangle of `width` × `height` centred on `center`.
    #[must_use]
    pub fn from_center_size(center: Point, width: f64, height: f64) -> Self {
        Self {
            min: Point::new(center.x - width / 2.0, center.y - height / 2.0),
            max: Point::new(center.x + width / 2.0, center.y + height / 2.0),
        }
    }

    /// The rectangle with top-left corner `min` and the given size.
    #[must_use]
    pub fn from_min_size(min: Point, width: f64, height: f64) -> Self {
        Self { min, max: Point::new(min.x + width, min.y + height) }
    }

    /// Centre.
    #[must_use]
    pub fn center(&self) -> Point {
        Point::new(f64::midpoint(self.min.x, self.max.x), f64::midpoint(self.min.y, self.max.y))
    }

    /// Width.
    #[must_use]
    pub fn width(&self) -> f64 {
        self.max.x - self.min.x
    }

    /// Height.
    #[must_use]
    pub fn height(&self) -> f64 {
        self.max.y - self.min.y
    }

    /// Grown by `by` on every side (shrunk when negative).
    #[must_use]
    pub fn expand(&self, by: f64) -> Self {
        Self { min: Point::new(self.min.x - by, self.min.y - by), max: Point::new(self.max.x + by, self.max.y + by) }
    }

    /// The smallest rectangle holding both.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self {
            min: Point::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y)),
            max: Point::new(self.max.x.max(other.max.x), self.max.y.max(other.max.y)),
        }
    }

    /// Whether the open interiors overlap.
    #[must_use]
    pub fn overlaps(&self, other: &Self) -> bool {
        self.min.x < other.max.x && other.min.x < self.max.x && self.min.y < other.max.y && other.min.y < self.max.y
    }

    /// Whether `p` is strictly inside.
    #[must_use]
    pub fn contains_strictly(&self, p: Point) -> bool {
        p.x > self.min.x && p.x < self.max.x && p.y > self.min.y && p.y < self.max.y
    }

    /// Whether `p` lies on the border, within `tolerance`.
    #[must_use]
    pub fn on_border(&self, p: Point, tolerance: f64) -> bool {
        let inside_x = p.x >= self.min.x - tolerance && p.x <= self.max.x + tolerance;
        let inside_y = p.y >= self.min.y - tolerance && p.y <= self.max.y + tolerance;
        let on_vertical = (p.x - self.min.x).abs() <= tolerance || (p.x - self.max.x).abs() <= tolerance;
        let on_horizontal = (p.y - self.min.y).abs() <= tolerance || (p.y - self.max.y).abs() <= tolerance;
        inside_x && inside_y && (on_vertical || on_horizontal)
    }

    /// Whether the segment `a`–`b` passes through the open interior
    /// (Liang–Barsky clipping: a positive length of it lies inside).
    #[must_use]
    pub fn crossed_by(&self, a: Point, b: Point) -> bool {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [(-dx, a.x - self.min.x), (dx, self.max.x - a.x), (-dy, a.y - self.min.y), (dy, self.max.y - a.y)]
        {
            if p == 0.0 {
                // Parallel to this side: inside the slab strictly, or never.
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        let length = dx.hypot(dy);
        t1 > t0 && (t1 - t0) * length > 1e-6 && {
            // A segment running exactly along a side touches, not crosses.
            let m = Point::new(a.x + dx * (t0 + t1) / 2.0, a.y + dy * (t0 + t1) / 2.0);
            self.contains_strictly(m)
        }
    }
}

/// Where a ray from `inside` towards `toward` leaves `rect`.
#[must_use]
pub fn clip_to_border(rect: &Rect, inside: Point, toward: Point) -> Point {
    let (dx, dy) = (toward.x - inside.x, toward.y - inside.y);
    let mut t = f64::INFINITY;
    if dx > 0.0 {
        t = t.min((rect.max.x - inside.x) / dx);
    } else if dx < 0.0 {
        t = t.min((rect.min.x - inside.x) / dx);
    }
    if dy > 0.0 {
        t = t.min((rect.max.y - inside.y) / dy);
    } else if dy < 0.0 {
        t = t.min((rect.min.y - inside.y) / dy);
    }
    if t.is_finite() && t >= 0.0 { Point::new(inside.x + dx * t, inside.y + dy * t) } else { inside }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_needs_the_interior() {
        let r = Rect::from_min_size(Point::new(0.0, 0.0), 100.0, 50.0);
        assert!(r.crossed_by(Point::new(-10.0, 25.0), Point::new(110.0, 25.0)));
        assert!(!r.crossed_by(Point::new(-10.0, 0.0), Point::new(110.0, 0.0)), "along a side");
        assert!(!r.crossed_by(Point::new(-10.0, -5.0), Point::new(110.0, -5.0)));
        assert!(!r.crossed_by(Point::new(50.0, -20.0), Point::new(50.0, 0.0)), "ends on the border");
        assert!(r.crossed_by(Point::new(-10.0, -10.0), Point::new(20.0, 20.0)), "diagonal");
        assert!(r.on_border(Point::new(50.0, 50.0), 0.01));
        assert!(!r.on_border(Point::new(50.0, 25.0), 0.01));
    }
}
