//! The rules catalogue. One rule per file; each declares its name, severity, summary and
//! explanation, its check, and its tests (one that trips it, one that does not) at the bottom.
//!
//! What several rules share lives in modules named by topic, not in rule files: `select` (which
//! elements: gateway and HSM subnets, HSM VNets, VPN gateways, HSMs by region, stamps), `fixes`
//! (edit builders for one-click fixes), `wording` (lists of names in messages), `hub` (the parts
//! of an NVA proxy hub), `cloud` (Cloud HSM clients and what the tracer says of them) and, for tests, `testing` (fixtures and helpers). Facts about Azure
//! (offered regions and values, names, ports, reserved addresses, quotas) are in
//! [`crate::azure`], which drawing, the tracer and the export read too.
//!
//! [`check`] runs every rule over a design and never fails: an invalid design is normal input,
//! and the report says what is wrong with it.

use crate::edit::Edit;
use crate::graph::{Components, Link, Node, Topology};
use crate::model::{Design, Id, Index};
use crate::trace::Network;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::fmt;

mod address_overlap_connected;
mod azure_name_valid;
mod circuit_valid;
mod cloudhsm_client_ports;
mod cloudhsm_onprem_vpn;
mod cloudhsm_private_dns;
mod cloudhsm_private_endpoint;
mod cloudhsm_region_offered;
mod coexist_gateway_sku;
mod cross_region_vpn;
mod er_gateway_basic_ip;
mod er_private_peering;
mod firewall_default_deny;
mod firewall_subnet;
mod gateway_one_per_type;
mod gateway_route_to_firewall;
mod gateway_subnet_name;
mod gateway_subnet_no_nsg;
mod gateway_subnet_routes;
mod gateway_subnet_size;
mod ha_pair;
mod ha_regions;
mod ha_stamps;
mod hsm_er_gateway_not_onprem;
mod hsm_no_outbound;
mod hsm_private_ip_valid;
mod hsm_quota;
mod hsm_reachable;
mod hsm_region_offered;
mod hsm_sku_valid;
mod hsm_subnet_capacity;
mod hsm_subnet_delegated;
mod hsm_subnet_hsm_only;
mod hsm_subnet_no_nsg;
mod hsm_subnet_no_route_table;
mod hsm_vnet_er_gateway;
mod hsm_vnet_no_remote_gateways;
mod hub_hsm_peering;
mod known_values;
mod luna_ipcheck_disabled;
mod nsg_rule_valid;
mod nva_count;
mod nva_ilb_1792;
mod nva_ip_forwarding;
mod nva_nsg_restrict;
mod nva_route_to_firewall;
mod nva_snat;
mod onprem_backup_path;
mod p2s_route_based;
mod p2s_single_workstation;
mod payshield_fastpath_tag;
mod payshield_ha;
mod payshield_manager_reachable;
mod payshield_no_er_fastpath;
mod payshield_no_global_peering;
mod payshield_no_load_balancer;
mod payshield_no_private_endpoint_vnet;
mod payshield_one_delegated_subnet;
mod payshield_udr_specific;
mod payshield_vpn_active_passive;
mod peering_limit;
mod peering_same_region;
mod prefix_allowed;
mod prefix_canonical;
mod route_table_valid;
mod s2s_needs_device;
mod service_retiring;
mod subnet_in_vnet;
mod subnet_overlap;

mod apply;
pub use apply::{apply_fix, FixError};

// Shared by several rules, by topic; each says what it holds. A helper used by one rule only
// stays in that rule's file.
mod cloud;
mod fixes;
mod hub;
mod select;
#[cfg(test)]
pub(crate) mod testing;
mod wording;

/// How bad a finding is. Ordered: `Error` is the most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A rule of the catalogue: plain data plus its check function.
pub struct Rule {
    /// The stable kebab-case name from the catalogue; tests and users refer to it.
    pub name: &'static str,
    /// The severities its findings can have, most severe first.
    pub severities: &'static [Severity],
    /// One line: what the rule requires.
    pub summary: &'static str,
    /// Left out of builds without the `explanations` feature (the browser app), which read the
    /// same texts from `hsmnet rules --format json` (committed as public/rules.json) when shown.
    #[cfg(feature = "explanations")]
    pub explanation: Explanation,
    /// Appends the rule's findings; never fails.
    pub check: fn(&Context, &mut Vec<Finding>),
}

