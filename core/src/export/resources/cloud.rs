//! The Cloud HSM resources: clusters, private DNS zones with their VNet links, and private
//! endpoints with their DNS zone groups (which keep the zone's records of the nodes in step
//! with the endpoint).

use super::{Builder, Ref, Val, NETWORK_API};
use crate::azure::cloud_hsm::{self, NODES, PUBLIC_NETWORK_ACCESS_DISABLED, SKU_FAMILY};
use crate::model::node_addresses;
use crate::naming;

const CLUSTERS: &str = "Microsoft.HardwareSecurityModules/cloudHsmClusters";
const ZONES: &str = "Microsoft.Network/privateDnsZones";
const ZONE_LINKS: &str = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";
const ENDPOINTS: &str = "Microsoft.Network/privateEndpoints";
const ZONE_GROUPS: &str = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";
/// The API version of private DNS zones (a provider of its own within Microsoft.Network).
pub const PRIVATE_DNS_API: &str = "2024-06-01";
/// Private DNS zones and their links are global resources.
const GLOBAL: &str = "global";

impl Builder<'_> {
    pub(super) fn cloud_hsm(&mut self) {
        self.clusters();
        self.zones();
        self.endpoints();
    }

    fn clusters(&mut self) {
        for c in &self.design.cloud_hsm_clusters {
            let location = Val::Param(
                self.location
                    .get(&c.region)
                    .cloned()
                    .unwrap_or_else(|| "location".to_string()),
            );
            let symbol = self.fresh("chsm", &c.name);
            self.symbol.insert(c.id, symbol.clone());
            // Only a design with public access off is exported (cloudhsm-private-endpoint).
            let mut props = Vec::new();
            if !c.public_network_access {
                props.push((
                    "publicNetworkAccess",
                    Val::str(PUBLIC_NETWORK_ACCESS_DISABLED),
                ));
            }
            self.push(
                symbol,
                CLUSTERS,
                cloud_hsm::API_VERSION,
                None,
                c.name.clone(),
                Some(location),
                Some(obj! { "family": SKU_FAMILY, "name": c.sku.as_str() }),
                Val::Obj(props),
                vec![],
            );
        }
    }

    fn zones(&mut self) {
        for z in &self.design.private_dns_zones {
            let symbol = self.fresh("dns", &z.name);
            self.symbol.insert(z.id, symbol.clone());
            self.push(
                symbol.clone(),
                ZONES,
                PRIVATE_DNS_API,
                None,
                z.name.clone(),
                Some(Val::str(GLOBAL)),
                None,
                Val::Obj(vec![]),
                vec![],
            );
            for &vnet in &z.vnet_links {
                let Some(v) = self.design.vnet(vnet) else {
                    continue;
                };
                let Some(vnet_symbol) = self.sym(vnet).map(str::to_string) else {
                    continue;
                };
                let name = naming::zone_link(&v.name);
                let link = self.fresh("dnslink", &format!("{}_{name}", z.name));
                self.push(
                    link,
                    ZONE_LINKS,
                    PRIVATE_DNS_API,
                    Some(symbol.clone()),
                    name,
                    Some(Val::str(GLOBAL)),
                    None,
                    obj! {
                        "registrationEnabled": false,
                        "virtualNetwork": Val::id(Ref::to(&vnet_symbol)),
                    },
                    vec![],
                );
            }
        }
    }

    fn endpoints(&mut self) {
        for e in &self.design.private_endpoints {
            let (Some(subnet), Some(cluster)) = (
                self.subnet_ref(e.subnet),
                self.sym(e.target).map(str::to_string),
            ) else {
                continue;
            };
            let location = self.subnet_location(e.subnet);
            let connection = obj! {
                "name": naming::endpoint_connection(&e.name),
                "properties": obj! {
                    "privateLinkServiceId": Ref::to(&cluster),
                    "groupIds": vec![Val::str(e.group_id.as_str())],
                },
            };
            let mut props = vec![
                ("subnet", Val::id(subnet)),
                ("privateLinkServiceConnections", Val::Arr(vec![connection])),
            ];
            if let Some(first) = e.private_ip {
                // A static endpoint names the address of each node (the group's members).
                let configs = NODES
                    .iter()
                    .zip(node_addresses(first))
                    .map(|(member, ip)| {
                        obj! {
                            "name": format!("{}-{member}", e.name),
                            "properties": obj! {
                                "groupId": e.group_id.as_str(),
                                "memberName": *member,
                                "privateIPAddress": ip.to_string(),
                            },
                        }
                    })
                    .collect();
                props.push(("ipConfigurations", Val::Arr(configs)));
            }
            let symbol = self.fresh("pe", &e.name);
            self.symbol.insert(e.id, symbol.clone());
            self.push(
                symbol.clone(),
                ENDPOINTS,
                NETWORK_API,
                None,
                e.name.clone(),
                Some(location),
                None,
                Val::Obj(props),
                vec![],
            );
            // Its DNS zone group: the zones that hold its records.
            let configs: Vec<Val> = self
                .design
                .private_dns_zones
                .iter()
                .filter(|z| z.records.contains(&e.id))
                .filter_map(|z| {
                    let zone = self.sym(z.id)?;
                    Some(obj! {
                        "name": z.name.replace('.', "-"),
                        "properties": obj! { "privateDnsZoneId": Ref::to(zone) },
                    })
                })
                .collect();
            if configs.is_empty() {
                continue;
            }
            let group = self.fresh("dnsgroup", &e.name);
            self.push(
                group,
                ZONE_GROUPS,
                NETWORK_API,
                Some(symbol),
                naming::DNS_ZONE_GROUP.to_string(),
                None,
                None,
                obj! { "privateDnsZoneConfigs": Val::Arr(configs) },
                vec![],
            );
        }
    }
}
