//! The facts of a template that the schemas cannot see.

use super::expr::{calls, literal_args, parse_expression, Expr};
use super::schemas::validate_template;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The `$schema` of a resource-group deployment template.
const DEPLOYMENT_TEMPLATE: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// A resource the template declares, top-level or nested, with its full type and name.
struct Declared<'t> {
    pointer: String,
    full_type: String,
    full_name: String,
    api_version: String,
    value: &'t Value,
}

impl Declared<'_> {
    fn label(&self) -> String {
        format!("{} {} '{}'", self.pointer, self.full_type, self.full_name)
    }
}

/// Case-insensitive identity of a resource, as ARM compares types and names.
fn key(full_type: &str, full_name: &str) -> (String, String) {
    (
        full_type.to_ascii_lowercase(),
        full_name.to_ascii_lowercase(),
    )
}

/// What a `resourceId(…)` names: a declared resource, or an element declared inline in one
/// (a subnet in its VNet's `properties.subnets`, a backend pool in its load balancer…).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Resource(usize),
    Inline(usize),
}

impl Target {
    fn resource(self) -> usize {
        match self {
            Target::Resource(i) | Target::Inline(i) => i,
        }
    }
}

struct Facts<'t> {
    template: &'t Value,
    declared: Vec<Declared<'t>>,
    by_key: HashMap<(String, String), usize>,
    failures: Vec<String>,
}

/// Checks what the schemas cannot see (see the module documentation); returns readable
/// failures, empty when the template holds.
pub fn template_facts(template: &Value) -> Vec<String> {
    let mut facts = Facts {
        template,
        declared: Vec::new(),
        by_key: HashMap::new(),
        failures: Vec::new(),
    };
    facts.envelope();
    if let Some(resources) = template.get("resources").and_then(Value::as_array) {
        for (i, resource) in resources.iter().enumerate() {
            facts.declare(resource, format!("/resources/{i}"), None);
        }
    }
    let (edges, referenced_parameters) = facts.references();
    facts.dependency_order(&edges);
    facts.parameters(&referenced_parameters);
    facts.secrets();
    facts.hsms(&edges);
    facts.failures
}

/// Validation by schema and by fact together.
pub fn all_failures(template: &Value) -> Vec<String> {
    let mut failures = validate_template(template);
    failures.extend(template_facts(template));
    failures
}

impl<'t> Facts<'t> {
    fn fail(&mut self, message: String) {
        self.failures.push(message);
    }

    fn envelope(&mut self) {
        let t = self.template;
        if t.get("$schema").and_then(Value::as_str) != Some(DEPLOYMENT_TEMPLATE) {
            self.fail(format!("/$schema: expected {DEPLOYMENT_TEMPLATE}"));
        }
        if !t.get("contentVersion").is_some_and(Value::is_string) {
            self.fail("/contentVersion: missing".to_string());
        }
        if !t.get("resources").is_some_and(Value::is_array) {
            self.fail("/resources: missing or not an array".to_string());
        }
        const TYPES: &[&str] = &[
            "string",
            "securestring",
            "int",
            "bool",
            "object",
            "secureobject",
            "array",
        ];
        for (name, parameter) in t
            .get("parameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let ty = parameter
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !TYPES.contains(&ty.to_ascii_lowercase().as_str()) {
                self.fail(format!(
                    "/parameters/{name}: type {ty:?} is not an ARM parameter type"
                ));
            }
        }
    }