/// The long form shown when a user expands a finding.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Explanation {
    /// What the rule checks.
    pub checks: &'static str,
    /// Why it matters: what fails in Azure or in operation.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// Where the fact comes from (the source document and Azure's documentation).
    pub source: &'static str,
}

/// A one-click fix: a label for the button and the edit it applies (one undo step).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    pub label: String,
    pub edit: Edit,
}

/// One thing wrong (or worth knowing) about a design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Names the elements by their names.
    pub message: String,
    /// The elements involved, for selection and badges on the canvas.
    pub elements: Vec<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(
        rule: &Rule,
        severity: Severity,
        message: impl Into<String>,
        elements: Vec<Id>,
    ) -> Self {
        Finding {
            rule: rule.name,
            severity,
            message: message.into(),
            elements,
            fix: None,
        }
    }

    /// A finding at the rule's highest severity.
    pub fn of(rule: &Rule, message: impl Into<String>, elements: Vec<Id>) -> Self {
        Finding::new(rule, rule.severities[0], message, elements)
    }

    pub fn with_fix(mut self, label: impl Into<String>, edit: Edit) -> Self {
        self.fix = Some(Fix {
            label: label.into(),
            edit,
        });
        self
    }
}

/// What rules read: the design, constant-time lookups, and derived facts built on demand.
pub struct Context<'d> {
    pub design: &'d Design,
    /// The tracer's facts of the design (effective routes, NSGs, devices by address) and the
    /// design's one index, built once per check and shared by every rule.
    network: Network<'d>,
    topology: OnceCell<Topology>,
}

impl<'d> Context<'d> {
    pub fn new(design: &'d Design) -> Self {
        Context {
            design,
            network: Network::new(design),
            topology: OnceCell::new(),
        }
    }

    /// Lookups by id and what each VNet holds.
    pub fn index(&self) -> &Index<'d> {
        self.network.index()
    }

    /// The tracer's network: rules ask it where a packet goes.
    pub fn network(&self) -> &Network<'d> {
        &self.network
    }

    /// The connectivity graph of VNets and sites.
    pub fn topology(&self) -> &Topology {
        self.topology.get_or_init(|| Topology::new(self.index()))
    }

    /// The VNets and sites directly linked to a VNet or site, with the link.
    pub fn neighbours(&self, id: Id) -> Vec<(Node, Link)> {
        self.topology().neighbours(self.index(), id)
    }

    /// The VNets and sites grouped by the links `keep` accepts.
    pub fn components(&self, keep: impl Fn(Link) -> bool) -> Components<'_> {
        self.topology().components(self.index(), keep)
    }

    /// A quoted element name for messages: `'hsm-vnet'`.
    pub fn name(&self, id: Id) -> String {
        format!("'{}'", self.index().name(id))
    }
}

/// Every rule, in catalogue order.
pub static ALL: &[&Rule] = &[
    &service_retiring::RULE,
    &hsm_region_offered::RULE,
    &hsm_sku_valid::RULE,
    &azure_name_valid::RULE,
    &hsm_subnet_delegated::RULE,
    &hsm_subnet_no_nsg::RULE,
    &hsm_subnet_no_route_table::RULE,
    &hsm_subnet_hsm_only::RULE,
    &hsm_subnet_capacity::RULE,
    &hsm_private_ip_valid::RULE,
    &prefix_canonical::RULE,
    &prefix_allowed::RULE,
    &subnet_in_vnet::RULE,
    &subnet_overlap::RULE,
    &address_overlap_connected::RULE,
    &hsm_vnet_er_gateway::RULE,
    &hsm_er_gateway_not_onprem::RULE,
    &er_gateway_basic_ip::RULE,
    &gateway_one_per_type::RULE,
    &gateway_subnet_name::RULE,
    &gateway_subnet_size::RULE,
    &gateway_subnet_no_nsg::RULE,
    &gateway_subnet_routes::RULE,
    &coexist_gateway_sku::RULE,
    &firewall_subnet::RULE,
    &hsm_vnet_no_remote_gateways::RULE,
    &s2s_needs_device::RULE,
    &p2s_single_workstation::RULE,
    &p2s_route_based::RULE,
    &peering_same_region::RULE,
    &cross_region_vpn::RULE,
    &hsm_reachable::RULE,
    &ha_pair::RULE,
    &ha_stamps::RULE,
    &ha_regions::RULE,
    &hsm_quota::RULE,
    &onprem_backup_path::RULE,
    &nva_count::RULE,
    &nva_snat::RULE,
    &nva_ip_forwarding::RULE,
    &luna_ipcheck_disabled::RULE,
    &nva_ilb_1792::RULE,
    &hub_hsm_peering::RULE,
    &er_private_peering::RULE,
    &gateway_route_to_firewall::RULE,
    &nva_route_to_firewall::RULE,
    &firewall_default_deny::RULE,
    &nva_nsg_restrict::RULE,
    &hsm_no_outbound::RULE,
    &nsg_rule_valid::RULE,
    &route_table_valid::RULE,
    &peering_limit::RULE,
    &circuit_valid::RULE,
    &known_values::RULE,
    &payshield_fastpath_tag::RULE,
    &payshield_one_delegated_subnet::RULE,
    &payshield_no_global_peering::RULE,
    &payshield_no_er_fastpath::RULE,
    &payshield_vpn_active_passive::RULE,
    &payshield_no_load_balancer::RULE,
    &payshield_no_private_endpoint_vnet::RULE,
    &payshield_udr_specific::RULE,
    &payshield_ha::RULE,
    &payshield_manager_reachable::RULE,
    &cloudhsm_private_endpoint::RULE,
    &cloudhsm_private_dns::RULE,
    &cloudhsm_client_ports::RULE,
    &cloudhsm_region_offered::RULE,
    &cloudhsm_onprem_vpn::RULE,
];

