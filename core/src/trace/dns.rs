//! Name resolution of a Cloud HSM cluster, the first hop of a flow to one: a client connects
//! to the name of a cluster node (`hsm1.chsm-<name>-<unique>.privatelink.cloudhsm.azure.net`),
//! which resolves only where the private DNS zone holding the endpoint's records is linked.
//!
//! Where a client resolves: a VM in the VNet of its subnet; an on-premises or point-to-site
//! client through a DNS forwarder in the VNet its connection lands in (the gateway's VNet),
//! the usual set-up for private zones (a forwarder or private resolver where the zone is
//! linked).

use super::endpoint::Place;
use super::network::Network;
use crate::hashing::HashMap;
use crate::model::Id;
use smallvec::SmallVec;
use std::net::Ipv4Addr;

/// What a trace names the hop of name resolution by (`Hop::by`).
pub const NAME_RESOLUTION: &str = "private DNS";

/// Who holds what, for resolution: each cluster's endpoints and each endpoint's zones.
#[derive(Default)]
pub(crate) struct CloudDns {
    endpoints_of: HashMap<Id, Vec<Id>>,
    zones_of: HashMap<Id, SmallVec<[usize; 1]>>,
}

impl CloudDns {
    pub(crate) fn new(design: &crate::model::Design) -> Self {
        let mut dns = CloudDns::default();
        for e in &design.private_endpoints {
            dns.endpoints_of.entry(e.target).or_default().push(e.id);
        }
        for (k, zone) in design.private_dns_zones.iter().enumerate() {
            if !zone.is_cloud_hsm_zone() {
                continue;
            }
            for &endpoint in &zone.records {
                dns.zones_of.entry(endpoint).or_default().push(k);
            }
        }
        dns
    }
}

/// How a cluster's name resolved for one client.
pub(crate) enum Resolution {
    /// To this endpoint's address, through this zone linked to this VNet.
    Resolved {
        address: Ipv4Addr,
        endpoint: Id,
        zone: Id,
        vnet: Id,
    },
    /// It did not: the elements to show, and why (empty when not explaining).
    Failed { elements: Vec<Id>, reason: String },
}

