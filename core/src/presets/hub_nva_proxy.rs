//! `hub-nva-proxy`: the source document's "Solution Architecture": on-premises ExpressRoute into
//! a transit hub whose Azure Firewall and SNAT proxy tier stand in front of the HSMs, because
//! the delegated HSM subnet can carry neither NSGs nor UDRs.

use super::{app_vnet, hsm_vnet, plan, Preset, Transit};
use crate::addressing::first_usable;
use crate::model::builder::{firewall_rule, nsg_rule, route, Builder};
use crate::model::{Access, ConnectionKind, Design, Direction, NextHop, Protocol, SiteRoles};

pub const PRESET: Preset = Preset {
    name: "hub-nva-proxy",
    title: "Hub with NVA proxy",
    summary: "The Solution Architecture: ExpressRoute into a hub with Azure Firewall and an SNAT \
              NVA proxy tier in front of the HSM VNet; workload spokes peered with the hub.",
    takes_spokes: true,
    takes_regions: false,
    default_spokes: 2,
    default_regions: 1,
    max_spokes: plan::MAX_SPOKES,
    max_regions: 1,
};

const DESCRIPTION: &str = "\
The source document's answer to the missing NSGs and UDRs on the HSM subnet. On-premises Luna \
clients come in over an ExpressRoute circuit (private peering) that lands on the hub's gateway, \
never on the HSM VNet's own ExpressRoute gateway, which stays unconnected. A route table on the \
hub GatewaySubnet sends the proxy's load-balancer frontend to Azure Firewall, whose only network \
rule lets the on-premises range and the spoke ranges reach that frontend on TCP 1792: the \
default-deny the HSM subnet cannot have; it SNATs what it passes (always, private destinations \
included), so the proxies see the firewall's address. Behind it, two proxy NVAs in a Standard internal load \
balancer (TCP 1792 rule and probe) SNAT the clients and forward to the HSMs; the NVA subnet's \
NSG admits only the firewall subnet and the load-balancer probe and lets out only TCP 1792 to \
the two HSM addresses, and its route table sends on-premises and spoke traffic back through the \
firewall so that flows stay symmetric. Because the proxies SNAT, the HSMs have NTLS client IP \
checking disabled and the HSM VNet needs no UDRs. Workload spokes peer with the hub (using its \
gateway) and route the frontend to the firewall too. \
Expected warning: ha-regions, because the HSM pair sits in a single region. The \
onprem-backup-path note is expected too: ExpressRoute is the only way in, so backups to an \
on-premises HSM would need a VPN added.";

