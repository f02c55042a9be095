//! The core as a service behind a message channel: the studio's page keeps the design, draws it
//! and edits it, and asks what needs the rules, the tracer or the exporters of a second copy of
//! the core that runs in a Web Worker. Those parts then weigh on neither the page's first
//! download nor its frames, and the worker can be built for speed rather than size.
//!
//! The channel carries JSON text: a [`Request`] in a [`Message`], a [`Reply`] back, in order. A
//! [`Request::Check`]'s design document travels beside its message rather than as a string in
//! the JSON: at 1,000 spokes it is about a megabyte, which JSON would escape on the page and
//! unescape here.
//! [`Service`] holds the design of the last [`Request::Check`] and its report: every other
//! request is about them, and every reply names the revision it answered, so that the page can
//! tell a late answer about an older design from a current one.
//!
//! Designs cross as design documents ([`crate::document`]), which the page already writes and
//! reads for its autosave: a second way to (de)serialise a design would be a second copy of that
//! code in the page's download. Findings go to the page as [`Listed`]: what the page shows, with
//! the label of the fix; the fix itself is made by the service when asked, for the design as it
//! is then.

use crate::document;
use crate::export::{arm, bicep, deployment_note, Options, Valid};
use crate::import::files::{import_files, Named, Outcome, Wanted};
use crate::import::report::Summary;
use crate::migrate::{self, ClientCheck, Diff};
use crate::model::{Design, Id, Protocol};
use crate::rules::{apply_fix, check, FixError, Report, Severity};
use crate::trace::{EffectiveRoute, Endpoint, Network, Trace};
use serde::{Deserialize, Serialize};

/// What the page asks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Request {
    /// Holds the design document that comes with the message (as [`document::to_json`]
    /// writes it; see [`Service::handle`]), the page's `revision` of it, and checks it.
    Check { revision: u64 },
    /// Applies the fix of finding `index` of the report on `revision`, as its rule offers it now.
    Fix { revision: u64, index: usize },
    /// A TCP flow between two ends typed as the trace panel takes them, on `port` or, when
    /// none is given, the port the destination listens on ([`Endpoint::default_port`]).
    Trace {
        from: String,
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
    },
    /// A deployment template of the held design.
    Export { format: ExportFormat },
    /// A subnet's effective routes.
    EffectiveRoutes { subnet: Id },
    /// The plan of the held design's migration to Azure Cloud HSM ([`migrate::plan`]).
    Migrate,
    /// Files to import (a design document, or a template or resource export with its
    /// parameter file) with the values the user gave (`NAME`, `VALUE`). The held design is
    /// not touched: the page opens the answer, and sends it to be checked.
    Import {
        files: Vec<Named>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        values: Vec<(String, String)>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Arm,
    Bicep,
}

/// What the service answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    Checked {
        findings: Vec<Listed>,
    },
    /// The design document with the fix applied (one undo step on the page).
    Fixed {
        document: String,
    },
    Traced {
        trace: Trace,
    },
    /// The template, and what must be done before it is deployed (a feature to register).
    Exported {
        text: String,
        note: Option<String>,
    },
    EffectiveRoutes {
        routes: Vec<EffectiveRoute>,
    },
    Migrated {
        plan: Planned,
    },
    /// The imported design's document, and the import report (none for a design document,
    /// which is opened as it is).
    Imported {
        document: String,
        report: Option<Summary>,
    },
    /// The import needs values for these parameters: ask the user, then import again.
    Wants {
        parameters: Vec<Wanted>,
    },
    /// The request could not be answered, in a sentence for the user.
    Refused {
        message: String,
    },
}

impl Answer {
    /// The answer's kind, as the channel names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Answer::Checked { .. } => "checked",
            Answer::Fixed { .. } => "fixed",
            Answer::Traced { .. } => "traced",
            Answer::Exported { .. } => "exported",
            Answer::EffectiveRoutes { .. } => "effective_routes",
            Answer::Migrated { .. } => "migrated",
            Answer::Imported { .. } => "imported",
            Answer::Wants { .. } => "wants",
            Answer::Refused { .. } => "refused",
        }
    }
}

