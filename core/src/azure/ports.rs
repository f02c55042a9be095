//! The ports a Dedicated HSM listens on: the only services the tracer delivers to an HSM, and
//! the port the rules expect the NVA proxy tier (load balancer, firewall, NSGs) to carry.

/// Luna's NTLS port: every HSM client opens its sessions to it (Dedicated HSM networking
/// considerations; Thales Luna Network HSM, "NTLS").
pub const LUNA_NTLS_PORT: u16 = 1792;

/// The port of the HSM's administration shell (SSH), reached from the management network.
pub const SSH_PORT: u16 = 22;