impl Network<'_> {
    /// The private endpoints of a cluster, in document order.
    pub(crate) fn endpoints_of(&self, cluster: Id) -> &[Id] {
        self.cloud_dns()
            .endpoints_of
            .get(&cluster)
            .map_or(&[], Vec::as_slice)
    }

    fn vnet_of_gateway(&self, gateway: Id) -> Option<Id> {
        self.gateway(gateway)
            .and_then(|g| self.vnet_of_subnet(g.subnet))
            .map(|v| v.id)
    }

    /// The VNets an on-premises site's site-to-site and ExpressRoute connections land in (its
    /// gateways' VNets), in design order: where its hosts resolve private names, through a DNS
    /// forwarder.
    pub(crate) fn landing_vnets(&self, site: Id) -> SmallVec<[Id; 2]> {
        let mut out = SmallVec::new();
        for &(_, gateway, p2s) in self.links_of_site(site) {
            if let Some(v) = self.vnet_of_gateway(gateway).filter(|_| !p2s) {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// The VNets whose DNS a client at `place` uses.
    fn resolving_vnets(&self, place: Place) -> SmallVec<[Id; 2]> {
        let mut out = SmallVec::new();
        match place {
            Place::Subnet(s) => out.extend(self.vnet_of_subnet(s).map(|v| v.id)),
            Place::Site(site) => out = self.landing_vnets(site),
            Place::PointToSite(c) => {
                let gateway = self
                    .connection(c)
                    .and_then(|c| c.kind.gateways().first().copied());
                out.extend(gateway.and_then(|g| self.vnet_of_gateway(g)));
            }
        }
        out
    }

    /// Resolves `cluster`'s node names for a client at `place` (`explain` off: no words).
    pub(crate) fn resolve_cloud_hsm(&self, place: Place, cluster: Id, explain: bool) -> Resolution {
        let design = self.design;
        let dns = self.cloud_dns();
        let endpoints = self.endpoints_of(cluster);
        let vnets = self.resolving_vnets(place);
        let words = |text: &dyn Fn() -> String| if explain { text() } else { String::new() };
        if endpoints.is_empty() {
            return Resolution::Failed {
                elements: vec![cluster],
                reason: words(&|| {
                    format!(
                        "no private endpoint connects to Cloud HSM cluster {}: its nodes have no \
                         private address to resolve to",
                        self.name(cluster)
                    )
                }),
            };
        }
        let mut holding: Option<Id> = None;
        for &endpoint in endpoints {
            for &k in dns
                .zones_of
                .get(&endpoint)
                .map_or(&[][..], |z| z.as_slice())
            {
                let zone = &design.private_dns_zones[k];
                holding.get_or_insert(zone.id);
                if let Some(&vnet) = vnets.iter().find(|v| zone.vnet_links.contains(v)) {
                    if let Some(address) = self.endpoint_address(endpoint) {
                        return Resolution::Resolved {
                            address,
                            endpoint,
                            zone: zone.id,
                            vnet,
                        };
                    }
                }
            }
        }
        let zone_name = crate::azure::cloud_hsm::PRIVATE_DNS_ZONE;
        let Some(zone) = holding else {
            return Resolution::Failed {
                elements: endpoints.to_vec(),
                reason: words(&|| {
                    format!(
                        "no private DNS zone {zone_name} holds the records of the private \
                         endpoint of {}, so the names of its nodes resolve nowhere",
                        self.name(cluster)
                    )
                }),
            };
        };
        let mut elements = vec![zone];
        elements.extend(vnets.iter().copied());
        let reason = words(&|| {
            let client = match place {
                Place::Subnet(_) => String::new(),
                _ => " (on-premises and point-to-site clients resolve through a DNS forwarder \
                      in the VNet their connection lands in)"
                    .to_string(),
            };
            match vnets.as_slice() {
                [] => format!(
                    "the client has no VNet to resolve the node names of {} in: it reaches \
                     Azure through no gateway",
                    self.name(cluster)
                ),
                _ => {
                    let names: Vec<String> = vnets.iter().map(|v| self.name(*v)).collect();
                    format!(
                        "name resolution fails: {} is not linked to private DNS zone {}, so \
                         the client cannot resolve the node names of {} \
                         (hsm1.chsm-….{zone_name}){client}",
                        names.join(" or "),
                        self.name(zone),
                        self.name(cluster)
                    )
                }
            }
        });
        Resolution::Failed { elements, reason }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Design, Protocol};
    use crate::trace::{trace, Endpoint, Verdict};

    fn shared_services() -> Design {
        crate::rules::testing::shared_services(false).0.finish()
    }

    fn verdict(d: &Design, from: &str, to: &str, port: u16) -> (Verdict, String) {
        let from = Endpoint::parse(d, from).unwrap();
        let to = Endpoint::parse(d, to).unwrap();
        let t = trace(d, from, to, Protocol::Tcp, port).unwrap();
        (t.verdict.clone(), t.to_string())
    }

    #[test]
    fn a_linked_client_resolves_and_reaches_the_endpoint_on_the_client_ports() {
        let d = shared_services();
        for port in [2224, 2225, 443, 444] {
            let (v, text) = verdict(&d, "app", "chsm-1", port);
            assert_eq!(v, Verdict::Delivered, "{text}");
            assert!(
                text.contains("resolves the node names of 'chsm-1'"),
                "{text}"
            );
            // A dynamic endpoint takes the subnet's first free address.
            assert!(text.contains("10.1.1.4"), "{text}");
            assert!(text.contains("over Private Link"), "{text}");
        }
    }

    #[test]
    fn an_unlinked_vnet_fails_at_name_resolution() {
        let mut d = shared_services();
        d.private_dns_zones[0]
            .vnet_links
            .retain(|v| *v == d.vnets[0].id);
        let (v, text) = verdict(&d, "app", "chsm-1", 2225);
        let Verdict::Dropped { hop, reason } = v else {
            panic!("{text}");
        };
        assert_eq!(hop, 0, "{text}");
        assert!(
            reason.contains("'app-vnet' is not linked to private DNS zone"),
            "{reason}"
        );
        // The endpoint's address itself is still reachable: only the name fails.
        let (v, text) = verdict(&d, "app", "10.1.1.4", 2225);
        assert_eq!(v, Verdict::Delivered, "{text}");
    }

    #[test]
    fn a_cluster_without_records_or_endpoint_resolves_nowhere() {
        let mut d = shared_services();
        d.private_dns_zones[0].records.clear();
        let (v, _) = verdict(&d, "app", "chsm-1", 2225);
        assert!(
            matches!(v, Verdict::Dropped { ref reason, .. } if reason.contains("holds the records")),
            "{v:?}"
        );
        d.private_endpoints.clear();
        d.private_dns_zones[0].records.clear();
        let (v, _) = verdict(&d, "app", "chsm-1", 2225);
        assert!(
            matches!(v, Verdict::Dropped { ref reason, .. } if reason.contains("no private endpoint")),
            "{v:?}"
        );
    }

    #[test]
    fn the_endpoint_serves_only_the_cloud_hsm_ports() {
        let d = shared_services();
        let (v, text) = verdict(&d, "app", "chsm-1", 1792);
        assert!(
            matches!(v, Verdict::Dropped { ref reason, .. } if reason.contains("serves only TCP 2224, 2225, 443 and 444")),
            "{text}"
        );
    }
}
