//! Every change to a design is an [`Edit`] value, applied by the pure function
//! [`Design::apply`]. The browser app, the rules' one-click fixes and the tests all go through
//! it, and [`History`] gives undo and redo on top.
//!
//! An edit either applies whole or not at all: the result must pass
//! [`crate::document::check_integrity`] (unique ids, references of the right kind), so an
//! edit can never leave a design that the loader would refuse.

use crate::document::{check_integrity, IntegrityError};
use crate::hashing::HashSet;
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// One element of any kind, as added or replaced by an edit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    Region(Region),
    Vnet(Vnet),
    /// A subnet and the VNet it goes in.
    Subnet {
        vnet: Id,
        subnet: Subnet,
    },
    Hsm(Hsm),
    Gateway(Gateway),
    Nva(Nva),
    LoadBalancer(LoadBalancer),
    Firewall(Firewall),
    RouteTable(RouteTable),
    Nsg(Nsg),
    Site(OnPremSite),
    Circuit(ErCircuit),
    Peering(Peering),
    Connection(Connection),
    CloudHsmCluster(CloudHsmCluster),
    PrivateEndpoint(PrivateEndpoint),
    PrivateDnsZone(PrivateDnsZone),
}

impl Element {
    pub fn id(&self) -> Id {
        match self {
            Element::Region(e) => e.id,
            Element::Vnet(e) => e.id,
            Element::Subnet { subnet, .. } => subnet.id,
            Element::Hsm(e) => e.id,
            Element::Gateway(e) => e.id,
            Element::Nva(e) => e.id,
            Element::LoadBalancer(e) => e.id,
            Element::Firewall(e) => e.id,
            Element::RouteTable(e) => e.id,
            Element::Nsg(e) => e.id,
            Element::Site(e) => e.id,
            Element::Circuit(e) => e.id,
            Element::Peering(e) => e.id,
            Element::Connection(e) => e.id,
            Element::CloudHsmCluster(e) => e.id,
            Element::PrivateEndpoint(e) => e.id,
            Element::PrivateDnsZone(e) => e.id,
        }
    }
}

