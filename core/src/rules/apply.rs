//! Applying a one-click fix to the design as it is now.
//!
//! A finding's fix is an intention (add a gateway to this VNet, a second HSM on the other
//! stamp), not a frozen edit: ids, names, addresses and places are chosen when it is applied,
//! against the design it is applied to. So fixes offered together apply in any order, and a fix
//! clicked after other edits still works. [`apply_fix`] runs the finding's rule again on the
//! current design, finds the same finding, and applies the fix it offers now.

use super::{rule, Context, Finding};
use crate::edit::EditError;
use crate::model::Design;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum FixError {
    /// The finding is no longer reported: nothing to fix.
    Resolved,
    /// The finding is still reported but its rule offers no fix for it now.
    NotOffered,
    /// The rule's fix does not apply to the design (a bug in the rule).
    Edit(EditError),
    /// The finding names a rule this build does not have.
    UnknownRule(String),
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixError::Resolved => write!(f, "the problem is already fixed"),
            FixError::NotOffered => write!(
                f,
                "no fix can be made for this design as it is now (the finding explains what to change)"
            ),
            FixError::Edit(e) => write!(f, "the fix does not apply: {e}"),
            FixError::UnknownRule(name) => write!(f, "no rule is named '{name}'"),
        }
    }
}

impl std::error::Error for FixError {}

/// The finding of `current` that is `finding` again: same rule and elements, the same message
/// when one has it, else the first with a fix.
fn same_finding<'f>(current: &'f [Finding], finding: &Finding) -> Option<&'f Finding> {
    let mut same = current
        .iter()
        .filter(|f| f.rule == finding.rule && f.elements == finding.elements);
    let candidates: Vec<&Finding> = same.by_ref().collect();
    candidates
        .iter()
        .find(|f| f.message == finding.message)
        .or_else(|| candidates.iter().find(|f| f.fix.is_some()))
        .or(candidates.first())
        .copied()
}

/// Applies the fix of `finding` (a finding reported on this design or an earlier version of
/// it) to `design`, computed against `design`. The design is untouched on an error.
pub fn apply_fix(design: &Design, finding: &Finding) -> Result<Design, FixError> {
    let rule = rule(finding.rule).ok_or_else(|| FixError::UnknownRule(finding.rule.into()))?;
    let context = Context::new(design);
    let mut current = Vec::new();
    (rule.check)(&context, &mut current);
    let now = same_finding(&current, finding).ok_or(FixError::Resolved)?;
    let fix = now.fix.as_ref().ok_or(FixError::NotOffered)?;
    design.apply(&fix.edit).map_err(FixError::Edit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check;
    use crate::rules::testing::{findings, hsm_vnet};

    /// One HSM VNet missing its gateway and its second HSM: two fixes that each add elements.
    fn two_fixes() -> Design {
        let (mut b, ids) = hsm_vnet();
        b.design.gateways.retain(|g| g.id != ids.er_gateway);
        b.vnet_mut(ids.vnet)
            .subnets
            .retain(|s| s.id != ids.gateway_subnet);
        b.design.hsms.retain(|h| h.id != ids.hsm2);
        b.finish()
    }

    fn fixable(design: &Design) -> Vec<Finding> {
        check(design)
            .findings
            .into_iter()
            .filter(|f| f.fix.is_some())
            .collect()
    }

    #[test]
    fn fixes_offered_together_apply_in_either_order() {
        let design = two_fixes();
        let offered = fixable(&design);
        assert!(offered.len() >= 2, "{offered:#?}");
        for first in 0..offered.len() {
            let mut now = apply_fix(&design, &offered[first]).expect("the first applies");
            for (i, f) in offered.iter().enumerate().filter(|(i, _)| *i != first) {
                now = match apply_fix(&now, f) {
                    Ok(next) => next,
                    Err(FixError::Resolved) => now,
                    Err(e) => panic!("fix {i} after fix {first}: {e}"),
                };
            }
            for f in &offered {
                assert!(
                    same_finding(&findings(&now, f.rule), f).is_none(),
                    "{} is still reported after every fix",
                    f.message
                );
            }
        }
    }

    #[test]
    fn a_fix_that_is_no_longer_needed_says_so_and_changes_nothing() {
        let design = two_fixes();
        let offered = fixable(&design);
        let fixed = apply_fix(&design, &offered[0]).unwrap();
        assert_eq!(apply_fix(&fixed, &offered[0]), Err(FixError::Resolved));
    }

    #[test]
    fn an_unknown_rule_is_named() {
        let design = two_fixes();
        let mut f = fixable(&design).remove(0);
        f.rule = "no-such-rule";
        assert_eq!(
            apply_fix(&design, &f).unwrap_err().to_string(),
            "no rule is named 'no-such-rule'"
        );
    }
}
