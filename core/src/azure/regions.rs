//! Where each HSM service is offered (Dedicated HSM's regions and Payment HSM's), as data with
//! their sources, and how Azure locations compare.
//!
//! Rules, drawing, the builder and the tracer all compare locations through [`location_key`].

/// An Azure region that offers an HSM service.
pub struct OfferedRegion {
    /// Azure's programmatic location name.
    pub location: &'static str,
    pub display_name: &'static str,
    /// Which document lists it: for Dedicated HSM the FAQ lists 22 regions, the
    /// deployment-architecture page one more (East Asia).
    pub source: &'static str,
}

const FAQ: &str = "dedicated-hsm FAQ, 'Which Azure regions…'";
const ARCH: &str = "dedicated-hsm deployment-architecture (not in the FAQ list)";

/// Payment HSM's regions: the support guide's 'Availability' list (azure-security-docs
/// `articles/payment-hsm/support-guide.md`, commit 1c4310be of 2026-08-21), the newest page
/// that lists them: the getting-started page no longer does (it did until 2024, with six).
const PAYMENT_GUIDE: &str = "payment-hsm support-guide, 'Availability', and FAQ 'Where is Azure \
     Payment HSM available?'";
/// Added to the support guide on 2026-01-15; the FAQ's list (last changed 2025-05-27) stops at
/// Australia East.
const PAYMENT_GUIDE_ONLY: &str = "payment-hsm support-guide, 'Availability' (not in the FAQ list)";

macro_rules! offered {
    ($default:expr; $($location:literal => $name:literal $(, $src:expr)?);* $(;)?) => {
        &[$(OfferedRegion {
            location: $location,
            display_name: $name,
            source: offered!(@src $default $(, $src)?),
        }),*]
    };
    (@src $default:expr) => { $default };
    (@src $default:expr, $src:expr) => { $src };
}

/// Where Dedicated HSM is offered.
pub static OFFERED: &[OfferedRegion] = offered![FAQ;
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

/// Where Azure Payment HSM is offered.
pub static PAYMENT_OFFERED: &[OfferedRegion] = offered![PAYMENT_GUIDE;
    "eastus" => "East US";
    "westus" => "West US";
    "southcentralus" => "South Central US";
    "centralus" => "Central US";
    "northeurope" => "North Europe";
    "westeurope" => "West Europe";
    "australiaeast" => "Australia East";
    "australiasoutheast" => "Australia Southeast", PAYMENT_GUIDE_ONLY;
];

/// The HSM services whose regions differ. An HSM's SKU says which it is (`Hsm::is_payment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HsmService {
    Dedicated,
    Payment,
}

impl HsmService {
    /// The service of an HSM, from whether its SKU is a payShield one.
    pub fn of(payment: bool) -> Self {
        if payment {
            HsmService::Payment
        } else {
            HsmService::Dedicated
        }
    }

    /// How messages name it: "Dedicated HSM", "Payment HSM".
    pub fn label(self) -> &'static str {
        match self {
            HsmService::Dedicated => "Dedicated HSM",
            HsmService::Payment => "Payment HSM",
        }
    }

    /// The regions offering the service.
    pub fn regions(self) -> &'static [OfferedRegion] {
        match self {
            HsmService::Dedicated => OFFERED,
            HsmService::Payment => PAYMENT_OFFERED,
        }
    }

    /// The region of this location where the service is offered (case-insensitive, spaces
    /// ignored).
    pub fn offered(self, location: &str) -> Option<&'static OfferedRegion> {
        let key = location_key(location);
        self.regions().iter().find(|r| r.location == key)
    }
}

/// The region with this location name where Dedicated HSM is offered (case-insensitive, spaces
/// ignored, so "West Europe" and "westeurope" both match).
pub fn offered(location: &str) -> Option<&'static OfferedRegion> {
    HsmService::Dedicated.offered(location)
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

/// The display name of a region offering either HSM service.
pub fn display_name(location: &str) -> Option<&'static str> {
    offered(location)
        .or_else(|| HsmService::Payment.offered(location))
        .map(|r| r.display_name)
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
    fn payment_hsm_has_its_own_regions() {
        assert_eq!(PAYMENT_OFFERED.len(), 8);
        let payment = HsmService::Payment;
        assert!(payment.offered("Central US").is_some(), "Payment HSM only");
        assert!(offered("centralus").is_none());
        assert!(payment.offered("uksouth").is_none(), "Dedicated HSM only");
        assert_eq!(
            payment.offered("australiasoutheast").unwrap().source,
            PAYMENT_GUIDE_ONLY
        );
        assert_eq!(display_name("centralus"), Some("Central US"));
        for r in PAYMENT_OFFERED {
            assert_eq!(location_key(r.display_name), r.location);
        }
    }

    #[test]
    fn locations_compare_ignoring_case_and_spaces() {
        assert_eq!(location_key(" West Europe "), "westeurope");
        assert_eq!(display_name("NORTHEUROPE"), Some("North Europe"));
        assert_eq!(display_name("mars"), None);
    }
}
