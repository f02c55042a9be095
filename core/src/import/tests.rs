//! Import of small hand-written inputs: each shape the importer reads and each way it refuses.

use super::*;
use crate::model::GatewayKind;
use serde_json::json;
use std::net::Ipv4Addr;

fn import_json(v: serde_json::Value) -> Result<Imported, ImportError> {
    import(&v.to_string(), &Inputs::default())
}

const SUB: &str = "/subscriptions/1111/resourceGroups/prod/providers";

/// A Dedicated HSM deployment as a template writes it, with the HSM API version's subnet key.
fn hsm_template(subnet_key: &str, api: &str) -> serde_json::Value {
    json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
            "vnetName": {"type": "string", "defaultValue": "hsm-vnet"},
            "hsmCount": {"type": "int", "defaultValue": 2}
        },
        "variables": {"subnetId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'hsmsubnet')]"},
        "resources": [
            {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2020-11-01", "name": "[parameters('vnetName')]",
             "location": "[parameters('location')]",
             "properties": {"addressSpace": {"addressPrefixes": ["10.2.0.0/16"]},
                "Subnets": [{"name": "hsmsubnet", "properties": {"addressPrefix": "10.2.1.0/24",
                    "delegations": [{"name": "HSMDelegation", "properties": {"serviceName": "microsoft.hardwaresecuritymodules/dedicatedHSMs"}}]}}]}},
            {"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2020-11-01",
             "name": "[concat(parameters('vnetName'), '/GatewaySubnet')]",
             "dependsOn": ["[parameters('vnetName')]"],
             "properties": {"addressPrefix": "10.2.255.0/26"}},
            {"type": "Microsoft.HardwareSecurityModules/dedicatedHSMs", "apiVersion": api,
             "name": "[concat('hsm', copyIndex(1))]", "location": "[parameters('location')]",
             "copy": {"name": "hsms", "count": "[parameters('hsmCount')]"},
             "sku": {"name": "SafeNet Luna Network HSM A790"},
             "properties": {"stampId": "[concat('stamp', copyIndex(1))]",
                "networkProfile": {"subnet": {(subnet_key): "[variables('subnetId')]"},
                    "NetworkInterfaces": [{"privateIpaddress": "[format('10.2.1.{0}', add(4, copyIndex()))]"}]}}}
        ]
    })
}

#[test]
fn a_template_with_copy_loops_children_and_either_hsm_subnet_key_imports() {
    for (key, api) in [
        ("id", "2018-10-31-preview"),
        ("id", "2021-11-30"),
        ("resourceId", "2025-03-31"),
    ] {
        let text = hsm_template(key, api).to_string();
        let values = [("location".to_string(), "westeurope".to_string())];
        let imported = import(
            &text,
            &Inputs {
                parameter_file: None,
                values: &values,
            },
        )
        .unwrap();
        let d = &imported.design;
        assert_eq!(d.vnets.len(), 1);
        let subnets: Vec<&str> = d.vnets[0].subnets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            subnets,
            ["hsmsubnet", "GatewaySubnet"],
            "the child subnet joins its VNet"
        );
        assert!(
            d.vnets[0].subnets[0].is_hsm_delegated(),
            "delegation read in any letter case"
        );
        assert_eq!(d.hsms.len(), 2);
        assert_eq!(d.hsms[1].private_ip, Some(Ipv4Addr::new(10, 2, 1, 5)));
        assert_eq!(d.hsms[1].stamp, "stamp2");
        assert_eq!(d.regions[0].name, "West Europe");
        assert!(
            imported.report.notes.is_empty(),
            "{}",
            imported.report.to_text()
        );
    }
}

#[test]
fn the_resource_group_location_is_asked_for_not_guessed() {
    let e = import_json(hsm_template("id", "2021-11-30")).unwrap_err();
    assert!(e.to_string().contains("resourceGroup().location"), "{e}");
    assert!(e.to_string().starts_with("resources[0].location"), "{e}");
    let values = [(RG_LOCATION.to_string(), "uksouth".to_string())];
    let text = hsm_template("id", "2021-11-30").to_string();
    let d = import(
        &text,
        &Inputs {
            parameter_file: None,
            values: &values,
        },
    )
    .unwrap()
    .design;
    assert_eq!(d.regions[0].location, "uksouth");
}

