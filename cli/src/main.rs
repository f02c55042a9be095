//! `hsmnet`: HSM Network Studio's core on the command line, for scripts and CI.
//! Thin by design: parsing arguments, reading files and printing; all logic lives in core.

mod check;
mod export;
mod fix;
mod import;
mod input;
mod link;
mod migrate;
mod output;
mod preset;
mod routes;
mod rules;
mod trace;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Check, explore and generate Azure Dedicated HSM network designs.
///
/// A design is a JSON document (see docs/format.md) of at most 32 MiB. Start from a reference
/// architecture:
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
    /// Exit status: 0 no errors (warnings allowed), 1 errors found, 2 the input cannot be read
    /// or the output cannot be written.
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
    /// Export a design as an ARM template, a Bicep file, or a design document.
    ///
    /// Only a design without errors is exported: one with errors is refused with exit 1 and its
    /// errors listed on standard error; warnings are shown there and do not block. A design too
    /// large for one ARM template (Azure's limits: 800 resources, 256 parameters, 4 MB) is
    /// refused with exit 1 too, saying how large it would be; nothing is written.
    /// Exit status: 0 exported, 1 the design has errors or is too large, 2 the input cannot be
    /// read or the output cannot be written.
    Export {
        #[arg(value_enum)]
        target: export::Target,
        /// The design document; `-` reads standard input.
        file: String,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "out")]
        out: Option<String>,
        /// The Dedicated HSM API version (it decides the key of the subnet reference).
        #[arg(long, default_value = "2025-03-31", value_parser = ["2025-03-31", "2021-11-30"])]
        hsm_api_version: String,
    },
    /// Apply the one-click fixes of a design's findings in turn and write the fixed design.
    ///
    /// Each round checks the design and applies the first fix offered (errors first), computed
    /// against the design as the earlier fixes left it; a fix that does not remove its finding
    /// is undone and reported. Stops when no fix is left to try (at most 1000 fixes), so a
    /// second run on the output applies nothing.
    /// The design goes to OUT, or to standard output; the report (what was applied, what
    /// remains and why) to standard output when the design went to OUT, else to standard error.
    /// Exit status: 0 no error remains (warnings allowed), 1 errors remain, 2 the input cannot
    /// be read, a --rule names no rule, or the output cannot be written.
    Fix {
        /// The design document; `-` reads standard input.
        file: String,
        /// Apply only the fixes of this rule (repeat for several); all rules when not given.
        #[arg(long = "rule", value_name = "NAME")]
        rules: Vec<String>,
        /// Write the fixed design to this file instead of standard output.
        #[arg(short = 'o', long = "out")]
        out: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Trace a flow hop by hop, out and back: can this client reach that HSM, and if not,
    /// where and why.
    ///
    /// An endpoint is an IPv4 address or the name of an HSM, an on-premises site, a
    /// point-to-site connection or a subnet (`VNET/SUBNET` when the subnet name repeats).
    /// Exit status: 0 delivered out and back, 1 dropped, 2 the input cannot be read, an
    /// endpoint names nothing or the output cannot be written.
    Trace {
        /// The design document; `-` reads standard input.
        file: String,
        /// Where the flow starts: a client subnet, a site, a point-to-site connection, an address.
        #[arg(long, value_name = "NAME|IP")]
        from: String,
        /// Where it goes: an HSM, `HSM/management` (a payShield's management NIC) or an address.
        #[arg(long, value_name = "NAME|IP")]
        to: String,
        /// The destination port [default: the HSM's: Luna NTLS 1792, a payShield's host port
        /// (1500 unless set otherwise), 443 to `HSM/management`; 1792 to an address].
        #[arg(long)]
        port: Option<u16>,
        #[arg(long, value_enum, default_value_t = trace::TraceProtocol::Tcp)]
        protocol: trace::TraceProtocol,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the effective routes of a subnet (or of an on-premises site), as Azure shows them.
    ///
    /// Exit status: 0 printed, 2 the input cannot be read, the name matches no subnet or the
    /// output cannot be written.
    Routes {
        /// The design document; `-` reads standard input.
        file: String,
        /// The subnet (`SUBNET` or `VNET/SUBNET`), or an on-premises site.
        #[arg(long, value_name = "NAME")]
        subnet: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Plan the migration of a Dedicated HSM design to Azure Cloud HSM.
    ///
    /// Writes the target design: the source with a Cloud HSM cluster per region that held HSMs,
    /// a private endpoint where the clients reach it, the private DNS zone linked to their
    /// VNets, the Cloud HSM ports opened beside every NSG or firewall rule that allowed 1792,
    /// and what served only Dedicated HSM marked retirable (kept). The summary lists what is
    /// added, changed and retirable, traces every former HSM client to the cluster, and lists
    /// the steps the network cannot show, each with its source.
    /// The design goes to OUT, or to standard output; the summary to standard output when the
    /// design went to OUT, else to standard error.
    /// Exit status: 0 the target checks with no errors and every former client reaches the
    /// cluster, 1 otherwise, 2 the input cannot be read, holds no Dedicated HSM, or the output
    /// cannot be written.
    Migrate {
        #[arg(value_enum)]
        to: migrate::To,
        /// The design document; `-` reads standard input.
        file: String,
        /// Write the target design to this file instead of standard output.
        #[arg(short = 'o', long = "out")]
        out: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Import an ARM deployment template or Azure resources (the portal's "Export template",
    /// `az … show`/`list` output, REST bodies) as a design document.
    ///
    /// Template parameters take their defaults, then the parameter file's values, then --param
    /// values; a parameter the import needs that has none is refused, naming it. The design
    /// goes to OUT or standard output, the import report (what could not be modelled, by JSON
    /// path) to standard error.
    /// Exit status: 0 imported, 2 the input cannot be read or imported, or the output cannot be
    /// written.
    Import {
        /// The template or export; `-` reads standard input.
        file: String,
        /// An ARM parameter file (`{"parameters": {"name": {"value": …}}}`).
        #[arg(long = "parameters", value_name = "FILE")]
        parameters: Option<String>,
        /// A parameter value (repeat for several); `resourceGroup().location=REGION` gives the
        /// resource group's location.
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Write the design to this file instead of standard output.
        #[arg(short = 'o', long = "out")]
        out: Option<String>,
        /// How the import report is written on standard error.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        report: Format,
    },
    /// Share a design as a link that carries it whole (`…/#d=v1.…`), or read one back.
    Link {
        #[command(subcommand)]
        action: link::Action,
    },
}

/// Output format.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    die_quietly_when_the_reader_leaves();
    let cli = Cli::parse();
    match cli.command {
        Command::Check { file, format } => check::run(&file, format),
        Command::Rules { format } => rules::run(format),
        Command::Preset {
            name,
            spokes,
            regions,
        } => preset::run(&name, spokes, regions),
        Command::Export {
            target,
            file,
            out,
            hsm_api_version,
        } => export::run(target, &file, out.as_deref(), &hsm_api_version),
        Command::Fix {
            file,
            rules,
            out,
            format,
        } => fix::run(&file, &rules, out.as_deref(), format),
        Command::Link { action } => link::run(action),
        Command::Migrate {
            to,
            file,
            out,
            format,
        } => migrate::run(to, &file, out.as_deref(), format),
        Command::Import {
            file,
            parameters,
            params,
            out,
            report,
        } => import::run(
            &file,
            parameters.as_deref(),
            &params,
            out.as_deref(),
            report,
        ),
        Command::Trace {
            file,
            from,
            to,
            port,
            protocol,
            format,
        } => trace::run(&file, &from, &to, protocol, port, format),
        Command::Routes {
            file,
            subnet,
            format,
        } => routes::run(&file, &subnet, format),
    }
}

/// `hsmnet preset … | head` closes the pipe early. Rust ignores SIGPIPE, so the next print would
/// panic; take back the default action and end quietly, as other command-line tools do.
fn die_quietly_when_the_reader_leaves() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
