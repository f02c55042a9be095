//! One-click fixes are intentions computed against the design they are applied to: on random
//! broken designs (every preset, and a blank design drawn as the studio's user would, with
//! random mutations), every offered fix applied in a random order through `rules::apply_fix`
//! either applies or answers `Resolved` (an earlier fix solved it), and after it the finding it
//! targets is gone. Elements a fix adds lie inside their containers.
//!
//! 500 cases per base design by default (2,500 in all, some seconds in debug);
//! `PROPTEST_CASES=5000 cargo test -p hsmnet-core --release --test fixes_apply -- --nocapture`
//! runs more and prints what the cases came to.

use hsmnet_core::draw::{self, Item};
use hsmnet_core::model::{ConnectionKind, GatewayKind, Nsg, Point, Rect, RouteTable, VpnType};
use hsmnet_core::presets::{self, Size};
use hsmnet_core::rules::{apply_fix, rule, Context, FixError};
use hsmnet_core::{Design, Edit, Finding, Id};
use proptest::prelude::*;
use proptest::sample::Index;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// What the cases came to, printed by each test (`--nocapture`): fixes offered, applied, found
/// resolved by an earlier fix, and no longer offered after an earlier fix.
struct Tally {
    offered: AtomicUsize,
    applied: AtomicUsize,
    resolved: AtomicUsize,
    not_offered: AtomicUsize,
}

