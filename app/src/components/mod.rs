//! One component per file. [`App`] is the page; the diagram's parts live in `diagram/`.

mod app;
mod diagram;
mod finding_item;
mod findings_panel;
mod preset_picker;
mod retirement_notice;
mod size_input;

pub use app::App;
pub use diagram::Diagram;
pub use finding_item::FindingItem;
pub use findings_panel::FindingsPanel;
pub use preset_picker::PresetPicker;
pub use retirement_notice::RetirementNotice;
pub use size_input::SizeInput;