/// Finds a rule by its catalogue name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.name == name)
}

/// The result of checking a design: every finding, most severe first, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Findings of one rule.
    pub fn of_rule<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.rule == name)
    }
}

/// Runs every rule over a design. Never fails; the same design gives the same report.
pub fn check(design: &Design) -> Report {
    let context = Context::new(design);
    let mut findings = Vec::new();
    for rule in ALL {
        (rule.check)(&context, &mut findings);
    }
    // By severity, keeping catalogue order and each rule's own order within one: a stable sort,
    // done as one pass per severity (a sort of `Finding`s would add its own sort code to the wasm).
    let mut by_severity = Vec::with_capacity(findings.len());
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let (this, rest) = findings.into_iter().partition(|f| f.severity == severity);
        by_severity.extend::<Vec<Finding>>(this);
        findings = rest;
    }
    // Empty while the list above names every severity; kept rather than dropped if it did not.
    by_severity.append(&mut findings);
    Report {
        findings: by_severity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_names_are_unique_kebab_case_and_fully_described() {
        let mut seen = HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.name), "{} is listed twice", rule.name);
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                rule.name
            );
            assert!(!rule.severities.is_empty(), "{}", rule.name);
            assert!(rule.summary.len() > 10, "{}: summary is empty", rule.name);
            #[cfg(feature = "explanations")]
            {
                let e = &rule.explanation;
                for (what, text) in [
                    ("checks", e.checks),
                    ("why", e.why),
                    ("fix", e.fix),
                    ("source", e.source),
                ] {
                    assert!(text.len() > 10, "{}: {what} is empty", rule.name);
                }
            }
        }
    }

    #[test]
    fn every_catalogue_rule_is_implemented() {
        let catalogue = include_str!("catalogue-names.txt");
        let names: Vec<&str> = catalogue.lines().filter(|l| !l.is_empty()).collect();
        for name in &names {
            assert!(
                rule(name).is_some(),
                "catalogue rule {name} has no implementation"
            );
        }
        // Rules of the project beyond the catalogue.
        let extra = ["azure-name-valid", "er-gateway-basic-ip"];
        for name in extra {
            assert!(rule(name).is_some(), "{name} is not registered");
            assert!(!names.contains(&name), "{name} is in the catalogue too");
        }
        assert_eq!(names.len() + extra.len(), ALL.len());
    }
}

#[cfg(test)]
mod every_rule_is_tested {
    use super::ALL;

    /// Each rule's file has its own tests, at least one that trips it and one that does not;
    /// counting `#[test]` functions keeps a rule from landing with fewer than two.
    #[test]
    fn every_rule_file_has_at_least_two_tests() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        for rule in ALL {
            let file = dir.join(format!("{}.rs", rule.name.replace('-', "_")));
            let source = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let tests = source.matches("#[test]").count();
            assert!(tests >= 2, "{} has {tests} test(s)", rule.name);
            assert!(
                source.contains(&format!("name: \"{}\"", rule.name)),
                "{} is not declared in its own file",
                rule.name
            );
        }
    }
}
