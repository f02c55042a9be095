//! `hsm-private-ip-valid`: PLACEHOLDER — to be written.

use super::{Context, Explanation, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    name: "hsm-private-ip-valid",
    severities: &[Severity::Error],
    summary: "TODO",
    explanation: Explanation { checks: "TODO", why: "TODO", fix: "TODO", source: "TODO" },
    check,
};

fn check(_cx: &Context, _out: &mut Vec<Finding>) {}