/// A finding as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Listed {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub elements: Vec<Id>,
    /// The label of its one-click fix, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A migration plan as the page shows it: the target as a design document (opened as one undo
/// step), what it adds, changes and marks retirable, the trace of each former client, and the
/// steps the network cannot show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub target: String,
    pub diff: Diff,
    pub clients: Vec<ClientCheck>,
    pub checklist: Vec<ListedStep>,
}

/// A step of [`migrate::CHECKLIST`] as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedStep {
    pub step: String,
    pub source: String,
    pub links: Vec<String>,
}

/// How many of `findings` are of `severity`.
pub fn count(findings: &[Listed], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// A request with the number the page gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: u64,
    pub request: Request,
}

/// An answer to message `id`, about revision `revision` of the design, and how long the work
/// took in milliseconds by the service's clock (for a check: the rules alone).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: u64,
    pub revision: u64,
    pub ms: f64,
    pub answer: Answer,
}

/// The service's state: the design the page last sent, and its report.
#[derive(Debug)]
pub struct Service {
    design: Design,
    revision: u64,
    report: Report,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            design: Design::new(""),
            revision: 0,
            report: Report::default(),
        }
    }
}

impl Service {
    /// Answers one message in JSON, `document` being the design document that comes with a
    /// [`Request::Check`] (other requests have none: empty); `clock` reads milliseconds (the
    /// worker's performance.now). Text that is not a message is answered with a refusal to
    /// message 0, so the page hears of it rather than waiting.
    pub fn handle(&mut self, text: &str, document: &str, clock: impl Fn() -> f64) -> String {
        let (id, ms, answer) = match serde_json::from_str::<Message>(text) {
            Ok(Message { id, request }) => {
                if let Request::Check { revision } = request {
                    if let Err(why) = self.hold(revision, document) {
                        return self.reply(id, 0.0, refused(why));
                    }
                }
                let started = clock();
                let answer = self.answer(request);
                (id, clock() - started, answer)
            }
            Err(e) => (
                0,
                0.0,
                refused(format!("the checker could not read the request ({e})")),
            ),
        };
        self.reply(id, ms, answer)
    }

    fn reply(&self, id: u64, ms: f64, answer: Answer) -> String {
        let reply = Reply {
            id,
            revision: self.revision,
            ms: if ms.is_finite() { ms } else { 0.0 },
            answer,
        };
        serde_json::to_string(&reply).expect("a reply holds only text, numbers and ids")
    }

    /// Reads the design `document` of `revision`; later requests are about it.
    fn hold(&mut self, revision: u64, text: &str) -> Result<(), String> {
        let design = document::load(text)
            .map_err(|e| format!("the checker could not read the design ({e})"))?;
        self.design = design;
        self.revision = revision;
        self.report = Report::default();
        Ok(())
    }

    /// Answers a request about the held design (a [`Request::Check`] here checks it as held:
    /// [`Service::handle`] has read its document).
    pub fn answer(&mut self, request: Request) -> Answer {
        match request {
            Request::Check { .. } => {
                self.report = check(&self.design);
                Answer::Checked {
                    findings: self.report.findings.iter().map(listed).collect(),
                }
            }
            Request::Fix { revision, index } => self.fix(revision, index),
            Request::Trace { from, to, port } => {
                let ends = Endpoint::parse(&self.design, &from)
                    .map_err(|e| format!("From: {e}"))
                    .and_then(|source| {
                        Endpoint::parse(&self.design, &to)
                            .map(|target| (source, target))
                            .map_err(|e| format!("To: {e}"))
                    });
                let traced = ends.and_then(|(source, target)| {
                    let port = port.unwrap_or_else(|| target.default_port(&self.design));
                    Network::new(&self.design)
                        .trace(source, target, Protocol::Tcp, port)
                        .map_err(|e| e.to_string())
                });
                match traced {
                    Ok(trace) => Answer::Traced { trace },
                    Err(message) => refused(message),
                }
            }
            Request::Export { format } => self.export(format),
            Request::EffectiveRoutes { subnet } => Answer::EffectiveRoutes {
                routes: Network::new(&self.design)
                    .effective_routes(subnet)
                    .map(|set| set.routes().to_vec())
                    .unwrap_or_default(),
            },
            Request::Migrate => match migrate::plan(&self.design) {
                Ok(m) => Answer::Migrated {
                    plan: Planned {
                        target: document::to_json(&m.target),
                        diff: m.diff,
                        clients: m.clients,
                        checklist: m
                            .checklist
                            .iter()
                            .map(|s| ListedStep {
                                step: s.step.to_string(),
                                source: s.source.to_string(),
                                links: s.links.iter().map(|l| l.to_string()).collect(),
                            })
                            .collect(),
                    },
                },
                Err(e) => refused(format!("No migration plan: {e}")),
            },
            Request::Import { files, values } => match import_files(&files, &values) {
                Ok(Outcome::Opened(design)) => Answer::Imported {
                    document: document::to_json(&design),
                    report: None,
                },
                Ok(Outcome::Imported(imported)) => Answer::Imported {
                    document: document::to_json(&imported.design),
                    report: Some(imported.report.summary()),
                },
                Ok(Outcome::Wants(parameters)) => Answer::Wants { parameters },
                Err(message) => refused(message),
            },
        }
    }

