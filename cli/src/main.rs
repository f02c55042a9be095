//! `hsmnet`: HSM Network Studio's core on the command line, for scripts and CI.
//! Thin by design: parsing arguments, reading files and printing; all logic lives in core.

mod check;
mod preset;
mod rules;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Check, explore and generate Azure Dedicated HSM network designs.
///
/// A design is a JSON document (see docs/format.md). Start from a reference architecture:
///
///   hsmnet preset list
///   hsmnet preset hub-nva-proxy --spokes 3 > design.json
///   hsmnet check design.json
#[derive(Parser)]
#[command(name = "hsmnet", version, about, long_about, verbatim_doc_comment)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a design against every rule.
    ///
    /// Prints each finding as `severity[rule]: message` with the elements involved.
    /// Exit status: 0 no errors (warnings allowed), 1 errors found, 2 the input cannot be read.
    Check {
        /// The design document; `-` reads standard input.
        file: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List every rule with its name, severity and summary.
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a reference architecture as a design document, or list them with `preset list`.
    Preset {
        /// A preset name, or `list`.
        name: String,
        /// Number of workload spoke VNets (presets that take spokes).
        #[arg(long)]
        spokes: Option<usize>,
        /// Number of regions (presets that take regions).
        #[arg(long)]
        regions: Option<usize>,
    },
}

/// Output format.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { file, format } => check::run(&file, format),
        Command::Rules { format } => rules::run(format),
        Command::Preset {
            name,
            spokes,
            regions,
        } => preset::run(&name, spokes, regions),
    }
}
