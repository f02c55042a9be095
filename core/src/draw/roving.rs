//! Where the keyboard's focus goes on the canvas, which is one tab stop: the arrow keys walk
//! the drawing as a tree, following containment and links (the WAI-ARIA composite widget
//! pattern, with its keys as a tree view has them).
//!
//! Regions, sites and circuits are the roots; a VNet is the child of its region, a subnet of
//! its VNet, a device of its subnet, a policy badge of the first subnet it is attached to (a
//! root when attached to none). A link (peering, connection) is a child of its first end,
//! after what that end contains, and leads on to its other end. Siblings are in reading order
//! of where they are drawn (top to bottom, then left to right), links last.
//!
//! [`Rover::new`] indexes a design once (n log n); each step is then a lookup. [`along`] is the
//! same walk in a flat row, which the palette (one tab stop too) moves by.

use crate::hashing::{HashMap, HashMapExt};
use crate::model::{Design, Id, Point};

/// One arrow key's move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Down: the next sibling.
    Next,
    /// Up: the previous sibling.
    Previous,
    /// Right: into the first child; on a link, along it to its other end.
    In,
    /// Left: out to the container; on a link, back to its first end.
    Out,
    /// Home: the first sibling.
    First,
    /// End: the last sibling.
    Last,
}

/// The drawing as the keyboard walks it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rover {
    nodes: Vec<Node>,
    at: HashMap<Id, usize>,
    /// The roots, in order.
    roots: Vec<Id>,
}

#[derive(Clone, Debug, PartialEq)]
struct Node {
    id: Id,
    parent: Option<Id>,
    /// Where a link leads: its other end.
    leads_to: Option<Id>,
    children: Vec<Id>,
    /// The place among its siblings.
    index: usize,
}

impl Rover {
    pub fn new(design: &Design) -> Rover {
        // (id, parent, where it is drawn, a link's other end)
        let mut items: Vec<(Id, Option<Id>, Point, Option<Id>)> = Vec::new();
        let top_left = |r: crate::model::Rect| Point::new(r.x, r.y);
        for r in &design.regions {
            items.push((r.id, None, top_left(r.layout), None));
        }
        let mut policy_subnet: HashMap<Id, Id> = HashMap::new();
        for v in &design.vnets {
            items.push((v.id, Some(v.region), top_left(v.layout), None));
            for s in &v.subnets {
                items.push((s.id, Some(v.id), top_left(s.layout), None));
                for policy in s.nsg.iter().chain(&s.route_table) {
                    policy_subnet.entry(*policy).or_insert(s.id);
                }
            }
        }
        let devices = design
            .hsms
            .iter()
            .map(|e| (e.id, e.subnet, e.layout))
            .chain(design.gateways.iter().map(|e| (e.id, e.subnet, e.layout)))
            .chain(design.nvas.iter().map(|e| (e.id, e.subnet, e.layout)))
            .chain(
                design
                    .load_balancers
                    .iter()
                    .map(|e| (e.id, e.subnet, e.layout)),
            )
            .chain(design.firewalls.iter().map(|e| (e.id, e.subnet, e.layout)));
        for (id, subnet, at) in devices {
            items.push((id, Some(subnet), at, None));
        }
        let policies = design
            .nsgs
            .iter()
            .map(|n| (n.id, n.layout))
            .chain(design.route_tables.iter().map(|t| (t.id, t.layout)));
        for (id, at) in policies {
            items.push((id, policy_subnet.get(&id).copied(), at, None));
        }
        for s in &design.sites {
            items.push((s.id, None, s.layout, None));
        }
        for c in &design.circuits {
            items.push((c.id, None, c.layout, None));
        }
        // Links after everything they could hang from, drawn "after" any place.
        let last = Point::new(f64::INFINITY, f64::INFINITY);
        let links = design
            .peerings
            .iter()
            .map(|p| (p.id, [p.a, p.b]))
            .chain(design.connections.iter().map(|c| (c.id, c.kind.ends())));
        for (id, [a, b]) in links {
            items.push((id, Some(a), last, Some(b)));
        }

        let mut at: HashMap<Id, usize> = HashMap::with_capacity(items.len());
        for (i, (id, ..)) in items.iter().enumerate() {
            at.entry(*id).or_insert(i);
        }
        // A parent that is not drawn (a dangling reference) makes a root.
        let parent_of = |p: Option<Id>| p.filter(|p| at.contains_key(p));
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&i, &j| {
            let (p, q) = (items[i].2, items[j].2);
            p.y.total_cmp(&q.y)
                .then(p.x.total_cmp(&q.x))
                .then(i.cmp(&j))
        });
        let mut nodes: Vec<Node> = items
            .iter()
            .map(|&(id, parent, _, leads_to)| Node {
                id,
                parent: parent_of(parent),
                leads_to,
                children: Vec::new(),
                index: 0,
            })
            .collect();
        let mut roots = Vec::new();
        for i in order {
            let (id, parent) = (nodes[i].id, nodes[i].parent);
            let siblings = match parent {
                Some(p) => &mut nodes[at[&p]].children,
                None => &mut roots,
            };
            let index = siblings.len();
            siblings.push(id);
            nodes[i].index = index;
        }
        Rover { nodes, at, roots }
    }

    /// Where the keyboard starts: the first root.
    pub fn first(&self) -> Option<Id> {
        self.roots.first().copied()
    }

    /// Whether `id` is on the canvas.
    pub fn has(&self, id: Id) -> bool {
        self.at.contains_key(&id)
    }

    /// Where a step from `from` goes; `None` when there is nowhere to go (the last sibling, a
    /// leaf) or `from` is not drawn.
    pub fn step(&self, from: Id, step: Step) -> Option<Id> {
        let node = &self.nodes[*self.at.get(&from)?];
        let siblings = match node.parent {
            Some(p) => &self.nodes[self.at[&p]].children,
            None => &self.roots,
        };
        match step {
            Step::In => match node.leads_to {
                Some(end) => self.has(end).then_some(end),
                None => node.children.first().copied(),
            },
            Step::Out => node.parent,
            _ => along(siblings, node.index, step),
        }
    }
}