    fn fix(&self, revision: u64, index: usize) -> Answer {
        // Made for the design as the page showed it: an edit since then would be lost.
        let finding = match self.report.findings.get(index) {
            Some(finding) if revision == self.revision => finding,
            _ => return refused("Not applied: the design changed meanwhile. Try again."),
        };
        match apply_fix(&self.design, finding) {
            Ok(design) => Answer::Fixed {
                document: document::to_json(&design),
            },
            Err(FixError::Resolved) => refused("Nothing to fix: the problem is already solved."),
            Err(other) => refused(format!("Not applied: {other}.")),
        }
    }

    fn export(&self, format: ExportFormat) -> Answer {
        let valid = match Valid::new(&self.design) {
            Ok(valid) => valid,
            Err(report) => return refused(errors_in_words(&report)),
        };
        let options = Options::default();
        let made = match format {
            ExportFormat::Arm => arm::to_string(&valid, &options),
            ExportFormat::Bicep => bicep::render(&valid, &options),
        };
        match made {
            Ok(text) => Answer::Exported {
                text,
                note: deployment_note(&self.design).map(str::to_string),
            },
            // Too large for one deployment: Azure would refuse the template.
            Err(too_large) => refused(too_large.to_string()),
        }
    }
}

fn listed(finding: &crate::rules::Finding) -> Listed {
    Listed {
        rule: finding.rule.to_string(),
        severity: finding.severity,
        message: finding.message.clone(),
        elements: finding.elements.clone(),
        fix: finding.fix.as_ref().map(|fix| fix.label.clone()),
    }
}

fn refused(message: impl Into<String>) -> Answer {
    Answer::Refused {
        message: message.into(),
    }
}

