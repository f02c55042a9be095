//! Exports of a checked design: an ARM deployment template ([`arm`]) and an equivalent Bicep
//! file ([`bicep`]).
//!
//! Only a design without errors can be exported: both renderers take a [`Valid`], which only
//! [`Valid::new`] makes, after [`crate::rules::check`] has found no error. Warnings do not block.
//!
//! Both renderers read one intermediate representation, a [`Template`] built by
//! [`template`]: the ordered list of Azure resources with their names, locations, SKUs and
//! properties, the parameters (every secret is a secure parameter, never a literal), and the
//! references between resources as typed [`Ref`]s. ARM writes a reference as
//! `[resourceId(…)]` and lists it in `dependsOn`; Bicep writes it as a symbolic reference
//! (`vnet_hub.id`), which carries the dependency. The same design always gives the same
//! template, so the same bytes.

pub mod arm;
pub mod bicep;
mod resources;

pub use resources::PAYMENT_HSM_NOTE;

/// What a user must do beyond deploying the export of `design`, said when it is downloaded:
/// the payment HSM note when the design holds payment HSMs (the template's metadata says it
/// too).
pub fn deployment_note(design: &crate::model::Design) -> Option<&'static str> {
    design
        .hsms
        .iter()
        .any(|h| h.is_payment())
        .then_some(PAYMENT_HSM_NOTE)
}

use crate::azure::offered::{TEMPLATE_MAX_BYTES, TEMPLATE_MAX_PARAMETERS, TEMPLATE_MAX_RESOURCES};
use crate::import::facts::Facts;
use crate::model::Design;
use crate::rules::{check, Report};
use std::fmt;
use std::str::FromStr;

/// A design that has passed the checks with no error: the only input the exporters take.
#[derive(Debug)]
pub struct Valid<'d> {
    design: &'d Design,
    report: Report,
}

impl<'d> Valid<'d> {
    /// Checks a design; refuses it, with the report, when any finding is an error.
    pub fn new(design: &'d Design) -> Result<Self, Report> {
        let report = check(design);
        if report.has_errors() {
            Err(report)
        } else {
            Ok(Valid { design, report })
        }
    }

    pub fn design(&self) -> &'d Design {
        self.design
    }

    /// The report of the check: warnings and notes, no errors.
    pub fn report(&self) -> &Report {
        &self.report
    }
}

/// The API version of `Microsoft.Network` resources.
pub const NETWORK_API: &str = "2024-05-01";
/// The API version of `Microsoft.Compute` resources (the NVA VMs).
pub const COMPUTE_API: &str = "2024-07-01";

/// The API version written for Dedicated HSMs. It decides the key of the subnet reference:
/// `subnet.id` in 2021-11-30, `subnet.resourceId` from 2024-06-30-preview on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HsmApiVersion {
    #[default]
    V2025_03_31,
    V2021_11_30,
}

impl HsmApiVersion {
    pub const ALL: [HsmApiVersion; 2] = [HsmApiVersion::V2025_03_31, HsmApiVersion::V2021_11_30];

    pub fn as_str(self) -> &'static str {
        match self {
            HsmApiVersion::V2025_03_31 => "2025-03-31",
            HsmApiVersion::V2021_11_30 => "2021-11-30",
        }
    }

    /// The key under `networkProfile.subnet` that holds the subnet's id.
    pub fn subnet_key(self) -> &'static str {
        match self {
            HsmApiVersion::V2025_03_31 => "resourceId",
            HsmApiVersion::V2021_11_30 => "id",
        }
    }
}

impl fmt::Display for HsmApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HsmApiVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        HsmApiVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!("{s:?} is not a supported HSM API version (2025-03-31 or 2021-11-30)")
            })
    }
}

/// Choices that change the exported text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub hsm_api_version: HsmApiVersion,
}

/// The deployment, independent of its syntax.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Template metadata: the design's name and description.
    pub metadata: Vec<(String, String)>,
    /// What the design holds that no resource does, written into the ARM template's metadata
    /// so that an import gets it back (`crate::import::facts`).
    pub facts: Facts,
    pub parameters: Vec<Parameter>,
    pub resources: Vec<Resource>,
}

/// A deployment parameter; every parameter is a string.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// A valid Bicep identifier, unique among parameters and resource symbols.
    pub name: String,
    /// Secrets: `secureString` in ARM, `@secure()` in Bicep; never given a default.
    pub secure: bool,
    pub default: Option<String>,
    pub description: String,
}