/// Where a step goes in a flat row (siblings on the canvas, the palette's items) from the
/// one at `index`: `None` past either end (no wrapping), when already there (Home on the
/// first), and for `In` and `Out`, which a row has not.
pub fn along<T: Copy>(row: &[T], index: usize, step: Step) -> Option<T> {
    let last = row.len().checked_sub(1)?;
    let to = match step {
        Step::Next => index + 1,
        Step::Previous => index.checked_sub(1)?,
        Step::First => 0,
        Step::Last => last,
        Step::In | Step::Out => return None,
    };
    (to != index).then(|| row.get(to).copied()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::hsm_vnet;

    #[test]
    fn the_arrows_walk_containment_in_reading_order() {
        let (b, ids) = hsm_vnet();
        let d = b.finish();
        let rover = Rover::new(&d);
        assert_eq!(rover.first(), Some(ids.region));
        assert_eq!(rover.step(ids.region, Step::In), Some(ids.vnet));
        assert_eq!(rover.step(ids.vnet, Step::Out), Some(ids.region));
        let first_subnet = rover.step(ids.vnet, Step::In).unwrap();
        let second = rover.step(first_subnet, Step::Next).unwrap();
        let mut subnets = [first_subnet, second];
        subnets.sort();
        let mut expected = [ids.gateway_subnet, ids.hsm_subnet];
        expected.sort();
        assert_eq!(subnets, expected, "both subnets, one after the other");
        assert_eq!(
            rover.step(second, Step::Next),
            None,
            "no wrap past the last"
        );
        assert_eq!(rover.step(second, Step::Previous), Some(first_subnet));
        assert_eq!(rover.step(ids.hsm_subnet, Step::In), Some(ids.hsm1));
        assert_eq!(
            rover.step(ids.hsm1, Step::Next),
            Some(ids.hsm2),
            "left to right"
        );
        assert_eq!(rover.step(ids.hsm2, Step::First), Some(ids.hsm1));
        assert_eq!(rover.step(ids.hsm1, Step::Last), Some(ids.hsm2));
        assert_eq!(
            rover.step(ids.hsm1, Step::In),
            None,
            "a device holds nothing"
        );
        assert_eq!(rover.step(ids.hsm1, Step::Out), Some(ids.hsm_subnet));
        assert_eq!(rover.step(Id(9_999), Step::Next), None);
    }

    #[test]
    fn a_link_hangs_from_its_first_end_after_what_it_contains_and_leads_to_the_other() {
        let (mut b, ids) = hsm_vnet();
        let spoke = b.vnet(ids.region, "spoke", &["10.20.0.0/16"]);
        let peering = b.peering(ids.vnet, spoke);
        let d = b.finish();
        let rover = Rover::new(&d);
        let mut child = rover.step(ids.vnet, Step::In);
        let mut children = Vec::new();
        while let Some(c) = child {
            children.push(c);
            child = rover.step(c, Step::Next);
        }
        assert_eq!(children.last(), Some(&peering), "{children:?}");
        assert_eq!(children.len(), 3, "two subnets, then the peering");
        assert_eq!(rover.step(peering, Step::In), Some(spoke), "along the link");
        assert_eq!(rover.step(peering, Step::Out), Some(ids.vnet));
    }

    #[test]
    fn a_row_is_walked_without_wrapping() {
        let row = ['a', 'b', 'c'];
        assert_eq!(along(&row, 0, Step::Next), Some('b'));
        assert_eq!(along(&row, 2, Step::Next), None, "no wrap past the last");
        assert_eq!(along(&row, 0, Step::Previous), None, "nor before the first");
        assert_eq!(along(&row, 2, Step::Previous), Some('b'));
        assert_eq!(along(&row, 1, Step::First), Some('a'));
        assert_eq!(along(&row, 0, Step::First), None, "already there");
        assert_eq!(along(&row, 0, Step::Last), Some('c'));
        assert_eq!(along(&row, 1, Step::In), None);
        assert_eq!(along(&[] as &[char], 0, Step::Last), None);
    }

    #[test]
    fn every_element_of_a_large_design_is_reachable() {
        use crate::presets::{self, Size};
        let size = Size {
            spokes: Some(100),
            ..Size::default()
        };
        let d = presets::build("hub-nva-proxy", &size).unwrap();
        let rover = Rover::new(&d);
        // Depth first from the roots, by the keys alone.
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<Id> = rover.first().into_iter().collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            stack.extend(rover.step(id, Step::Next));
            if rover.nodes[rover.at[&id]].leads_to.is_none() {
                stack.extend(rover.step(id, Step::In));
            }
        }
        let all: std::collections::HashSet<Id> = d.ids().into_iter().collect();
        assert_eq!(seen, all);
    }
}
