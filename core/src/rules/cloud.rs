//! The facts of a Cloud HSM design that several rules read: who the clients are, which cluster
//! each uses, where it resolves the cluster's names, and what the tracer says of its flows.
//! Reachability and name resolution are the tracer's answers ([`crate::trace`]); this module
//! only picks out the clients and asks.

use super::Context;
use crate::model::{Id, Protocol};
use crate::trace::{Endpoint, Trace, Verdict, NAME_RESOLUTION};

/// What a Cloud HSM client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClientKind {
    /// A subnet whose workloads run the client (`hsm_client`).
    Subnet { vnet: Id },
    /// An on-premises site whose hosts run it (the `hsm_client` role), or an admin workstation.
    Site { admin: bool },
}

/// A client and the cluster it uses.
#[derive(Clone, Copy, Debug)]
pub(super) struct Client {
    pub id: Id,
    pub kind: ClientKind,
    pub endpoint: Endpoint,
    pub cluster: Id,
}

/// The Cloud HSM clients of a design (none without a cluster), in design order: subnets marked
/// as HSM clients and sites with the client or admin role. Each uses the first cluster in its
/// own region (a site's: the region of the first gateway it connects to), else the design's
/// first cluster.
pub(super) fn clients(cx: &Context) -> Vec<Client> {
    let design = cx.design;
    let Some(first) = design.cloud_hsm_clusters.first() else {
        return Vec::new();
    };
    // The first cluster of each region, found once (a design may hold many clusters).
    let mut by_region: crate::hashing::HashMap<Id, Id> = Default::default();
    for c in &design.cloud_hsm_clusters {
        by_region.entry(c.region).or_insert(c.id);
    }
    let cluster_in = |region: Option<Id>| {
        region
            .and_then(|r| by_region.get(&r).copied())
            .unwrap_or(first.id)
    };
    let mut out = Vec::new();
    for vnet in &design.vnets {
        for s in vnet.subnets.iter().filter(|s| s.hsm_client) {
            out.push(Client {
                id: s.id,
                kind: ClientKind::Subnet { vnet: vnet.id },
                endpoint: Endpoint::Subnet(s.id),
                cluster: cluster_in(Some(vnet.region)),
            });
        }
    }
    for site in &design.sites {
        if !site.roles.hsm_client && !site.roles.admin_workstation {
            continue;
        }
        let region = cx
            .network()
            .landing_vnets(site.id)
            .first()
            .and_then(|v| cx.index().vnet(*v))
            .map(|v| v.region);
        out.push(Client {
            id: site.id,
            kind: ClientKind::Site {
                admin: site.roles.admin_workstation && !site.roles.hsm_client,
            },
            endpoint: Endpoint::Site(site.id),
            cluster: cluster_in(region),
        });
    }
    out
}

/// The VNet whose link to the zone lets `client` resolve: its own, or the first its
/// connections land in.
pub(super) fn resolving_vnet(cx: &Context, client: &Client) -> Option<Id> {
    match client.kind {
        ClientKind::Subnet { vnet } => Some(vnet),
        ClientKind::Site { .. } => cx.network().landing_vnets(client.id).first().copied(),
    }
}

/// A client's flow to its cluster on `port`: `None` when delivered (asked quietly first), else
/// the explained trace.
pub(super) fn failed_flow(cx: &Context, client: &Client, port: u16) -> Option<Trace> {
    let net = cx.network();
    let to = Endpoint::CloudHsm(client.cluster);
    if net
        .reaches(client.endpoint, to, Protocol::Tcp, port)
        .unwrap_or(false)
    {
        return None;
    }
    net.trace(client.endpoint, to, Protocol::Tcp, port).ok()
}

/// Whether a failed flow stopped at name resolution (its first hop).
pub(super) fn failed_at_resolution(trace: &Trace) -> bool {
    matches!(trace.verdict, Verdict::Dropped { hop: 0, .. })
        && trace.hops.first().and_then(|h| h.by.as_deref()) == Some(NAME_RESOLUTION)
}

/// The reason a trace was dropped, or empty.
pub(super) fn reason(trace: &Trace) -> &str {
    match &trace.verdict {
        Verdict::Dropped { reason, .. } => reason,
        Verdict::Delivered => "",
    }
}