/// One way of breaking a design. Indices pick among the elements of a kind, modulo their number.
#[derive(Clone, Debug)]
enum Mutation {
    /// Removes any element (with what cannot exist without it).
    Remove(Index),
    RemoveHsm(Index),
    RemoveGateway(Index),
    RemovePeering(Index),
    RemoveConnection(Index),
    RemoveGatewaySubnet(Index),
    RemoveNva(Index),
    RemoveRouteTable(Index),
    SnatOff(Index),
    IpForwardingOff(Index),
    GatewaySku(Index, Index),
    PolicyBased(Index),
    FlipGatewayKind(Index),
    NsgOnHsmSubnet(Index),
    RouteTableOnHsmSubnet(Index),
    NsgOnGatewaySubnet(Index),
    Undelegate(Index),
    RenameGatewaySubnet(Index),
    IpCheckOn(Index),
    SameStamp(Index),
    ToggleRemoteGateways(Index),
    ToggleGatewayTransit(Index),
    ClearRoutes(Index),
    ClearLbRules(Index),
    /// A prefix with host bits set (`10.0.1.5/28`).
    HostBits(Index),
    /// An HSM address outside its subnet.
    HsmIpOutside(Index),
    /// A VNet loses its tags (the `fastpathenabled` a payment HSM needs).
    ClearTags(Index),
    /// A VPN gateway made active-active.
    ActiveActive(Index),
    /// FastPath on for a connection, if it is an ExpressRoute one.
    FastPathOn(Index),
    /// An HSM becomes a payment HSM (a payShield SKU), so the Payment HSM rules apply.
    PayShield(Index),
    /// A palette item dropped in the middle of a region, VNet or subnet, or beside them all,
    /// as a user draws (when the drop is refused, nothing).
    Drop(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use Mutation::*;
    let i = any::<Index>;
    prop_oneof![
        i().prop_map(Remove),
        i().prop_map(RemoveHsm),
        i().prop_map(RemoveGateway),
        i().prop_map(RemovePeering),
        i().prop_map(RemoveConnection),
        i().prop_map(RemoveGatewaySubnet),
        i().prop_map(RemoveNva),
        i().prop_map(RemoveRouteTable),
        i().prop_map(SnatOff),
        i().prop_map(IpForwardingOff),
        (i(), i()).prop_map(|(a, b)| GatewaySku(a, b)),
        i().prop_map(PolicyBased),
        i().prop_map(FlipGatewayKind),
        i().prop_map(NsgOnHsmSubnet),
        i().prop_map(RouteTableOnHsmSubnet),
        i().prop_map(NsgOnGatewaySubnet),
        i().prop_map(Undelegate),
        i().prop_map(RenameGatewaySubnet),
        i().prop_map(IpCheckOn),
        i().prop_map(SameStamp),
        i().prop_map(ToggleRemoteGateways),
        i().prop_map(ToggleGatewayTransit),
        i().prop_map(ClearRoutes),
        i().prop_map(ClearLbRules),
        i().prop_map(HostBits),
        i().prop_map(HsmIpOutside),
        (i(), i()).prop_map(|(a, b)| Drop(a, b)),
        i().prop_map(ClearTags),
        i().prop_map(PayShield),
        i().prop_map(ActiveActive),
        i().prop_map(FastPathOn),
    ]
}

/// Gateway SKUs a user might type, valid for one kind or the other, or for none.
const SKUS: &[&str] = &[
    "Standard",
    "HighPerformance",
    "UltraPerformance",
    "ErGw1AZ",
    "ErGw3AZ",
    "VpnGw1",
    "VpnGw2AZ",
    "Basic",
    "NoSuchSku",
];

fn pick<T>(list: &[T], i: &Index) -> Option<usize> {
    (!list.is_empty()).then(|| i.index(list.len()))
}

/// The subnets of the design (VNet index, subnet index) that satisfy `keep`.
fn subnets(d: &Design, keep: impl Fn(&hsmnet_core::model::Subnet) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (v, vnet) in d.vnets.iter().enumerate() {
        for (s, subnet) in vnet.subnets.iter().enumerate() {
            if keep(subnet) {
                out.push((v, s));
            }
        }
    }
    out
}

fn remove(d: &mut Design, id: Id) {
    *d = d.apply(&Edit::Remove(id)).expect("a removal applies");
}

/// An NSG or a route table to attach: an existing one, else a new one.
fn some_nsg(d: &mut Design) -> Id {
    if let Some(n) = d.nsgs.first() {
        return n.id;
    }
    let id = d.next_id();
    d.nsgs.push(Nsg {
        id,
        name: "stray-nsg".into(),
        rules: Vec::new(),
        layout: Point::default(),
    });
    id
}

fn some_route_table(d: &mut Design) -> Id {
    if let Some(r) = d.route_tables.first() {
        return r.id;
    }
    let id = d.next_id();
    d.route_tables.push(RouteTable {
        id,
        name: "stray-rt".into(),
        routes: Vec::new(),
        bgp_propagation: true,
        layout: Point::default(),
    });
    id
}

fn mutate(d: &mut Design, m: &Mutation) {
    use Mutation::*;
    let hsm_subnets = |d: &Design| subnets(d, |s| s.is_hsm_delegated());
    let gateway_subnets = |d: &Design| subnets(d, |s| s.name.eq_ignore_ascii_case("GatewaySubnet"));
    match m {
        Remove(i) => {
            let ids = d.ids();
            if let Some(k) = pick(&ids, i) {
                remove(d, ids[k]);
            }
        }
        RemoveHsm(i) => {
            if let Some(k) = pick(&d.hsms, i) {
                remove(d, d.hsms[k].id);
            }
        }
        RemoveGateway(i) => {
            if let Some(k) = pick(&d.gateways, i) {
                remove(d, d.gateways[k].id);
            }
        }
        RemovePeering(i) => {
            if let Some(k) = pick(&d.peerings, i) {
                remove(d, d.peerings[k].id);
            }
        }
        RemoveConnection(i) => {
            if let Some(k) = pick(&d.connections, i) {
                remove(d, d.connections[k].id);
            }
        }
        RemoveGatewaySubnet(i) => {
            let all = gateway_subnets(d);
            if let Some(k) = pick(&all, i) {
                let (v, s) = all[k];
                remove(d, d.vnets[v].subnets[s].id);
            }
        }
        RemoveNva(i) => {
            if let Some(k) = pick(&d.nvas, i) {
                remove(d, d.nvas[k].id);
            }
        }
        RemoveRouteTable(i) => {
            if let Some(k) = pick(&d.route_tables, i) {
                remove(d, d.route_tables[k].id);
            }
        }
        PayShield(i) => {
            if let Some(k) = pick(&d.hsms, i) {
                d.hsms[k].sku = "payShield10K_LMK1_CPS250".into();
            }
        }
        ClearTags(i) => {
            if let Some(k) = pick(&d.vnets, i) {
                d.vnets[k].tags.clear();
            }
        }
        ActiveActive(i) => {
            if let Some(k) = pick(&d.gateways, i) {
                if d.gateways[k].kind == GatewayKind::Vpn {
                    d.gateways[k].active_active = true;
                }
            }
        }
        FastPathOn(i) => {
            if let Some(k) = pick(&d.connections, i) {
                let c = &mut d.connections[k];
                c.fastpath = matches!(c.kind, ConnectionKind::ExpressRoute { .. });
            }
        }
        SnatOff(i) => {
            if let Some(k) = pick(&d.nvas, i) {
                d.nvas[k].snat = false;
            }
        }
        IpForwardingOff(i) => {
            if let Some(k) = pick(&d.nvas, i) {
                d.nvas[k].ip_forwarding = false;
            }
        }
        GatewaySku(i, sku) => {
            if let Some(k) = pick(&d.gateways, i) {
                d.gateways[k].sku = SKUS[sku.index(SKUS.len())].into();
            }
        }
        PolicyBased(i) => {
            if let Some(k) = pick(&d.gateways, i) {
                d.gateways[k].vpn_type = Some(VpnType::PolicyBased);
            }
        }
        FlipGatewayKind(i) => {
            if let Some(k) = pick(&d.gateways, i) {
                let g = &mut d.gateways[k];
                g.kind = match g.kind {
                    GatewayKind::ExpressRoute => GatewayKind::Vpn,
                    GatewayKind::Vpn => GatewayKind::ExpressRoute,
                };
            }
        }
        NsgOnHsmSubnet(i) | NsgOnGatewaySubnet(i) => {
            let all = if matches!(m, NsgOnHsmSubnet(_)) {
                hsm_subnets(d)
            } else {
                gateway_subnets(d)
            };
            if let Some(k) = pick(&all, i) {
                let nsg = some_nsg(d);
                let (v, s) = all[k];
                d.vnets[v].subnets[s].nsg = Some(nsg);
            }
        }
        RouteTableOnHsmSubnet(i) => {
            let all = hsm_subnets(d);
            if let Some(k) = pick(&all, i) {
                let rt = some_route_table(d);
                let (v, s) = all[k];
                d.vnets[v].subnets[s].route_table = Some(rt);
            }
        }
        Undelegate(i) => {
            let all = hsm_subnets(d);
            if let Some(k) = pick(&all, i) {
                let (v, s) = all[k];
                d.vnets[v].subnets[s].delegation = None;
            }
        }
        RenameGatewaySubnet(i) => {
            let all = gateway_subnets(d);
            if let Some(k) = pick(&all, i) {
                let (v, s) = all[k];
                d.vnets[v].subnets[s].name = "gateway-subnet".into();
            }
        }
        IpCheckOn(i) => {
            if let Some(k) = pick(&d.hsms, i) {
                d.hsms[k].ntls_ip_check = true;
            }
        }
        SameStamp(i) => {
            if let Some(k) = pick(&d.hsms, i) {
                d.hsms[k].stamp = "stamp1".into();
            }
        }
        ToggleRemoteGateways(i) | ToggleGatewayTransit(i) => {
            if let Some(k) = pick(&d.peerings, i) {
                let side = &mut d.peerings[k].b_to_a;
                if matches!(m, ToggleRemoteGateways(_)) {
                    side.use_remote_gateways = !side.use_remote_gateways;
                } else {
                    let other = &mut d.peerings[k].a_to_b;
                    other.allow_gateway_transit = !other.allow_gateway_transit;
                }
            }
        }
        ClearRoutes(i) => {
            if let Some(k) = pick(&d.route_tables, i) {
                d.route_tables[k].routes.clear();
            }
        }
        ClearLbRules(i) => {
            if let Some(k) = pick(&d.load_balancers, i) {
                d.load_balancers[k].rules.clear();
            }
        }
        HostBits(i) => {
            let all = subnets(d, |_| true);
            if let Some(k) = pick(&all, i) {
                let (v, s) = all[k];
                let p = d.vnets[v].subnets[s].prefix;
                if p.prefix_len() < 31 {
                    let host = std::net::Ipv4Addr::from(u32::from(p.network()) + 1);
                    d.vnets[v].subnets[s].prefix =
                        ipnet::Ipv4Net::new(host, p.prefix_len()).unwrap();
                }
            }
        }
        HsmIpOutside(i) => {
            if let Some(k) = pick(&d.hsms, i) {
                d.hsms[k].private_ip = Some("203.0.113.7".parse().unwrap());
            }
        }
        Drop(item, at) => {
            let mut places: Vec<Rect> = d.regions.iter().map(|r| r.layout).collect();
            for v in &d.vnets {
                places.push(v.layout);
                places.extend(v.subnets.iter().map(|s| s.layout));
            }
            let r = match pick(&places, at) {
                Some(k) => places[k],
                None => Rect::new(0.0, 0.0, 10.0, 10.0),
            };
            let item = Item::ALL[item.index(Item::ALL.len())];
            let point = Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0);
            if let Ok(edit) = draw::place(d, item, point) {
                *d = d.apply(&edit).expect("a drop that is not refused applies");
            }
        }
    }
    hsmnet_core::document::check_integrity(d).expect("a mutation keeps the design loadable");
}

