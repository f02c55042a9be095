//! The core of HSM Network Studio: everything that does not need a browser or a terminal.
//!
//! - [`azure`]: facts about Azure itself (offered values, names, ports, limits); imports nothing.
//! - [`model`]: the design (regions, VNets, subnets, HSMs, gateways, links, policies).
//! - [`addressing`]: address arithmetic (usable and free addresses, free prefixes, overlap).
//! - [`naming`]: the Azure names an export of a design writes, derived ones too.
//! - [`document`]: the versioned JSON file format, loading with errors that name the field.
//! - [`draw`]: drawing on the canvas: the palette, placing, linking, copying, hit testing.
//! - [`edit`]: every change to a design as a value, applied by a pure function; undo/redo.
//! - [`graph`]: the connectivity graph (petgraph) derived from a design.
//! - [`rules`]: the rules catalogue; [`check`] runs them all and never fails.
//! - [`trace`]: flow tracing, hop by hop out and back, with effective routes per subnet.
//! - [`export`]: ARM and Bicep templates of a checked design.
//! - [`link`]: share links, the whole design compressed into a URL fragment.
//! - [`presets`]: the reference architectures of the source document, at any size.
//! - [`import`]: ARM templates and Azure resource exports become designs, with a report.
//! - [`form`]: field-by-field editing for the properties panel.
//!
//! The modules import one another in one order, bottom to top (ARCHITECTURE.md, "Architecture
//! invariants"; `tests/import_order.rs` enforces it): azure and sort, model, addressing and
//! naming, document, edit, graph, trace, draw, form, presets and import, rules, export, link.
//!
//! Nothing here does IO; the CLI and the browser app are thin shells over this crate.

pub mod addressing;
pub mod azure;
pub mod document;
pub mod draw;
pub mod edit;
pub mod export;
pub mod form;
pub mod graph;
pub mod hashing;
pub mod import;
pub mod link;
pub mod migrate;
pub mod model;
pub mod naming;
pub mod presets;
pub mod prose;
pub mod rules;
pub mod service;
mod sort;
pub mod trace;

pub use document::{load, to_json, LoadError};
pub use edit::{Edit, EditError, History};
pub use model::{Design, Id};
pub use rules::{check, Finding, Report, Severity};
