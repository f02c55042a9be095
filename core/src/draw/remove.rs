//! Removing a selection as one step.

use super::plan::Plan;
use super::Refusal;
use crate::edit::Edit;
use crate::model::{Design, Id};

/// Removes every element of `ids` as one edit. An element already taken away with a container
/// removed before it (a subnet with its VNet) is skipped, so any selection removes cleanly.
pub fn remove(design: &Design, ids: &[Id]) -> Result<Edit, Refusal> {
    let mut plan = Plan::new(design);
    for &id in ids {
        if plan.work.describe(id).is_some() {
            plan.push(Edit::Remove(id))?;
        }
    }
    plan.finish()
        .map_err(|_| Refusal::new("Nothing to delete: select something first."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::proxy_hub;

    #[test]
    fn a_container_and_what_it_holds_go_in_one_step() {
        let (b, ids) = proxy_hub();
        let d = b.finish();
        let edit = remove(&d, &[ids.hub, ids.hub_gateway_subnet, ids.hub_er_gateway]).unwrap();
        let after = d.apply(&edit).unwrap();
        assert!(after.vnet(ids.hub).is_none());
        assert!(after.gateway(ids.hub_er_gateway).is_none());
        assert_eq!(
            remove(&d, &[]).unwrap_err().0,
            "Nothing to delete: select something first."
        );
        assert!(remove(&d, &[Id(999_999)]).is_err());
    }
}
