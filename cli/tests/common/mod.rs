//! Running the `hsmnet` binary from the CLI's integration tests, as a user would.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `hsmnet` with `args`, feeding `stdin` when given.
pub fn hsmnet(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hsmnet"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hsmnet starts");
    let input = child.stdin.take().unwrap();
    let text = stdin.unwrap_or_default().to_string();
    // A writer thread, so a large input cannot deadlock against the child's output; a command
    // refused before it reads its input closes the pipe, which is not a failure.
    let writer = std::thread::spawn(move || {
        let mut input = input;
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().expect("hsmnet finishes");
    writer.join().unwrap();
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The design document of a preset: `hsmnet preset ARGS…`.
pub fn preset(args: &[&str]) -> String {
    let mut all = vec!["preset"];
    all.extend_from_slice(args);
    let out = hsmnet(&all, None);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}