#[test]
fn a_parameter_without_value_is_named_with_how_to_give_it() {
    let t = json!({"parameters": {"vnetName": {"type": "string"}}, "resources": [
        {"type": "Microsoft.Network/virtualNetworks", "name": "[parameters('vnetName')]", "location": "westeurope", "properties": {}}]});
    let e = import_json(t.clone()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "resources[0].name: the parameter 'vnetName' has no value: give it in a parameter file \
         (--parameters FILE) or with --param vnetName=VALUE"
    );
    let file = r#"{"parameters": {"vnetName": {"value": "from-file"}}}"#;
    let d = import(
        &t.to_string(),
        &Inputs {
            parameter_file: Some(file),
            values: &[],
        },
    )
    .unwrap()
    .design;
    assert_eq!(d.vnets[0].name, "from-file");
}

#[test]
fn broken_input_names_line_column_or_template_path() {
    let e = import("{\n  \"resources\": [\n    {,}\n  ]\n}", &Inputs::default()).unwrap_err();
    assert!(matches!(e, ImportError::Json { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("line 3, column 6"), "{e}");
    let t = json!({"resources": [{"type": "Microsoft.Network/virtualNetworks", "name": "[concat('a', ]", "location": "x"}]});
    let e = import_json(t).unwrap_err().to_string();
    assert!(e.starts_with("resources[0].name: "), "{e}");
    assert!(e.contains("at character"), "{e}");
    let t = json!({"variables": {"a": "[variables('b')]", "b": "[variables('a')]"},
        "resources": [{"type": "Microsoft.Network/virtualNetworks", "name": "[variables('a')]", "location": "x"}]});
    assert!(import_json(t).unwrap_err().to_string().contains("cycle"));
    assert!(matches!(
        import_json(json!({"x": 1})),
        Err(ImportError::NotRecognised(_))
    ));
}

#[test]
fn a_byte_order_mark_crlf_and_tabs_are_read() {
    let text = format!(
        "\u{feff}{}",
        serde_json::to_string_pretty(&hsm_template("id", "2021-11-30")).unwrap()
    )
    .replace('\n', "\r\n")
    .replace("  ", "\t");
    let values = [("location".to_string(), "westeurope".to_string())];
    assert!(import(
        &text,
        &Inputs {
            parameter_file: None,
            values: &values
        }
    )
    .is_ok());
}

#[test]
fn a_resource_export_with_literal_ids_and_read_only_properties_imports() {
    let vnet_id = format!("{SUB}/Microsoft.Network/virtualNetworks/hsm-vnet");
    let export = json!({"value": [
        {"id": vnet_id, "name": "hsm-vnet", "type": "Microsoft.Network/virtualNetworks", "location": "northeurope",
         "etag": "W/\"x\"", "properties": {"provisioningState": "Succeeded", "resourceGuid": "g",
            "addressSpace": {"addressPrefixes": ["10.3.0.0/16"]},
            "subnets": [{"id": format!("{vnet_id}/subnets/hsmsubnet"), "name": "hsmsubnet", "etag": "e",
                "properties": {"addressPrefix": "10.3.1.0/24", "provisioningState": "Succeeded",
                    "delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.HardwareSecurityModules/dedicatedHSMs"}}],
                    "serviceEndpoints": [{"service": "Microsoft.Storage"}]}}],
            "virtualNetworkPeerings": [{"name": "to-hub", "properties": {
                "remoteVirtualNetwork": {"id": "/subscriptions/1111/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/hub"},
                "remoteAddressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "allowForwardedTraffic": true, "peeringState": "Connected"}}]}},
        {"id": format!("{SUB}/Microsoft.HardwareSecurityModules/dedicatedHSMs/hsm1"), "name": "hsm1",
         "type": "Microsoft.HardwareSecurityModules/dedicatedHSMs", "location": "northeurope",
         "sku": {"name": "SafeNet Luna Network HSM A790"},
         "properties": {"stampId": "stamp1", "provisioningState": "Succeeded",
            "networkProfile": {"subnet": {"id": format!("{vnet_id}/subnets/hsmsubnet")},
                "networkInterfaces": [{"id": format!("{SUB}/Microsoft.Network/networkInterfaces/hsm1-nic")}]}}},
        {"id": format!("{SUB}/Microsoft.Network/networkInterfaces/hsm1-nic"), "name": "hsm1-nic",
         "type": "Microsoft.Network/networkInterfaces", "location": "northeurope",
         "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {"privateIPAddress": "10.3.1.4",
            "subnet": {"id": format!("{vnet_id}/subnets/hsmsubnet")}}}]}},
        {"id": format!("{SUB}/Microsoft.Storage/storageAccounts/logs"), "name": "logs", "type": "Microsoft.Storage/storageAccounts", "location": "northeurope"}
    ]});
    let imported = import_json(export).unwrap();
    let d = &imported.design;
    assert_eq!(
        d.hsms[0].private_ip,
        Some(Ipv4Addr::new(10, 3, 1, 4)),
        "address through the NIC id"
    );
    let hub = d.vnets.iter().find(|v| v.name == "hub").unwrap();
    assert!(
        hub.external,
        "a peered VNet in another resource group is external"
    );
    assert_eq!(hub.address_space[0].to_string(), "10.0.0.0/16");
    assert_eq!(d.peerings.len(), 1);
    let report = imported.report.to_text();
    assert!(
        report.contains(
            "value[0].properties.subnets[0].properties.serviceEndpoints: property not modelled"
        ),
        "{report}"
    );
    assert!(
        report.contains("value[3]: Microsoft.Storage/storageAccounts 'logs'"),
        "{report}"
    );
    assert!(
        report.contains("VNet 'hub' (resource group 'network')"),
        "{report}"
    );
    assert!(!report.contains("provisioningState"), "{report}");
    assert!(!report.contains("etag"), "{report}");
}

