//! Azure Cloud HSM's resources: clusters, the private endpoints that reach them (with their DNS
//! zone groups, which put the endpoints' records in a zone), and private DNS zones with their
//! VNet links. A private endpoint to anything but a Cloud HSM cluster is not modelled.

use super::{ip, key_parent, Mapping};
use crate::azure::cloud_hsm::PUBLIC_NETWORK_ACCESS_DISABLED;
use crate::import::node::Node;
use crate::import::report::NoteKind;
use crate::import::source::{key, parse_id, Resource};
use crate::import::ImportError;
use crate::model::{CloudHsmCluster, PrivateDnsZone, PrivateEndpoint};

pub(super) fn cluster(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let location = m.location(r, p)?;
    let region = m.region(&location);
    let id = m.id();
    let mut c = CloudHsmCluster::new(id, r.name().to_string(), region);
    if let Some(sku) = crate::import::eval::field(&r.sku, "name").and_then(|v| v.as_str()) {
        c.sku = sku.to_string();
    }
    // The export writes the setting only when access is off: unwritten, it is taken as on, and
    // cloudhsm-private-endpoint says so.
    c.public_network_access = !p
        .text_at("publicNetworkAccess")?
        .is_some_and(|v| v.eq_ignore_ascii_case(PUBLIC_NETWORK_ACCESS_DISABLED));
    m.design.cloud_hsm_clusters.push(c);
    m.clusters.insert(r.key.clone(), id);
    Ok(())
}

pub(super) fn zone(m: &mut Mapping, r: &Resource, _p: &Node) -> Result<(), ImportError> {
    let id = m.id();
    m.design
        .private_dns_zones
        .push(PrivateDnsZone::new(id, r.name().to_string()));
    m.zones
        .insert(r.key.clone(), m.design.private_dns_zones.len() - 1);
    Ok(())
}

pub(super) fn zone_link(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let Some(&zone) = m.zones.get(&key_parent(&r.key)) else {
        return Err(p.invalid(&format!(
            "the private DNS zone '{}' of this link is not declared",
            r.names[0]
        )));
    };
    let _ = p.get("registrationEnabled");
    let Some(vnet_id) = p.id_at("virtualNetwork")? else {
        return Err(p.invalid("the link has no virtualNetwork"));
    };
    let vnet_key = key(vnet_id);
    let at = p.get("virtualNetwork").unwrap_or_else(|| p.clone());
    let index = match m.vnets.get(&vnet_key) {
        Some(&i) => i,
        None => {
            let name = parse_id(vnet_id)
                .and_then(|(_, names)| names.into_iter().next())
                .unwrap_or_else(|| vnet_id.to_string());
            m.external_vnet(&vnet_key, &name, None, &at, vnet_id)
        }
    };
    let vnet = m.design.vnets[index].id;
    let links = &mut m.design.private_dns_zones[zone].vnet_links;
    if !links.contains(&vnet) {
        links.push(vnet);
    }
    Ok(())
}

pub(super) fn endpoint(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let connection = [
        "privateLinkServiceConnections",
        "manualPrivateLinkServiceConnections",
    ]
    .iter()
    .find_map(|k| p.get(k).and_then(|n| n.items().into_iter().next()));
    let Some(connection) = connection else {
        return Err(p.invalid("the private endpoint has no privateLinkServiceConnections"));
    };
    let _ = connection.get("name");
    let props = connection.get("properties").unwrap_or(connection.clone());
    let Some(target) = props.text_at("privateLinkServiceId")? else {
        return Err(props.invalid("the connection has no privateLinkServiceId"));
    };
    let Some(&cluster) = m.clusters.get(&key(target)) else {
        m.report.note(
            NoteKind::NotModelled,
            r.path.clone(),
            format!(
                "private endpoint '{}' reaches {target:?}, not a Cloud HSM cluster declared \
                 here: only endpoints to Cloud HSM clusters are modelled",
                r.name()
            ),
        );
        m.left_out = true;
        return Ok(());
    };
    let Some(subnet_id) = p.id_at("subnet")? else {
        return Err(p.invalid("the private endpoint has no subnet"));
    };
    let region = m.location(r, p).ok().map(|l| m.region(&l));
    let at = p.get("subnet").unwrap_or_else(|| p.clone());
    let subnet = m.subnet_ref(subnet_id, &at, region)?;
    // A static endpoint names each node's address; the model keeps the first node's.
    let mut first = None;
    for config in p
        .get("ipConfigurations")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let _ = config.get("name");
        let c = config.get("properties").unwrap_or(config);
        let _ = (c.get("groupId"), c.get("memberName"));
        if let Some(a) = c.get("privateIPAddress") {
            let a = ip(&a)?;
            first = Some(first.map_or(a, |f: std::net::Ipv4Addr| f.min(a)));
        }
    }
    let id = m.id();
    let mut e = PrivateEndpoint::new(id, r.name().to_string(), subnet, cluster, first);
    if let Some(group) = props
        .get("groupIds")
        .and_then(|g| g.items().into_iter().next())
    {
        e.group_id = group.text()?.to_string();
    }
    m.design.private_endpoints.push(e);
    m.endpoints.insert(r.key.clone(), id);
    Ok(())
}

/// An endpoint's DNS zone group: the zones that hold the endpoint's records.
pub(super) fn zone_group(m: &mut Mapping, r: &Resource, p: &Node) -> Result<(), ImportError> {
    let Some(&endpoint) = m.endpoints.get(&key_parent(&r.key)) else {
        m.report.note(
            NoteKind::NotModelled,
            r.path.clone(),
            "the DNS zone group of a private endpoint that is not modelled".into(),
        );
        m.left_out = true;
        return Ok(());
    };
    for config in p
        .get("privateDnsZoneConfigs")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        let _ = config.get("name");
        let c = config.get("properties").unwrap_or(config);
        let Some(zone_id) = c.text_at("privateDnsZoneId")? else {
            return Err(c.invalid("the zone config has no privateDnsZoneId"));
        };
        match m.zones.get(&key(zone_id)) {
            Some(&zone) => {
                let records = &mut m.design.private_dns_zones[zone].records;
                if !records.contains(&endpoint) {
                    records.push(endpoint);
                }
            }
            None => m.report.note(
                NoteKind::External,
                c.path(),
                format!("the private DNS zone {zone_id:?} is not declared here: its records are not modelled"),
            ),
        }
    }
    Ok(())
}