    fn declare(&mut self, resource: &'t Value, pointer: String, nested_in: Option<usize>) {
        let ty = resource
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let name = resource
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let api_version = resource
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if ty.is_empty() || name.is_empty() || name.starts_with('[') {
            self.fail(format!(
                "{pointer}: every resource needs a literal `type` and `name` (these checks match \
                 resources by name)"
            ));
            return;
        }
        let (full_type, full_name) = match nested_in {
            Some(parent) => {
                let p = &self.declared[parent];
                let full_type = if ty.contains('/') {
                    ty.to_string()
                } else {
                    format!("{}/{ty}", p.full_type)
                };
                let full_name = if name.contains('/') {
                    name.to_string()
                } else {
                    format!("{}/{name}", p.full_name)
                };
                (full_type, full_name)
            }
            None => (ty.to_string(), name.to_string()),
        };
        let levels = full_type.split('/').count() - 1;
        if full_name.split('/').count() != levels {
            self.fail(format!(
                "{pointer} {full_type} '{full_name}': a {full_type} name has {levels} segment(s)"
            ));
        }
        let index = self.declared.len();
        if let Some(&first) = self.by_key.get(&key(&full_type, &full_name)) {
            let first = self.declared[first].pointer.clone();
            self.fail(format!(
                "{pointer} {full_type} '{full_name}': declared twice (first at {first})"
            ));
        } else {
            self.by_key.insert(key(&full_type, &full_name), index);
        }
        self.declared.push(Declared {
            pointer: pointer.clone(),
            full_type,
            full_name,
            api_version: api_version.to_string(),
            value: resource,
        });
        if let Some(children) = resource.get("resources").and_then(Value::as_array) {
            for (j, child) in children.iter().enumerate() {
                self.declare(child, format!("{pointer}/resources/{j}"), Some(index));
            }
        }
    }

    /// Resolves `resourceId([subscriptionId,] [resourceGroup,] type, name…)` with literal
    /// arguments to what the template declares.
    fn resolve(&self, args: &[Expr]) -> Result<Target, String> {
        let Some(args) = literal_args(args) else {
            return Err(
                "has an argument that is not a string literal, so it cannot be checked".to_string(),
            );
        };
        let Some(type_at) = args.iter().position(|a| a.contains('/')) else {
            return Err("has no resource type argument".to_string());
        };
        let ty = args[type_at];
        let names = &args[type_at + 1..];
        let levels = ty.split('/').count() - 1;
        if names.len() != levels || names.iter().any(|n| n.is_empty()) {
            return Err(format!(
                "gives {} name(s) for {ty}, which needs {levels}",
                names.len()
            ));
        }
        if let Some(&i) = self.by_key.get(&key(ty, &names.join("/"))) {
            return Ok(Target::Resource(i));
        }
        if levels >= 2 {
            let (parent_type, inline) = ty.rsplit_once('/').unwrap_or_default();
            let parent_name = names[..levels - 1].join("/");
            let child = names[levels - 1];
            if let Some(&parent) = self.by_key.get(&key(parent_type, &parent_name)) {
                let declared_inline = self.declared[parent]
                    .value
                    .pointer(&format!("/properties/{inline}"))
                    .and_then(Value::as_array)
                    .is_some_and(|items| {
                        items.iter().any(|item| {
                            item.get("name")
                                .and_then(Value::as_str)
                                .is_some_and(|n| n.eq_ignore_ascii_case(child))
                        })
                    });
                if declared_inline {
                    return Ok(Target::Inline(parent));
                }
            }
        }
        Err(format!(
            "names {ty} '{}', which the template does not declare",
            names.join("/")
        ))
    }

