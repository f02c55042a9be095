//! Facts about Azure Cloud HSM, the successor of Dedicated HSM, each with its source: the
//! SKUs and settings its API accepts, the private-link group and DNS zone its clients use,
//! and the regions its documentation names.

use super::regions::location_key;

/// Where the API facts come from.
pub const API_SOURCE: &str = "Azure REST API specifications, Microsoft.HardwareSecurityModules \
     2025-03-31 (cloudhsm.json: CloudHsmClusterSku, CloudHsmClusterProperties.\
     publicNetworkAccess, the cloudHsmClusterName pattern; the privateLinkResources example: \
     group id 'cloudHsm', required members hsm1, hsm2, hsm3)";

/// The API version the exports write for clusters.
pub const API_VERSION: &str = "2025-03-31";

/// The SKU names a cluster can be created with (`CloudHsmClusterSkuName`, not modelled as a
/// string: only these). The second is spelt with a space in the specification.
pub const SKUS: [&str; 2] = ["Standard_B1", "Standard B10"];

/// The SKU family of every cluster SKU.
pub const SKU_FAMILY: &str = "B";

/// The only public network access value the API offers.
pub const PUBLIC_NETWORK_ACCESS_DISABLED: &str = "Disabled";

/// The private-link sub-resource a private endpoint connects to on a cluster.
pub const GROUP_ID: &str = "cloudHsm";

/// The host names of a cluster's three nodes, which the DNS zone holds a record for each.
pub const NODES: [&str; 3] = ["hsm1", "hsm2", "hsm3"];

/// Where the DNS facts come from.
pub const DNS_SOURCE: &str = "cloud-hsm/network-security.md, 'Private DNS' (each node is named \
     hsm1.chsm-<resource-name>-<unique-string>.privatelink.cloudhsm.azure.net; link the zone to \
     the VNets of the admin and application VMs; if resolution fails the client tools cannot \
     connect)";

/// The private DNS zone the nodes' names live in.
pub const PRIVATE_DNS_ZONE: &str = "privatelink.cloudhsm.azure.net";

/// Where the region list comes from.
pub const REGIONS_SOURCE: &str = "cloud-hsm/overview.md until 2025-07-07 (the preview note: 'East \
     US, East US 2, West US, West US 2, West Europe, North Europe, and UK West'); the current \
     documentation names no regions and links to Azure's products-by-region table";

/// The regions the Cloud HSM documentation names (its last list, from the preview).
pub const REGIONS: [&str; 7] = [
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "westeurope",
    "northeurope",
    "ukwest",
];

/// Whether the documentation names this location as offering Cloud HSM (compared as Azure
/// compares locations).
pub fn region_named(location: &str) -> bool {
    let key = location_key(location);
    REGIONS.contains(&key.as_str())
}

/// Whether `sku` is a cluster SKU (exactly: the enumeration is not modelled as a string).
pub fn sku_offered(sku: &str) -> bool {
    SKUS.contains(&sku)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_compare_as_locations() {
        assert!(region_named("West Europe"));
        assert!(region_named("UKWEST"));
        assert!(!region_named("uksouth"));
    }

    #[test]
    fn skus_are_exact() {
        assert!(sku_offered("Standard_B1"));
        assert!(sku_offered("Standard B10"));
        assert!(!sku_offered("standard_b1"));
    }
}
