//! Values Azure offers (HSM SKUs, stamps, quotas, gateway SKUs, VM sizes, delegations, circuit
//! bandwidths, service tags, limits), each list as data with its source.
//!
//! Each list says where it was read, so that updating it is a matter of reading that source
//! again. Names are compared as Azure compares them: resource-provider enumerations ignoring
//! letter case unless a list says otherwise.

use std::ops::RangeInclusive;

/// Where the HSM SKUs come from.
pub const HSM_SKUS_SOURCE: &str = "Azure REST API specifications, \
     Microsoft.HardwareSecurityModules (dedicatedhsm.json), the 'SkuName' enumeration";

/// The SKU of a Thales Luna network HSM offered as Azure Dedicated HSM.
pub const DEDICATED_HSM_SKU: &str = "SafeNet Luna Network HSM A790";

/// The SKUs of Azure Payment HSM (Thales payShield 10K).
pub const PAYSHIELD_SKUS: [&str; 6] = [
    "payShield10K_LMK1_CPS60",
    "payShield10K_LMK1_CPS250",
    "payShield10K_LMK1_CPS2500",
    "payShield10K_LMK2_CPS60",
    "payShield10K_LMK2_CPS250",
    "payShield10K_LMK2_CPS2500",
];

/// Whether `sku` names a Payment HSM (payShield) SKU: any SKU starting `payShield` in any
/// letter case, so that a misspelt one (which `hsm-sku-valid` reports) is still checked as a
/// payment HSM rather than as a Luna one.
pub fn is_payshield_sku(sku: &str) -> bool {
    sku.trim_start()
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("payShield"))
}

/// Where the fast path tag and feature come from.
pub const FASTPATH_SOURCE: &str = "payment-hsm/fastpathenabled.md; payment-hsm/peer-vnets.md \
     (`az tag create --tags \"fastpathenabled=True\"`); the Payment HSM ARM templates \
     (quickstart-template.md, create-different-vnet.md, create-different-ip-addresses.md: \
     `\"tags\": {\"fastpathenabled\": \"true\"}` on every VNet)";

/// The VNet tag every VNet that a payment HSM uses (its own, a peered one, a hub) carries,
/// lower-case, as Azure's templates write it.
pub const FASTPATH_TAG: &str = "fastpathenabled";

/// The value the templates give [`FASTPATH_TAG`] (the CLI example writes `True`: the value is
/// compared ignoring letter case).
pub const FASTPATH_TAG_VALUE: &str = "true";

/// The Azure feature (`Microsoft.Network/FastPathEnabled`) every subscription that connects to
/// a payment HSM registers; a template cannot register it.
pub const FASTPATH_FEATURE: &str = "FastPathEnabled";

/// Where [`HSM_DELEGATION`] comes from.
pub const HSM_DELEGATION_SOURCE: &str = "dedicated-hsm networking considerations, 'Subnets' \
     (the HSM subnet is delegated to the Dedicated HSM service); Dedicated HSM troubleshooting";

/// The delegation a subnet needs before a Dedicated HSM can be placed in it.
pub const HSM_DELEGATION: &str = "Microsoft.HardwareSecurityModules/dedicatedHSMs";

/// Where the HSM quotas come from.
pub const HSM_QUOTA_SOURCE: &str = "Dedicated HSM troubleshooting, 'Deployment failure based on \
     quota / capacity' (the default quota: two HSMs per stamp, four per region)";

/// Default quota: HSMs per stamp in one region.
pub const HSMS_PER_STAMP: usize = 2;

/// Default quota: HSMs per region.
pub const HSMS_PER_REGION: usize = 4;

/// Where [`HSM_STAMPS`] comes from.
pub const HSM_STAMPS_SOURCE: &str = "Dedicated HSM deployment tutorials (an HA pair is 'an HSM \
     in stamp 1' and 'an HSM in stamp 2') and the Dedicated and Payment HSM CLI quickstarts \
     (`--stamp-id \"stamp1\"`); the REST specification (dedicatedhsm.json, \
     DedicatedHsmProperties.stampId) types stampId as a free string";

/// The datacentre stamps a Dedicated HSM is placed on; a region has two.
pub const HSM_STAMPS: [&str; 2] = ["stamp1", "stamp2"];

