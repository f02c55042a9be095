//! A simple, deterministic layout for designs built in code (presets, tests): on-premises sites
//! and private DNS zones in a column on the left, regions side by side, VNets in a grid inside
//! their region with its Cloud HSM clusters in a row below them, subnets stacked inside their
//! VNet, devices in a row inside their subnet.

use super::metrics::{
    badge_point, device_point, CIRCUIT_STEP, DEVICE_STEP, DEVICE_X, DEVICE_Y, GAP, HEADER,
    SITE_COLUMN_W, SITE_STEP, SUBNET_H, SUBNET_W,
};
use super::{Design, Id, Point, Rect};
use crate::hashing::{HashMap, HashMapExt};

/// Lays out every element; the same design always gets the same positions.
pub fn lay_out(design: &mut Design) {
    // Sites and circuits on the left.
    let mut y = HEADER + GAP;
    for site in &mut design.sites {
        site.layout = Point::new(GAP + 40.0, y + 20.0);
        y += SITE_STEP;
    }
    for circuit in &mut design.circuits {
        circuit.layout = Point::new(GAP + 140.0, y + 20.0);
        y += CIRCUIT_STEP;
    }
    for zone in &mut design.private_dns_zones {
        zone.layout = Point::new(GAP + 40.0, y + 20.0);
        y += SITE_STEP;
    }

    // Subnets inside VNets; VNet sizes follow.
    for vnet in &mut design.vnets {
        vnet.layout.w = SUBNET_W + 2.0 * GAP;
        vnet.layout.h = HEADER + vnet.subnets.len() as f64 * (SUBNET_H + GAP) + GAP / 2.0;
    }

    // VNets in a grid per region; regions side by side.
    let mut x = SITE_COLUMN_W + GAP;
    let region_ids: Vec<Id> = design.regions.iter().map(|r| r.id).collect();
    // Members of each region gathered in one pass: an imported design may have many regions.
    let mut vnets_of: HashMap<Id, Vec<usize>> = HashMap::new();
    for (i, vnet) in design.vnets.iter().enumerate() {
        vnets_of.entry(vnet.region).or_default().push(i);
    }
    let mut clusters_of: HashMap<Id, Vec<usize>> = HashMap::new();
    for (i, cluster) in design.cloud_hsm_clusters.iter().enumerate() {
        clusters_of.entry(cluster.region).or_default().push(i);
    }
    let crowded = vnets_of.len().max(1);
    let mut region_rects: HashMap<Id, Rect> = HashMap::new();
    for region in region_ids {
        let members = vnets_of.remove(&region).unwrap_or_default();
        // Square grids side by side would make a wide strip of many regions: each region's
        // grid has as many times more rows than columns as there are regions, so that together
        // they keep the proportions of one square grid.
        let columns = (members.len() as f64 / crowded as f64)
            .sqrt()
            .ceil()
            .max(1.0) as usize;
        let cell_w = SUBNET_W + 3.0 * GAP;
        let mut row_top = HEADER + GAP;
        let mut row_h: f64 = 0.0;
        let mut width: f64 = cell_w;
        for (n, i) in members.iter().enumerate() {
            let column = n % columns;
            if column == 0 && n > 0 {
                row_top += row_h + GAP;
                row_h = 0.0;
            }
            let vnet = &mut design.vnets[*i];
            vnet.layout.x = x + GAP + column as f64 * cell_w;
            vnet.layout.y = row_top;
            row_h = row_h.max(vnet.layout.h);
            width = width.max((column + 1) as f64 * cell_w);
        }
        let mut rect = Rect::new(x, GAP, width + GAP, row_top + row_h + GAP);
        // Cloud HSM clusters in a row along the region's bottom, below its VNets.
        let clusters = clusters_of.remove(&region).unwrap_or_default();
        let n = clusters.len();
        for (k, i) in clusters.into_iter().enumerate() {
            design.cloud_hsm_clusters[i].layout = Point::new(
                x + GAP + DEVICE_X + k as f64 * DEVICE_STEP,
                rect.y + rect.h + DEVICE_Y - GAP,
            );
        }
        if n > 0 {
            rect.h += SUBNET_H;
            rect.w = rect.w.max(2.0 * GAP + DEVICE_X + n as f64 * DEVICE_STEP);
        }
        region_rects.insert(region, rect);
        x += rect.w + 2.0 * GAP;
    }
    for region in &mut design.regions {
        if let Some(rect) = region_rects.get(&region.id) {
            region.layout = *rect;
        }
    }

    // Subnets stacked in their VNet.
    let mut subnet_rects: HashMap<Id, Rect> = HashMap::new();
    for vnet in &mut design.vnets {
        let (vx, vy) = (vnet.layout.x, vnet.layout.y);
        for (n, subnet) in vnet.subnets.iter_mut().enumerate() {
            subnet.layout = Rect::new(
                vx + GAP,
                vy + HEADER + n as f64 * (SUBNET_H + GAP),
                SUBNET_W,
                SUBNET_H,
            );
            subnet_rects.insert(subnet.id, subnet.layout);
        }
    }

    // Devices in a row inside their subnet, policies at the subnet's right edge.
    let mut used: HashMap<Id, usize> = HashMap::new();
    let mut place = |subnet: Id| -> Point {
        let rect = subnet_rects.get(&subnet).copied().unwrap_or_default();
        let n = used.entry(subnet).or_insert(0);
        let p = device_point(rect, *n);
        *n += 1;
        p
    };
    for e in &mut design.hsms {
        e.layout = place(e.subnet);
    }
    for e in &mut design.gateways {
        e.layout = place(e.subnet);
    }
    for e in &mut design.firewalls {
        e.layout = place(e.subnet);
    }
    for e in &mut design.load_balancers {
        e.layout = place(e.subnet);
    }
    for e in &mut design.nvas {
        e.layout = place(e.subnet);
    }
    for e in &mut design.private_endpoints {
        e.layout = place(e.subnet);
    }
    let mut nsg_at: HashMap<Id, Point> = HashMap::new();
    let mut rt_at: HashMap<Id, Point> = HashMap::new();
    for subnet in design.vnets.iter().flat_map(|v| &v.subnets) {
        let r = subnet.layout;
        if let Some(nsg) = subnet.nsg {
            nsg_at.entry(nsg).or_insert(badge_point(r, true));
        }
        if let Some(rt) = subnet.route_table {
            rt_at.entry(rt).or_insert(badge_point(r, false));
        }
    }
    let mut spare_y = y;
    for nsg in &mut design.nsgs {
        nsg.layout = nsg_at.get(&nsg.id).copied().unwrap_or_else(|| {
            spare_y += 50.0;
            Point::new(GAP + 40.0, spare_y)
        });
    }
    for rt in &mut design.route_tables {
        rt.layout = rt_at.get(&rt.id).copied().unwrap_or_else(|| {
            spare_y += 50.0;
            Point::new(GAP + 40.0, spare_y)
        });
    }
}
