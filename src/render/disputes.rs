//! A topic's "Positions": its contradictions grouped into disputes with two
//! sides, so a claim that contradicts several others appears once, set
//! against all of them, instead of once per pair.

use std::collections::{BTreeMap, BTreeSet};

/// Claims (by index, which is date order) on the two sides of a dispute:
/// every contradiction in it runs between a claim on the left and one on the
/// right. The side holding the oldest claim is the left one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    pub left: Vec<usize>,
    pub right: Vec<usize>,
}

/// Groups contradicting pairs `(a, b)` into disputes. Claims linked by a
/// chain of contradictions form one dispute, split into the two sides the
/// chain implies. Where no such split exists (three claims that all
/// contradict each other), the dispute is shown as one claim against
/// everything it contradicts, repeatedly, so no pair is shown twice.
pub fn group_disputes(pairs: &[(usize, usize)]) -> Vec<Dispute> {
    let mut neighbours: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for &(a, b) in pairs {
        if a != b {
            neighbours.entry(a).or_default().insert(b);
            neighbours.entry(b).or_default().insert(a);
        }
    }
    let mut disputes = Vec::new();
    let mut seen = BTreeSet::new();
    // BTreeMap order: each component starts from its oldest claim.
    for &start in neighbours.keys() {
        if seen.contains(&start) {
            continue;
        }
        // Walk the component, giving each claim the side opposite the claim
        // that reached it.
        let mut side: BTreeMap<usize, bool> = BTreeMap::from([(start, false)]);
        let mut queue = vec![start];
        let mut two_sided = true;
        while let Some(c) = queue.pop() {
            for &n in &neighbours[&c] {
                match side.get(&n) {
                    None => {
                        side.insert(n, !side[&c]);
                        queue.push(n);
                    }
                    Some(&s) if s == side[&c] => two_sided = false,
                    Some(_) => {}
                }
            }
        }
        seen.extend(side.keys().copied());
        if two_sided {
            let (right, left): (Vec<usize>, Vec<usize>) = side.keys().partition(|c| side[*c]);
            disputes.push(Dispute { left, right });
        } else {
            disputes.extend(stars(side.keys().copied().collect(), &neighbours));
        }
    }
    disputes
}

/// Splits a component into "one claim against several" rows: the claim with
/// the most pairs not yet shown goes first (the oldest on a tie).
fn stars(members: Vec<usize>, neighbours: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<Dispute> {
    let mut open: BTreeSet<(usize, usize)> = members
        .iter()
        .flat_map(|&a| neighbours[&a].iter().map(move |&b| (a.min(b), a.max(b))))
        .collect();
    // Pairs not yet shown, per claim: kept up to date as rows are made, so
    // that choosing each row's claim is one pass over the members.
    let mut degree: BTreeMap<usize, usize> =
        members.iter().map(|&c| (c, neighbours[&c].len())).collect();
    let mut rows = Vec::new();
    while !open.is_empty() {
        let pivot = members
            .iter()
            .copied()
            .max_by_key(|&c| (degree[&c], std::cmp::Reverse(c)))
            .expect("a component has members");
        let right: Vec<usize> = neighbours[&pivot]
            .iter()
            .copied()
            .filter(|&n| open.contains(&(pivot.min(n), pivot.max(n))))
            .collect();
        for &n in &right {
            open.remove(&(pivot.min(n), pivot.max(n)));
            for c in [pivot, n] {
                if let Some(d) = degree.get_mut(&c) {
                    *d -= 1;
                }
            }
        }
        rows.push(Dispute {
            left: vec![pivot],
            right,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dispute(left: &[usize], right: &[usize]) -> Dispute {
        Dispute {
            left: left.to_vec(),
            right: right.to_vec(),
        }
    }

    #[test]
    fn a_single_pair_is_one_dispute() {
        assert_eq!(group_disputes(&[(0, 1)]), [dispute(&[0], &[1])]);
    }

    #[test]
    fn a_claim_contradicting_two_others_appears_once() {
        // 1 is contradicted by 0 and contradicts 2: the pretraining topic's
        // "data is running out" debate.
        assert_eq!(group_disputes(&[(0, 1), (1, 2)]), [dispute(&[0, 2], &[1])]);
    }

    #[test]
    fn separate_debates_stay_separate_oldest_first() {
        assert_eq!(
            group_disputes(&[(0, 2), (1, 3), (2, 4)]),
            [dispute(&[0, 4], &[2]), dispute(&[1], &[3])]
        );
    }

    #[test]
    fn chains_split_into_alternating_sides() {
        assert_eq!(
            group_disputes(&[(0, 1), (1, 2), (2, 3)]),
            [dispute(&[0, 2], &[1, 3])]
        );
    }

    #[test]
    fn three_claims_that_all_disagree_show_each_pair_once() {
        let rows = group_disputes(&[(0, 1), (0, 2), (1, 2)]);
        assert_eq!(rows, [dispute(&[0], &[1, 2]), dispute(&[1], &[2])]);
        let shown: usize = rows.iter().map(|r| r.left.len() * r.right.len()).sum();
        assert_eq!(shown, 3);
    }

    #[test]
    fn no_contradictions_no_disputes() {
        assert!(group_disputes(&[]).is_empty());
    }
}
