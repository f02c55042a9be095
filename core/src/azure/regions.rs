//! Where Dedicated HSM is offered, as data with its source, and how Azure locations compare.
//!
//! Rules, drawing, the builder and the tracer all compare locations through [`location_key`].

/// An Azure region that offers Dedicated HSM.
pub struct OfferedRegion {
    /// Azure's programmatic location name.
    pub location: &'static str,
    pub display_name: &'static str,
    /// Which document lists it: the FAQ lists 22 regions, the deployment-architecture page
    /// one more (East Asia).
    pub source: &'static str,
}

const FAQ: &str = "dedicated-hsm FAQ, 'Which Azure regions…'";
const ARCH: &str = "dedicated-hsm deployment-architecture (not in the FAQ list)";

macro_rules! offered {
    ($($location:literal => $name:literal $(, $src:expr)?);* $(;)?) => {
        &[$(OfferedRegion { location: $location, display_name: $name, source: offered!(@src $($src)?) }),*]
    };
    (@src) => { FAQ };
    (@src $src:expr) => { $src };
}

pub static OFFERED: &[OfferedRegion] = offered![
    "eastus" => "East US";
    "eastus2" => "East US 2";
    "westus" => "West US";
    "westus2" => "West US 2";
    "canadaeast" => "Canada East";
    "canadacentral" => "Canada Central";
    "southcentralus" => "South Central US";
    "southeastasia" => "Southeast Asia";
    "centralindia" => "Central India";
    "southindia" => "South India";
    "japaneast" => "Japan East";
    "japanwest" => "Japan West";
    "northeurope" => "North Europe";
    "westeurope" => "West Europe";
    "uksouth" => "UK South";
    "ukwest" => "UK West";
    "australiaeast" => "Australia East";
    "australiasoutheast" => "Australia Southeast";
    "switzerlandnorth" => "Switzerland North";
    "switzerlandwest" => "Switzerland West";
    "usgovvirginia" => "US Gov Virginia";
    "usgovtexas" => "US Gov Texas";
    "eastasia" => "East Asia", ARCH;
];

/// The offered region with this location name (case-insensitive, spaces ignored, so
/// "West Europe" and "westeurope" both match).
pub fn offered(location: &str) -> Option<&'static OfferedRegion> {
    let key = location_key(location);
    OFFERED.iter().find(|r| r.location == key)
}

/// A location as Azure compares it: case-insensitive, spaces ignored ("West Europe" gives
/// "westeurope"). Rules, drawing and the tracer compare and group locations by this key.
pub fn location_key(location: &str) -> String {
    location
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The display name of an offered region.
pub fn display_name(location: &str) -> Option<&'static str> {
    offered(location).map(|r| r.display_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_lists_are_kept_with_their_sources() {
        assert_eq!(OFFERED.len(), 23);
        assert_eq!(OFFERED.iter().filter(|r| r.source == FAQ).count(), 22);
        assert_eq!(offered("West Europe").unwrap().location, "westeurope");
        assert!(offered("brazilsouth").is_none());
    }

    #[test]
    fn locations_compare_ignoring_case_and_spaces() {
        assert_eq!(location_key(" West Europe "), "westeurope");
        assert_eq!(display_name("NORTHEUROPE"), Some("North Europe"));
        assert_eq!(display_name("mars"), None);
    }
}