    /// Walks every expression of the template. Checks that each `resourceId`, `dependsOn`
    /// entry, `parameters` and `variables` reference resolves; returns the dependency edges
    /// (`from` depends on `to`, from `dependsOn`) and the parameters referenced.
    #[allow(clippy::type_complexity)]
    fn references(&mut self) -> (BTreeMap<usize, BTreeSet<usize>>, BTreeSet<String>) {
        let mut edges: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        let mut parameters = BTreeSet::new();
        // References made by each resource's own properties (not its nested children's), to
        // check afterwards that the resource is ordered after what it refers to.
        let mut refers_to: Vec<(usize, String, Target)> = Vec::new();
        let mut implicit: Vec<(usize, usize)> = Vec::new();

        let mut strings: Vec<(String, &'t str, Option<usize>)> = Vec::new();
        for (index, declared) in self.declared.iter().enumerate() {
            let mut own = Vec::new();
            for (field, value) in declared.value.as_object().into_iter().flatten() {
                if field == "resources" || field == "dependsOn" {
                    continue;
                }
                collect_strings(value, &format!("{}/{field}", declared.pointer), &mut own);
            }
            strings.extend(own.into_iter().map(|(p, s)| (p, s, Some(index))));
        }
        for section in ["outputs", "variables", "parameters"] {
            if let Some(value) = self.template.get(section) {
                let mut rest = Vec::new();
                collect_strings(value, &format!("/{section}"), &mut rest);
                strings.extend(rest.into_iter().map(|(p, s)| (p, s, None)));
            }
        }

        for (pointer, text, owner) in &strings {
            let expr = match parse_expression(text) {
                Ok(Some(expr)) => expr,
                Ok(None) => continue,
                Err(why) => {
                    self.fail(format!("{pointer}: malformed expression: {why}"));
                    continue;
                }
            };
            let mut found = Vec::new();
            calls(&expr, &mut found);
            // `reference(resourceId(…))` and `list…(resourceId(…), …)` order the deployment
            // by themselves (an implicit dependency).
            if let Some(owner) = owner {
                for (name, args) in &found {
                    let lower = name.to_ascii_lowercase();
                    if lower != "reference" && !lower.starts_with("list") {
                        continue;
                    }
                    if let Some(Expr::Call(inner, id_args)) = args.first() {
                        if inner.eq_ignore_ascii_case("resourceId") {
                            if let Ok(Target::Resource(to)) = self.resolve(id_args) {
                                implicit.push((*owner, to));
                            }
                        }
                    }
                }
            }
            for (name, args) in found {
                match name.to_ascii_lowercase().as_str() {
                    "resourceid" => match self.resolve(args) {
                        Ok(target) => {
                            if let Some(owner) = owner {
                                refers_to.push((*owner, pointer.clone(), target));
                            }
                        }
                        Err(why) => self.fail(format!("{pointer}: {text} {why}")),
                    },
                    "parameters" | "variables" => {
                        let section = name.to_ascii_lowercase();
                        match literal_args(args).as_deref() {
                            Some([one]) => {
                                let exists = self
                                    .template
                                    .get(&section)
                                    .and_then(Value::as_object)
                                    .is_some_and(|o| o.contains_key(*one));
                                if !exists {
                                    self.fail(format!(
                                        "{pointer}: {text} refers to {section} '{one}', which \
                                         the template does not declare"
                                    ));
                                } else if section == "parameters" {
                                    parameters.insert(one.to_string());
                                }
                            }
                            _ => self.fail(format!(
                                "{pointer}: {text}: {section}() takes one string literal here"
                            )),
                        }
                    }
                    _ => {}
                }
            }
        }

        for index in 0..self.declared.len() {
            let declared = &self.declared[index];
            let Some(depends_on) = declared.value.get("dependsOn") else {
                continue;
            };
            let pointer = format!("{}/dependsOn", declared.pointer);
            let Some(entries) = depends_on.as_array() else {
                self.fail(format!("{pointer}: not an array"));
                continue;
            };
            for (k, entry) in entries.iter().enumerate() {
                let at = format!("{pointer}/{k}");
                let Some(text) = entry.as_str() else {
                    self.fail(format!("{at}: not a string"));
                    continue;
                };
                match self.depends_on_target(text) {
                    Ok(to) if to == index => {
                        self.fail(format!("{at}: {text} is the resource itself"))
                    }
                    Ok(to) => {
                        if !edges.entry(index).or_default().insert(to) {
                            self.fail(format!("{at}: {text} is listed twice"));
                        }
                    }
                    Err(why) => self.fail(format!("{at}: {text} {why}")),
                }
            }
        }

        // A resource must be ordered after every resource it refers to, and a child after its
        // parent: ARM infers neither from `resourceId`.
        let mut ordering = edges.clone();
        for (from, to) in implicit {
            ordering.entry(from).or_default().insert(to);
        }
        let reach = Reach::new(self.declared.len(), &ordering);
        for (from, pointer, target) in refers_to {
            let to = target.resource();
            if from == to || self.is_ancestor(from, to) || self.is_ancestor(to, from) {
                continue;
            }
            if !reach.reaches(from, to) {
                let label = self.declared[to].label();
                self.fail(format!(
                    "{pointer}: refers to {label} but does not depend on it (directly or through \
                     its dependsOn)"
                ));
            }
        }
        for child in 0..self.declared.len() {
            if let Some(parent) = self.parent_of(child) {
                if !reach.reaches(child, parent) {
                    let (c, p) = (self.declared[child].label(), self.declared[parent].label());
                    self.fail(format!("{c}: does not depend on its parent {p}"));
                }
            }
        }
        (edges, parameters)
    }

    /// The declared resource a `dependsOn` entry names.
    fn depends_on_target(&self, text: &str) -> Result<usize, String> {
        match parse_expression(text) {
            Err(why) => Err(format!("is a malformed expression: {why}")),
            Ok(Some(Expr::Call(name, args))) if name.eq_ignore_ascii_case("resourceId") => {
                match self.resolve(&args)? {
                    Target::Resource(i) => Ok(i),
                    Target::Inline(parent) => Err(format!(
                        "names an element declared inline in {}, not a resource",
                        self.declared[parent].label()
                    )),
                }
            }
            Ok(Some(_)) => Err("is an expression other than resourceId(…)".to_string()),
            Ok(None) => {
                let matches: Vec<usize> = (0..self.declared.len())
                    .filter(|&i| self.declared[i].full_name.eq_ignore_ascii_case(text))
                    .collect();
                match matches.as_slice() {
                    [one] => Ok(*one),
                    [] => Err("names no resource the template declares".to_string()),
                    _ => Err("names several resources; use resourceId(…)".to_string()),
                }
            }
        }
    }

    /// The declared parent of a child resource (`vnet/peering` → `vnet`), if any; a child whose
    /// parent is not declared is a failure reported here.
    fn parent_of(&self, child: usize) -> Option<usize> {
        let declared = &self.declared[child];
        let (parent_type, _) = declared.full_type.rsplit_once('/')?;
        if !parent_type.contains('/') {
            return None;
        }
        let (parent_name, _) = declared.full_name.rsplit_once('/')?;
        self.by_key.get(&key(parent_type, parent_name)).copied()
    }

    fn is_ancestor(&self, ancestor: usize, mut of: usize) -> bool {
        while let Some(parent) = self.parent_of(of) {
            if parent == ancestor {
                return true;
            }
            of = parent;
        }
        false
    }

    /// `dependsOn` must form no cycle, and a child's parent must be declared.
    fn dependency_order(&mut self, edges: &BTreeMap<usize, BTreeSet<usize>>) {
        for child in 0..self.declared.len() {
            let declared = &self.declared[child];
            if declared.full_type.matches('/').count() >= 2 && self.parent_of(child).is_none() {
                let label = declared.label();
                self.fail(format!("{label}: its parent resource is not declared"));
            }
        }
        // Iterative depth-first search with colours: 0 new, 1 on the stack, 2 done.
        let n = self.declared.len();
        let mut colour = vec![0u8; n];
        for start in 0..n {
            if colour[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>)> = vec![(
                start,
                edges.get(&start).into_iter().flatten().copied().collect(),
            )];
            colour[start] = 1;
            while let Some((node, pending)) = stack.last_mut() {
                match pending.pop() {
                    Some(next) if colour[next] == 1 => {
                        let (a, b) = (self.declared[*node].label(), self.declared[next].label());
                        self.fail(format!(
                            "dependsOn cycle: {a} depends on {b}, which depends back"
                        ));
                        colour[next] = 2;
                    }
                    Some(next) if colour[next] == 0 => {
                        colour[next] = 1;
                        let more = edges.get(&next).into_iter().flatten().copied().collect();
                        stack.push((next, more));
                    }
                    Some(_) => {}
                    None => {
                        colour[*node] = 2;
                        stack.pop();
                    }
                }
            }
        }
    }

    fn parameters(&mut self, referenced: &BTreeSet<String>) {
        let declared: Vec<String> = self
            .template
            .get("parameters")
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        for name in declared {
            if !referenced.contains(&name) {
                self.fail(format!("/parameters/{name}: declared but never used"));
            }
        }
    }

    fn is_secure_parameter(&self, name: &str) -> bool {
        self.template
            .get("parameters")
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("securestring"))
    }