/// Where the VPN gateway SKU lists come from.
pub const VPN_GATEWAY_SKUS_SOURCE: &str = "vpn-gateway/about-gateway-skus.md ('Gateway SKUs by \
     tunnel, connection, and throughput'); vpn-gateway/gateway-sku-consolidation.md (no new \
     VpnGw1-5 non-AZ gateways since 2025-01-01; they migrate to VpnGw1AZ-5AZ; Basic is not \
     retiring; Standard and HighPerformance retired 2025-09-30)";

/// The SKUs a new VPN gateway can be created with.
pub const VPN_GATEWAY_SKUS: [&str; 6] = [
    "Basic", "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ",
];

/// VPN gateway SKUs Azure no longer creates, each with the SKU Azure migrates it to (when the
/// source names one).
pub const VPN_GATEWAY_SKUS_CLOSED: [(&str, Option<&str>); 7] = [
    ("VpnGw1", Some("VpnGw1AZ")),
    ("VpnGw2", Some("VpnGw2AZ")),
    ("VpnGw3", Some("VpnGw3AZ")),
    ("VpnGw4", Some("VpnGw4AZ")),
    ("VpnGw5", Some("VpnGw5AZ")),
    ("Standard", None),
    ("HighPerformance", None),
];

/// Where the ExpressRoute gateway SKU lists come from.
pub const ER_GATEWAY_SKUS_SOURCE: &str =
    "expressroute/expressroute-about-virtual-network-gateways.md 'Gateway SKUs' \
     (includes/expressroute-gwsku-include.md, 2025-11); expressroute/gateway-migration.md (the \
     SKUs an ExpressRoute gateway can have, Basic not among them; Standard, HighPerformance and \
     UltraPerformance recommended to move to ErGw1AZ-ErGw3AZ, not retired)";

/// The SKUs an ExpressRoute gateway can use.
pub const ER_GATEWAY_SKUS: [&str; 7] = [
    "ErGwScale",
    "Standard",
    "HighPerformance",
    "UltraPerformance",
    "ErGw1AZ",
    "ErGw2AZ",
    "ErGw3AZ",
];

/// ExpressRoute gateway SKUs Azure no longer offers, each with its successor.
pub const ER_GATEWAY_SKUS_CLOSED: [(&str, Option<&str>); 1] = [("Basic", Some("Standard"))];

/// Where the Basic public IP facts come from.
pub const BASIC_PUBLIC_IP_SOURCE: &str = "expressroute/gateway-migration.md (azure-docs, \
     2025-05): 'On September 30, 2025, Basic SKU public IPs will be retired', and the gateway \
     migration from Basic IP to Standard IP; dedicated-hsm/migration-basic-standard.md \
     (azure-security-docs 4a14bea9, 2026-08-20): 'Microsoft extended support for the Basic \
     Public IP SKU ExpressRoute gateway used by Azure Dedicated HSM until March 31, 2027', and \
     that gateway 'can't' go through the standard migration";

/// When Azure retired Basic public IP addresses.
pub const BASIC_PUBLIC_IP_RETIRED: &str = "2025-09-30";

/// Until when the ExpressRoute gateway of a Dedicated HSM VNet may keep its Basic public IP.
pub const DEDICATED_HSM_BASIC_IP_GATEWAY_UNTIL: &str = "2027-03-31";

/// Where [`VM_SIZES`] comes from.
pub const VM_SIZES_SOURCE: &str = "Azure/azure-resource-manager-schemas, Microsoft.Compute \
     2024-07-01, HardwareProfile.vmSize (the enumeration the exported templates are validated \
     against); the REST specification calls that enumeration deprecated and lists a region's \
     sizes through the Resource SKUs API, so a size missing here may still exist";