/// The blank design of the issue, drawn with palette drops: a region, a VNet, an HSM subnet
/// and one HSM.
fn drawn() -> Design {
    fn drop_at(d: &mut Design, item: Item, at: Point) -> Id {
        let edit = draw::place(d, item, at).unwrap_or_else(|r| panic!("{item:?}: {r}"));
        let before = d.ids();
        *d = d.apply(&edit).unwrap();
        d.ids().into_iter().find(|id| !before.contains(id)).unwrap()
    }
    fn middle(r: Rect) -> Point {
        Point::new(r.x + r.w / 2.0, r.y + r.h / 2.0)
    }
    let mut d = Design::new("drawn");
    let region = drop_at(&mut d, Item::Region, Point::new(300.0, 300.0));
    let at = middle(d.region(region).unwrap().layout);
    let vnet = drop_at(&mut d, Item::Vnet, at);
    let at = middle(d.vnet(vnet).unwrap().layout);
    let subnet = drop_at(&mut d, Item::HsmSubnet, at);
    let at = middle(d.subnet(subnet).unwrap().1.layout);
    drop_at(&mut d, Item::Hsm, at);
    d
}

fn base(name: &str, spokes: usize) -> Design {
    if name == "drawn" {
        return drawn();
    }
    let p = presets::preset(name).unwrap();
    let size = Size {
        spokes: p.takes_spokes.then_some(spokes),
        regions: None,
    };
    presets::build(name, &size).unwrap()
}

