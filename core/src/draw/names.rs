//! The one way to invent a name: the name wanted when it is free, else the next numbered one.
//! Names are compared as Azure compares them, ignoring letter case (`Hub` and `hub` are the
//! same resource), so a name made here never collides with one already there, whatever its
//! case.
//!
//! Drawing, copying and the rules' fixes name new elements with [`unique`] (against every
//! element of the design); records inside an element (NSG rules, routes, probes) use
//! [`unique_among`] with their siblings' names. The form's "name already used" check compares
//! with [`same_name`].

use crate::hashing::{HashMap, HashMapExt, HashSet};
use crate::model::Design;

/// Whether Azure takes two names for the same one: equal ignoring letter case.
pub fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// A name folded for comparison: [`same_name`] holds exactly when the folded names are equal.
fn folded(name: &str) -> String {
    name.chars().flat_map(char::to_lowercase).collect()
}

/// `base` when none of `taken` is the same name, else the next free numbered name: a trailing
/// number of `base` is counted up (`hsm1` gives `hsm2`, `vnet-1` gives `vnet-2`), any other
/// name gets `-2`, `-3`, … (`hub` gives `hub-2`). To make several names in a row, each taken
/// for the next, use [`Names`].
pub fn unique_among<'a, I>(taken: I, base: &str) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    let free = |name: &str| !taken.clone().into_iter().any(|t| same_name(t, name));
    if free(base) {
        return base.to_string();
    }
    // One name: each candidate is looked for in the list as it is, which is not copied.
    candidates(base, None)
        .map(|(_, name)| name)
        .find(|name| free(name))
        .unwrap_or_else(|| base.to_string())
}

/// `base` split for counting up: the stem and the first number to try.
fn numbering(base: &str) -> (String, u64) {
    let digits = base.len() - base.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let counted = base[base.len() - digits..]
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_add(1));
    match counted {
        Some(next) => (base[..base.len() - digits].to_string(), next),
        None => (format!("{base}-"), 2),
    }
}

/// The numbered names tried, in order, when `base` is taken, each with its number: from
/// `resume` (or the first number) up; past the largest number, `base-2`, `base-3`, … (numbered
/// 0). At most as many are taken as there are names, so a search through them ends.
fn candidates(base: &str, resume: Option<u64>) -> impl Iterator<Item = (u64, String)> {
    let (stem, first) = numbering(base);
    let base = base.to_string();
    (resume.unwrap_or(first).max(first)..=u64::MAX)
        .map(move |n| (n, format!("{stem}{n}")))
        .chain((2u64..).map(move |n| (0, format!("{base}-{n}"))))
}

/// The names taken so far, for making many in a row (a route per prefix, a rule per target):
/// each name [`Names::take`] makes is taken for the next, and counting up resumes where it
/// stopped, so `n` names cost time and memory in proportion to `n`.
pub struct Names {
    /// Every name taken, folded.
    taken: HashSet<String>,
    /// Per base (folded): the number to resume counting from.
    resume: HashMap<String, u64>,
}

impl Names {
    pub fn new<'a>(taken: impl IntoIterator<Item = &'a str>) -> Self {
        Names {
            taken: taken.into_iter().map(folded).collect(),
            resume: HashMap::new(),
        }
    }

    /// A name none taken so far has, as [`unique_among`] makes it; taken from now on.
    pub fn take(&mut self, base: &str) -> String {
        let key = folded(base);
        let name = if self.taken.contains(&key) {
            // Numbers below the one to resume from were taken before, and names are only
            // ever added.
            let resume = self.resume.get(&key).copied();
            let (n, name) = candidates(base, resume)
                .find(|(_, name)| !self.taken.contains(&folded(name)))
                .unwrap_or((0, base.to_string()));
            if n > 0 {
                self.resume.insert(key, n.saturating_add(1));
            }
            name
        } else {
            base.to_string()
        };
        self.taken.insert(folded(&name));
        name
    }
}

/// A name no element of the design has (see [`unique_among`]).
pub fn unique(design: &Design, base: &str) -> String {
    let names = element_names(design);
    if !names.clone().any(|t| same_name(t, base)) {
        return base.to_string();
    }
    // Taken: a design may hold thousands of numbered names, so fold them once.
    Names::new(names).take(base)
}

