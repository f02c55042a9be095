//! Names for new elements that no element of the design already has.

use crate::model::Design;
use std::collections::HashSet;

/// Every name in use, compared case-insensitively (Azure names are).
fn taken(design: &Design) -> HashSet<String> {
    design
        .ids()
        .into_iter()
        .filter_map(|id| design.describe(id).map(|(_, n)| n.to_ascii_lowercase()))
        .collect()
}

/// `base-1`, `base-2`, ...: the first that is free.
pub(crate) fn numbered(design: &Design, base: &str) -> String {
    let taken = taken(design);
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|name| !taken.contains(&name.to_ascii_lowercase()))
        .unwrap_or_else(|| base.to_string())
}

/// `name` itself when free, otherwise `name-2`, `name-3`, ...
pub(crate) fn free(design: &Design, name: &str) -> String {
    let taken = taken(design);
    if !taken.contains(&name.to_ascii_lowercase()) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name}-{n}"))
        .find(|n| !taken.contains(&n.to_ascii_lowercase()))
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builder::Builder;

    #[test]
    fn numbered_names_skip_the_taken_ones_whatever_their_case() {
        let mut b = Builder::new("t");
        let r = b.region("westeurope");
        b.vnet(r, "VNET-1", &["10.0.0.0/16"]);
        let d = b.finish();
        assert_eq!(numbered(&d, "vnet"), "vnet-2");
        assert_eq!(free(&d, "vnet-1"), "vnet-1-2");
        assert_eq!(free(&d, "hub"), "hub");
    }
}