#[test]
fn a_subnet_passed_as_a_parameter_becomes_an_external_vnet() {
    let t = json!({"parameters": {"subnetId": {"type": "string"}}, "resources": [
        {"type": "Microsoft.HardwareSecurityModules/dedicatedHSMs", "name": "hsm1", "location": "uksouth",
         "properties": {"stampId": "stamp1", "networkProfile": {"subnet": {"resourceId": "[parameters('subnetId')]"}}}}]});
    let values = [(
        "subnetId".to_string(),
        format!("{SUB}/Microsoft.Network/virtualNetworks/v/subnets/s"),
    )];
    let imported = import(
        &t.to_string(),
        &Inputs {
            parameter_file: None,
            values: &values,
        },
    )
    .unwrap();
    let d = &imported.design;
    assert!(d.vnets[0].external);
    assert_eq!(d.hsms[0].subnet, d.vnets[0].subnets[0].id);
    assert_eq!(d.hsms[0].private_ip, None, "no address: Azure assigns one");
    assert_eq!(imported.report.notes_of(NoteKind::External).count(), 2);
}

#[test]
fn legacy_expressroute_gateway_skus_are_kept() {
    let t = json!({"resources": [
        {"type": "Microsoft.Network/virtualNetworks", "name": "v", "location": "westeurope",
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "GatewaySubnet", "properties": {"addressPrefix": "10.0.255.0/27"}}]}},
        {"type": "Microsoft.Network/virtualNetworkGateways", "name": "ergw", "location": "westeurope",
         "properties": {"gatewayType": "ExpressRoute", "sku": {"name": "HighPerformance", "tier": "HighPerformance"},
            "ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 'GatewaySubnet')]"}}}]}}]});
    let d = import_json(t).unwrap().design;
    assert_eq!(d.gateways[0].kind, GatewayKind::ExpressRoute);
    assert_eq!(d.gateways[0].sku, "HighPerformance");
}