/// The findings one rule reports on a design.
fn findings_of(design: &Design, name: &str) -> Vec<Finding> {
    let rule = rule(name).unwrap();
    let cx = Context::new(design);
    let mut out = Vec::new();
    (rule.check)(&cx, &mut out);
    out
}

fn same(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.elements == b.elements && a.message == b.message
}

/// The finding of `now` that `apply_fix` targets for `f`: same rule and elements, the same
/// message when one has it, else the first with a fix.
fn target(now: &[Finding], f: &Finding) -> Option<Finding> {
    let candidates: Vec<&Finding> = now
        .iter()
        .filter(|g| g.rule == f.rule && g.elements == f.elements)
        .collect();
    candidates
        .iter()
        .find(|g| g.message == f.message)
        .or_else(|| candidates.iter().find(|g| g.fix.is_some()))
        .or(candidates.first())
        .map(|g| (*g).clone())
}

/// The rectangle an element must lie in, and the element's own place, for each element of
/// `after` that `before` does not have.
fn added_outside(before: &Design, after: &Design) -> Vec<String> {
    const SLACK: f64 = 0.5;
    let within = |inner: Rect, outer: Rect| {
        inner.x >= outer.x - SLACK
            && inner.y >= outer.y - SLACK
            && inner.x + inner.w <= outer.x + outer.w + SLACK
            && inner.y + inner.h <= outer.y + outer.h + SLACK
    };
    let old = before.ids();
    let new = |id: Id| !old.contains(&id);
    let mut bad = Vec::new();
    for v in &after.vnets {
        let region = after.region(v.region).unwrap().layout;
        if new(v.id) && !within(v.layout, region) {
            bad.push(format!(
                "VNet {} {:?} outside its region {region:?}",
                v.name, v.layout
            ));
        }
        for s in &v.subnets {
            if new(s.id) && !within(s.layout, v.layout) {
                bad.push(format!(
                    "subnet {} {:?} outside its VNet {:?}",
                    s.name, s.layout, v.layout
                ));
            }
        }
    }
    let devices = after
        .hsms
        .iter()
        .map(|e| (e.id, &e.name, e.subnet, e.layout))
        .chain(
            after
                .gateways
                .iter()
                .map(|e| (e.id, &e.name, e.subnet, e.layout)),
        )
        .chain(
            after
                .nvas
                .iter()
                .map(|e| (e.id, &e.name, e.subnet, e.layout)),
        )
        .chain(
            after
                .load_balancers
                .iter()
                .map(|e| (e.id, &e.name, e.subnet, e.layout)),
        )
        .chain(
            after
                .firewalls
                .iter()
                .map(|e| (e.id, &e.name, e.subnet, e.layout)),
        );
    for (id, name, subnet, at) in devices {
        let rect = after.subnet(subnet).unwrap().1.layout;
        if new(id) && !rect.contains(at) {
            bad.push(format!("{name} at {at:?} outside its subnet {rect:?}"));
        }
    }
    bad
}

/// A region or VNet moved on the canvas after the findings were shown, as a user may before
/// clicking a fix: what a fix adds must still land inside its container.
#[derive(Clone, Debug)]
struct Moved(Index, f64, f64);

