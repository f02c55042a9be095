//! Reading a design document, from a file or standard input: every subcommand that takes one
//! reads it here, and never past the size a document may have.

use crate::output;
use hsmnet_core::document::MAX_BYTES;
use hsmnet_core::{load, Design};
use std::io::Read;
use std::process::ExitCode;

/// Reads a file, or standard input for `-`: at most `MAX_BYTES` + 1 bytes, so that an endless
/// input (`/dev/zero`) is refused at the cap rather than read until memory runs out.
pub fn read_input(file: &str) -> Result<String, String> {
    let (source, bytes) = if file == "-" {
        let source = "standard input".to_string();
        let bytes = read_capped(std::io::stdin().lock())
            .map_err(|e| format!("cannot read {source}: {e}"))?;
        (source, bytes)
    } else {
        let opened = std::fs::File::open(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        let bytes = read_capped(opened).map_err(|e| format!("cannot read {file}: {e}"))?;
        (file.to_string(), bytes)
    };
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "{source} holds more than {MAX_BYTES} bytes, the most a design document may hold"
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("cannot read {source}: it is not UTF-8 text"))
}

fn read_capped(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads and loads a design, or says why not on standard error (exit 2).
pub fn load_design(file: &str) -> Result<Design, ExitCode> {
    read_input(file)
        .and_then(|text| load(&text).map_err(|e| format!("{file}: {e}")))
        .map_err(|message| output::fail(&message))
}
