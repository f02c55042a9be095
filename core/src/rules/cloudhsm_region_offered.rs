//! `cloudhsm-region-offered`: a Cloud HSM cluster is in a region the documentation names.

use super::{Context, Finding, Rule, Severity};
use crate::azure::cloud_hsm::{region_named, REGIONS};

pub static RULE: Rule = Rule {
    name: "cloudhsm-region-offered",
    severities: &[Severity::Warning],
    summary: "Each Cloud HSM cluster is in a region where the documentation names Cloud HSM as \
              offered.",
    #[cfg(feature = "explanations")]
    explanation: super::Explanation {
        checks: "The location of each cluster's region is one of the regions the Cloud HSM \
                 documentation last listed: East US, East US 2, West US, West US 2, West \
                 Europe, North Europe and UK West. A warning, not an error: the current \
                 documentation lists no regions and points to Azure's products-by-region table, \
                 so a region missing here may be offered now.",
        why: "Cloud HSM is hardware (Marvell LiquidSecurity HSMs) in a subset of Azure's \
              datacentres; a cluster in a region without it cannot be created.",
        fix: "Put the cluster in a listed region, or confirm the region in Azure's \
              products-by-region table before deploying.",
        source: "cloud-hsm/overview.md until July 2025 (the preview note listing the seven \
                 regions); cloud-hsm/toc.yml 'Region availability' (products-by-region table). \
                 The FAQ, which the catalogue names, lists no regions.",
    },
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for cluster in &cx.design.cloud_hsm_clusters {
        let Some(region) = cx.index().region(cluster.region) else {
            continue;
        };
        if region_named(&region.location) {
            continue;
        }
        out.push(Finding::of(
            &RULE,
            format!(
                "Cloud HSM cluster {} is in {} ({}), which the Cloud HSM documentation does not \
                 name as offering it (it named {}); confirm availability there or use a listed \
                 region",
                cx.name(cluster.id),
                cx.name(region.id),
                region.location,
                REGIONS.join(", ")
            ),
            vec![cluster.id, region.id],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::builder::Builder;
    use crate::rules::testing::*;

    #[test]
    fn passes_listed_regions_in_any_spelling() {
        let mut b = Builder::new("t");
        let we = b.region("West Europe");
        let uk = b.region("ukwest");
        b.cloud_hsm_cluster(we, "chsm-1");
        b.cloud_hsm_cluster(uk, "chsm-2");
        assert!(findings(&b.finish(), "cloudhsm-region-offered").is_empty());
    }

    #[test]
    fn trips_once_per_cluster_elsewhere() {
        let mut b = Builder::new("t");
        let brazil = b.region("brazilsouth");
        let cluster = b.cloud_hsm_cluster(brazil, "chsm-1");
        let found = findings(&b.finish(), "cloudhsm-region-offered");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].elements, vec![cluster, brazil]);
        assert!(
            found[0].message.contains("brazilsouth"),
            "{}",
            found[0].message
        );
    }
}
