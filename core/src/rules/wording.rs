//! How findings list things in their messages: "a", "a and b", "a, b and c", and the same for
//! element names quoted the way [`Context::name`] quotes one.
//!
//! Shared so that every rule that names several elements words the list the same way.

use super::Context;
use crate::azure::regions::HsmService;
use crate::model::Id;

/// "a", "a and b", "a, b and c"; empty for no items.
pub(super) fn natural_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The quoted names of `ids` as a [`natural_list`]: `'a', 'b' and 'c'`.
pub(super) fn names(cx: &Context, ids: &[Id]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| cx.name(*id)).collect();
    natural_list(&quoted)
}

/// The first `shown` of `ids` as `name` words them, then how many more: `'a', 'b', 'c' and
/// 7 more`. For lists that can be as long as the design.
pub(super) fn some_names(ids: &[Id], shown: usize, name: impl Fn(Id) -> String) -> String {
    let mut quoted: Vec<String> = ids.iter().take(shown).map(|id| name(*id)).collect();
    if ids.len() > shown {
        quoted.push(format!("{} more", ids.len() - shown));
    }
    natural_list(&quoted)
}

/// The ports HSM clients use, as a message says them: "TCP 1792" (Luna NTLS) for Dedicated
/// HSMs, "TCP 1500" (the host port) for payment HSMs, both when a design mixes them. The
/// Luna wording stays out of a design without Luna HSMs.
pub(super) fn client_ports(cx: &Context) -> String {
    let mut ports: Vec<u16> = cx.design.hsms.iter().map(|h| h.client_port()).collect();
    ports.sort_unstable();
    ports.dedup();
    match ports.as_slice() {
        [] => format!("TCP {}", crate::azure::ports::LUNA_NTLS_PORT),
        [one] => format!("TCP {one}"),
        many => {
            let each: Vec<String> = many.iter().map(u16::to_string).collect();
            format!("TCP {}", natural_list(&each).replace(" and ", " or "))
        }
    }
}

/// The HSM services of `hsms` as a message names them: "Dedicated HSM", "Payment HSM", or both
/// joined by `and`; Dedicated HSM when there is none. So that a rule shared by the services
/// never says "Dedicated HSM" of a design holding only payShields.
pub(super) fn services(cx: &Context, hsms: impl IntoIterator<Item = Id>) -> String {
    let (mut dedicated, mut payment) = (false, false);
    for hsm in hsms.into_iter().filter_map(|id| cx.index().hsm(id)) {
        if hsm.is_payment() {
            payment = true;
        } else {
            dedicated = true;
        }
    }
    let (d, p) = (HsmService::Dedicated.label(), HsmService::Payment.label());
    match (dedicated, payment) {
        (false, true) => p.to_string(),
        (true, true) => format!("{d} and {p}"),
        _ => d.to_string(),
    }
}