/// A change to a design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edit {
    /// Adds an element with a new id.
    Add(Element),
    /// Replaces the element with the same id (same kind; a subnet may not change VNet).
    Replace(Element),
    /// Removes an element and everything that cannot exist without it (a VNet's subnets, the
    /// devices in them, the peerings and connections that touch them); detaches NSGs and route
    /// tables from subnets and NVAs from load balancers.
    Remove(Id),
    /// Moves elements on the canvas; contained elements move with their container.
    Move { ids: Vec<Id>, dx: f64, dy: f64 },
    /// Renames the design.
    RenameDesign(String),
    /// Marks elements as retirable (a migration plan's: they served only what it replaces).
    MarkRetirable(Vec<Id>),
    /// Several edits as one step (one undo, one fix).
    Batch(Vec<Edit>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum EditError {
    /// No element has this id.
    Unknown(Id),
    /// An element being added uses an id that is taken.
    IdTaken(Id),
    /// A replacement changes the kind of an element, or moves a subnet between VNets.
    KindChanged(Id),
    /// The result would break a reference or an id.
    Integrity(IntegrityError),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Unknown(id) => write!(f, "no element has id {}", id.0),
            EditError::IdTaken(id) => write!(f, "id {} is already used", id.0),
            EditError::KindChanged(id) => {
                write!(f, "element {} cannot change kind or container", id.0)
            }
            EditError::Integrity(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for EditError {}

impl Design {
    /// Applies an edit, returning the new design; `self` is untouched whatever happens.
    pub fn apply(&self, edit: &Edit) -> Result<Design, EditError> {
        let mut next = self.clone();
        next.apply_in_place(edit)?;
        check_integrity(&next).map_err(EditError::Integrity)?;
        Ok(next)
    }

    /// Applies an edit to this design without the integrity check of [`Design::apply`]: for
    /// edits built step by step (`draw`'s plans), checked once when the last step is done. On
    /// an error the design may be left half changed.
    pub(crate) fn apply_in_place(&mut self, edit: &Edit) -> Result<(), EditError> {
        match edit {
            Edit::Add(element) => self.add(element.clone()),
            Edit::Replace(element) => self.replace(element.clone()),
            Edit::Remove(id) => self.remove(*id),
            Edit::Move { ids, dx, dy } => self.move_by(ids, *dx, *dy),
            Edit::RenameDesign(name) => {
                self.name = name.clone();
                Ok(())
            }
            Edit::MarkRetirable(ids) => {
                if let Some(missing) = ids.iter().find(|id| self.describe(**id).is_none()) {
                    return Err(EditError::Unknown(*missing));
                }
                for id in ids {
                    if !self.retirable.contains(id) {
                        self.retirable.push(*id);
                    }
                }
                Ok(())
            }
            Edit::Batch(edits) => edits.iter().try_for_each(|e| self.apply_in_place(e)),
        }
    }

    fn add(&mut self, element: Element) -> Result<(), EditError> {
        let id = element.id();
        if self.describe(id).is_some() {
            return Err(EditError::IdTaken(id));
        }
        match element {
            Element::Region(e) => self.regions.push(e),
            Element::Vnet(e) => self.vnets.push(e),
            Element::Subnet { vnet, subnet } => self
                .vnets
                .iter_mut()
                .find(|v| v.id == vnet)
                .ok_or(EditError::Unknown(vnet))?
                .subnets
                .push(subnet),
            Element::Hsm(e) => self.hsms.push(e),
            Element::Gateway(e) => self.gateways.push(e),
            Element::Nva(e) => self.nvas.push(e),
            Element::LoadBalancer(e) => self.load_balancers.push(e),
            Element::Firewall(e) => self.firewalls.push(e),
            Element::RouteTable(e) => self.route_tables.push(e),
            Element::Nsg(e) => self.nsgs.push(e),
            Element::Site(e) => self.sites.push(e),
            Element::Circuit(e) => self.circuits.push(e),
            Element::Peering(e) => self.peerings.push(e),
            Element::Connection(e) => self.connections.push(e),
            Element::CloudHsmCluster(e) => self.cloud_hsm_clusters.push(e),
            Element::PrivateEndpoint(e) => self.private_endpoints.push(e),
            Element::PrivateDnsZone(e) => self.private_dns_zones.push(e),
        }
        Ok(())
    }

    fn replace(&mut self, element: Element) -> Result<(), EditError> {
        let id = element.id();
        fn put<T: HasId>(list: &mut [T], new: T) -> Result<(), EditError> {
            let id = new.id();
            let slot = list.iter_mut().find(|e| e.id() == id);
            *slot.ok_or(EditError::KindChanged(id))? = new;
            Ok(())
        }
        if self.describe(id).is_none() {
            return Err(EditError::Unknown(id));
        }
        match element {
            Element::Region(e) => put(&mut self.regions, e),
            Element::Vnet(e) => put(&mut self.vnets, e),
            Element::Subnet { vnet, subnet } => {
                let list = &mut self
                    .vnets
                    .iter_mut()
                    .find(|v| v.id == vnet)
                    .ok_or(EditError::Unknown(vnet))?
                    .subnets;
                put(list, subnet)
            }
            Element::Hsm(e) => put(&mut self.hsms, e),
            Element::Gateway(e) => put(&mut self.gateways, e),
            Element::Nva(e) => put(&mut self.nvas, e),
            Element::LoadBalancer(e) => put(&mut self.load_balancers, e),
            Element::Firewall(e) => put(&mut self.firewalls, e),
            Element::RouteTable(e) => put(&mut self.route_tables, e),
            Element::Nsg(e) => put(&mut self.nsgs, e),
            Element::Site(e) => put(&mut self.sites, e),
            Element::Circuit(e) => put(&mut self.circuits, e),
            Element::Peering(e) => put(&mut self.peerings, e),
            Element::Connection(e) => put(&mut self.connections, e),
            Element::CloudHsmCluster(e) => put(&mut self.cloud_hsm_clusters, e),
            Element::PrivateEndpoint(e) => put(&mut self.private_endpoints, e),
            Element::PrivateDnsZone(e) => put(&mut self.private_dns_zones, e),
        }
    }

    fn remove(&mut self, id: Id) -> Result<(), EditError> {
        if self.describe(id).is_none() {
            return Err(EditError::Unknown(id));
        }
        let gone = self.removal_closure(id);
        let keep = |e: &Id| !gone.contains(e);
        self.regions.retain(|e| keep(&e.id));
        self.vnets.retain(|e| keep(&e.id));
        for v in &mut self.vnets {
            v.subnets.retain(|s| keep(&s.id));
            for s in &mut v.subnets {
                s.nsg = s.nsg.filter(keep);
                s.route_table = s.route_table.filter(keep);
            }
        }
        self.hsms.retain(|e| keep(&e.id));
        // An HSM outlives its management subnet: the management NIC is detached from it.
        for h in &mut self.hsms {
            if h.management_subnet.is_some_and(|s| !keep(&s)) {
                h.management_subnet = None;
                h.management_ip = None;
            }
        }
        self.gateways.retain(|e| keep(&e.id));
        self.nvas.retain(|e| keep(&e.id));
        self.load_balancers.retain(|e| keep(&e.id));
        for lb in &mut self.load_balancers {
            lb.backends.retain(keep);
        }
        self.firewalls.retain(|e| keep(&e.id));
        self.route_tables.retain(|e| keep(&e.id));
        self.nsgs.retain(|e| keep(&e.id));
        self.sites.retain(|e| keep(&e.id));
        self.circuits.retain(|e| keep(&e.id));
        self.peerings.retain(|e| keep(&e.id));
        self.connections.retain(|e| keep(&e.id));
        self.cloud_hsm_clusters.retain(|e| keep(&e.id));
        self.private_endpoints.retain(|e| keep(&e.id));
        self.private_dns_zones.retain(|e| keep(&e.id));
        for zone in &mut self.private_dns_zones {
            zone.records.retain(keep);
            zone.vnet_links.retain(keep);
        }
        self.retirable.retain(keep);
        Ok(())
    }

    /// `id` and every element that cannot exist without it.
    fn removal_closure(&self, id: Id) -> HashSet<Id> {
        let mut gone = HashSet::from_iter([id]);
        loop {
            let before = gone.len();
            for v in &self.vnets {
                if gone.contains(&v.region) || gone.contains(&v.id) {
                    gone.insert(v.id);
                    gone.extend(v.subnets.iter().map(|s| s.id));
                }
            }
            macro_rules! in_subnet {
                ($field:ident) => {
                    for e in &self.$field {
                        if gone.contains(&e.subnet) {
                            gone.insert(e.id);
                        }
                    }
                };
            }
            in_subnet!(hsms);
            in_subnet!(gateways);
            in_subnet!(nvas);
            in_subnet!(load_balancers);
            in_subnet!(firewalls);
            for c in &self.cloud_hsm_clusters {
                if gone.contains(&c.region) {
                    gone.insert(c.id);
                }
            }
            for e in &self.private_endpoints {
                if gone.contains(&e.subnet) || gone.contains(&e.target) {
                    gone.insert(e.id);
                }
            }
            for c in &self.circuits {
                if gone.contains(&c.site) {
                    gone.insert(c.id);
                }
            }
            for p in &self.peerings {
                if gone.contains(&p.a) || gone.contains(&p.b) {
                    gone.insert(p.id);
                }
            }
            for c in &self.connections {
                let ends: Vec<Id> = match c.kind {
                    ConnectionKind::SiteToSite { gateway, site }
                    | ConnectionKind::PointToSite { gateway, site } => vec![gateway, site],
                    ConnectionKind::VnetToVnet { a, b } => vec![a, b],
                    ConnectionKind::ExpressRoute { gateway, circuit } => vec![gateway, circuit],
                };
                if ends.iter().any(|e| gone.contains(e)) {
                    gone.insert(c.id);
                }
            }
            if gone.len() == before {
                return gone;
            }
        }
    }

    fn move_by(&mut self, ids: &[Id], dx: f64, dy: f64) -> Result<(), EditError> {
        // One index for the whole selection: a drag may move thousands of elements.
        let index = Index::new(self);
        if let Some(missing) = ids.iter().find(|id| index.kind(**id).is_none()) {
            return Err(EditError::Unknown(*missing));
        }
        drop(index);
        // Each element moves once, even when it and its container are both selected.
        let mut moving: HashSet<Id> = ids.iter().copied().collect();
        for v in &self.vnets {
            if moving.contains(&v.region) {
                moving.insert(v.id);
            }
        }
        for v in &self.vnets {
            if moving.contains(&v.id) {
                moving.extend(v.subnets.iter().map(|s| s.id));
            }
        }
        let shift = |p: &mut Point| {
            p.x += dx;
            p.y += dy;
        };
        let shift_rect = |r: &mut Rect| *r = r.translated(dx, dy);
        for r in &mut self.regions {
            if moving.contains(&r.id) {
                shift_rect(&mut r.layout);
            }
        }
        for v in &mut self.vnets {
            if moving.contains(&v.id) {
                shift_rect(&mut v.layout);
            }
            for s in &mut v.subnets {
                if moving.contains(&s.id) {
                    shift_rect(&mut s.layout);
                }
            }
        }
        macro_rules! shift_devices {
            ($field:ident) => {
                for e in &mut self.$field {
                    if moving.contains(&e.id) || moving.contains(&e.subnet) {
                        shift(&mut e.layout);
                    }
                }
            };
        }
        shift_devices!(hsms);
        shift_devices!(gateways);
        shift_devices!(nvas);
        shift_devices!(load_balancers);
        shift_devices!(firewalls);
        shift_devices!(private_endpoints);
        for c in &mut self.cloud_hsm_clusters {
            if moving.contains(&c.id) || moving.contains(&c.region) {
                shift(&mut c.layout);
            }
        }
        macro_rules! shift_free {
            ($field:ident) => {
                for e in &mut self.$field {
                    if moving.contains(&e.id) {
                        shift(&mut e.layout);
                    }
                }
            };
        }
        shift_free!(route_tables);
        shift_free!(nsgs);
        shift_free!(sites);
        shift_free!(circuits);
        shift_free!(private_dns_zones);
        Ok(())
    }
}

/// Elements that carry an id; lets one helper replace any of them.
trait HasId {
    fn id(&self) -> Id;
}

macro_rules! has_id {
    ($($ty:ty),*) => { $(impl HasId for $ty { fn id(&self) -> Id { self.id } })* };
}
has_id!(
    Region,
    Vnet,
    Subnet,
    Hsm,
    Gateway,
    Nva,
    LoadBalancer,
    Firewall,
    RouteTable,
    Nsg,
    OnPremSite,
    ErCircuit,
    Peering,
    Connection,
    CloudHsmCluster,
    PrivateEndpoint,
    PrivateDnsZone
);

/// A design with undo and redo. Each applied edit is one step.
#[derive(Clone, Debug)]
pub struct History {
    current: Design,
    undo: VecDeque<Design>,
    redo: Vec<Design>,
}

impl History {
    /// How many steps are kept for undo.
    pub const DEPTH: usize = 200;

    pub fn new(design: Design) -> Self {
        History {
            current: design,
            undo: VecDeque::new(),
            redo: Vec::new(),
        }
    }

    pub fn current(&self) -> &Design {
        &self.current
    }

    /// Applies an edit as one undoable step; on error nothing changes.
    pub fn apply(&mut self, edit: &Edit) -> Result<(), EditError> {
        let next = self.current.apply(edit)?;
        self.push(next);
        Ok(())
    }

    /// Replaces the whole design (opening a file or a preset) as one undoable step.
    pub fn replace(&mut self, design: Design) {
        self.push(design);
    }

    fn push(&mut self, next: Design) {
        let previous = std::mem::replace(&mut self.current, next);
        self.undo.push_back(previous);
        if self.undo.len() > Self::DEPTH {
            self.undo.pop_front();
        }
        self.redo.clear();
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Steps back; returns false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        match self.undo.pop_back() {
            Some(previous) => {
                self.redo
                    .push(std::mem::replace(&mut self.current, previous));
                true
            }
            None => false,
        }
    }

    /// Steps forward again; returns false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        match self.redo.pop() {
            Some(next) => {
                self.undo
                    .push_back(std::mem::replace(&mut self.current, next));
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn hub() -> Design {
        presets::build("hub-nva-proxy", &presets::Size::default()).unwrap()
    }

    #[test]
    fn removing_a_management_subnet_detaches_the_management_nic() {
        let mut design = crate::presets::build("single-vnet", &Default::default()).unwrap();
        let vnet = design.vnets[0].id;
        let mgmt = design.next_id();
        design = design
            .apply(&Edit::Add(Element::Subnet {
                vnet,
                subnet: Subnet::new(mgmt, "mgmt".into(), "10.0.200.0/28".parse().unwrap()),
            }))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut hsm = design.hsms[0].clone();
        hsm.management_subnet = Some(mgmt);
        hsm.management_ip = Some("10.0.200.4".parse().unwrap());
        design = design
            .apply(&Edit::Replace(Element::Hsm(hsm.clone())))
            .unwrap();
        let after = design.apply(&Edit::Remove(mgmt)).unwrap();
        let kept = after
            .hsm(hsm.id)
            .expect("the HSM outlives its management subnet");
        assert_eq!((kept.management_subnet, kept.management_ip), (None, None));
    }

    #[test]
    fn apply_leaves_the_original_untouched() {
        let design = hub();
        let vnet = design.vnets[0].id;
        let after = design.apply(&Edit::Remove(vnet)).unwrap();
        assert!(design.vnet(vnet).is_some());
        assert!(after.vnet(vnet).is_none());
    }

    #[test]
    fn removing_a_vnet_takes_its_subnets_devices_and_links_with_it() {
        let design = hub();
        let hsm_vnet = design
            .vnets
            .iter()
            .find(|v| design.is_hsm_vnet(v))
            .unwrap()
            .clone();
        let after = design.apply(&Edit::Remove(hsm_vnet.id)).unwrap();
        assert!(after.hsms.is_empty());
        assert!(after
            .peerings
            .iter()
            .all(|p| p.a != hsm_vnet.id && p.b != hsm_vnet.id));
        for s in &hsm_vnet.subnets {
            assert!(after.subnet(s.id).is_none());
        }
        check_integrity(&after).unwrap();
    }

    #[test]
    fn removing_an_nsg_detaches_it_from_its_subnets() {
        let design = hub();
        let nsg = design.nsgs[0].id;
        let after = design.apply(&Edit::Remove(nsg)).unwrap();
        assert!(after
            .vnets
            .iter()
            .flat_map(|v| &v.subnets)
            .all(|s| s.nsg != Some(nsg)));
    }

    #[test]
    fn an_edit_that_would_dangle_a_reference_is_refused_whole() {
        let design = hub();
        let mut hsm = design.hsms[0].clone();
        hsm.subnet = Id(999_999);
        let err = design
            .apply(&Edit::Batch(vec![
                Edit::RenameDesign("renamed".into()),
                Edit::Replace(Element::Hsm(hsm)),
            ]))
            .unwrap_err();
        assert!(matches!(err, EditError::Integrity(_)), "{err}");
    }

    #[test]
    fn adding_a_taken_id_is_refused() {
        let design = hub();
        let mut hsm = design.hsms[0].clone();
        hsm.name = "copy".into();
        assert_eq!(
            design.apply(&Edit::Add(Element::Hsm(hsm.clone()))),
            Err(EditError::IdTaken(hsm.id))
        );
        hsm.id = design.next_id();
        assert!(design.apply(&Edit::Add(Element::Hsm(hsm))).is_ok());
    }

    #[test]
    fn moving_a_vnet_moves_its_subnets_and_devices_once() {
        let design = hub();
        let vnet = &design.vnets[0];
        let subnet = &vnet.subnets[0];
        let after = design
            .apply(&Edit::Move {
                ids: vec![vnet.id, subnet.id],
                dx: 10.0,
                dy: -5.0,
            })
            .unwrap();
        let (_, moved) = after.subnet(subnet.id).unwrap();
        assert_eq!(moved.layout.x, subnet.layout.x + 10.0);
        assert_eq!(moved.layout.y, subnet.layout.y - 5.0);
        assert_eq!(after.vnets[0].layout.x, vnet.layout.x + 10.0);
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut history = History::new(hub());
        let original = history.current().clone();
        history.apply(&Edit::RenameDesign("one".into())).unwrap();
        history.apply(&Edit::RenameDesign("two".into())).unwrap();
        assert!(history.undo());
        assert_eq!(history.current().name, "one");
        assert!(history.undo());
        assert_eq!(history.current(), &original);
        assert!(!history.undo());
        assert!(history.redo());
        assert_eq!(history.current().name, "one");
        history.apply(&Edit::RenameDesign("three".into())).unwrap();
        assert!(!history.can_redo(), "a new edit clears the redo stack");
    }

    #[test]
    fn history_keeps_the_newest_steps_up_to_its_depth() {
        let mut history = History::new(Design::new("start"));
        for n in 0..History::DEPTH + 5 {
            history
                .apply(&Edit::RenameDesign(format!("step {n}")))
                .unwrap();
        }
        for _ in 0..History::DEPTH {
            assert!(history.undo());
        }
        assert!(!history.undo(), "the oldest steps were dropped");
        assert_eq!(history.current().name, "step 4");
    }

    #[test]
    fn a_failed_edit_is_not_a_step() {
        let mut history = History::new(hub());
        assert!(history.apply(&Edit::Remove(Id(999_999))).is_err());
        assert!(!history.can_undo());
    }
}
