//! `hsmnet preset`: the reference architectures as design documents.

use crate::output;
use hsmnet_core::presets::{self, PresetError, Size};
use std::fmt::Write;
use std::process::ExitCode;

pub fn run(name: &str, spokes: Option<usize>, regions: Option<usize>) -> ExitCode {
    if name == "list" {
        let mut text = String::new();
        for p in presets::ALL {
            let mut options = Vec::new();
            if p.takes_spokes {
                options.push(format!(
                    "--spokes N (default {}, up to {})",
                    p.default_spokes, p.max_spokes
                ));
            }
            if p.takes_regions {
                options.push(format!(
                    "--regions N (default {}, up to {})",
                    p.default_regions, p.max_regions
                ));
            }
            let _ = writeln!(text, "{:<20} {}", p.name, p.summary);
            if !options.is_empty() {
                let _ = writeln!(text, "{:<20} {}", "", options.join(", "));
            }
        }
        return output::print(&text, ExitCode::SUCCESS);
    }
    match presets::build(name, &Size { spokes, regions }) {
        Ok(design) => output::print(&hsmnet_core::to_json(&design), ExitCode::SUCCESS),
        Err(e) => output::fail(&in_flags(&e)),
    }
}

/// The core's message, in the words of this command line: a size is a flag here.
fn in_flags(e: &PresetError) -> String {
    match e {
        PresetError::OutOfRange {
            option,
            value,
            min,
            max,
        } => format!("--{option} {value} is out of range ({min}..={max})"),
        PresetError::NotTaken { preset, option } => {
            format!("the {preset} preset does not take --{option}")
        }
        PresetError::TooLarge {
            spokes,
            regions,
            max_total,
        } => format!(
            "--spokes {spokes} with --regions {regions} makes {} application VNets; at most \
             {max_total} in all",
            spokes * regions
        ),
        other => other.to_string(),
    }
}
