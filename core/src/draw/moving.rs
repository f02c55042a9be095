//! What a drag moves: the chosen elements, what they contain, and the policy badges drawn on
//! the subnets that move (a badge sits on its subnet's edge and should stay there).

use crate::hashing::HashSet;
use crate::model::{Design, Id, Point};

/// The ids to put in an `Edit::Move` for dragging `ids`: those that can move, plus the NSG and
/// route-table badges drawn on a subnet that moves.
pub fn move_ids(design: &Design, ids: &[Id]) -> Vec<Id> {
    let movable = |id: &Id| {
        design.describe(*id).is_some()
            && design.peerings.iter().all(|p| p.id != *id)
            && design.connections.iter().all(|c| c.id != *id)
    };
    let mut out: Vec<Id> = ids.iter().copied().filter(movable).collect();
    let follows = followers(design, &out);
    let on_moving_subnet = |at: Point| {
        design
            .vnets
            .iter()
            .flat_map(|v| &v.subnets)
            .any(|s| follows.contains(&s.id) && s.layout.contains(at))
    };
    for (id, at) in design
        .nsgs
        .iter()
        .map(|n| (n.id, n.layout))
        .chain(design.route_tables.iter().map(|r| (r.id, r.layout)))
    {
        if !follows.contains(&id) && on_moving_subnet(at) {
            out.push(id);
        }
    }
    out
}

/// Everything that moves on the canvas when `ids` move, as `Edit::Move` moves them:
/// a region's VNets, a VNet's subnets, a subnet's devices.
pub fn followers(design: &Design, ids: &[Id]) -> HashSet<Id> {
    let mut moving: HashSet<Id> = ids.iter().copied().collect();
    for v in &design.vnets {
        if moving.contains(&v.region) {
            moving.insert(v.id);
        }
    }
    for v in &design.vnets {
        if moving.contains(&v.id) {
            moving.extend(v.subnets.iter().map(|s| s.id));
        }
    }
    macro_rules! devices {
        ($($field:ident),*) => {
            $(for e in &design.$field {
                if moving.contains(&e.subnet) {
                    moving.insert(e.id);
                }
            })*
        };
    }
    devices!(hsms, gateways, nvas, load_balancers, firewalls);
    moving
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::builder::Builder;

    #[test]
    fn a_vnet_drags_its_subnets_devices_and_the_badges_on_them() {
        let mut b = Builder::new("t");
        let r = b.region("westeurope");
        let v = b.vnet(r, "v", &["10.0.0.0/16"]);
        let s = b.subnet(v, "s", "10.0.1.0/24");
        let n = b.nva(s, "n", "10.0.1.4");
        let nsg = b.nsg("nsg", Vec::new(), &[s]);
        let other = b.vnet(r, "w", &["10.1.0.0/16"]);
        let peering = b.peering(v, other);
        let d = b.finish();
        let ids = move_ids(&d, &[v, peering]);
        assert_eq!(
            ids,
            vec![v, nsg],
            "the peering cannot move; the NSG follows its subnet"
        );
        let follows = followers(&d, &ids);
        for id in [v, s, n, nsg] {
            assert!(follows.contains(&id), "{id}");
        }
        assert!(!follows.contains(&other));
        let before = d.nsg(nsg).unwrap().layout;
        let after = d
            .apply(&Edit::Move {
                ids,
                dx: 10.0,
                dy: 0.0,
            })
            .unwrap();
        assert_eq!(after.nsg(nsg).unwrap().layout.x, before.x + 10.0);
        assert_eq!(
            followers(&d, &[r]).len(),
            5,
            "the region, 2 VNets, the subnet, the NVA"
        );
    }
}
