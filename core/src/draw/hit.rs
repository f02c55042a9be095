//! What lies under a point of the canvas.

use crate::model::metrics::{BADGE_HALF_H, BADGE_HALF_W, SYMBOL_HIT};
use crate::model::{Design, Id, Kind, Point};

/// The containers under `p`, innermost first: subnets, then VNets, then regions. Among
/// overlapping ones of the same kind, the one drawn last (on top) comes first.
pub fn containers_at(design: &Design, p: Point) -> Vec<(Id, Kind)> {
    let mut found = Vec::new();
    for v in design.vnets.iter().rev() {
        for s in v.subnets.iter().rev() {
            if s.layout.contains(p) {
                found.push((s.id, Kind::Subnet));
            }
        }
    }
    for v in design.vnets.iter().rev() {
        if v.layout.contains(p) {
            found.push((v.id, Kind::Vnet));
        }
    }
    for r in design.regions.iter().rev() {
        if r.layout.contains(p) {
            found.push((r.id, Kind::Region));
        }
    }
    found
}

/// The element drawn on top at `p`: a symbol or badge first, then the innermost container.
pub fn element_at(design: &Design, p: Point) -> Option<Id> {
    let near = |at: Point| (at.x - p.x).hypot(at.y - p.y) <= SYMBOL_HIT;
    let on_badge =
        |at: Point| (at.x - p.x).abs() <= BADGE_HALF_W && (at.y - p.y).abs() <= BADGE_HALF_H;
    // The canvas draws devices over badges; the last drawn is on top.
    macro_rules! last_near {
        ($($field:ident),*) => {
            $(if let Some(e) = design.$field.iter().rev().find(|e| near(e.layout)) {
                return Some(e.id);
            })*
        };
    }
    last_near!(
        nvas,
        load_balancers,
        firewalls,
        gateways,
        hsms,
        private_endpoints,
        cloud_hsm_clusters,
        circuits,
        sites,
        private_dns_zones
    );
    if let Some(e) = design
        .route_tables
        .iter()
        .rev()
        .find(|e| on_badge(e.layout))
    {
        return Some(e.id);
    }
    if let Some(e) = design.nsgs.iter().rev().find(|e| on_badge(e.layout)) {
        return Some(e.id);
    }
    containers_at(design, p).first().map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::hsm_vnet;

    #[test]
    fn a_point_hits_the_symbol_then_the_innermost_container() {
        let (b, ids) = hsm_vnet();
        let d = b.finish();
        let hsm = d.hsm(ids.hsm1).unwrap().layout;
        assert_eq!(element_at(&d, hsm), Some(ids.hsm1));
        let subnet = d.subnet(ids.hsm_subnet).unwrap().1.layout;
        let inside = Point::new(subnet.x + subnet.w - 5.0, subnet.y + 5.0);
        assert_eq!(element_at(&d, inside), Some(ids.hsm_subnet));
        assert_eq!(
            containers_at(&d, inside),
            vec![
                (ids.hsm_subnet, Kind::Subnet),
                (ids.vnet, Kind::Vnet),
                (ids.region, Kind::Region)
            ]
        );
        let vnet = d.vnet(ids.vnet).unwrap().layout;
        let header = Point::new(vnet.x + 3.0, vnet.y + 3.0);
        assert_eq!(element_at(&d, header), Some(ids.vnet));
        assert_eq!(element_at(&d, Point::new(-500.0, -500.0)), None);
        assert!(containers_at(&d, Point::new(-500.0, -500.0)).is_empty());
    }
}

/// The container an element is drawn in: a VNet's region, a subnet's VNet, a device's subnet.
pub fn container_of(design: &Design, id: Id) -> Option<Id> {
    if let Some(v) = design.vnet(id) {
        return Some(v.region);
    }
    if let Some(v) = design.vnet_of_subnet(id) {
        return Some(v.id);
    }
    design
        .hsm(id)
        .map(|e| e.subnet)
        .or_else(|| design.gateway(id).map(|e| e.subnet))
        .or_else(|| design.nva(id).map(|e| e.subnet))
        .or_else(|| design.load_balancer(id).map(|e| e.subnet))
        .or_else(|| design.firewall(id).map(|e| e.subnet))
        .or_else(|| design.private_endpoint(id).map(|e| e.subnet))
        .or_else(|| design.cloud_hsm_cluster(id).map(|e| e.region))
}

#[cfg(test)]
mod container_tests {
    use super::*;
    use crate::rules::testing::hsm_vnet;

    #[test]
    fn each_element_knows_its_container() {
        let (b, ids) = hsm_vnet();
        let d = b.finish();
        assert_eq!(container_of(&d, ids.hsm1), Some(ids.hsm_subnet));
        assert_eq!(container_of(&d, ids.hsm_subnet), Some(ids.vnet));
        assert_eq!(container_of(&d, ids.vnet), Some(ids.region));
        assert_eq!(container_of(&d, ids.region), None);
    }
}