/// Applies every fix offered on `design` in the order `order` gives (a permutation of 0..64;
/// fixes beyond 64 follow in their own order), after `moved`, counting what happened in
/// `tally`.
fn apply_all(
    design: &Design,
    moved: &Moved,
    order: &[usize],
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let offered: Vec<Finding> = hsmnet_core::check(design)
        .findings
        .into_iter()
        .filter(|f| f.fix.is_some())
        .collect();
    let areas: Vec<Id> = design
        .regions
        .iter()
        .map(|r| r.id)
        .chain(design.vnets.iter().map(|v| v.id))
        .collect();
    let mut design = design.clone();
    if let Some(k) = pick(&areas, &moved.0) {
        let edit = Edit::Move {
            ids: vec![areas[k]],
            dx: moved.1,
            dy: moved.2,
        };
        design = design.apply(&edit).expect("a move applies");
    }
    let design = &design;
    tally.offered.fetch_add(offered.len(), Relaxed);
    let mut sequence: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| i < offered.len())
        .collect();
    sequence.extend(order.len()..offered.len());
    let mut now = design.clone();
    for i in sequence {
        let f = &offered[i];
        let current = findings_of(&now, f.rule);
        let aimed = target(&current, f);
        match apply_fix(&now, f) {
            Ok(next) => {
                let aimed = aimed.expect("apply_fix applied a fix for a finding it found");
                let after = findings_of(&next, f.rule);
                prop_assert!(
                    !after.iter().any(|g| same(g, &aimed)),
                    "[{}] {} is still reported after its fix '{}'",
                    f.rule,
                    aimed.message,
                    aimed.fix.as_ref().map_or("", |x| x.label.as_str())
                );
                let outside = added_outside(&now, &next);
                prop_assert!(
                    outside.is_empty(),
                    "[{}] fix '{}' adds elements outside their containers: {outside:#?}",
                    f.rule,
                    aimed.fix.as_ref().map_or("", |x| x.label.as_str())
                );
                now = next;
                tally.applied.fetch_add(1, Relaxed);
            }
            Err(FixError::Resolved) => {
                tally.resolved.fetch_add(1, Relaxed);
                prop_assert!(
                    aimed.is_none(),
                    "[{}] Resolved while still reported",
                    f.rule
                );
            }
            Err(FixError::NotOffered) => {
                tally.not_offered.fetch_add(1, Relaxed);
                // Only when an earlier fix changed the finding so that no fix fits any more.
                let aimed = aimed.expect("NotOffered for a finding that is reported");
                prop_assert!(
                    aimed.fix.is_none(),
                    "[{}] {}: NotOffered, yet the rule offers '{}' now",
                    f.rule,
                    aimed.message,
                    aimed.fix.as_ref().unwrap().label
                );
            }
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "[{}] {}: fix '{}' failed: {e}",
                    f.rule,
                    f.message,
                    f.fix.as_ref().unwrap().label
                )))
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500)
}

fn order() -> impl Strategy<Value = Vec<usize>> {
    Just((0..64).collect::<Vec<usize>>()).prop_shuffle()
}

fn run(name: &'static str) {
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let moved = (any::<Index>(), -300.0..300.0f64, -300.0..300.0f64)
        .prop_map(|(i, dx, dy)| Moved(i, dx, dy));
    let strategy = (
        1usize..=3,
        prop::collection::vec(mutation(), 1..24),
        moved,
        order(),
    );
    let tally = Tally {
        offered: AtomicUsize::new(0),
        applied: AtomicUsize::new(0),
        resolved: AtomicUsize::new(0),
        not_offered: AtomicUsize::new(0),
    };
    let started = std::time::Instant::now();
    proptest!(config, |((spokes, mutations, moved, order) in strategy)| {
        let mut design = base(name, spokes);
        for m in &mutations {
            mutate(&mut design, m);
        }
        apply_all(&design, &moved, &order, &tally)?;
    });
    eprintln!(
        "{name}: {} cases, {} fixes offered: {} applied, {} resolved by an earlier fix, {} no longer offered; {:.1} s",
        config.cases,
        tally.offered.load(Relaxed),
        tally.applied.load(Relaxed),
        tally.resolved.load(Relaxed),
        tally.not_offered.load(Relaxed),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_single_vnet() {
    run("single-vnet");
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_hub_nva_proxy() {
    run("hub-nva-proxy");
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_cross_region_ha() {
    run("cross-region-ha");
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_expressroute_direct() {
    run("expressroute-direct");
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_payment_hsm() {
    run("payment-hsm");
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_payment_hsm_multi_vnet() {
    run("payment-hsm-multi-vnet");
}

#[test]
fn fixes_apply_in_any_order_on_a_broken_drawn_design() {
    run("drawn");
}
