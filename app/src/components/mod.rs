//! One component per file. [`App`] is the page; the diagram's parts live in `diagram/`, the
//! properties panel's in `properties/`.

mod app;
mod collapsible;
mod diagram;
mod finding_item;
mod findings_panel;
mod gallery;
mod import_report;
mod menu;
mod migration_plan;
mod palette;
mod parameter_dialog;
mod preset_card;
mod properties;
mod properties_panel;
mod retirement_notice;
mod size_input;
mod status_line;
mod toolbar;
mod trace_panel;
mod trace_summary;

pub use app::App;
pub use collapsible::Collapsible;
pub use diagram::{load_trace_drawing, Diagram};
pub use finding_item::FindingItem;
pub use findings_panel::FindingsPanel;
pub use gallery::GalleryOpen;
pub use menu::Menu;
pub use migration_plan::{ask_plan, MigrationShown};
pub use palette::Palette;
pub use preset_card::PresetCard;
pub use properties_panel::PropertiesPanel;
pub use retirement_notice::RetirementNotice;
pub use size_input::SizeInput;
pub use status_line::StatusLine;
pub use toolbar::Toolbar;
pub use trace_summary::TraceSummary;