/// Why a design with errors is not exported: how many, and each with its rule.
fn errors_in_words(report: &Report) -> String {
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    format!(
        "the design has {} error{}. {}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        errors.join(" · ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{self, Size};

    fn hub() -> Design {
        presets::build("hub-nva-proxy", &Size::default()).unwrap()
    }

    /// Sends a request through the JSON channel, as the worker does.
    fn ask(service: &mut Service, id: u64, request: Request) -> Reply {
        ask_with(service, id, request, "")
    }

    /// Sends a request with the design document that comes with it.
    fn ask_with(service: &mut Service, id: u64, request: Request, document: &str) -> Reply {
        let text = serde_json::to_string(&Message { id, request }).unwrap();
        serde_json::from_str(&service.handle(&text, document, || 0.0)).unwrap()
    }

    fn hold(service: &mut Service, revision: u64, design: &Design) -> Vec<Listed> {
        let document = document::to_json(design);
        let reply = ask_with(service, revision, Request::Check { revision }, &document);
        assert_eq!(reply.revision, revision);
        match reply.answer {
            Answer::Checked { findings } => findings,
            other => panic!("{other:?}"),
        }
    }

    fn without_hsm_delegation(mut design: Design) -> Design {
        let hsm_subnet = design
            .vnets
            .iter_mut()
            .flat_map(|v| &mut v.subnets)
            .find(|s| s.is_hsm_delegated())
            .unwrap();
        hsm_subnet.delegation = None;
        design
    }

    #[test]
    fn a_check_lists_the_report_of_the_held_design_and_a_fix_applies_to_it() {
        let mut service = Service::default();
        let design = without_hsm_delegation(hub());
        let findings = hold(&mut service, 7, &design);
        let report = check(&design);
        assert_eq!(
            findings,
            report.findings.iter().map(listed).collect::<Vec<_>>()
        );
        let index = findings.iter().position(|f| f.fix.is_some()).unwrap();
        let reply = ask(&mut service, 2, Request::Fix { revision: 7, index });
        let Answer::Fixed { document } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        let fixed = document::load(&document).unwrap();
        assert_eq!(fixed, apply_fix(&design, &report.findings[index]).unwrap());
    }

    #[test]
    fn a_fix_asked_for_an_older_revision_is_refused() {
        let mut service = Service::default();
        let design = without_hsm_delegation(hub());
        hold(&mut service, 1, &design);
        hold(&mut service, 2, &design);
        let reply = ask(
            &mut service,
            3,
            Request::Fix {
                revision: 1,
                index: 0,
            },
        );
        let Answer::Refused { message } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert!(message.contains("changed meanwhile"), "{message}");
        let reply = ask(
            &mut service,
            4,
            Request::Fix {
                revision: 2,
                index: 999,
            },
        );
        assert!(matches!(reply.answer, Answer::Refused { .. }));
    }

    #[test]
    fn traces_exports_and_routes_answer_for_the_held_design() {
        let mut service = Service::default();
        let design = hub();
        hold(&mut service, 1, &design);
        let hsm = design.hsms[0].name.clone();
        let site = design.sites[0].name.clone();
        let port = crate::azure::ports::LUNA_NTLS_PORT;
        let reply = ask(
            &mut service,
            2,
            Request::Trace {
                from: site,
                to: hsm,
                port: Some(port),
            },
        );
        let Answer::Traced { trace } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        // The trace survives the channel.
        let native = crate::trace::trace(
            &design,
            Endpoint::parse(&design, &design.sites[0].name).unwrap(),
            Endpoint::parse(&design, &design.hsms[0].name).unwrap(),
            Protocol::Tcp,
            port,
        )
        .unwrap();
        assert_eq!(trace, native);
        let from = "nowhere".to_string();
        let to = "10.0.0.1".to_string();
        let reply = ask(
            &mut service,
            3,
            Request::Trace {
                from,
                to,
                port: None,
            },
        );
        let Answer::Refused { message } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert!(message.starts_with("From: "), "{message}");
        for format in [ExportFormat::Arm, ExportFormat::Bicep] {
            let reply = ask(&mut service, 4, Request::Export { format });
            assert!(
                matches!(reply.answer, Answer::Exported { .. }),
                "{format:?}"
            );
        }
        let subnet = design.vnets[0].subnets[0].id;
        let reply = ask(&mut service, 5, Request::EffectiveRoutes { subnet });
        let Answer::EffectiveRoutes { routes } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert!(!routes.is_empty());
    }

    #[test]
    fn a_design_with_errors_is_not_exported_and_the_errors_are_named() {
        let mut service = Service::default();
        let mut design = hub();
        design.vnets[0].subnets[0].prefix = "10.0.0.1/24".parse().unwrap();
        hold(&mut service, 1, &design);
        let format = ExportFormat::Arm;
        let reply = ask(&mut service, 2, Request::Export { format });
        let Answer::Refused { message } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert!(message.contains("prefix-canonical"), "{message}");
    }

    #[test]
    fn an_import_answers_with_the_design_the_parameters_to_ask_for_or_why_not() {
        let mut service = Service::default();
        let design = hub();
        hold(&mut service, 3, &design);
        let template = r#"{"parameters": {"vnetName": {"type": "string",
            "metadata": {"description": "The VNet"}}},
          "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01",
            "name": "[parameters('vnetName')]", "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}},
            {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
             "name": "logs", "location": "westeurope"}]}"#;
        let files = vec![Named {
            name: "azuredeploy.json".into(),
            text: template.into(),
        }];
        let reply = ask(
            &mut service,
            4,
            Request::Import {
                files: files.clone(),
                values: Vec::new(),
            },
        );
        let Answer::Wants { parameters } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert_eq!(parameters[0].name, "vnetName");
        assert_eq!(parameters[0].description.as_deref(), Some("The VNet"));
        let values = vec![("vnetName".to_string(), "imported-vnet".to_string())];
        let reply = ask(&mut service, 5, Request::Import { files, values });
        let Answer::Imported {
            document,
            report: Some(report),
        } = reply.answer
        else {
            panic!("{:?}", reply.answer)
        };
        assert_eq!(
            document::load(&document).unwrap().vnets[0].name,
            "imported-vnet"
        );
        assert!(
            report.groups[0].paths[0].starts_with("resources[1]"),
            "{report:?}"
        );
        // The held design is still the page's.
        assert_eq!(reply.revision, 3);
        assert_eq!(service.design, design);
        let files = vec![Named {
            name: "broken.json".into(),
            text: template.replace("[parameters('vnetName')]", "[concat('a', ]"),
        }];
        let reply = ask(
            &mut service,
            6,
            Request::Import {
                files,
                values: Vec::new(),
            },
        );
        let Answer::Refused { message } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert!(
            message.starts_with("broken.json: resources[0].name: "),
            "{message}"
        );
    }

    #[test]
    fn text_that_is_not_a_message_or_a_design_is_refused_not_ignored() {
        let mut service = Service::default();
        let reply: Reply = serde_json::from_str(&service.handle("{\"id\":", "", || 0.0)).unwrap();
        assert_eq!(reply.id, 0);
        assert!(matches!(reply.answer, Answer::Refused { .. }));
        let reply = ask_with(&mut service, 5, Request::Check { revision: 1 }, "{}");
        assert_eq!((reply.id, reply.revision), (5, 0));
        assert!(matches!(reply.answer, Answer::Refused { .. }));
    }

    #[test]
    fn a_trace_without_a_port_takes_the_destinations() {
        let mut service = Service::default();
        let design = presets::build("cloud-hsm", &Size::default()).unwrap();
        hold(&mut service, 1, &design);
        let from = design
            .vnets
            .iter()
            .flat_map(|v| v.subnets.iter().map(move |s| (v, s)))
            .find(|(_, s)| s.hsm_client)
            .map(|(v, s)| format!("{}/{}", v.name, s.name))
            .unwrap();
        let to = design.cloud_hsm_clusters[0].name.clone();
        let reply = ask(
            &mut service,
            2,
            Request::Trace {
                from,
                to,
                port: None,
            },
        );
        let Answer::Traced { trace } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert_eq!(trace.port, 2225);
        assert!(trace.delivered(), "{trace}");
    }

    #[test]
    fn a_migration_plan_carries_the_target_its_diff_the_client_traces_and_the_checklist() {
        let mut service = Service::default();
        let design = hub();
        hold(&mut service, 1, &design);
        let reply = ask(&mut service, 2, Request::Migrate);
        let Answer::Migrated { plan } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        let native = migrate::plan(&design).unwrap();
        assert_eq!(document::load(&plan.target).unwrap(), native.target);
        assert_eq!(plan.diff, native.diff);
        assert_eq!(plan.clients, native.clients);
        assert!(plan.clients.iter().all(|c| c.reaches));
        assert_eq!(plan.checklist.len(), migrate::CHECKLIST.len());
        assert!(plan.checklist.iter().all(|s| !s.links.is_empty()));
        // A design with no Dedicated HSM has no plan, and says so.
        let cloud = presets::build("cloud-hsm", &Size::default()).unwrap();
        hold(&mut service, 3, &cloud);
        let reply = ask(&mut service, 4, Request::Migrate);
        let Answer::Refused { message } = reply.answer else {
            panic!("{:?}", reply.answer)
        };
        assert!(message.contains("no Dedicated HSM"), "{message}");
    }
}
