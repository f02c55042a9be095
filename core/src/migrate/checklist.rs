//! What a migration from Dedicated HSM to Cloud HSM needs that a network design cannot show,
//! each step with the document that names it.

use serde::Serialize;

/// One step outside the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub source: &'static str,
    /// The pages of `source` on Microsoft Learn (MicrosoftDocs/azure-security-docs publishes
    /// `articles/<path>.md` at `https://learn.microsoft.com/azure/<path>`).
    pub links: &'static [&'static str],
}

/// The address of a page of `source`, as [`Step::links`] holds it.
macro_rules! learn {
    ($path:literal) => {
        concat!("https://learn.microsoft.com/azure/", $path)
    };
}

/// The steps, in the order a team takes them.
pub const CHECKLIST: &[Step] = &[
    Step {
        step:
            "Plan new keys: key material cannot be moved from Dedicated HSM to Cloud HSM (Thales \
               Luna partitions in HA groups have key export disabled); create the keys anew in \
               Cloud HSM.",
        source: "dedicated-hsm/migration-guide.md, warning and 'Thales Luna HSM restrictions'; \
                 cloud-hsm/faq.yml, 'Can I migrate my keys in Azure Dedicated HSM to Azure Cloud \
                 HSM?'",
        links: &[
            learn!("dedicated-hsm/migration-guide"),
            learn!("cloud-hsm/faq"),
        ],
    },
    Step {
        step: "Do not change partition policies on the Dedicated HSMs to enable key export: it \
               zeroizes the HSM. Check them with `partition showPolicies` if unsure.",
        source: "dedicated-hsm/migration-guide.md, 'Thales Luna HSM restrictions' and FAQ",
        links: &[learn!("dedicated-hsm/migration-guide")],
    },
    Step {
        step: "Provision and activate the cluster; upload the right partition owner certificate \
               (it cannot be changed afterwards).",
        source: "dedicated-hsm/migration-guide.md, 'Provision and activate your Azure Cloud \
                 HSM'; cloud-hsm/faq.yml, 'Can I update the partition owner certificate after I \
                 upload it?'",
        links: &[
            learn!("dedicated-hsm/migration-guide"),
            learn!("cloud-hsm/faq"),
        ],
    },
    Step {
        step: "Install the Azure Cloud HSM SDK on every application VM and on-premises client: \
               azcloudhsm_client runs on the same machine as the application (admin VMs also \
               run azcloudhsm_mgmt_util and azcloudhsm_util); the Luna client is no longer used.",
        source: "cloud-hsm/network-security.md, 'VM placement' and 'On-premises connectivity'; \
                 cloud-hsm/faq.yml, 'What software is provided with Azure Cloud HSM?'",
        links: &[
            learn!("cloud-hsm/network-security"),
            learn!("cloud-hsm/faq"),
        ],
    },
    Step {
        step: "Verify on each VM that the nodes' names resolve (`nslookup \
               hsm1.chsm-<name>-<unique>.privatelink.cloudhsm.azure.net`) before running the \
               HSM tools.",
        source: "cloud-hsm/network-security.md, 'Private DNS'",
        links: &[learn!("cloud-hsm/network-security")],
    },
    Step {
        step: "Update the applications to the new keys through the SDK's interfaces (PKCS#11, \
               JCE, KSP/CNG, OpenSSL) and test before switching over.",
        source: "dedicated-hsm/migration-guide.md (create new keys, update applications, test); \
                 cloud-hsm/integration-guides.md",
        links: &[
            learn!("dedicated-hsm/migration-guide"),
            learn!("cloud-hsm/integration-guides"),
        ],
    },
    Step {
        step: "Set up backups (a managed identity and a storage account) and, for failover, a \
               second region.",
        source: "cloud-hsm/backup-restore.md; cloud-hsm/secure-cloud-hsm.md",
        links: &[
            learn!("cloud-hsm/backup-restore"),
            learn!("cloud-hsm/secure-cloud-hsm"),
        ],
    },
    Step {
        step: "Retire the Dedicated HSMs and the elements marked retirable once no client uses \
               them; Dedicated HSM support ends on 2028-07-31.",
        source: "dedicated-hsm/migration-guide.md (retirement, support until July 31, 2028)",
        links: &[learn!("dedicated-hsm/migration-guide")],
    },
];

#[cfg(test)]
mod tests {
    use super::CHECKLIST;

    #[test]
    fn every_step_links_the_pages_its_source_names() {
        for step in CHECKLIST {
            assert!(!step.links.is_empty(), "{}", step.step);
            for link in step.links {
                let path = link
                    .strip_prefix("https://learn.microsoft.com/azure/")
                    .unwrap_or_else(|| panic!("{link}"));
                assert!(
                    step.source.contains(path),
                    "{link} is not in {}",
                    step.source
                );
            }
        }
    }
}
