//! Public real-world templates import into designs that check: Microsoft's Payment HSM
//! quickstart; and one with a mistake in it (Microsoft's troubleshooting quickstart) is refused
//! naming the place (tests/fixtures/import/, each with its source, commit and licence in the
//! README there).

use hsmnet_core::import::{import, Inputs, NoteKind};
use hsmnet_core::{check, Severity};

const PAYMENT_HSM: &str = include_str!("fixtures/import/payment-hsm-create/azuredeploy.json");
const PAYMENT_HSM_PARAMETERS: &str =
    include_str!("fixtures/import/payment-hsm-create/azuredeploy.parameters.json");

#[test]
fn the_payment_hsm_quickstart_imports_with_its_parameter_file() {
    let values = [("location".to_string(), "uksouth".to_string())];
    let imported = import(
        PAYMENT_HSM,
        &Inputs {
            parameter_file: Some(PAYMENT_HSM_PARAMETERS),
            values: &values,
        },
    )
    .unwrap();
    let d = &imported.design;
    assert_eq!(d.vnets.len(), 1);
    assert_eq!(d.vnets[0].name, "GEN-UNIQUE", "the parameter file's value");
    assert_eq!(
        d.vnets[0].subnets.len(),
        1,
        "the child subnet joins its VNet"
    );
    assert!(d.vnets[0].subnets[0].is_hsm_delegated());
    let hsm = &d.hsms[0];
    assert_eq!(
        hsm.sku, "payShield10K_LMK1_CPS60",
        "the parameter's default"
    );
    assert!(hsm.management_nic, "the management network profile");
    assert_eq!(hsm.private_ip, None, "no address given: Azure assigns one");
    let notes: Vec<&str> = imported
        .report
        .notes_of(NoteKind::NotModelled)
        .map(|n| n.path.as_str())
        .collect();
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        d.vnets[0].tags.get("fastpathenabled").map(String::as_str),
        Some("true"),
        "the VNet keeps its fastpathenabled tag"
    );
    // The design is one `check` reads; its findings are the design's own business.
    let report = check(d);
    assert!(report.findings.iter().all(|f| !f.message.is_empty()));
    assert!(report.count(Severity::Error) + report.count(Severity::Warning) > 0);
}

#[test]
fn without_a_location_the_quickstart_is_refused_naming_the_place() {
    let e = import(PAYMENT_HSM, &Inputs::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "resources[1].location: the template uses resourceGroup().location, which only a \
         deployment knows: give the location with --param 'resourceGroup().location=REGION' (or \
         a value for the template's location parameter)"
    );
}

const TROUBLESHOOT: &str = include_str!("fixtures/import/troubleshoot-arm/troubleshoot.json");

#[test]
fn a_published_template_with_a_misspelled_section_is_refused_naming_it() {
    let values = [("prefixName".to_string(), "storage".to_string())];
    for values in [&[][..], &values[..]] {
        let inputs = Inputs {
            parameter_file: None,
            values,
        };
        let e = import(TROUBLESHOOT, &inputs).unwrap_err().to_string();
        assert_eq!(
            e,
            "parameterss: is not a section of a deployment template: \"parameters\" misspelled?"
        );
    }
    // Corrected as the quickstart corrects it, the template imports: its storage account is
    // reported, not modelled.
    let fixed = TROUBLESHOOT.replacen("\"parameterss\"", "\"parameters\"", 1);
    let values = [
        ("prefixName".to_string(), "storage".to_string()),
        ("location".to_string(), "westus".to_string()),
    ];
    let imported = import(
        &fixed,
        &Inputs {
            parameter_file: None,
            values: &values,
        },
    )
    .unwrap();
    let notes: Vec<&str> = imported
        .report
        .notes_of(NoteKind::NotModelled)
        .map(|n| n.path.as_str())
        .collect();
    assert_eq!(notes, ["resources[0]"]);
}