pub fn build(spokes: usize) -> Design {
    let mut b = Builder::new(PRESET.title);
    let region = b.region("westeurope");

    // On-premises: Luna clients behind an ExpressRoute circuit with private peering.
    let onprem = plan::onprem();
    let site = b.site(
        "onprem-dc",
        &[&onprem.to_string()],
        None,
        SiteRoles {
            hsm_client: true,
            ..SiteRoles::default()
        },
    );
    let circuit = b.circuit(site, "onprem-er-circuit", &plan::er_peering().to_string());

    // The HSM VNet: its ExpressRoute gateway is the service's, not a path to on-premises.
    let hsm = hsm_vnet(&mut b, region, 0, "hsm-vnet", "");
    for id in hsm.hsms {
        b.hsm_mut(id).ntls_ip_check = false;
    }

    // The transit hub.
    let hub_space = plan::hub_vnet(0);
    let hub = b.vnet(region, "hub-vnet", &[&hub_space.to_string()]);
    let gateway_subnet = b.subnet(
        hub,
        "GatewaySubnet",
        &plan::within(hub_space, 0, 27).to_string(),
    );
    let firewall_prefix = plan::within(hub_space, 256, 26);
    let firewall_subnet = b.subnet(hub, "AzureFirewallSubnet", &firewall_prefix.to_string());
    let nva_prefix = plan::within(hub_space, 512, 24);
    let nva_subnet = b.subnet(hub, "nva-subnet", &nva_prefix.to_string());
    let hub_gateway = b.er_gateway(gateway_subnet, "hub-ergw", "ErGw1AZ");
    b.connection(
        "onprem-er-connection",
        ConnectionKind::ExpressRoute {
            gateway: hub_gateway,
            circuit,
        },
    );

    // The proxy tier: two SNAT NVAs behind a Standard ILB on TCP 1792.
    let nva1 = b.nva(
        nva_subnet,
        "nva-proxy-1",
        &plan::host(nva_prefix, 4).to_string(),
    );
    let nva2 = b.nva(
        nva_subnet,
        "nva-proxy-2",
        &plan::host(nva_prefix, 5).to_string(),
    );
    let frontend = plan::host(nva_prefix, 10);
    let frontend_32 = format!("{frontend}/32");
    b.luna_load_balancer(nva_subnet, "nva-ilb", &frontend.to_string(), &[nva1, nva2]);

    // Azure Firewall: trusted ranges to the frontend on 1792, nothing else.
    let firewall_ip = first_usable(&firewall_prefix).to_string();
    let spoke_ranges: Vec<String> = plan::spokes_cover(0, spokes)
        .iter()
        .map(ToString::to_string)
        .collect();
    let onprem_text = onprem.to_string();
    let mut trusted: Vec<&str> = vec![&onprem_text];
    trusted.extend(spoke_ranges.iter().map(String::as_str));
    let firewall = b.firewall(
        firewall_subnet,
        "hub-fw",
        vec![firewall_rule(
            "trusted-to-hsm-proxy",
            Access::Allow,
            &trusted,
            &[&frontend_32],
            &["1792"],
        )],
    );
    // SNAT to the firewall's own address: the NVA subnet's NSG trusts only the firewall
    // subnet, and Azure Firewall keeps private client addresses unless told otherwise.
    if let Some(fw) = b.design.firewalls.iter_mut().find(|f| f.id == firewall) {
        fw.always_snat = true;
    }

    // Routes: the gateway sends the frontend to the firewall; the NVAs send replies back
    // through it.
    b.route_table(
        "gateway-rt",
        vec![route(
            "hsm-proxy-via-firewall",
            &frontend_32,
            NextHop::VirtualAppliance,
            Some(&firewall_ip),
        )],
        &[gateway_subnet],
    );
    let mut nva_routes = vec![route(
        "onprem-via-firewall",
        &onprem_text,
        NextHop::VirtualAppliance,
        Some(&firewall_ip),
    )];
    for (n, range) in spoke_ranges.iter().enumerate() {
        nva_routes.push(route(
            &format!("spokes-via-firewall-{}", n + 1),
            range,
            NextHop::VirtualAppliance,
            Some(&firewall_ip),
        ));
    }
    b.route_table("nva-rt", nva_routes, &[nva_subnet]);

    // The NVA subnet's NSG: in from the firewall subnet and the probe only; out to the HSMs on
    // 1792 only.
    let fw = firewall_prefix.to_string();
    let nva = nva_prefix.to_string();
    let mut rules = vec![
        nsg_rule(
            "allow-firewall-1792",
            100,
            Direction::Inbound,
            Access::Allow,
            Protocol::Tcp,
            &fw,
            &nva,
            "1792",
        ),
        nsg_rule(
            "allow-lb-probe",
            110,
            Direction::Inbound,
            Access::Allow,
            Protocol::Tcp,
            "AzureLoadBalancer",
            "*",
            "1792",
        ),
        nsg_rule(
            "deny-all-inbound",
            4096,
            Direction::Inbound,
            Access::Deny,
            Protocol::Any,
            "*",
            "*",
            "*",
        ),
    ];
    for (n, ip) in hsm.hsm_ips.iter().enumerate() {
        rules.push(nsg_rule(
            &format!("allow-hsm{}-1792", n + 1),
            100 + 10 * n as u16,
            Direction::Outbound,
            Access::Allow,
            Protocol::Tcp,
            &nva,
            &format!("{ip}/32"),
            "1792",
        ));
    }
    rules.push(nsg_rule(
        "deny-all-outbound",
        4096,
        Direction::Outbound,
        Access::Deny,
        Protocol::Any,
        "*",
        "*",
        "*",
    ));
    b.nsg("nva-nsg", rules, &[nva_subnet]);

    // The hub peers with the HSM VNet (no transit: the HSM VNet has its own gateway).
    b.peering(hub, hsm.vnet);

    // Workload spokes: peered with the hub, using its gateway, frontend routed to the firewall.
    let spoke_rt = b.route_table(
        "spoke-rt",
        vec![route(
            "hsm-proxy-via-firewall",
            &frontend_32,
            NextHop::VirtualAppliance,
            Some(&firewall_ip),
        )],
        &[],
    );
    for i in 0..spokes {
        let name = format!("spoke-{}", i + 1);
        app_vnet(
            &mut b,
            region,
            i,
            &name,
            Some(spoke_rt),
            (hub, "hub-vnet"),
            Transit::UseGateways,
        );
    }
    b.describe(DESCRIPTION).finish()
}