    /// Secrets come in as `secureString` parameters with no default; never literals.
    fn secrets(&mut self) {
        const SECRET_KEYS: &[&str] = &["sharedKey", "adminPassword", "keyData", "authorizationKey"];
        let mut found = Vec::new();
        for declared in &self.declared {
            for (field, value) in declared.value.as_object().into_iter().flatten() {
                if field != "resources" {
                    secret_fields(value, &format!("{}/{field}", declared.pointer), &mut found);
                }
            }
        }
        for (pointer, key, value) in found {
            if !SECRET_KEYS.contains(&key.as_str()) {
                continue;
            }
            let parameter = value.as_str().and_then(|s| match parse_expression(s) {
                Ok(Some(Expr::Call(f, args))) if f.eq_ignore_ascii_case("parameters") => {
                    match args.as_slice() {
                        [Expr::Str(name)] => Some(name.clone()),
                        _ => None,
                    }
                }
                _ => None,
            });
            match parameter {
                Some(name) if self.is_secure_parameter(&name) => {}
                Some(name) => self.fail(format!(
                    "{pointer}: secret `{key}` comes from parameter '{name}', which is not a \
                     secureString"
                )),
                None => self.fail(format!(
                    "{pointer}: secret `{key}` must be [parameters('…')] of a secureString \
                     parameter, not {value}"
                )),
            }
        }
        for (name, parameter) in self
            .template
            .get("parameters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if self.is_secure_parameter(name) && parameter.get("defaultValue").is_some() {
                self.fail(format!(
                    "/parameters/{name}: a secureString parameter must not have a defaultValue"
                ));
            }
        }
    }

    /// Dedicated HSMs: the subnet key of the API version, the facts Azure needs (SKU, stamp,
    /// pinned IP), and a direct `dependsOn` on the ExpressRoute gateway of the HSM's VNet.
    fn hsms(&mut self, edges: &BTreeMap<usize, BTreeSet<usize>>) {
        let mut payment_vnets: Vec<(String, String)> = Vec::new();
        for index in 0..self.declared.len() {
            let hsm = &self.declared[index];
            if !hsm
                .full_type
                .eq_ignore_ascii_case("Microsoft.HardwareSecurityModules/dedicatedHSMs")
            {
                continue;
            }
            let label = hsm.label();
            let api = hsm.api_version.clone();
            let value = hsm.value;
            let (expected, wrong) = if api == "2021-11-30" {
                ("id", "resourceId")
            } else if api.get(..10).is_some_and(|date| date >= "2024-06-30") {
                ("resourceId", "id")
            } else {
                self.fail(format!(
                    "{label}: apiVersion {api} is neither 2021-11-30 nor 2024-06-30-preview or \
                     later; its subnet key is unknown"
                ));
                continue;
            };
            let subnet = value.pointer("/properties/networkProfile/subnet");
            let reference = subnet.and_then(|s| s.get(expected)).and_then(Value::as_str);
            if subnet.and_then(|s| s.get(wrong)).is_some() || reference.is_none() {
                self.fail(format!(
                    "{label}: properties.networkProfile.subnet must carry the subnet under \
                     `{expected}` for apiVersion {api} (not `{wrong}`), found {}",
                    subnet.map_or("nothing".to_string(), Value::to_string)
                ));
            }
            if value.pointer("/sku/name").and_then(Value::as_str).is_none() {
                self.fail(format!("{label}: sku.name is missing"));
            }
            if value
                .pointer("/properties/stampId")
                .and_then(Value::as_str)
                .is_none()
            {
                self.fail(format!("{label}: properties.stampId is missing"));
            }
            let nics = value
                .pointer("/properties/networkProfile/networkInterfaces")
                .and_then(Value::as_array);
            if nics.is_none_or(|nics| {
                nics.is_empty()
                    || nics
                        .iter()
                        .any(|n| n.get("privateIpAddress").and_then(Value::as_str).is_none())
            }) {
                self.fail(format!(
                    "{label}: properties.networkProfile.networkInterfaces must pin each \
                     privateIpAddress"
                ));
            }
            let Some(vnet) = reference.and_then(subnet_vnet) else {
                if reference.is_some() {
                    self.fail(format!(
                        "{label}: the subnet reference is not \
                         [resourceId('Microsoft.Network/virtualNetworks/subnets', vnet, subnet)]"
                    ));
                }
                continue;
            };
            let payment = value
                .pointer("/sku/name")
                .and_then(Value::as_str)
                .is_some_and(|s| s.to_ascii_lowercase().starts_with("payshield"));
            if payment {
                // Payment HSMs need no gateway; their VNets (host, management) carry the tag.
                payment_vnets.push((label.clone(), vnet));
                if let Some(m) = value.pointer("/properties/managementNetworkProfile/subnet") {
                    match m
                        .get(expected)
                        .and_then(Value::as_str)
                        .and_then(subnet_vnet)
                    {
                        Some(v) => payment_vnets.push((label.clone(), v)),
                        None => self.fail(format!(
                            "{label}: properties.managementNetworkProfile.subnet must carry a \
                             subnet reference under `{expected}`"
                        )),
                    }
                }
                continue;
            }
            let gateways: Vec<usize> = (0..self.declared.len())
                .filter(|&g| self.is_expressroute_gateway_of(g, &vnet))
                .collect();
            if gateways.is_empty() {
                self.fail(format!(
                    "{label}: its VNet '{vnet}' has no ExpressRoute gateway in the template"
                ));
            } else if !gateways
                .iter()
                .any(|g| edges.get(&index).is_some_and(|e| e.contains(g)))
            {
                let gateway = self.declared[gateways[0]].label();
                self.fail(format!(
                    "{label}: must list its VNet's ExpressRoute gateway {gateway} in dependsOn"
                ));
            }
        }
        self.payment_tags(&payment_vnets);
    }

    /// Every VNet holding a payment HSM's NIC, and every VNet peered with one, carries the tag
    /// `fastpathenabled` = `true` (Payment HSM's templates; payment-hsm/fastpathenabled.md).
    fn payment_tags(&mut self, holding: &[(String, String)]) {
        let mut needed: Vec<(String, String)> = holding.to_vec();
        for p in &self.declared {
            if !p
                .full_type
                .eq_ignore_ascii_case("Microsoft.Network/virtualNetworks/virtualNetworkPeerings")
            {
                continue;
            }
            let Some((near, _)) = p.full_name.split_once('/') else {
                continue;
            };
            let far = p
                .value
                .pointer("/properties/remoteVirtualNetwork/id")
                .and_then(Value::as_str)
                .and_then(vnet_of_id);
            let Some(far) = far else { continue };
            for (a, b) in [
                (near.to_string(), far.clone()),
                (far.clone(), near.to_string()),
            ] {
                if let Some((why, _)) = holding.iter().find(|(_, v)| v.eq_ignore_ascii_case(&a)) {
                    needed.push((format!("{why} (peered)"), b));
                }
            }
        }
        for (why, vnet) in needed {
            let tagged = self.declared.iter().any(|d| {
                d.full_type
                    .eq_ignore_ascii_case("Microsoft.Network/virtualNetworks")
                    && d.full_name.eq_ignore_ascii_case(&vnet)
                    && d.value
                        .pointer("/tags/fastpathenabled")
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            });
            if !tagged {
                self.fail(format!(
                    "{why}: VNet '{vnet}' lacks the tag fastpathenabled = true"
                ));
            }
        }
    }

    /// Whether resource `g` is an ExpressRoute gateway in the GatewaySubnet of VNet `vnet`.
    fn is_expressroute_gateway_of(&self, g: usize, vnet: &str) -> bool {
        let gateway = &self.declared[g];
        gateway
            .full_type
            .eq_ignore_ascii_case("Microsoft.Network/virtualNetworkGateways")
            && gateway
                .value
                .pointer("/properties/gatewayType")
                .and_then(Value::as_str)
                == Some("ExpressRoute")
            && gateway
                .value
                .pointer("/properties/ipConfigurations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| c.pointer("/properties/subnet/id").and_then(Value::as_str))
                .filter_map(subnet_vnet)
                .any(|v| v.eq_ignore_ascii_case(vnet))
    }
}

