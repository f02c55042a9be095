//! `hsmnet link`: a design as a share link (`…/#d=v1.<payload>`), and back.
//! A link carries any design that loads, errors and all: sharing a broken design is how one
//! asks for help with it.

use crate::input::load_design;
use crate::output;
use hsmnet_core::{link, to_json};
use std::io::Read;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Action {
    /// Print the share link of a design document.
    ///
    /// Without --base, prints the payload `v1.…`: append `#d=` and it to the studio's address.
    /// Exit status: 0 printed, 2 the input cannot be read or is too large for a link, or the
    /// output cannot be written.
    Encode {
        /// The design document; `-` reads standard input.
        file: String,
        /// The studio's address, e.g. https://example.org/studio/: prints a whole URL.
        #[arg(long)]
        base: Option<String>,
    },
    /// Print the design document that a link carries.
    ///
    /// Accepts a whole URL, its fragment (`#d=v1.…` or `d=v1.…`) or the bare payload (`v1.…`).
    /// Exit status: 0 printed, 2 the link is corrupted, cut, too large, or not a link, or the
    /// output cannot be written.
    Decode {
        /// The link; `-` reads it from standard input (long links exceed what an argument may
        /// hold).
        link: String,
    },
}

pub fn run(action: Action) -> ExitCode {
    match action {
        Action::Encode { file, base } => encode(&file, base.as_deref()),
        Action::Decode { link } => decode(&link),
    }
}

fn encode(file: &str, base: Option<&str>) -> ExitCode {
    let design = match load_design(file) {
        Ok(design) => design,
        Err(code) => return code,
    };
    let made = match base {
        Some(base) => link::to_url(base, &design),
        None => link::encode(&design),
    };
    match made {
        Ok(text) => output::print(&format!("{text}\n"), ExitCode::SUCCESS),
        Err(e) => output::fail(&format!("{file}: {e}")),
    }
}

fn decode(arg: &str) -> ExitCode {
    let text = if arg == "-" {
        let mut text = String::new();
        // Read a little past the longest link, so an overlong one is reported as such.
        let limit = (link::MAX_PAYLOAD_CHARS + 64 * 1024) as u64;
        if let Err(e) = std::io::stdin().take(limit).read_to_string(&mut text) {
            return output::fail(&format!("cannot read standard input: {e}"));
        }
        text
    } else {
        arg.to_string()
    };
    match link::decode(&text) {
        Ok(design) => output::print(&to_json(&design), ExitCode::SUCCESS),
        Err(e) => output::fail(&e.to_string()),
    }
}
