//! Names in Azure: the subnet names Azure gives a meaning to, with the one test every part of
//! the crate uses to recognise them, and the [`Pattern`]s resource names must follow.
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

/// Where the naming rules come from.
pub const PATTERNS_SOURCE: &str = "azure-resource-manager/management/resource-name-rules.md \
     (Microsoft.Network, Microsoft.Compute); the Microsoft.HardwareSecurityModules API's name \
     patterns for dedicatedHSMs and (2025-03-31) cloudHsmClusters";

/// The naming rule a kind of Azure resource follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Most Microsoft.Network names: 1 to 80 letters, digits, `_`, `.` and `-`, starting with a
    /// letter or digit, not ending with `.` or `-`.
    General,
    /// Virtual networks: as [`Pattern::General`] but 2 to 64 characters.
    Vnet,
    /// Linux VMs (also their host name): 1 to 64 letters, digits and `-`, starting with a
    /// letter or digit, not ending with `-`.
    Vm,
    /// Dedicated HSMs: 3 to 24 letters, digits and `-` (`^[a-zA-Z0-9-]{3,24}$`).
    Hsm,
    /// Cloud HSM clusters: 3 to 23 letters, digits and `-` (`^[a-zA-Z0-9-]{3,23}$`).
    CloudHsm,
}

impl Pattern {
    /// Why Azure refuses `name`, or `None` when it accepts it.
    pub fn problem(self, name: &str) -> Option<String> {
        let (min, max) = match self {
            Pattern::General => (1, 80),
            Pattern::Vnet => (2, 64),
            Pattern::Vm => (1, 64),
            Pattern::Hsm => (3, 24),
            Pattern::CloudHsm => (3, 23),
        };
        // Names are ASCII but for mistakes: count bytes then, characters otherwise.
        let ascii = name.is_ascii();
        let len = if ascii {
            name.len()
        } else {
            name.chars().count()
        };
        if len < min || len > max {
            return Some(format!(
                "it has {len} characters; {min} to {max} are allowed"
            ));
        }
        let allowed = |c: char| match self {
            Pattern::General | Pattern::Vnet => {
                c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'
            }
            Pattern::Vm | Pattern::Hsm | Pattern::CloudHsm => c.is_ascii_alphanumeric() || c == '-',
        };
        let bad = if ascii {
            name.bytes().map(char::from).find(|&c| !allowed(c))
        } else {
            name.chars().find(|&c| !allowed(c))
        };
        if let Some(bad) = bad {
            let set = match self {
                Pattern::General | Pattern::Vnet => "letters, digits, '_', '.' and '-'",
                Pattern::Vm | Pattern::Hsm | Pattern::CloudHsm => "letters, digits and '-'",
            };
            return Some(format!("it contains {bad:?}; only {set} are allowed"));
        }
        let anchored = !matches!(self, Pattern::Hsm | Pattern::CloudHsm);
        if anchored && !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Some("it must start with a letter or a digit".to_string());
        }
        if anchored && (name.ends_with('.') || name.ends_with('-')) {
            return Some("it must not end with '.' or '-'".to_string());
        }
        None
    }
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

    #[test]
    fn general_names_follow_azures_rule() {
        for ok in [
            "a",
            "hub-vnet",
            "GatewaySubnet",
            "a.b_c-d",
            "x_",
            &"a".repeat(80),
        ] {
            assert_eq!(Pattern::General.problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a.",
            "_a",
            "a b",
            "a'b",
            "é",
            &"a".repeat(81),
        ] {
            assert!(Pattern::General.problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn hsm_names_match_the_providers_pattern() {
        assert_eq!(Pattern::Hsm.problem("hsm-1"), None);
        assert_eq!(Pattern::Hsm.problem("-hsm"), None);
        for bad in ["ab", "hsm_1", "hsm.1", &"h".repeat(25)] {
            assert!(Pattern::Hsm.problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn vnet_and_vm_limits() {
        assert!(Pattern::Vnet.problem("a").is_some());
        assert!(Pattern::Vnet.problem(&"a".repeat(65)).is_some());
        assert!(Pattern::Vm.problem("nva.1").is_some());
        assert_eq!(Pattern::Vm.problem("nva-1"), None);
    }
}
