//! The parts of the properties panel, one component per file.

mod address_helper;
mod design_form;
mod effective_routes;
mod element_form;
mod field_row;

use address_helper::AddressHelper;
pub use design_form::DesignForm;
use effective_routes::EffectiveRoutes;
pub use element_form::ElementForm;
use field_row::FieldRow;