/// The VM sizes of the template schema for virtual machines (the NVAs' `vmSize`).
pub const VM_SIZES: &[&str] = &[
    "Basic_A0",
    "Basic_A1",
    "Basic_A2",
    "Basic_A3",
    "Basic_A4",
    "Standard_A0",
    "Standard_A1",
    "Standard_A2",
    "Standard_A3",
    "Standard_A4",
    "Standard_A5",
    "Standard_A6",
    "Standard_A7",
    "Standard_A8",
    "Standard_A9",
    "Standard_A10",
    "Standard_A11",
    "Standard_A1_v2",
    "Standard_A2_v2",
    "Standard_A4_v2",
    "Standard_A8_v2",
    "Standard_A2m_v2",
    "Standard_A4m_v2",
    "Standard_A8m_v2",
    "Standard_B1s",
    "Standard_B1ms",
    "Standard_B2s",
    "Standard_B2ms",
    "Standard_B4ms",
    "Standard_B8ms",
    "Standard_D1",
    "Standard_D2",
    "Standard_D3",
    "Standard_D4",
    "Standard_D11",
    "Standard_D12",
    "Standard_D13",
    "Standard_D14",
    "Standard_D1_v2",
    "Standard_D2_v2",
    "Standard_D3_v2",
    "Standard_D4_v2",
    "Standard_D5_v2",
    "Standard_D2_v3",
    "Standard_D4_v3",
    "Standard_D8_v3",
    "Standard_D16_v3",
    "Standard_D32_v3",
    "Standard_D64_v3",
    "Standard_D2s_v3",
    "Standard_D4s_v3",
    "Standard_D8s_v3",
    "Standard_D16s_v3",
    "Standard_D32s_v3",
    "Standard_D64s_v3",
    "Standard_D11_v2",
    "Standard_D12_v2",
    "Standard_D13_v2",
    "Standard_D14_v2",
    "Standard_D15_v2",
    "Standard_DS1",
    "Standard_DS2",
    "Standard_DS3",
    "Standard_DS4",
    "Standard_DS11",
    "Standard_DS12",
    "Standard_DS13",
    "Standard_DS14",
    "Standard_DS1_v2",
    "Standard_DS2_v2",
    "Standard_DS3_v2",
    "Standard_DS4_v2",
    "Standard_DS5_v2",
    "Standard_DS11_v2",
    "Standard_DS12_v2",
    "Standard_DS13_v2",
    "Standard_DS14_v2",
    "Standard_DS15_v2",
    "Standard_DS13-4_v2",
    "Standard_DS13-2_v2",
    "Standard_DS14-8_v2",
    "Standard_DS14-4_v2",
    "Standard_E2_v3",
    "Standard_E4_v3",
    "Standard_E8_v3",
    "Standard_E16_v3",
    "Standard_E32_v3",
    "Standard_E64_v3",
    "Standard_E2s_v3",
    "Standard_E4s_v3",
    "Standard_E8s_v3",
    "Standard_E16s_v3",
    "Standard_E32s_v3",
    "Standard_E64s_v3",
    "Standard_E32-16_v3",
    "Standard_E32-8s_v3",
    "Standard_E64-32s_v3",
    "Standard_E64-16s_v3",
    "Standard_F1",
    "Standard_F2",
    "Standard_F4",
    "Standard_F8",
    "Standard_F16",
    "Standard_F1s",
    "Standard_F2s",
    "Standard_F4s",
    "Standard_F8s",
    "Standard_F16s",
    "Standard_F2s_v2",
    "Standard_F4s_v2",
    "Standard_F8s_v2",
    "Standard_F16s_v2",
    "Standard_F32s_v2",
    "Standard_F64s_v2",
    "Standard_F72s_v2",
    "Standard_G1",
    "Standard_G2",
    "Standard_G3",
    "Standard_G4",
    "Standard_G5",
    "Standard_GS1",
    "Standard_GS2",
    "Standard_GS3",
    "Standard_GS4",
    "Standard_GS5",
    "Standard_GS4-8",
    "Standard_GS4-4",
    "Standard_GS5-16",
    "Standard_GS5-8",
    "Standard_H8",
    "Standard_H16",
    "Standard_H8m",
    "Standard_H16m",
    "Standard_H16r",
    "Standard_H16mr",
    "Standard_L4s",
    "Standard_L8s",
    "Standard_L16s",
    "Standard_L32s",
    "Standard_M64s",
    "Standard_M64ms",
    "Standard_M128s",
    "Standard_M128ms",
    "Standard_M64-32ms",
    "Standard_M64-16ms",
    "Standard_M128-64ms",
    "Standard_M128-32ms",
    "Standard_NC6",
    "Standard_NC12",
    "Standard_NC24",
    "Standard_NC24r",
    "Standard_NC6s_v2",
    "Standard_NC12s_v2",
    "Standard_NC24s_v2",
    "Standard_NC24rs_v2",
    "Standard_NC6s_v3",
    "Standard_NC12s_v3",
    "Standard_NC24s_v3",
    "Standard_NC24rs_v3",
    "Standard_ND6s",
    "Standard_ND12s",
    "Standard_ND24s",
    "Standard_ND24rs",
    "Standard_NV6",
    "Standard_NV12",
    "Standard_NV24",
];

