//! The subnet names Azure gives a meaning to, and the one test every part of the crate uses to
//! recognise them.
//!
//! Azure resource names are case-insensitive: a subnet named `gatewaysubnet` is the gateway
//! subnet (the azurerm provider's own acceptance test deploys an ExpressRoute gateway into a
//! subnet spelt that way). The constants are the canonical spellings the documentation uses,
//! which drawing and fixes write; [`is_gateway_subnet`] and [`is_firewall_subnet`] are how
//! rules, drawing and the tracer recognise the subnets, whatever the spelling.

/// The name of the subnet that holds a VNet's virtual network gateways (VPN Gateway settings,
/// "Gateway subnet"; ExpressRoute virtual network gateways, "Gateway subnet").
pub const GATEWAY_SUBNET: &str = "GatewaySubnet";

/// The name of the subnet that holds an Azure Firewall (Azure Firewall FAQ).
pub const FIREWALL_SUBNET: &str = "AzureFirewallSubnet";

/// Whether a subnet of this name is the gateway subnet, in any letter case.
pub fn is_gateway_subnet(name: &str) -> bool {
    name.eq_ignore_ascii_case(GATEWAY_SUBNET)
}

/// Whether a subnet of this name is the firewall subnet, in any letter case.
pub fn is_firewall_subnet(name: &str) -> bool {
    name.eq_ignore_ascii_case(FIREWALL_SUBNET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_in_any_case_and_only_whole() {
        for name in ["GatewaySubnet", "gatewaysubnet", "GATEWAYSUBNET"] {
            assert!(is_gateway_subnet(name), "{name}");
        }
        for name in ["AzureFirewallSubnet", "azurefirewallsubnet"] {
            assert!(is_firewall_subnet(name), "{name}");
        }
        for name in ["GatewaySubnet2", " GatewaySubnet", "Gateway", ""] {
            assert!(!is_gateway_subnet(name), "{name:?}");
        }
        assert!(!is_firewall_subnet("AzureFirewallManagementSubnet"));
    }
}