/// The VNet name of `[resourceId('Microsoft.Network/virtualNetworks/subnets', vnet, subnet)]`.
/// The VNet of `[resourceId('Microsoft.Network/virtualNetworks', vnet)]`.
fn vnet_of_id(text: &str) -> Option<String> {
    match parse_expression(text) {
        Ok(Some(Expr::Call(name, args))) if name.eq_ignore_ascii_case("resourceId") => {
            match literal_args(&args)?.as_slice() {
                [ty, vnet] if ty.eq_ignore_ascii_case("Microsoft.Network/virtualNetworks") => {
                    Some(vnet.to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn subnet_vnet(text: &str) -> Option<String> {
    match parse_expression(text) {
        Ok(Some(Expr::Call(name, args))) if name.eq_ignore_ascii_case("resourceId") => {
            match literal_args(&args)?.as_slice() {
                [ty, vnet, _subnet]
                    if ty.eq_ignore_ascii_case("Microsoft.Network/virtualNetworks/subnets") =>
                {
                    Some(vnet.to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every string in a JSON value, with its pointer.
fn collect_strings<'v>(value: &'v Value, pointer: &str, out: &mut Vec<(String, &'v str)>) {
    match value {
        Value::String(s) => out.push((pointer.to_string(), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_strings(item, &format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                collect_strings(v, &format!("{pointer}/{}", escape_pointer(k)), out);
            }
        }
        _ => {}
    }
}

/// Every object field in a JSON value, with its pointer and key.
fn secret_fields<'v>(value: &'v Value, pointer: &str, out: &mut Vec<(String, String, &'v Value)>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                secret_fields(item, &format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let at = format!("{pointer}/{}", escape_pointer(k));
                out.push((at.clone(), k.clone(), v));
                secret_fields(v, &at, out);
            }
        }
        _ => {}
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Which resources each resource reaches through `dependsOn` (transitively).
struct Reach {
    reach: Vec<BTreeSet<usize>>,
}

impl Reach {
    fn new(n: usize, edges: &BTreeMap<usize, BTreeSet<usize>>) -> Self {
        let mut reach = vec![BTreeSet::new(); n];
        for (start, set) in reach.iter_mut().enumerate() {
            let mut stack: Vec<usize> = edges.get(&start).into_iter().flatten().copied().collect();
            while let Some(next) = stack.pop() {
                if set.insert(next) {
                    stack.extend(edges.get(&next).into_iter().flatten().copied());
                }
            }
        }
        Reach { reach }
    }

    fn reaches(&self, from: usize, to: usize) -> bool {
        self.reach[from].contains(&to)
    }
}