/// `base-1`, `base-2`, …: the first that no element of the design has. What the palette
/// names its drops.
pub fn numbered(design: &Design, base: &str) -> String {
    unique(design, &format!("{base}-1"))
}

/// The name of every element of the design, in document order.
pub fn element_names(design: &Design) -> impl Iterator<Item = &str> + Clone {
    let d = design;
    d.regions
        .iter()
        .map(|e| e.name.as_str())
        .chain(d.vnets.iter().map(|e| e.name.as_str()))
        .chain(
            d.vnets
                .iter()
                .flat_map(|v| v.subnets.iter().map(|s| s.name.as_str())),
        )
        .chain(d.hsms.iter().map(|e| e.name.as_str()))
        .chain(d.gateways.iter().map(|e| e.name.as_str()))
        .chain(d.nvas.iter().map(|e| e.name.as_str()))
        .chain(d.load_balancers.iter().map(|e| e.name.as_str()))
        .chain(d.firewalls.iter().map(|e| e.name.as_str()))
        .chain(d.route_tables.iter().map(|e| e.name.as_str()))
        .chain(d.nsgs.iter().map(|e| e.name.as_str()))
        .chain(d.sites.iter().map(|e| e.name.as_str()))
        .chain(d.circuits.iter().map(|e| e.name.as_str()))
        .chain(d.peerings.iter().map(|e| e.name.as_str()))
        .chain(d.connections.iter().map(|e| e.name.as_str()))
        .chain(d.cloud_hsm_clusters.iter().map(|e| e.name.as_str()))
        .chain(d.private_endpoints.iter().map(|e| e.name.as_str()))
        .chain(d.private_dns_zones.iter().map(|e| e.name.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::Builder;

    #[test]
    fn a_name_is_the_same_whatever_its_letter_case() {
        assert!(same_name("Hub", "hub"));
        assert!(same_name("GATEWAYSUBNET", "GatewaySubnet"));
        assert!(same_name("Ärzte", "ärzte"));
        assert!(!same_name("hub", "hub-2"));
        assert!(!same_name("hub", "hu"));
    }

    #[test]
    fn a_taken_name_is_numbered_whatever_the_case_it_is_taken_in() {
        let mut b = Builder::new("t");
        let r = b.region("westeurope");
        b.vnet(r, "Hub", &["10.0.0.0/16"]);
        b.vnet(r, "VNET-1", &["10.1.0.0/16"]);
        b.vnet(r, "HSM1", &["10.2.0.0/16"]);
        let d = b.finish();
        assert_eq!(unique(&d, "hub"), "hub-2");
        assert_eq!(unique(&d, "HUB"), "HUB-2");
        assert_eq!(unique(&d, "spoke"), "spoke");
        assert_eq!(numbered(&d, "vnet"), "vnet-2");
        assert_eq!(unique(&d, "vnet-1"), "vnet-2");
        assert_eq!(unique(&d, "hsm1"), "hsm2");
        assert_eq!(
            unique(&d, "West Europe"),
            "West Europe-2",
            "regions count too"
        );
    }

    #[test]
    fn numbering_skips_every_taken_number_and_counts_up_from_a_trailing_one() {
        let taken = ["nva1", "NVA2", "ilb", "ilb-2", "x"];
        let among = |base: &str| unique_among(taken.iter().copied(), base);
        assert_eq!(among("nva1"), "nva3");
        assert_eq!(among("nva2"), "nva3");
        assert_eq!(among("ilb"), "ilb-3");
        assert_eq!(among("fresh"), "fresh");
        assert_eq!(among("X"), "X-2");
        let mut names = Names::new(taken.iter().copied());
        assert_eq!(names.take("ilb"), "ilb-3");
        assert_eq!(names.take("ILB"), "ILB-4", "the one just made is taken");
        assert_eq!(names.take("nva1"), "nva3");
        assert_eq!(names.take("fresh"), "fresh");
        assert_eq!(names.take("fresh"), "fresh-2");
        let huge = "n99999999999999999999999";
        let many = [huge];
        assert_eq!(
            unique_among(many.iter().copied(), huge),
            format!("{huge}-2")
        );
    }
}
