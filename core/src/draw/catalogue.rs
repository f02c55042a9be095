//! What the palette offers: every kind of element a user can add to a design.

/// One entry of the palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    Region,
    Vnet,
    Subnet,
    HsmSubnet,
    Hsm,
    /// An Azure Payment HSM (payShield 10K) with a management NIC.
    PaymentHsm,
    ErGateway,
    VpnGateway,
    Nva,
    LoadBalancer,
    Firewall,
    RouteTable,
    Nsg,
    Site,
    Circuit,
    CloudHsmCluster,
    PrivateEndpoint,
    PrivateDnsZone,
}

impl Item {
    /// The palette, in the order it is shown: containers first, then devices, policies, outside.
    pub const ALL: [Item; 18] = [
        Item::Region,
        Item::Vnet,
        Item::Subnet,
        Item::HsmSubnet,
        Item::Hsm,
        Item::PaymentHsm,
        Item::ErGateway,
        Item::VpnGateway,
        Item::Nva,
        Item::LoadBalancer,
        Item::Firewall,
        Item::RouteTable,
        Item::Nsg,
        Item::Site,
        Item::Circuit,
        Item::CloudHsmCluster,
        Item::PrivateEndpoint,
        Item::PrivateDnsZone,
    ];

    /// The name users read on the palette.
    pub fn label(self) -> &'static str {
        match self {
            Item::Region => "Region",
            Item::Vnet => "VNet",
            Item::Subnet => "Subnet",
            Item::HsmSubnet => "HSM subnet",
            Item::Hsm => "HSM",
            Item::PaymentHsm => "Payment HSM",
            Item::ErGateway => "ExpressRoute gateway",
            Item::VpnGateway => "VPN gateway",
            Item::Nva => "NVA",
            Item::LoadBalancer => "Load balancer",
            Item::Firewall => "Firewall",
            Item::RouteTable => "Route table",
            Item::Nsg => "NSG",
            Item::Site => "On-premises site",
            Item::Circuit => "ExpressRoute circuit",
            Item::CloudHsmCluster => "Cloud HSM cluster",
            Item::PrivateEndpoint => "Private endpoint",
            Item::PrivateDnsZone => "Private DNS zone",
        }
    }

    /// Where the element goes, for the palette's tooltip.
    pub fn hint(self) -> &'static str {
        match self {
            Item::Region => "onto empty canvas",
            Item::Vnet => "into a region",
            Item::Subnet => "into a VNet",
            Item::HsmSubnet => "into a VNet; delegated to Dedicated HSM",
            Item::Hsm => "into an HSM subnet",
            Item::PaymentHsm => "into an HSM subnet; a payShield 10K with a management NIC",
            Item::ErGateway | Item::VpnGateway => "into a VNet (its GatewaySubnet)",
            Item::Nva | Item::LoadBalancer => "into a subnet",
            Item::Firewall => "into a VNet (its AzureFirewallSubnet)",
            Item::RouteTable | Item::Nsg => "onto a subnet, or anywhere to keep it apart",
            Item::Site => "outside the regions",
            Item::Circuit => "outside the regions, next to an on-premises site",
            Item::CloudHsmCluster => "into a region",
            Item::PrivateEndpoint => "into an ordinary subnet; to the nearest Cloud HSM cluster",
            Item::PrivateDnsZone => "outside the regions",
        }
    }

    /// A stable token for the item (HTML data attributes, tests).
    pub fn slug(self) -> &'static str {
        match self {
            Item::Region => "region",
            Item::Vnet => "vnet",
            Item::Subnet => "subnet",
            Item::HsmSubnet => "hsm-subnet",
            Item::Hsm => "hsm",
            Item::PaymentHsm => "payment-hsm",
            Item::ErGateway => "er-gateway",
            Item::VpnGateway => "vpn-gateway",
            Item::Nva => "nva",
            Item::LoadBalancer => "load-balancer",
            Item::Firewall => "firewall",
            Item::RouteTable => "route-table",
            Item::Nsg => "nsg",
            Item::Site => "site",
            Item::Circuit => "circuit",
            Item::CloudHsmCluster => "cloud-hsm-cluster",
            Item::PrivateEndpoint => "private-endpoint",
            Item::PrivateDnsZone => "private-dns-zone",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Item> {
        Item::ALL.into_iter().find(|i| i.slug() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hashing::HashSet;

    #[test]
    fn slugs_are_unique_and_read_back() {
        let slugs: HashSet<&str> = Item::ALL.iter().map(|i| i.slug()).collect();
        assert_eq!(slugs.len(), Item::ALL.len());
        for item in Item::ALL {
            assert_eq!(Item::from_slug(item.slug()), Some(item));
        }
        assert_eq!(Item::from_slug("toaster"), None);
    }
}
