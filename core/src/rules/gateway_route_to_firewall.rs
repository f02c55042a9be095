//! `gateway-route-to-firewall`: PLACEHOLDER — to be written.

use super::{Context, Explanation, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "gateway-route-to-firewall",
    severities: &[Severity::Error],
    summary: "TODO",
    explanation: Explanation { checks: "TODO", why: "TODO", fix: "TODO", source: "TODO" },
    check,
};

fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
