//! `hsmnet routes`: the effective routes of a subnet (or an on-premises site), as Azure's
//! "effective routes" view shows them.

use crate::input::load_design;
use crate::output::{self, visible, visible_lines};
use crate::Format;
use hsmnet_core::trace::{EffectiveRoute, Endpoint, Network, RouteSet};
use hsmnet_core::Id;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
struct RoutesOut<'a> {
    file: &'a str,
    design: &'a str,
    of: String,
    routes: &'a [EffectiveRoute],
}

enum Owner {
    Subnet(Id),
    Site(Id),
}

pub fn run(file: &str, subnet: &str, format: Format) -> ExitCode {
    let design = match load_design(file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let owner = match Endpoint::parse(&design, subnet) {
        Ok(Endpoint::Subnet(id)) => Ok(Owner::Subnet(id)),
        Ok(Endpoint::Hsm(id)) => match design.hsm(id) {
            Some(h) => Ok(Owner::Subnet(h.subnet)),
            None => Err(format!("--subnet {subnet:?} names no subnet")),
        },
        Ok(Endpoint::Site(id)) => Ok(Owner::Site(id)),
        Ok(_) => Err(format!(
            "--subnet {subnet:?} names no subnet or on-premises site"
        )),
        Err(e) => Err(format!("--subnet: {e}")),
    };
    let owner = match owner {
        Ok(o) => o,
        Err(message) => return output::fail(&message),
    };
    let net = Network::new(&design);
    let (routes, of): (Option<RouteSet>, String) = match owner {
        Owner::Subnet(id) => {
            let name = design
                .subnet(id)
                .map(|(v, s)| format!("'{}/{}'", v.name, s.name))
                .unwrap_or_default();
            let table = design
                .subnet(id)
                .and_then(|(_, s)| s.route_table)
                .map(|t| format!(" (route table '{}')", design.name_of(t)))
                .unwrap_or_default();
            (net.effective_routes(id), format!("subnet {name}{table}"))
        }
        Owner::Site(id) => (
            net.routes_of_site(id, false),
            format!("on-premises site '{}'", design.name_of(id)),
        ),
    };
    let Some(routes) = routes else {
        return output::fail(&format!("--subnet {subnet:?} has no routes"));
    };
    let text = match format {
        // Names are the design's text: made visible, so that none can act on the terminal.
        Format::Text => format!(
            "effective routes of {}\n{}",
            visible(&of),
            visible_lines(&routes.to_string())
        ),
        Format::Json => {
            let out = RoutesOut {
                file,
                design: &design.name,
                of,
                routes: routes.routes(),
            };
            let mut text = serde_json::to_string_pretty(&out).expect("routes serialise");
            text.push('\n');
            text
        }
    };
    output::print(&text, ExitCode::SUCCESS)
}