/// Where [`DELEGATION_SERVICES`] comes from.
pub const DELEGATION_SERVICES_SOURCE: &str = "hashicorp/terraform-provider-azurerm, \
     internal/services/network/subnet_resource.go, subnetDelegationServiceNames (the list the \
     provider validates service_delegation.name against; its 'Microsoft.Network/networkWatchers.' \
     is read without the stray dot); Azure lists a region's delegations through the \
     availableDelegations API";

/// The services a subnet can be delegated to.
pub const DELEGATION_SERVICES: &[&str] = &[
    "GitHub.Network/networkSettings",
    "Informatica.DataManagement/organizations",
    "Microsoft.ApiManagement/service",
    "Microsoft.Apollo/npu",
    "Microsoft.App/environments",
    "Microsoft.App/testClients",
    "Microsoft.AVS/PrivateClouds",
    "Microsoft.AzureCosmosDB/clusters",
    "Microsoft.BareMetal/AzureHostedService",
    "Microsoft.BareMetal/AzureHPC",
    "Microsoft.BareMetal/AzurePaymentHSM",
    "Microsoft.BareMetal/AzureVMware",
    "Microsoft.BareMetal/CrayServers",
    "Microsoft.BareMetal/MonitoringServers",
    "Microsoft.Batch/batchAccounts",
    "Microsoft.CloudTest/hostedpools",
    "Microsoft.CloudTest/images",
    "Microsoft.CloudTest/pools",
    "Microsoft.Codespaces/plans",
    "Microsoft.ContainerInstance/containerGroups",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.ContainerService/TestClients",
    "Microsoft.Databricks/workspaces",
    "Microsoft.DBforMySQL/flexibleServers",
    "Microsoft.DBforMySQL/servers",
    "Microsoft.DBforMySQL/serversv2",
    "Microsoft.DBforPostgreSQL/flexibleServers",
    "Microsoft.DBforPostgreSQL/serversv2",
    "Microsoft.DBforPostgreSQL/singleServers",
    "Microsoft.DelegatedNetwork/controller",
    "Microsoft.DevCenter/networkConnection",
    "Microsoft.DevOpsInfrastructure/pools",
    "Microsoft.DocumentDB/cassandraClusters",
    "Microsoft.Fidalgo/networkSettings",
    "Microsoft.HardwareSecurityModules/dedicatedHSMs",
    "Microsoft.Kusto/clusters",
    "Microsoft.LabServices/labplans",
    "Microsoft.Logic/integrationServiceEnvironments",
    "Microsoft.MachineLearningServices/workspaces",
    "Microsoft.Netapp/volumes",
    "Microsoft.Network/applicationGateways",
    "Microsoft.Network/dnsResolvers",
    "Microsoft.Network/managedResolvers",
    "Microsoft.Network/fpgaNetworkInterfaces",
    "Microsoft.Network/networkWatchers",
    "Microsoft.Network/virtualNetworkGateways",
    "Microsoft.Orbital/orbitalGateways",
    "Microsoft.PowerAutomate/hostedRpa",
    "Microsoft.PowerPlatform/enterprisePolicies",
    "Microsoft.PowerPlatform/vnetaccesslinks",
    "Microsoft.ServiceFabricMesh/networks",
    "Microsoft.ServiceNetworking/trafficControllers",
    "Microsoft.Singularity/accounts/networks",
    "Microsoft.Singularity/accounts/npu",
    "Microsoft.Sql/managedInstances",
    "Microsoft.Sql/managedInstancesOnebox",
    "Microsoft.Sql/managedInstancesStage",
    "Microsoft.Sql/managedInstancesTest",
    "Microsoft.Sql/servers",
    "Microsoft.StoragePool/diskPools",
    "Microsoft.StreamAnalytics/streamingJobs",
    "Microsoft.Synapse/workspaces",
    "Microsoft.Web/hostingEnvironments",
    "Microsoft.Web/serverFarms",
    "NGINX.NGINXPLUS/nginxDeployments",
    "Oracle.Database/networkAttachments",
    "PaloAltoNetworks.Cloudngfw/firewalls",
    "Qumulo.Storage/fileSystems",
];

