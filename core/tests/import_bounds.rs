//! Hostile templates are bounded: the largest copy loops the importer accepts, nested, import
//! or are refused within the memory `check` is held to (512 MiB), never exhausting it.

#[path = "../benches/counting/mod.rs"]
mod counting;

use hsmnet_core::import::{import, Inputs};
use serde_json::json;

const LIMIT: usize = 512 << 20;

/// 800 VNets from one copy loop, each with 800 subnets from a property copy loop.
fn nested_copies() -> String {
    json!({
        "resources": [{
            "type": "Microsoft.Network/virtualNetworks", "name": "[concat('v', copyIndex())]",
            "location": "westeurope",
            "copy": {"name": "vnets", "count": 800},
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.0.0.0/8"]},
                "copy": [{"name": "subnets", "count": 800, "input": {
                    "name": "[concat('s', copyIndex('subnets'))]",
                    "properties": {"addressPrefix": "10.0.0.0/29"}}}]
            }
        }]
    })
    .to_string()
}

#[test]
fn nested_copy_loops_stay_within_the_memory_bound() {
    let text = nested_copies();
    let mut outcome = None;
    let m = counting::measure(|| {
        outcome = Some(import(&text, &Inputs::default()).map(|i| i.design.vnets.len()))
    });
    assert!(m.peak < LIMIT, "peak {} MiB", m.peak >> 20);
    match outcome.expect("ran") {
        Err(e) => assert!(e.to_string().contains("JSON values"), "{e}"),
        Ok(vnets) => panic!("imported {vnets} VNets of 800 subnets each"),
    }
}
