//! `hsmnet link encode` and `hsmnet link decode`, run as a user would: round trips of every
//! preset, the accepted forms of a link, and exit 2 with a clear message for a corrupted, cut,
//! oversized or foreign link.

mod common;
use common::*;

fn ok(args: &[&str], stdin: Option<&str>) -> String {
    let out = hsmnet(args, stdin);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Runs `link decode` and expects exit 2; returns standard error.
fn refused(link: &str) -> String {
    let out = hsmnet(&["link", "decode", link], None);
    assert_eq!(out.status.code(), Some(2), "{link:.80}: {}", stdout(&out));
    assert!(out.stdout.is_empty());
    stderr(&out)
}

fn preset(args: &[&str]) -> String {
    let mut all = vec!["preset"];
    all.extend_from_slice(args);
    ok(&all, None)
}

#[test]
fn every_preset_round_trips_through_encode_and_decode() {
    for (name, size) in [
        ("single-vnet", vec![]),
        ("hub-nva-proxy", vec![]),
        ("hub-nva-proxy", vec!["--spokes", "60"]),
        ("cross-region-ha", vec!["--regions", "3"]),
        ("expressroute-direct", vec!["--spokes", "5"]),
    ] {
        let mut args = vec![name];
        args.extend(size.iter().copied());
        let doc = preset(&args);
        let payload = ok(&["link", "encode", "-"], Some(&doc));
        let payload = payload.trim_end();
        assert!(payload.starts_with("v1."), "{payload}");
        assert!(!payload.contains(['\n', '=', '+', '/']), "{payload}");
        assert_eq!(
            ok(&["link", "decode", payload], None),
            doc,
            "{name} {size:?}"
        );
    }
}

#[test]
fn hub_nva_proxy_at_its_default_size_makes_a_short_link() {
    let doc = preset(&["hub-nva-proxy"]);
    let url = ok(
        &["link", "encode", "-", "--base", "https://studio.example/"],
        Some(&doc),
    );
    assert!(url.len() < 1500, "{} characters", url.len());
}

#[test]
fn a_url_a_fragment_and_the_bare_payload_all_decode() {
    let dir = std::env::temp_dir().join(format!("hsmnet-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("design.json");
    let doc = preset(&["expressroute-direct"]);
    std::fs::write(&file, &doc).unwrap();
    let file = file.to_str().unwrap();

    let payload = ok(&["link", "encode", file], None).trim_end().to_string();
    let url = ok(
        &[
            "link",
            "encode",
            file,
            "--base",
            "https://studio.example/app/",
        ],
        None,
    )
    .trim_end()
    .to_string();
    assert_eq!(url, format!("https://studio.example/app/#d={payload}"));
    for form in [
        url.clone(),
        format!("#d={payload}"),
        format!("d={payload}"),
        payload.clone(),
    ] {
        assert_eq!(ok(&["link", "decode", &form], None), doc, "{form}");
    }
    assert_eq!(ok(&["link", "decode", "-"], Some(&format!("{url}\n"))), doc);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Layout values that the default float parser reads back 1 ULP off: the binary must carry
/// them exactly (serde_json's float_roundtrip in the normal build, not only in tests).
#[test]
fn layout_floats_survive_a_link_bit_for_bit() {
    let doc = preset(&["single-vnet"]);
    let mut value: serde_json::Value = serde_json::from_str(&doc).unwrap();
    value["design"]["regions"][0]["layout"]["x"] = serde_json::json!(1.0715660391465826e-75);
    value["design"]["regions"][0]["layout"]["y"] = serde_json::json!(-1.81996730402717e-179);
    value["design"]["vnets"][0]["layout"]["x"] = serde_json::json!(1234.5678);
    let doc = value.to_string();
    let design = ok(
        &["link", "decode", "-"],
        Some(&ok(&["link", "encode", "-"], Some(&doc))),
    );
    let back: serde_json::Value = serde_json::from_str(&design).unwrap();
    let x = back["design"]["regions"][0]["layout"]["x"]
        .as_f64()
        .unwrap();
    let y = back["design"]["regions"][0]["layout"]["y"]
        .as_f64()
        .unwrap();
    assert_eq!(x.to_bits(), 1.0715660391465826e-75f64.to_bits());
    assert_eq!(y.to_bits(), (-1.81996730402717e-179f64).to_bits());
    // And through a file: encode reads the document the same way.
    assert_eq!(
        ok(
            &["link", "decode", "-"],
            Some(&ok(&["link", "encode", "-"], Some(&design)))
        ),
        design
    );
}

#[test]
fn a_corrupted_link_is_refused_with_exit_2_and_a_clear_message() {
    let payload = ok(&["link", "encode", "-"], Some(&preset(&["hub-nva-proxy"])));
    let payload = payload.trim_end();

    let mut chars: Vec<char> = payload.chars().collect();
    chars[3 + 16] = '%';
    let err = refused(&chars.iter().collect::<String>());
    assert!(
        err.contains("not base64url at position 17 (found '%')"),
        "{err}"
    );

    let err = refused(&payload[..payload.len() - 7]);
    assert!(
        err.contains("cut short") || err.contains("corrupted"),
        "{err}"
    );

    let mut bytes = payload.as_bytes().to_vec();
    let mid = bytes.len() / 2;
    bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
    let err = refused(std::str::from_utf8(&bytes).unwrap());
    assert!(err.starts_with("hsmnet: the link's payload is"), "{err}");

    let err = refused(&payload.replacen("v1.", "v9.", 1));
    assert!(err.contains("unknown link version v9"), "{err}");
    let err = refused("https://studio.example/");
    assert!(err.contains("no design in the link"), "{err}");
}

#[test]
fn an_oversized_link_and_a_zip_bomb_are_refused_with_exit_2() {
    let long = format!(
        "v1.{}",
        "A".repeat(hsmnet_core::link::MAX_PAYLOAD_CHARS + 10)
    );
    let out = hsmnet(&["link", "decode", "-"], Some(&long));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the limit is 2097152"),
        "{}",
        stderr(&out)
    );

    let bomb = hsmnet_core::link::wrap_v1(&vec![b'{'; 32 * 1024 * 1024]);
    let out = hsmnet(&["link", "decode", "-"], Some(&bomb));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "hsmnet: the link's payload inflates past 4 MiB, the most a link may carry\n"
    );
}

#[test]
fn a_link_of_an_invalid_design_names_the_field() {
    let doc = preset(&["single-vnet"]).replacen("/27\"", "/33\"", 1);
    let link = hsmnet_core::link::wrap_v1(doc.as_bytes());
    let err = refused(&link);
    assert!(
        err.contains("the link's design is not valid: design.vnets[0]"),
        "{err}"
    );
}

#[test]
fn encode_refuses_what_cannot_be_read() {
    let out = hsmnet(&["link", "encode", "-"], Some("{\"format\":\"other\"}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a design document"),
        "{}",
        stderr(&out)
    );
    let out = hsmnet(&["link", "encode", "/nonexistent/design.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
}
