//! Facts about Azure itself, at the bottom of the crate: what Azure offers and enforces,
//! independent of any design. Model, rules, trace, export and draw all read them from here,
//! and this module imports nothing else of the crate.
//!
//! - [`names`]: the subnet names Azure gives a meaning to, and the patterns resource names
//!   follow.
//! - [`offered`]: values Azure offers (HSM SKUs, stamps, delegations, gateway SKUs, VM sizes,
//!   quotas and limits), each with its source.
//! - [`regions`]: where Dedicated HSM is offered, and how locations compare.
//! - [`addresses`]: the addresses Azure reserves in a subnet, the health-probe source, the
//!   ranges a virtual network may and should use.
//! - [`ports`]: the ports an HSM listens on.
//! - [`cloud_hsm`]: Azure Cloud HSM's SKUs, private-link group, DNS zone and regions.

pub mod addresses;
pub mod cloud_hsm;
pub mod names;
pub mod offered;
pub mod ports;
pub mod regions;
