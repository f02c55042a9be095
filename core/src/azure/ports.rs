//! The ports a Dedicated HSM listens on: the only services the tracer delivers to an HSM, and
//! the port the rules expect the NVA proxy tier (load balancer, firewall, NSGs) to carry; and
//! the ports a Cloud HSM private endpoint serves.

/// Luna's NTLS port: every HSM client opens its sessions to it (Dedicated HSM networking
/// considerations; Thales Luna Network HSM, "NTLS").
pub const LUNA_NTLS_PORT: u16 = 1792;

/// The port of the HSM's administration shell (SSH), reached from the management network.
pub const SSH_PORT: u16 = 22;

/// The payShield 10K host port's factory setting: payment applications send host commands to
/// the host NIC's address on it (TCP). The port is a setting of the device (payShield Manager,
/// host settings), hence a setting of each payment HSM in the design, defaulting to this.
/// Sources: payment-hsm/inspect-traffic.md (its reverse-proxy example forwards TCP 1500 to the
/// host address and TCP 443 to the management address); Thales payShield 10K Installation and
/// User Guide, which that page and access-payshield-manager.md cite.
pub const PAYSHIELD_HOST_PORT: u16 = 1500;

/// payShield Manager: the browser console of a payShield 10K, served over HTTPS on the
/// management NIC's address (payment-hsm/access-payshield-manager.md, inspect-traffic.md).
pub const PAYSHIELD_MANAGER_PORT: u16 = 443;
/// Where the Cloud HSM ports come from.
pub const CLOUD_HSM_PORTS_SOURCE: &str = "cloud-hsm/network-security.md, 'Required ports' (VM to \
     HSM: 2224 and 2225 client front-end and 443 client requests, all `azcloudhsm_client`; 444 \
     `azcloudhsm_mgmt_util`; 445 is internal between the nodes) and its NSG rules example";

/// The TCP ports every Cloud HSM client (`azcloudhsm_client`) opens to the private endpoint.
pub const CLOUD_HSM_CLIENT_PORTS: [u16; 3] = [2224, CLOUD_HSM_SESSION_PORT, 443];

/// The client front-end port a flow to a cluster is traced on unless another is asked for
/// (`hsmnet trace`, the studio's trace panel, a migration plan's client traces).
pub const CLOUD_HSM_SESSION_PORT: u16 = 2225;

/// The TCP port of the management utility (`azcloudhsm_mgmt_util`), used from admin hosts.
pub const CLOUD_HSM_MANAGEMENT_PORT: u16 = 444;

/// Every port a Cloud HSM private endpoint serves to clients and admin hosts.
pub const CLOUD_HSM_PORTS: [u16; 4] = [2224, 2225, 443, 444];
