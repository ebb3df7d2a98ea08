//! The traffic equations of the estimate: visits per state from one
//! visit to an entry, solved per strongly connected component (exactly
//! when small, by iteration when large), and the gain of an event loop.

use std::collections::BTreeMap;

use super::Plan;

/// Visits per state caused by one visit to `entry`, or `None` when an event
/// loop's gain is 1 or more (the series diverges).
pub(super) fn visit_ratios(plan: &Plan<'_>, sccs: &[Vec<usize>], entry: usize) -> Option<Vec<f64>> {
    let n = plan.states.len();
    let mut inflow = vec![0.0; n];
    let mut visits = vec![0.0; n];
    *inflow.get_mut(entry)? = 1.0;
    for scc in sccs {
        if let [s] = scc.as_slice()
            && !plan.out.get(*s)?.iter().any(|(t, _, _)| t == s)
        {
            let v = *inflow.get(*s)?;
            *visits.get_mut(*s)? = v;
            if v != 0.0 {
                for &(t, f, _) in plan.out.get(*s)? {
                    *inflow.get_mut(t)? += v * f;
                }
            }
            continue;
        }
        let local: BTreeMap<usize, usize> = scc.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        let x = if scc.len() <= DENSE_SOLVE_MAX {
            solve_dense(plan, scc, &local, &inflow)?
        } else {
            solve_iterative(plan, scc, &local, &inflow)
        };
        for (i, &s) in scc.iter().enumerate() {
            let v = *x.get(i)?;
            if !(v.is_finite() && v >= -1e-9) {
                return None;
            }
            *visits.get_mut(s)? = v;
        }
        for &s in scc {
            let v = *visits.get(s)?;
            for &(t, f, _) in plan.out.get(s)? {
                if !local.contains_key(&t) {
                    *inflow.get_mut(t)? += v * f;
                }
            }
        }
    }
    Some(visits)
}

/// Largest component solved exactly by Gaussian elimination (cubic time,
/// quadratic memory); larger ones are iterated.
const DENSE_SOLVE_MAX: usize = 400;

/// Most transfer visits the iterative solver may make for one component, so
/// a huge loop whose gain is close to 1 still ends in bounded time.
const ITERATIVE_WORK_MAX: usize = 50_000_000;

/// Visits inside a component: solve (I − Mᵀ)·x = inflow exactly.
fn solve_dense(plan: &Plan<'_>, scc: &[usize], local: &BTreeMap<usize, usize>, inflow: &[f64]) -> Option<Vec<f64>> {
    let m = scc.len();
    let mut a = vec![vec![0.0; m + 1]; m];
    for (i, &s) in scc.iter().enumerate() {
        let row = a.get_mut(i)?;
        *row.get_mut(i)? += 1.0;
        *row.get_mut(m)? = *inflow.get(s)?;
    }
    for (j, &s) in scc.iter().enumerate() {
        for &(t, f, _) in plan.out.get(s)? {
            if let Some(&i) = local.get(&t) {
                *a.get_mut(i)?.get_mut(j)? -= f;
            }
        }
    }
    solve(a)
}

/// Visits inside a large component by Gauss–Seidel sweeps of x = inflow + Mᵀx
/// (the series converges because the loop gain is below 1), stopped when a
/// sweep changes nothing by more than 1e-12 relative or the work budget ends.
fn solve_iterative(plan: &Plan<'_>, scc: &[usize], local: &BTreeMap<usize, usize>, inflow: &[f64]) -> Vec<f64> {
    let m = scc.len();
    // Incoming transfers per member: (source member, factor).
    let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m];
    let mut transfers = 0usize;
    for (j, &s) in scc.iter().enumerate() {
        for &(t, f, _) in plan.out.get(s).map_or(&[][..], Vec::as_slice) {
            if let Some(list) = local.get(&t).and_then(|&i| incoming.get_mut(i)) {
                list.push((j, f));
                transfers += 1;
            }
        }
    }
    let base: Vec<f64> = scc.iter().map(|&s| inflow.get(s).copied().unwrap_or(0.0)).collect();
    let mut x = base.clone();
    let sweeps = (ITERATIVE_WORK_MAX / (transfers + m).max(1)).max(1);
    for _ in 0..sweeps {
        let mut change: f64 = 0.0;
        let mut size: f64 = 0.0;
        for i in 0..m {
            let sum: f64 = incoming
                .get(i)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&(j, f)| f * x.get(j).copied().unwrap_or(0.0))
                .sum();
            let v = base.get(i).copied().unwrap_or(0.0) + sum;
            if let Some(xi) = x.get_mut(i) {
                change = change.max((v - *xi).abs());
                size = size.max(v.abs());
                *xi = v;
            }
        }
        if change <= 1e-12 * size.max(1e-300) {
            break;
        }
    }
    x
}

/// Gaussian elimination with partial pivoting on an augmented matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let m = a.len();
    for col in 0..m {
        let pivot = (col..m).max_by(|&i, &j| {
            let vi = a.get(i).and_then(|r| r.get(col)).map_or(0.0, |v| v.abs());
            let vj = a.get(j).and_then(|r| r.get(col)).map_or(0.0, |v| v.abs());
            vi.total_cmp(&vj)
        })?;
        a.swap(col, pivot);
        let p = *a.get(col)?.get(col)?;
        if p.abs() < 1e-12 {
            return None;
        }
        let pivot_row = a.get(col)?.clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r == col {
                continue;
            }
            let factor = row.get(col).copied().unwrap_or(0.0) / p;
            if factor != 0.0 {
                for (x, y) in row.iter_mut().zip(&pivot_row) {
                    *x -= factor * y;
                }
            }
        }
    }
    (0..m).map(|i| a.get(i).and_then(|r| Some(r.get(m)? / r.get(i)?))).collect()
}

/// Spectral radius of the component's transfer matrix (power iteration): the loop gain.
pub(super) fn loop_gain(plan: &Plan<'_>, scc: &[usize]) -> f64 {
    let local: BTreeMap<usize, usize> = scc.iter().enumerate().map(|(i, &s)| (s, i)).collect();
    #[allow(clippy::cast_precision_loss, reason = "component sizes are small")]
    let mut x = vec![1.0 / scc.len().max(1) as f64; scc.len()];
    let mut gain = 0.0;
    for _ in 0..200 {
        let mut y = vec![0.0; scc.len()];
        for (j, &s) in scc.iter().enumerate() {
            let xj = x.get(j).copied().unwrap_or(0.0);
            for &(t, f, _) in plan.out.get(s).map_or(&[][..], Vec::as_slice) {
                if let Some(yi) = local.get(&t).and_then(|&i| y.get_mut(i)) {
                    *yi += f * xj;
                }
            }
        }
        let norm: f64 = y.iter().sum();
        if norm <= 0.0 {
            return 0.0;
        }
        gain = norm;
        x = y.into_iter().map(|v| v / norm).collect();
    }
    gain
}
