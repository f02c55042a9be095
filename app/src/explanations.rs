//! The one place the app gets a rule's explanation (why it matters, how to fix it, where the
//! fact comes from), so that where the text lives can change without touching the panels.

use hsmnet_core::rules::{self, Explanation};

/// The explanation of a rule of the catalogue, by its name.
pub fn of(rule: &str) -> Option<Explanation> {
    rules::rule(rule).map(|r| r.explanation)
}