/// Where the circuit bandwidth lists come from.
pub const CIRCUIT_BANDWIDTHS_SOURCE: &str = "expressroute/expressroute-faqs.md 'What connection \
     speeds are supported by ExpressRoute?' (circuits through a provider); \
     expressroute/expressroute-erdirect-about.md 'Circuit sizes' (circuits on ExpressRoute \
     Direct ports)";

/// Circuit bandwidths through a connectivity provider, in Mbps.
pub const PROVIDER_CIRCUIT_MBPS: [u32; 8] = [50, 100, 200, 500, 1000, 2000, 5000, 10000];

/// Circuit bandwidths on ExpressRoute Direct (10-Gbps ports: 1, 2, 5, 10 Gbps; 100-Gbps ports:
/// 5, 10, 40, 100 Gbps), in Mbps.
pub const DIRECT_CIRCUIT_MBPS: [u32; 6] = [1000, 2000, 5000, 10000, 40000, 100000];

/// Whether a circuit of this bandwidth can be ordered (through a provider or on Direct ports).
pub fn is_offered_circuit_mbps(mbps: u32) -> bool {
    PROVIDER_CIRCUIT_MBPS.contains(&mbps) || DIRECT_CIRCUIT_MBPS.contains(&mbps)
}

/// The smallest offered circuit bandwidth at or above `mbps`, else the largest.
pub fn circuit_mbps_at_least(mbps: u32) -> u32 {
    PROVIDER_CIRCUIT_MBPS
        .iter()
        .chain(&DIRECT_CIRCUIT_MBPS)
        .copied()
        .filter(|&m| m >= mbps)
        .min()
        .unwrap_or(100000)
}

/// Where the private-peering limits come from.
pub const PRIVATE_PEERING_SOURCE: &str = "expressroute/expressroute-routing.md 'Autonomous \
     System numbers' (ASNs 65515 to 65520 reserved; 16- and 32-bit ASNs); \
     expressroute/expressroute-howto-routing-portal-resource-manager.md 'Azure private peering' \
     (a private ASN may be used except 65515 to 65520; a valid VLAN ID); ARM schema \
     Microsoft.Network ExpressRouteCircuitPeeringPropertiesFormat.peerASN (1 to 4294967295); \
     IEEE 802.1Q (VLAN IDs 1 to 4094; 0 and 4095 are reserved)";

/// The ASNs Microsoft reserves for its own use; a peer may not use them.
pub const RESERVED_ASNS: RangeInclusive<u32> = 65515..=65520;

/// The VLAN IDs a peering can be tagged with.
pub const VLAN_IDS: RangeInclusive<u16> = 1..=4094;

/// Where [`NSG_SERVICE_TAGS`] and [`NSG_PRIORITIES`] come from.
pub const NSG_SOURCE: &str = "virtual-network/network-security-groups-overview.md 'Security \
     rules' (priority between 100 and 4096; no two rules with the same priority and direction; \
     source and destination Any, an address, a CIDR block or a service tag) and 'Default \
     security rules' (VirtualNetwork, AzureLoadBalancer and Internet); REST specification \
     networkSecurityGroup.json SecurityRulePropertiesFormat (ports: an integer or range between \
     0 and 65535, or '*')";

/// The rule priorities an NSG accepts.
pub const NSG_PRIORITIES: RangeInclusive<u16> = 100..=4096;

/// The address matches of NSG rules the design model writes: any, and the service tags of
/// Azure's default rules. Azure knows many more service tags (service-tags-overview.md).
pub const NSG_SERVICE_TAGS: [&str; 4] = ["*", "VirtualNetwork", "AzureLoadBalancer", "Internet"];

