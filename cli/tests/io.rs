//! Inputs and outputs that cannot hurt: an output that cannot be written ends every subcommand
//! with exit 2 and one line (no panic); an endless or oversized input is refused at the size cap;
//! `export json` writes only documents that load; exports over Azure's template limits are
//! refused; a design's names cannot drive the terminal that shows them.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::*;

/// The largest document `hsmnet` reads: `hsmnet_core::document::MAX_BYTES`.
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// A directory of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hsmnet-io-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `hsmnet` with its standard input and output as given, giving up after a minute.
fn run_with(args: &[&str], stdin: Stdio, stdout: Stdio) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hsmnet"))
        .args(args)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("hsmnet starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(target_os = "linux")]
fn dev(name: &str, write: bool) -> Stdio {
    std::fs::OpenOptions::new()
        .read(!write)
        .write(write)
        .open(Path::new("/dev").join(name))
        .unwrap()
        .into()
}

#[cfg(target_os = "linux")]
#[test]
fn every_subcommand_exits_2_with_one_line_when_its_output_cannot_be_written() {
    let scratch = Scratch::new("full");
    let design = scratch.file("design.json", &preset(&["hub-nva-proxy"]));
    let payload = stdout(&hsmnet(&["link", "encode", &design], None));
    let link = payload.trim();
    let d = design.as_str();
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", d],
        vec!["check", d, "--format", "json"],
        vec!["rules"],
        vec!["rules", "--format", "json"],
        vec!["preset", "list"],
        vec!["preset", "hub-nva-proxy"],
        vec!["export", "arm", d],
        vec!["export", "bicep", d],
        vec!["export", "json", d],
        vec!["fix", d],
        vec!["fix", d, "--format", "json"],
        vec!["trace", d, "--from", "onprem-dc", "--to", "hsm1"],
        vec![
            "trace",
            d,
            "--from",
            "onprem-dc",
            "--to",
            "hsm1",
            "--format",
            "json",
        ],
        vec!["routes", d, "--subnet", "hub-vnet/GatewaySubnet"],
        vec!["routes", d, "--subnet", "hsm-subnet", "--format", "json"],
        vec!["link", "encode", d],
        vec!["link", "decode", link],
    ];
    for args in commands {
        let out = run_with(&args, Stdio::null(), dev("full", true));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        // An export's warnings come first; then one line says why it stopped.
        let last = err.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("hsmnet: cannot write standard output: "),
            "{args:?}: {err}"
        );
        assert_eq!(err.matches("hsmnet: ").count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_reader_that_leaves_early_ends_it_quietly() {
    use std::io::Read;
    let scratch = Scratch::new("head");
    // Larger than a pipe holds, clean (an export needs that) and within the template limits.
    let design = scratch.file(
        "design.json",
        &preset(&["hub-nva-proxy", "--spokes", "250"]),
    );
    for args in [
        vec!["export", "json", &design],
        vec!["export", "bicep", &design],
        vec!["preset", "hub-nva-proxy", "--spokes", "2000"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hsmnet"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        let read = child.stdout.take().unwrap().read_exact(&mut first);
        // The pipe closes here, like `| head -c 16`.
        let output = child.wait_with_output().unwrap();
        read.unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stderr(&output)));
        assert!(
            !output.status.success(),
            "{args:?}: all of it fitted in the pipe"
        );
        let err = String::from_utf8_lossy(&output.stderr);
        // Warnings of the export may come first; nothing about the closed pipe.
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_input_is_refused_at_the_size_cap() {
    let message = format!("holds more than {MAX_BYTES} bytes, the most a design document may hold");
    for args in [
        vec!["check", "/dev/zero"],
        vec!["export", "arm", "/dev/zero"],
        vec!["trace", "/dev/zero", "--from", "a", "--to", "b"],
    ] {
        let started = Instant::now();
        let out = run_with(&args, Stdio::null(), Stdio::piped());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!("hsmnet: /dev/zero {message}\n"),
            "{args:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(30), "{args:?}");
    }
    for args in [vec!["check", "-"], vec!["link", "encode", "-"]] {
        let out = run_with(&args, dev("zero", false), Stdio::piped());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!("hsmnet: standard input {message}\n"),
            "{args:?}"
        );
    }
}

#[test]
fn input_over_the_cap_on_standard_input_is_refused_and_at_the_cap_is_read() {
    let over = " ".repeat(MAX_BYTES + 1);
    let out = hsmnet(&["check", "-"], Some(&over));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("standard input holds more than {MAX_BYTES} bytes")),
        "{}",
        stderr(&out)
    );
    // At the cap exactly, the document is read and loaded.
    let doc = preset(&["single-vnet"]);
    let padded = format!("{doc}{}", " ".repeat(MAX_BYTES - doc.len()));
    let out = hsmnet(&["check", "-"], Some(&padded));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = hsmnet(&["check", "-"], Some("\u{0}\u{ff}"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn export_json_writes_a_document_check_reads_even_when_pretty_would_be_too_large() {
    // A design whose compact document is just under the cap: pretty-printed, it is over.
    let mut doc: Value =
        serde_json::from_str(&preset(&["hub-nva-proxy", "--spokes", "100"])).unwrap();
    doc["design"]["description"] = "x".into();
    let base = doc.to_string().len();
    doc["design"]["description"] = "x".repeat(MAX_BYTES - 4096 - base).into();
    let compact = doc.to_string();
    assert!(compact.len() < MAX_BYTES);
    assert!(serde_json::to_string_pretty(&doc).unwrap().len() > MAX_BYTES);

    let out = hsmnet(&["export", "json", "-"], Some(&compact));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = stdout(&out);
    assert!(
        written.len() <= MAX_BYTES,
        "{} bytes written",
        written.len()
    );
    let checked = hsmnet(&["check", "-"], Some(&written));
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let back: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(back, doc);
}

#[test]
fn an_export_over_azures_template_limits_is_refused_and_not_written() {
    let scratch = Scratch::new("limits");
    let design = scratch.file(
        "design.json",
        &preset(&["hub-nva-proxy", "--spokes", "300"]),
    );
    for target in ["arm", "bicep"] {
        let out_file = scratch.0.join(format!("out-{target}"));
        let out_path = out_file.to_str().unwrap();
        for args in [
            vec!["export", target, &design],
            vec!["export", target, &design, "-o", out_path],
        ] {
            let out = hsmnet(&args, None);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(out.stdout.is_empty());
            let err = stderr(&out);
            assert!(
                err.ends_with(&format!(
                    "hsmnet: {design}: not exported: the template would hold 926 resources, \
                     over Azure Resource Manager's limit of 800 in one template; split the \
                     design into smaller ones and export each\n"
                )),
                "{err}"
            );
            assert!(!out_file.exists(), "{args:?} wrote a file");
        }
    }
    // 250 spokes fit.
    let design = scratch.file("fits.json", &preset(&["hub-nva-proxy", "--spokes", "250"]));
    let out = hsmnet(&["export", "arm", &design], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let template: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(template["resources"].as_array().unwrap().len(), 776);
}

/// No byte that a terminal acts on: C0 controls other than newline, DEL, and the C1 controls
/// (U+0080 to U+009F, two bytes in UTF-8).
fn assert_harmless(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some(c) = text
        .chars()
        .find(|&c| c != '\n' && (c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)))
    {
        panic!("{what}: raw {c:?} in\n{text}");
    }
}

#[test]
fn names_cannot_drive_the_terminal_in_text_output() {
    let hostile = "\u{1b}[2J\r\u{7}\u{9b}31m\u{202e}";
    let mut doc: Value = serde_json::from_str(&preset(&["hub-nva-proxy"])).unwrap();
    let design = &mut doc["design"];
    design["name"] = format!("Hub{hostile}").into();
    design["description"] = format!("desc{hostile}").into();
    // The region's display name is free text: the design still checks clean, and warns with it.
    design["regions"][0]["name"] = format!("West Europe{hostile}").into();
    let clean = doc.to_string();
    // Names Azure refuses: errors that quote them.
    let design = &mut doc["design"];
    for fw in design["firewalls"].as_array_mut().unwrap() {
        fw["name"] = format!("hub-fw{hostile}").into();
    }
    for rt in design["route_tables"].as_array_mut().unwrap() {
        rt["name"] = format!("rt{hostile}").into();
    }
    design["hsms"][0]["name"] = format!("hsm1\n{hostile}error[fake]: all good").into();
    let broken = doc.to_string();

    // Text on standard output, or (exports: a template or a Bicep file there, in their own
    // syntax) only on standard error.
    let runs: Vec<(Vec<&str>, &str, bool)> = vec![
        (vec!["check", "-"], &clean, true),
        (vec!["check", "-"], &broken, true),
        (vec!["export", "arm", "-"], &clean, false),
        (vec!["export", "bicep", "-"], &broken, false),
        (
            vec!["trace", "-", "--from", "onprem-dc", "--to", "hsm2"],
            &broken,
            true,
        ),
        (
            vec![
                "trace",
                "-",
                "--from",
                "onprem-dc",
                "--to",
                "10.0.1.4",
                "--port",
                "22",
            ],
            &broken,
            true,
        ),
        (
            vec!["routes", "-", "--subnet", "hub-vnet/GatewaySubnet"],
            &broken,
            true,
        ),
        (
            vec!["trace", "-", "--from", hostile, "--to", "hsm2"],
            &broken,
            true,
        ),
    ];
    for (args, doc, text_out) in runs {
        let out = hsmnet(&args, Some(doc));
        let what = format!("{args:?}");
        if text_out {
            assert_harmless(&format!("{what} stdout"), &out.stdout);
        }
        assert_harmless(&format!("{what} stderr"), &out.stderr);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(all.contains("\\u{1b}[2J\\r\\u{7}"), "{what}: {all}");
    }
    // A name cannot start a line of its own in the findings.
    let out = hsmnet(&["check", "-"], Some(&broken));
    assert!(
        !stdout(&out).lines().any(|l| l.starts_with("error[fake]")),
        "{}",
        stdout(&out)
    );
    // A load error quotes the bad value harmlessly too.
    let bad = clean.replace("\"ExpressRoute\"", "\"Express\\u001b[2J\"");
    let out = hsmnet(&["check", "-"], Some(&bad));
    assert_eq!(out.status.code(), Some(2));
    assert_harmless("load error", &out.stderr);
}