#[test]
fn vnet_tags_are_kept_as_text_and_tags_elsewhere_are_reported() {
    let t = json!({"resources": [
        {"type": "Microsoft.Network/virtualNetworks", "name": "phsm-vnet", "location": "eastus",
         "tags": {"fastpathenabled": "[toLower('TRUE')]", "tier": 2},
         "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}},
        {"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg", "location": "eastus",
         "tags": {"owner": "payments"}, "properties": {}}]});
    let imported = import_json(t).unwrap();
    let tags = &imported.design.vnets[0].tags;
    assert_eq!(
        tags.get("fastpathenabled").map(String::as_str),
        Some("true")
    );
    assert_eq!(tags.get("tier").map(String::as_str), Some("2"));
    let paths: Vec<&str> = imported
        .report
        .notes_of(report::NoteKind::NotModelled)
        .map(|n| n.path.as_str())
        .collect();
    assert!(paths.contains(&"resources[1].tags"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.starts_with("resources[0].tags")),
        "{paths:?}"
    );
}

/// An ARM export of `preset` with one of its resources changed by `edit`, imported back.
fn reimported(preset: &str, edit: impl Fn(&mut serde_json::Value)) -> Imported {
    use crate::export::{arm, Options, Valid};
    let design = crate::presets::build(preset, &crate::presets::Size::default()).unwrap();
    let valid = Valid::new(&design).unwrap();
    let mut template: serde_json::Value =
        serde_json::from_str(&arm::to_string(&valid, &Options::default()).unwrap()).unwrap();
    for r in template["resources"].as_array_mut().unwrap() {
        edit(r);
    }
    import_json(template).unwrap()
}

#[test]
fn fastpath_and_active_active_are_read_not_reported() {
    let imported = reimported("hub-nva-proxy", |r| {
        if r["type"] == "Microsoft.Network/connections" {
            r["properties"]["expressRouteGatewayBypass"] = json!(true);
        }
    });
    assert!(imported.design.connections.iter().any(|c| c.fastpath));
    assert!(
        imported.report.notes.is_empty(),
        "{}",
        imported.report.to_text()
    );
    let imported = reimported("cross-region-ha", |r| {
        if r["type"] == "Microsoft.Network/virtualNetworkGateways"
            && r["properties"]["gatewayType"] == "Vpn"
        {
            r["properties"]["activeActive"] = json!(true);
            let first = r["properties"]["ipConfigurations"][0].clone();
            r["properties"]["ipConfigurations"]
                .as_array_mut()
                .unwrap()
                .push(first);
        }
    });
    let vpn = imported
        .design
        .gateways
        .iter()
        .filter(|g| g.kind == GatewayKind::Vpn);
    assert!(vpn.clone().count() > 0 && vpn.into_iter().all(|g| g.active_active));
    assert!(
        imported.report.notes.is_empty(),
        "{}",
        imported.report.to_text()
    );
}

#[test]
fn a_payment_hsm_keeps_every_host_address_and_its_management_subnet_in_another_vnet() {
    let delegated = |prefix: &str| {
        json!([{"name": "hsm", "properties": {"addressPrefix": prefix,
            "delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.HardwareSecurityModules/dedicatedHSMs"}}]}}])
    };
    let subnet = |vnet: &str| {
        format!("[resourceId('Microsoft.Network/virtualNetworks/subnets', '{vnet}', 'hsm')]")
    };
    let t = json!({
        "resources": [
            {"type": "Microsoft.Network/virtualNetworks", "name": "host", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/24"]}, "subnets": delegated("10.0.0.0/28")}},
            {"type": "Microsoft.Network/virtualNetworks", "name": "mgmt", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/24"]}, "subnets": delegated("10.1.0.0/28")}},
            {"type": "Microsoft.HardwareSecurityModules/dedicatedHSMs", "name": "phsm", "location": "westeurope",
             "sku": {"name": "payShield10K_LMK1_CPS60"},
             "properties": {"stampId": "stamp1",
                "networkProfile": {"subnet": {"id": subnet("host")},
                    "networkInterfaces": [{"privateIpAddress": "10.0.0.4"}, {"privateIpAddress": "10.0.0.5"}]},
                "managementNetworkProfile": {"subnet": {"id": subnet("mgmt")},
                    "networkInterfaces": [{"privateIpAddress": "10.1.0.4"}]}}}
        ]
    });
    let imported = import_json(t).unwrap();
    let d = &imported.design;
    let hsm = &d.hsms[0];
    assert_eq!(hsm.private_ip, Some(Ipv4Addr::new(10, 0, 0, 4)));
    assert_eq!(hsm.more_host_ips, [Ipv4Addr::new(10, 0, 0, 5)]);
    assert_eq!(hsm.management_ip, Some(Ipv4Addr::new(10, 1, 0, 4)));
    let management = hsm.management_subnet.expect("another subnet");
    let vnet = d
        .vnets
        .iter()
        .find(|v| v.subnets.iter().any(|s| s.id == management))
        .unwrap();
    assert_eq!(vnet.name, "mgmt");
    assert!(
        imported
            .report
            .notes
            .iter()
            .all(|n| !n.path.contains("networkInterfaces")),
        "{:?}",
        imported.report.notes
    );
}

/// Cloud HSM resources as Azure returns them (REST bodies with their read-only members): a
/// cluster, its endpoint with every node's address and its zone group, the zone and a link to a
/// VNet of another resource group; and an endpoint to a storage account, which is not modelled.
#[test]
fn cloud_hsm_resources_import_and_other_private_endpoints_are_reported() {
    let vnet = format!("{SUB}/Microsoft.Network/virtualNetworks/app");
    let other =
        "/subscriptions/1111/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub";
    let cluster = format!("{SUB}/Microsoft.HardwareSecurityModules/cloudHsmClusters/chsm");
    let zone = format!("{SUB}/Microsoft.Network/privateDnsZones/privatelink.cloudhsm.azure.net");
    let endpoint = format!("{SUB}/Microsoft.Network/privateEndpoints/chsm-pe");
    let config = |member: &str, ip: &str| json!({"name": format!("chsm-pe-{member}"), "properties": {"groupId": "cloudHsm", "memberName": member, "privateIPAddress": ip}});
    let export = json!([
        {"id": vnet, "name": "app", "type": "Microsoft.Network/virtualNetworks", "location": "uksouth",
         "properties": {"provisioningState": "Succeeded", "addressSpace": {"addressPrefixes": ["10.9.0.0/24"]},
            "subnets": [{"id": format!("{vnet}/subnets/pe"), "name": "pe", "properties": {"addressPrefix": "10.9.0.0/27"}}]}},
        {"id": cluster, "name": "chsm", "type": "Microsoft.HardwareSecurityModules/cloudHsmClusters", "location": "uksouth",
         "sku": {"family": "B", "name": "Standard_B1"},
         "properties": {"provisioningState": "Succeeded", "publicNetworkAccess": "Disabled"}},
        {"id": zone, "name": "privatelink.cloudhsm.azure.net", "type": "Microsoft.Network/privateDnsZones", "location": "global",
         "etag": "x", "properties": {"numberOfRecordSets": 4, "maxNumberOfRecordSets": 25000, "provisioningState": "Succeeded"}},
        {"id": format!("{zone}/virtualNetworkLinks/hub-link"), "name": "hub-link", "location": "global",
         "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
         "properties": {"registrationEnabled": false, "virtualNetwork": {"id": other}, "virtualNetworkLinkState": "Completed"}},
        {"id": endpoint, "name": "chsm-pe", "type": "Microsoft.Network/privateEndpoints", "location": "uksouth",
         "properties": {"subnet": {"id": format!("{vnet}/subnets/pe")},
            "privateLinkServiceConnections": [{"name": "chsm-pe-connection", "properties": {
                "privateLinkServiceId": cluster, "groupIds": ["cloudHsm"],
                "privateLinkServiceConnectionState": {"status": "Approved"}}}],
            "ipConfigurations": [config("hsm2", "10.9.0.5"), config("hsm1", "10.9.0.4"), config("hsm3", "10.9.0.6")],
            "customDnsConfigs": [{"fqdn": "chsm.privatelink.cloudhsm.azure.net"}]}},
        {"id": format!("{endpoint}/privateDnsZoneGroups/default"), "name": "default",
         "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
         "properties": {"privateDnsZoneConfigs": [{"name": "z", "properties": {"privateDnsZoneId": zone}}]}},
        {"id": format!("{SUB}/Microsoft.Network/privateEndpoints/blob-pe"), "name": "blob-pe",
         "type": "Microsoft.Network/privateEndpoints", "location": "uksouth",
         "properties": {"subnet": {"id": format!("{vnet}/subnets/pe")},
            "privateLinkServiceConnections": [{"name": "blob", "properties": {
                "privateLinkServiceId": format!("{SUB}/Microsoft.Storage/storageAccounts/logs"), "groupIds": ["blob"]}}]}}
    ]);
    let imported = import_json(export).unwrap();
    let d = &imported.design;
    assert_eq!(d.cloud_hsm_clusters.len(), 1);
    assert!(!d.cloud_hsm_clusters[0].public_network_access);
    assert_eq!(
        d.private_endpoints.len(),
        1,
        "the storage endpoint is left out"
    );
    let e = &d.private_endpoints[0];
    assert_eq!(e.target, d.cloud_hsm_clusters[0].id);
    assert_eq!(
        e.private_ip,
        Some(Ipv4Addr::new(10, 9, 0, 4)),
        "the first node's"
    );
    let z = &d.private_dns_zones[0];
    assert_eq!(z.records, [e.id]);
    let hub = d
        .vnets
        .iter()
        .find(|v| v.name == "hub")
        .expect("an external VNet");
    assert!(hub.external);
    assert_eq!(z.vnet_links, [hub.id]);
    let notes: Vec<&str> = imported
        .report
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("blob-pe") && n.contains("only endpoints to Cloud HSM")),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("property not modelled")),
        "read-only members are not reported: {:?}",
        imported.report.notes
    );
}

