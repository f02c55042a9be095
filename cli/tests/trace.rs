//! End-to-end tests of `hsmnet trace` and `hsmnet routes`: verdicts, exit codes, the failing
//! hop and its reason, JSON output, and errors that name the bad value.

use serde_json::Value;

mod common;
use common::*;

fn trace(doc: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["trace", "-"];
    all.extend_from_slice(args);
    let out = hsmnet(&all, Some(doc));
    (out.status.code().unwrap(), stdout(&out), stderr(&out))
}

#[test]
fn a_preset_client_reaches_its_hsm_and_exits_0() {
    let doc = preset(&["hub-nva-proxy"]);
    let (code, out, err) = trace(&doc, &["--from", "onprem-dc", "--to", "hsm1"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("trace 'onprem-dc' (192.168.0.1) -> 'hsm1' (10.0.1.4) on TCP 1792"),
        "{out}"
    );
    for words in [
        "out:",
        "back:",
        "'hub-fw' allows TCP 1792",
        "'nva-ilb' balances",
        "verdict: delivered, out and back",
    ] {
        assert!(out.contains(words), "{words}: {out}");
    }
}

#[test]
fn a_dropped_flow_exits_1_and_names_the_hop_and_the_reason() {
    let doc = preset(&["single-vnet", "--spokes", "2"]);
    // Peer the first spoke with the second instead of the HSM VNet.
    let mut design: Value = serde_json::from_str(&doc).unwrap();
    let vnets = design["design"]["vnets"].as_array().unwrap().clone();
    let id_of = |name: &str| vnets.iter().find(|v| v["name"] == name).unwrap()["id"].clone();
    let (spoke1, spoke2) = (id_of("app-vnet-1"), id_of("app-vnet-2"));
    for p in design["design"]["peerings"].as_array_mut().unwrap() {
        if p["b"] == spoke1 {
            p["a"] = spoke2.clone();
        }
    }
    let doc = design.to_string();
    let (code, out, _) = trace(&doc, &["--from", "app-vnet-1/workload", "--to", "hsm1"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "verdict: dropped at hop 1: 'app-vnet-1' → 'hsm-vnet': no route; 'app-vnet-1' is \
             peered with 'app-vnet-2', which is peered with 'hsm-vnet', but peering is not \
             transitive"
        ),
        "{out}"
    );
}

#[test]
fn json_output_carries_hops_with_named_elements_and_the_verdict() {
    let doc = preset(&["hub-nva-proxy"]);
    let (code, out, _) = trace(
        &doc,
        &[
            "--from",
            "spoke-2/workload",
            "--to",
            "10.0.1.5",
            "--port",
            "443",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["delivered"], false);
    assert_eq!(v["port"], 443);
    assert_eq!(v["connects_to"], "10.1.2.10");
    assert_eq!(v["proxy"]["name"], "nva-ilb");
    assert_eq!(v["verdict"]["result"], "dropped");
    let hop = v["verdict"]["hop"].as_u64().unwrap() as usize;
    let failing = &v["hops"][hop];
    assert_eq!(failing["elements"][0]["name"], "hub-fw");
    assert_eq!(failing["elements"][0]["kind"], "firewall");
    assert!(v["verdict"]["reason"]
        .as_str()
        .unwrap()
        .contains("no network rule allowing TCP 443"));
    assert_eq!(v["hops"][0]["leg"], "out");
    assert_eq!(v["hops"][0]["packet"]["src"], "10.128.1.4");
}

#[test]
fn bad_endpoints_and_input_exit_2_naming_the_value() {
    let doc = preset(&["hub-nva-proxy"]);
    let (code, _, err) = trace(&doc, &["--from", "workload", "--to", "hsm1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--from: \"workload\" names several subnets (spoke-1/workload, spoke-2/workload); write VNET/SUBNET"),
        "{err}"
    );
    let (code, _, err) = trace(&doc, &["--from", "onprem-dc", "--to", "hsm9"]);
    assert_eq!(code, 2);
    assert!(err.contains("--to: \"hsm9\" names no HSM"), "{err}");
    let (code, _, err) = trace(&doc, &["--from", "8.8.8.8", "--to", "hsm1"]);
    assert_eq!(code, 2);
    assert!(err.contains("8.8.8.8 is in no subnet"), "{err}");
    let (code, _, err) = trace("{", &["--from", "a", "--to", "b"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("hsmnet: -:"), "{err}");
}

#[test]
fn routes_prints_the_effective_routes_table() {
    let doc = preset(&["hub-nva-proxy"]);
    let out = hsmnet(
        &["routes", "-", "--subnet", "hub-vnet/GatewaySubnet"],
        Some(&doc),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("effective routes of subnet 'hub-vnet/GatewaySubnet' (route table 'gateway-rt')\nSource   State    Address prefix"),
        "{text}"
    );
    for line in [
        "Default  Active   10.1.0.0/16        VnetLocal",
        "Default  Active   10.0.0.0/16        VNetPeering",
        "Gateway  Active   192.168.0.0/20     VirtualNetworkGateway",
        "User     Active   10.1.2.10/32       VirtualAppliance       10.1.1.4",
        "Default  Active   10.0.0.0/8         None",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in:\n{text}");
    }
}

#[test]
fn routes_json_and_errors() {
    let doc = preset(&["single-vnet"]);
    let out = hsmnet(
        &["routes", "-", "--subnet", "hsm-subnet", "--format", "json"],
        Some(&doc),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let routes = v["routes"].as_array().unwrap();
    // The point-to-site pool comes from the VPN gateway, to the HSM subnet too.
    assert!(routes.iter().any(|r| r["prefix"] == "172.16.0.0/24"
        && r["next_hop_type"] == "VirtualNetworkGateway"
        && r["source"] == "Gateway"
        && r["state"] == "Active"));
    let out = hsmnet(&["routes", "-", "--subnet", "nope"], Some(&doc));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--subnet: \"nope\" names no HSM"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn payshield_manager_is_reached_from_the_admin_workstation_on_443_by_default() {
    let doc = preset(&["payment-hsm"]);
    let (code, out, err) = trace(
        &doc,
        &["--from", "admin-workstation", "--to", "phsm1/management"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("trace 'admin-workstation' as point-to-site client"),
        "{out}"
    );
    assert!(
        out.contains("-> 'phsm1' management (10.0.1.6) on TCP 443"),
        "{out}"
    );
    assert!(out.contains("verdict: delivered, out and back"), "{out}");
    // To the host address, the default port is the payShield host port.
    let (code, out, _) = trace(&doc, &["--from", "app-vnet-1/workload", "--to", "phsm1"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("on TCP 1500"), "{out}");
}

#[test]
fn a_cloud_hsm_cluster_is_traced_on_its_client_port_2225_by_default() {
    let doc = preset(&["cloud-hsm"]);
    let (code, out, err) = trace(
        &doc,
        &[
            "--from",
            "app-westeurope-1/workload",
            "--to",
            "chsm-westeurope",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines().next().unwrap().ends_with("on TCP 2225"),
        "{out}"
    );
    assert!(out.contains("verdict: delivered, out and back"), "{out}");
}

#[test]
fn a_trace_over_global_peering_to_a_payment_hsm_is_dropped_at_the_peering() {
    let doc = preset(&["payment-hsm-multi-vnet"]);
    let mut design: Value = serde_json::from_str(&doc).unwrap();
    let vnets = design["design"]["vnets"].as_array().unwrap().clone();
    let id_of = |name: &str| vnets.iter().find(|v| v["name"] == name).unwrap()["id"].clone();
    let (host, spoke) = (id_of("phsm-host-westeurope"), id_of("app-northeurope-1"));
    design["design"]["peerings"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": 9999, "name": "global", "a": host, "b": spoke}));
    let doc = design.to_string();
    let (code, out, _) = trace(
        &doc,
        &[
            "--from",
            "app-northeurope-1/workload",
            "--to",
            "phsm1-westeurope",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "verdict: dropped at hop 2: 'app-northeurope-1' → 'phsm-host-westeurope': peering \
             'global' joins northeurope and westeurope; Payment HSM does not support \
             cross-region (global) VNet peering"
        ),
        "{out}"
    );
}
