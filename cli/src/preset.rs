//! `hsmnet preset`: the reference architectures as design documents.

use hsmnet_core::presets::{self, Size};
use std::process::ExitCode;

pub fn run(name: &str, spokes: Option<usize>, regions: Option<usize>) -> ExitCode {
    if name == "list" {
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
            println!("{:<20} {}", p.name, p.summary);
            if !options.is_empty() {
                println!("{:<20} {}", "", options.join(", "));
            }
        }
        return ExitCode::SUCCESS;
    }
    match presets::build(name, &Size { spokes, regions }) {
        Ok(design) => {
            print!("{}", hsmnet_core::to_json(&design));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hsmnet: {e}");
            ExitCode::from(2)
        }
    }
}