#[test]
fn a_gateways_public_ip_sku_is_read_and_a_basic_one_kept() {
    let gateway = |pip_sku: Option<&str>| {
        let mut pip = json!({"type": "Microsoft.Network/publicIPAddresses", "name": "ergw-pip",
            "location": "westeurope", "properties": {"publicIPAllocationMethod": "Dynamic"}});
        if let Some(sku) = pip_sku {
            pip["sku"] = json!({"name": sku});
        }
        json!({"resources": [
            {"type": "Microsoft.Network/virtualNetworks", "name": "v", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "GatewaySubnet", "properties": {"addressPrefix": "10.0.255.0/27"}}]}},
            pip,
            {"type": "Microsoft.Network/virtualNetworkGateways", "name": "ergw", "location": "westeurope",
             "properties": {"gatewayType": "ExpressRoute", "sku": {"name": "Standard", "tier": "Standard"},
                "ipConfigurations": [{"name": "c", "properties": {
                    "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 'GatewaySubnet')]"},
                    "publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', 'ergw-pip')]"}}}]}}]})
    };
    let imported = import_json(gateway(Some("Basic"))).unwrap();
    let d = &imported.design;
    assert_eq!(d.gateways[0].sku, "Standard", "a legacy SKU is kept");
    assert_eq!(
        d.gateways[0].public_ip_sku,
        crate::model::PublicIpSku::Basic
    );
    assert!(
        imported.report.notes.is_empty(),
        "{}",
        imported.report.to_text()
    );
    let report = crate::rules::check(d);
    assert_eq!(report.of_rule("er-gateway-basic-ip").count(), 1);
    assert_eq!(
        report.of_rule("known-values").count(),
        0,
        "Standard is offered"
    );

    let d = import_json(gateway(Some("Standard"))).unwrap().design;
    assert_eq!(
        d.gateways[0].public_ip_sku,
        crate::model::PublicIpSku::Standard
    );
    // A public IP with no SKU is Azure's default, Basic.
    let d = import_json(gateway(None)).unwrap().design;
    assert_eq!(
        d.gateways[0].public_ip_sku,
        crate::model::PublicIpSku::Basic
    );
}

