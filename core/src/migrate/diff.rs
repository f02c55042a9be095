//! What a migration plan changes: the ids the target adds, changes and marks retirable, and
//! how each element of either design is highlighted when the two are shown side by side.

use crate::edit::Element;
use crate::hashing::HashSet;
use crate::model::{Design, Id};
use serde::{Deserialize, Serialize};

/// What the target adds, changes and marks retirable, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub added: Vec<Id>,
    pub changed: Vec<Id>,
    pub retirable: Vec<Id>,
}

/// How an element is highlighted in the view of the source or the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    Added,
    Changed,
    Retirable,
}

impl Change {
    /// The word a legend and a screen reader use.
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Retirable => "retirable",
        }
    }
}

impl Diff {
    /// The highlight of each element of the target (`target` true) or of the source: the
    /// source has no added elements; an element both changed and retirable shows as retirable,
    /// which is what the team acts on.
    pub fn highlights(&self, target: bool) -> Vec<(Id, Change)> {
        let retirable: HashSet<Id> = self.retirable.iter().copied().collect();
        let mut out: Vec<(Id, Change)> = Vec::new();
        if target {
            out.extend(self.added.iter().map(|id| (*id, Change::Added)));
        }
        out.extend(
            self.changed
                .iter()
                .filter(|id| !retirable.contains(id))
                .map(|id| (*id, Change::Changed)),
        );
        out.extend(self.retirable.iter().map(|id| (*id, Change::Retirable)));
        out
    }
}

/// Ids the target adds, ids whose element it changes, and the ids it marks retirable.
pub(super) fn diff(source: &Design, target: &Design) -> Diff {
    let before: HashSet<Id> = source.ids().into_iter().collect();
    let mut out = Diff::default();
    for id in target.ids() {
        if !before.contains(&id) {
            out.added.push(id);
        } else if crate::form::element(source, id) != crate::form::element(target, id) {
            let moved_only = matches!(
                (
                    crate::form::element(source, id),
                    crate::form::element(target, id)
                ),
                (Some(Element::Region(_)), Some(Element::Region(_)))
                    | (Some(Element::Vnet(_)), Some(Element::Vnet(_)))
                    | (Some(Element::Subnet { .. }), Some(Element::Subnet { .. }))
            ) && same_but_layout(source, target, id);
            if !moved_only {
                out.changed.push(id);
            }
        }
    }
    out.retirable = target
        .retirable
        .iter()
        .filter(|id| !source.retirable.contains(id))
        .copied()
        .collect();
    out
}

/// Whether a container only grew on the canvas (to hold what was added).
fn same_but_layout(source: &Design, target: &Design, id: Id) -> bool {
    let strip = |d: &Design| {
        crate::form::element(d, id).map(|e| match e {
            Element::Region(mut r) => {
                r.layout = Default::default();
                Element::Region(r)
            }
            Element::Vnet(mut v) => {
                v.layout = Default::default();
                v.subnets
                    .iter_mut()
                    .for_each(|s| s.layout = Default::default());
                Element::Vnet(v)
            }
            Element::Subnet { vnet, mut subnet } => {
                subnet.layout = Default::default();
                Element::Subnet { vnet, subnet }
            }
            other => other,
        })
    };
    strip(source) == strip(target)
}
