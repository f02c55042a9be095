//! What the diagram's keyed lists know a drawn shape by: its element and a fingerprint of all
//! that is drawn of it. A shape that changes (moved, renamed, marked retirable, re-routed) gets
//! a new key, so its list re-creates it; one that does not keeps its node. Floats enter the
//! fingerprint as their bits: nothing is formatted.

use super::{Area, Badge, Link, Symbol};
use hsmnet_core::hashing::{FixedState, FoldHasher};
use hsmnet_core::model::{Point, Rect};
use hsmnet_core::Id;
use std::hash::{BuildHasher, Hash, Hasher};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShapeKey {
    pub id: Id,
    drawn: u64,
}

impl ShapeKey {
    fn of(id: Id, drawn: impl FnOnce(&mut FoldHasher)) -> ShapeKey {
        let mut hasher = FixedState::default().build_hasher();
        drawn(&mut hasher);
        ShapeKey {
            id,
            drawn: hasher.finish(),
        }
    }
}

fn point(p: Point, h: &mut FoldHasher) {
    [p.x, p.y].map(f64::to_bits).hash(h);
}

fn rect(r: Rect, h: &mut FoldHasher) {
    [r.x, r.y, r.w, r.h].map(f64::to_bits).hash(h);
}

// Each struct is taken apart field by field: a field added to a shape does not compile here
// until it is part of the key.

impl Area {
    pub fn key(&self) -> ShapeKey {
        let Area {
            id,
            kind,
            name,
            detail,
            rect: r,
            hsm_delegated,
            retirable,
            label_font,
        } = self;
        ShapeKey::of(*id, |h| {
            (kind, name, detail, hsm_delegated, retirable).hash(h);
            label_font.to_bits().hash(h);
            rect(*r, h);
        })
    }
}

impl Symbol {
    pub fn key(&self) -> ShapeKey {
        let Symbol {
            id,
            kind,
            name,
            detail,
            at,
            label_chars,
            label_dropped,
            retirable,
            label_font,
        } = self;
        ShapeKey::of(*id, |h| {
            (kind, name, detail, label_chars, label_dropped, retirable).hash(h);
            label_font.to_bits().hash(h);
            point(*at, h);
        })
    }
}

impl Badge {
    pub fn key(&self) -> ShapeKey {
        let Badge {
            id,
            kind,
            name,
            entries,
            at,
            retirable,
        } = self;
        ShapeKey::of(*id, |h| {
            (kind, name, entries, retirable).hash(h);
            point(*at, h);
        })
    }
}

impl Link {
    /// A DNS zone's lines to its VNets all carry the zone's id: their ends tell them apart.
    pub fn key(&self) -> ShapeKey {
        let Link {
            id,
            kind,
            label,
            from,
            to,
            ends,
            bend,
            route,
        } = self;
        ShapeKey::of(*id, |h| {
            (kind, label, ends, bend.to_bits()).hash(h);
            for p in [from, to].into_iter().chain(route.iter().flatten()) {
                point(*p, h);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LinkKind, Scene};
    use hsmnet_core::model::builder::Builder;
    use hsmnet_core::model::Point;

    #[test]
    fn a_shape_keeps_its_key_until_what_is_drawn_of_it_changes() {
        let mut b = Builder::new("test");
        let r = b.region("westeurope");
        let hub = b.vnet(r, "hub", &["10.1.0.0/16"]);
        let spoke = b.vnet(r, "spoke", &["10.2.0.0/16"]);
        b.peering(hub, spoke);
        b.private_dns_zone("privatelink.example", &[], &[hub, spoke]);
        let design = b.finish();
        let before = Scene::of(&design);
        let again = Scene::of(&design);
        let peering = before
            .links
            .iter()
            .position(|l| l.kind == LinkKind::Peering)
            .unwrap();
        assert_eq!(before.vnets[0].key(), again.vnets[0].key());
        assert_eq!(before.links[peering].key(), again.links[peering].key());
        assert_ne!(before.vnets[0].key(), before.vnets[1].key());
        // The zone's two lines carry its id; their keys differ.
        let zone_lines: Vec<_> = before
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::DnsLink)
            .map(|l| l.key())
            .collect();
        assert_eq!(zone_lines.len(), 2);
        assert_eq!(zone_lines[0].id, zone_lines[1].id);
        assert_ne!(zone_lines[0], zone_lines[1]);

        let mut moved = before.vnets[0].clone();
        moved.rect.x += 0.5;
        assert_ne!(moved.key(), before.vnets[0].key());
        let mut renamed = before.vnets[0].clone();
        renamed.name.push('2');
        assert_ne!(renamed.key(), before.vnets[0].key());
        assert_eq!(renamed.key().id, before.vnets[0].key().id);
        let mut bent = before.links[peering].clone();
        bent.to = Point::new(bent.to.x, bent.to.y + 1.0);
        assert_ne!(bent.key(), before.links[peering].key());
    }
}