/// One Azure resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The Bicep symbolic name: a valid identifier, unique in the template.
    pub symbol: String,
    /// The full resource type, e.g. `Microsoft.Network/virtualNetworks/virtualNetworkPeerings`.
    pub kind: &'static str,
    pub api_version: &'static str,
    /// The symbol of the parent resource, for a child resource.
    pub parent: Option<String>,
    /// The resource's own name (the last segment, for a child resource).
    pub name: String,
    pub location: Option<Val>,
    pub sku: Option<Val>,
    pub properties: Val,
    /// Azure tags, names and values as the design writes them (a VNet's `fastpathenabled`).
    pub tags: Vec<(String, String)>,
    /// Dependencies that no reference in the properties implies.
    pub depends_on: Vec<String>,
}

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<Val>),
    /// An object with its keys in writing order.
    Obj(Vec<(&'static str, Val)>),
    /// The id of a resource of the template, or of one of its sub-resources.
    Ref(Ref),
    /// The value of a parameter.
    Param(String),
}

/// A reference to a resource of the template (`symbol`), or to a sub-resource of it such as a
/// subnet (`child = ("subnets", "hsm-subnet")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub symbol: String,
    pub child: Option<(&'static str, String)>,
}

impl Val {
    pub fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }

    /// `{"id": <reference>}`.
    pub fn id(r: Ref) -> Val {
        Val::Obj(vec![("id", Val::Ref(r))])
    }

    /// Calls `f` on the symbol of every reference in this value, in writing order.
    pub fn each_ref<'a>(&'a self, f: &mut impl FnMut(&'a Ref)) {
        match self {
            Val::Ref(r) => f(r),
            Val::Arr(items) => items.iter().for_each(|v| v.each_ref(f)),
            Val::Obj(pairs) => pairs.iter().for_each(|(_, v)| v.each_ref(f)),
            Val::Bool(_) | Val::Int(_) | Val::Str(_) | Val::Param(_) => {}
        }
    }
}

impl Ref {
    pub fn to(symbol: &str) -> Ref {
        Ref {
            symbol: symbol.to_string(),
            child: None,
        }
    }

    pub fn child(symbol: &str, segment: &'static str, name: &str) -> Ref {
        Ref {
            symbol: symbol.to_string(),
            child: Some((segment, name.to_string())),
        }
    }
}

impl Template {
    /// Symbol → position in `resources`.
    pub fn positions(&self) -> crate::hashing::HashMap<&str, usize> {
        self.resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.symbol.as_str(), i))
            .collect()
    }

    /// The name segments of a resource from its top-level ancestor down (`["hub", "to-hsm"]`).
    pub fn name_path<'a>(
        &'a self,
        positions: &crate::hashing::HashMap<&str, usize>,
        resource: &'a Resource,
    ) -> Vec<&'a str> {
        let mut path = vec![resource.name.as_str()];
        let mut current = resource;
        // A parent chain is at most a few deep; the bound guards against a cycle.
        for _ in 0..8 {
            match current
                .parent
                .as_deref()
                .and_then(|p| positions.get(p))
                .map(|&i| &self.resources[i])
            {
                Some(parent) => {
                    path.push(parent.name.as_str());
                    current = parent;
                }
                None => break,
            }
        }
        path.reverse();
        path
    }

    /// Every resource symbol a resource depends on, in order, without repeats or itself: its
    /// parent, the resources its properties refer to, and its explicit dependencies.
    pub fn dependencies<'a>(&'a self, resource: &'a Resource) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        let mut push = |s: &'a str| {
            if s != resource.symbol && !out.contains(&s) {
                out.push(s);
            }
        };
        if let Some(p) = &resource.parent {
            push(p);
        }
        resource.properties.each_ref(&mut |r| push(&r.symbol));
        for d in &resource.depends_on {
            push(d);
        }
        out
    }
}

/// Builds the deployment of a checked design.
pub fn template(valid: &Valid, options: &Options) -> Template {
    resources::build(valid.design(), options)
}

/// The deployment of any design, checked or not and over Azure's limits or not: what the
/// import's benchmark and tests read at sizes no export writes. Users get [`template`].
#[doc(hidden)]
pub fn template_unchecked(design: &Design, options: &Options) -> Template {
    resources::build(design, options)
}

