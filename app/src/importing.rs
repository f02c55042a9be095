//! Importing files (chosen with "Import…" or dropped on the canvas): their texts go to the
//! checker worker, whose `Request::Import` decides what they are and imports them (the importer
//! is not in the page's download). Its answer opens the design as one undo step with its
//! report, asks for the parameters the template needs (the parameter dialog, then the same files
//! again with the values), or says why not, keeping the open design.

use crate::files;
use crate::state::Studio;
use crate::{checker, codec, reading};
use hsmnet_core::import::files::{Named, Wanted};
use hsmnet_core::import::report::Summary;
use hsmnet_core::service::{Answer, Request};
use hsmnet_core::Design;
use leptos::prelude::*;

/// Files waiting for the values the user is asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Asking {
    pub files: Vec<Named>,
    /// Values given in earlier rounds.
    pub values: Vec<(String, String)>,
    pub wanted: Vec<Wanted>,
}

/// The report of the last import, shown while its design is the one opened.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The files imported, by name.
    pub files: String,
    pub summary: Summary,
    /// `Studio::opened` once the design was opened: another design opened hides the report.
    pub opened: u32,
}

/// Handed down by context to the toolbar, the canvas, the dialog and the report panel.
#[derive(Clone, Copy)]
pub struct Importing {
    /// Some while the parameter dialog is open.
    pub asking: RwSignal<Option<Asking>>,
    pub report: RwSignal<Option<Shown>>,
}

impl Importing {
    pub fn new() -> Self {
        Importing {
            asking: RwSignal::new(None),
            report: RwSignal::new(None),
        }
    }

    /// Reads the files the user chose or dropped, then imports them together.
    pub fn files(self, studio: Studio, list: web_sys::FileList) {
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if chosen.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let mut read = Vec::with_capacity(chosen.len());
            for file in chosen {
                let name = file.name();
                match files::read_text(file).await {
                    Ok(text) => read.push(Named { name, text }),
                    Err(e) => return studio.refuse(not_imported(&e)),
                }
            }
            self.import(studio, read, Vec::new());
        });
    }

    /// The files of the open dialog again, with the values typed in it (empty fields left out).
    pub fn answer(self, studio: Studio, typed: Vec<(String, String)>) {
        let Some(asking) = self.asking.get_untracked() else {
            return;
        };
        self.asking.set(None);
        let mut values = asking.values;
        values.extend(typed.into_iter().filter(|(_, v)| !v.trim().is_empty()));
        self.import(studio, asking.files, values);
    }

    /// Opens the imported design, with its report (none for a design document).
    fn opened(self, studio: Studio, design: Design, names: String, report: Option<Summary>) {
        studio.open(design);
        let opened = studio.opened.get_untracked();
        match &report {
            Some(summary) => studio.tell(format!("{names}: {}.", summary.headline)),
            None => studio.tell(format!("Opened {names}.")),
        }
        self.report.set(report.map(|summary| Shown {
            files: names,
            summary,
            opened,
        }));
    }

    fn import(self, studio: Studio, files: Vec<Named>, values: Vec<(String, String)>) {
        let names = files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let request = Request::Import {
            files: files.clone(),
            values: values.clone(),
        };
        studio.tell(format!("Importing {names}…"));
        checker::ask(request, move |reply| match reply.answer {
            Answer::Imported { document, report } => leptos::task::spawn_local(async move {
                match codec::read_design(document).await {
                    Ok(design) => self.opened(studio, design, names, report),
                    Err(e) => reading::when_located(e, move |e| {
                        studio.refuse(not_imported(&e.to_string()))
                    }),
                }
            }),
            Answer::Wants { parameters } => {
                studio.tell(format!("{names} needs parameter values."));
                self.asking.set(Some(Asking {
                    files,
                    values,
                    wanted: parameters,
                }));
            }
            Answer::Refused { message } => studio.refuse(not_imported(&message)),
            other => studio.refuse(not_imported(&checker::unexpected(&other))),
        });
    }
}

fn not_imported(why: &str) -> String {
    format!("Not imported: {why}. The design you had is kept.")
}