/// Where [`PEERINGS_PER_VNET`] comes from.
pub const PEERINGS_SOURCE: &str =
    "azure-resource-manager/management/azure-subscription-service-limits.md 'Networking \
     limits' (includes/azure-virtual-network-limits.md: virtual network peerings per virtual \
     network, 500); expressroute/expressroute-about-virtual-network-gateways.md 'Virtual \
     network peering' (a VNet with an ExpressRoute gateway: up to 500)";

/// The most virtual network peerings one VNet can have.
pub const PEERINGS_PER_VNET: usize = 500;

/// Where the template limits come from: the "Template limits" of Microsoft's ARM template best
/// practices. Bicep compiles to an ARM template, so a Bicep file has the same limits.
pub const TEMPLATE_LIMITS_SOURCE: &str =
    "azure-resource-manager/templates/best-practices.md 'Template limits'";

/// Most resources Azure Resource Manager deploys from one template (copies included).
pub const TEMPLATE_MAX_RESOURCES: usize = 800;

/// Most parameters of one template.
pub const TEMPLATE_MAX_PARAMETERS: usize = 256;

/// Largest template, in bytes: 4 MB.
pub const TEMPLATE_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The entry of `list` equal to `value` ignoring letter case and outer spaces.
pub fn canonical<'a>(list: &[&'a str], value: &str) -> Option<&'a str> {
    let value = value.trim();
    list.iter().copied().find(|v| v.eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lists_hold_no_duplicates_ignoring_case() {
        let lists: [&[&str]; 6] = [
            &PAYSHIELD_SKUS,
            &HSM_STAMPS,
            &VPN_GATEWAY_SKUS,
            &ER_GATEWAY_SKUS,
            VM_SIZES,
            DELEGATION_SERVICES,
        ];
        for list in lists {
            let mut seen = HashSet::new();
            for v in list {
                assert!(seen.insert(v.to_ascii_lowercase()), "{v} is listed twice");
            }
        }
    }

    #[test]
    fn payshield_skus_are_recognised_in_any_case_and_luna_is_not() {
        for sku in PAYSHIELD_SKUS {
            assert!(is_payshield_sku(sku));
        }
        assert!(is_payshield_sku(" PAYSHIELD10K_LMK3_CPS60"));
        assert!(!is_payshield_sku(DEDICATED_HSM_SKU));
        assert!(!is_payshield_sku("payShiel"));
        assert!(!is_payshield_sku("é"));
    }

    #[test]
    fn the_hsm_delegation_is_an_offered_delegation() {
        assert_eq!(
            canonical(DELEGATION_SERVICES, HSM_DELEGATION),
            Some(HSM_DELEGATION)
        );
        assert!(HSMS_PER_STAMP * HSM_STAMPS.len() <= HSMS_PER_REGION);
    }

    #[test]
    fn closed_skus_are_not_offered_and_point_at_offered_ones() {
        for (closed, next) in VPN_GATEWAY_SKUS_CLOSED {
            assert!(canonical(&VPN_GATEWAY_SKUS, closed).is_none(), "{closed}");
            assert!(
                next.is_none_or(|n| VPN_GATEWAY_SKUS.contains(&n)),
                "{closed}"
            );
        }
        for (closed, next) in ER_GATEWAY_SKUS_CLOSED {
            assert!(canonical(&ER_GATEWAY_SKUS, closed).is_none(), "{closed}");
            assert!(
                next.is_none_or(|n| ER_GATEWAY_SKUS.contains(&n)),
                "{closed}"
            );
        }
    }

    #[test]
    fn circuit_bandwidths_round_up_to_an_offered_one() {
        assert!(is_offered_circuit_mbps(1000) && is_offered_circuit_mbps(40000));
        assert!(!is_offered_circuit_mbps(300));
        assert_eq!(circuit_mbps_at_least(300), 500);
        assert_eq!(circuit_mbps_at_least(20000), 40000);
        assert_eq!(circuit_mbps_at_least(1), 50);
        assert_eq!(circuit_mbps_at_least(500000), 100000);
    }

    #[test]
    fn canonical_ignores_case_and_outer_spaces() {
        assert_eq!(canonical(&ER_GATEWAY_SKUS, " ergw1az "), Some("ErGw1AZ"));
        assert_eq!(canonical(&HSM_STAMPS, "Stamp2"), Some("stamp2"));
        assert_eq!(canonical(&HSM_STAMPS, "stamp3"), None);
    }
}