/// Why a design that checks clean is still not exported: Azure Resource Manager would refuse
/// its template, which breaks one of the template limits. Nothing is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every resource is a top-level entry of the template's `resources`.
    TooManyResources {
        resources: usize,
    },
    TooManyParameters {
        parameters: usize,
    },
    /// The length of the ARM template (also for Bicep, which compiles to it).
    TooLarge {
        bytes: usize,
    },
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refused::TooManyResources { resources } => write!(
                f,
                "the template would hold {resources} resources, over Azure Resource Manager's \
                 limit of {TEMPLATE_MAX_RESOURCES} in one template"
            ),
            Refused::TooManyParameters { parameters } => write!(
                f,
                "the template would take {parameters} parameters, over Azure Resource Manager's \
                 limit of {TEMPLATE_MAX_PARAMETERS} in one template"
            ),
            Refused::TooLarge { bytes } => write!(
                f,
                "the ARM template would be {bytes} bytes, over Azure Resource Manager's limit \
                 of {TEMPLATE_MAX_BYTES} bytes (4 MB)"
            ),
        }?;
        f.write_str("; split the design into smaller ones and export each")
    }
}

impl std::error::Error for Refused {}

/// The counts of a template against Azure's limits: cheap, so checked before any text is made.
fn within_counts(t: &Template) -> Result<(), Refused> {
    if t.resources.len() > TEMPLATE_MAX_RESOURCES {
        return Err(Refused::TooManyResources {
            resources: t.resources.len(),
        });
    }
    if t.parameters.len() > TEMPLATE_MAX_PARAMETERS {
        return Err(Refused::TooManyParameters {
            parameters: t.parameters.len(),
        });
    }
    Ok(())
}

/// The length of the ARM template against Azure's limit.
fn within_bytes(bytes: usize) -> Result<(), Refused> {
    if bytes > TEMPLATE_MAX_BYTES {
        Err(Refused::TooLarge { bytes })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use crate::presets::{self, Size};

    fn hub(spokes: usize) -> Design {
        presets::build(
            "hub-nva-proxy",
            &Size {
                spokes: Some(spokes),
                regions: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn a_template_over_800_resources_is_refused_in_both_syntaxes() {
        let options = Options::default();
        // 250 spokes fit (776 resources); 300 do not.
        let fits = hub(250);
        let valid = Valid::new(&fits).unwrap();
        assert_eq!(template(&valid, &options).resources.len(), 776);
        arm::to_string(&valid, &options).unwrap();
        bicep::render(&valid, &options).unwrap();

        let over = hub(300);
        let valid = Valid::new(&over).unwrap();
        let resources = template(&valid, &options).resources.len();
        assert!(resources > TEMPLATE_MAX_RESOURCES, "{resources}");
        let refused = Refused::TooManyResources { resources };
        assert_eq!(arm::to_string(&valid, &options), Err(refused));
        assert_eq!(bicep::render(&valid, &options), Err(refused));
        assert_eq!(
            refused.to_string(),
            "the template would hold 926 resources, over Azure Resource Manager's limit of 800 \
             in one template; split the design into smaller ones and export each"
        );
    }

    #[test]
    fn a_template_over_4_mb_or_256_parameters_is_refused() {
        let options = Options::default();
        // A long description is written into the template's metadata: 4 MB of it.
        let mut design = hub(2);
        design.description = "x".repeat(TEMPLATE_MAX_BYTES);
        let valid = Valid::new(&design).unwrap();
        let bytes = arm::text_len(&template(&valid, &options));
        assert!(bytes > TEMPLATE_MAX_BYTES);
        assert_eq!(
            arm::to_string(&valid, &options),
            Err(Refused::TooLarge { bytes })
        );
        assert_eq!(
            bicep::render(&valid, &options),
            Err(Refused::TooLarge { bytes })
        );
        assert!(Refused::TooLarge { bytes }
            .to_string()
            .contains(&format!("would be {bytes} bytes")));

        let mut t = template(&Valid::new(&hub(2)).unwrap(), &options);
        let p = t.parameters[0].clone();
        t.parameters = vec![p; TEMPLATE_MAX_PARAMETERS + 1];
        assert_eq!(
            within_counts(&t),
            Err(Refused::TooManyParameters { parameters: 257 })
        );
    }
}