/// A payment HSM deployment written by hand the way real ones are: delegations named their own
/// way with the service in lower case, host interfaces some pinned and some left to Azure, a
/// management profile in another VNet with no address.
#[test]
fn dynamic_addresses_and_other_delegation_names_import_and_check_sensibly() {
    let subnet = |vnet: &str, s: &str| {
        format!("[resourceId('Microsoft.Network/virtualNetworks/subnets', '{vnet}', '{s}')]")
    };
    let vnet = |name: &str, space: &str, hsm_prefix: &str| {
        json!({"type": "Microsoft.Network/virtualNetworks", "name": name, "location": "eastus",
            "tags": {"fastpathenabled": "true"},
            "properties": {"addressSpace": {"addressPrefixes": [space]},
                "subnets": [{"name": "hsmSubnet", "properties": {"addressPrefix": hsm_prefix,
                    "delegations": [{"name": "Microsoft.HardwareSecurityModules.dedicatedHSMs",
                        "properties": {"serviceName": "microsoft.hardwaresecuritymodules/dedicatedhsms"}}]}}]}})
    };
    let payment = |name: &str, stamp: &str, host: serde_json::Value| {
        json!({"type": "Microsoft.HardwareSecurityModules/dedicatedHSMs", "apiVersion": "2021-11-30",
            "name": name, "location": "eastus", "sku": {"name": "payShield10K_LMK1_CPS60"},
            "properties": {"stampId": stamp,
                "networkProfile": {"subnet": {"id": subnet("host-vnet", "hsmSubnet")}, "networkInterfaces": host},
                "managementNetworkProfile": {"subnet": {"id": subnet("mgmt-vnet", "hsmSubnet")},
                    "networkInterfaces": [{"privateIpAddress": ""}]}}})
    };
    let t = json!({"resources": [
        vnet("host-vnet", "10.0.0.0/16", "10.0.0.0/24"),
        vnet("mgmt-vnet", "10.1.0.0/16", "10.1.0.0/24"),
        {"type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "name": "host-vnet/to-mgmt",
         "properties": {"remoteVirtualNetwork": {"id": "[resourceId('Microsoft.Network/virtualNetworks', 'mgmt-vnet')]"}}},
        {"type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "name": "mgmt-vnet/to-host",
         "properties": {"remoteVirtualNetwork": {"id": "[resourceId('Microsoft.Network/virtualNetworks', 'host-vnet')]"}}},
        payment("phsm1", "stamp1", json!([{"privateIpAddress": "10.0.0.5"}, {"privateIpAddress": "10.0.0.6"}])),
        payment("phsm2", "stamp2", json!([{}, {}]))
    ]});
    let imported = import_json(t).unwrap();
    assert!(
        imported.report.notes.is_empty(),
        "{}",
        imported.report.to_text()
    );
    let d = &imported.design;
    let (host, mgmt) = (&d.vnets[0], &d.vnets[1]);
    assert!(host.subnets[0].is_hsm_delegated() && mgmt.subnets[0].is_hsm_delegated());
    let [one, two] = [&d.hsms[0], &d.hsms[1]];
    assert_eq!(one.private_ip, Some(Ipv4Addr::new(10, 0, 0, 5)));
    assert_eq!(one.more_host_ips, vec![Ipv4Addr::new(10, 0, 0, 6)]);
    assert_eq!(
        (two.private_ip, two.more_host_ips.len()),
        (None, 0),
        "dynamic"
    );
    for h in [one, two] {
        assert_eq!(h.management_subnet, Some(mgmt.subnets[0].id));
        assert_eq!(h.management_ip, None, "an empty address is a dynamic one");
    }
    let report = crate::rules::check(d);
    for rule in [
        "hsm-subnet-delegated",
        "hsm-private-ip-valid",
        "hsm-subnet-capacity",
        "payshield-one-delegated-subnet",
        "payshield-fastpath-tag",
        "hsm-region-offered",
        "known-values",
    ] {
        let found: Vec<_> = report.of_rule(rule).collect();
        assert!(found.is_empty(), "{rule}: {found:#?}");
    }
}
