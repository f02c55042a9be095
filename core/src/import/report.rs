//! The import report: what was read, what became elements, and every place that could not be
//! modelled or was only referred to, by JSON path.

use super::source::Shape;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A resource type, a property or a value the design has no place for.
    NotModelled,
    /// A reference to something the file does not declare; an external element stands for it,
    /// or the link is left out.
    External,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    /// Where in the input: `resources[3].properties.subnets[0].properties.serviceEndpoints`.
    pub path: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub shape: Shape,
    /// Resources read (after copy loops and conditions).
    pub resources: usize,
    /// Resources mapped, by type.
    pub mapped: BTreeMap<String, usize>,
    pub notes: Vec<Note>,
}

impl Report {
    pub fn new(shape: Shape, resources: usize) -> Self {
        Report {
            shape,
            resources,
            mapped: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    pub fn count(&mut self, kind: &str) {
        *self.mapped.entry(kind.to_string()).or_default() += 1;
    }

    pub fn note(&mut self, kind: NoteKind, path: String, message: String) {
        self.notes.push(Note {
            kind,
            path,
            message,
        });
    }

    /// Notes of a kind.
    pub fn notes_of(&self, kind: NoteKind) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.kind == kind)
    }

    /// The report as lines of text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let what = match self.shape {
            Shape::Template => "deployment template",
            Shape::ResourceExport => "resource export",
        };
        let mapped: usize = self.mapped.values().sum();
        let _ = writeln!(
            out,
            "imported a {what}: {} resource{}, {mapped} modelled",
            self.resources,
            if self.resources == 1 { "" } else { "s" }
        );
        for (kind, n) in &self.mapped {
            let _ = writeln!(out, "  {n:>5} {kind}");
        }
        for (kind, title) in [
            (NoteKind::External, "external (referred to, not declared)"),
            (NoteKind::NotModelled, "not modelled"),
        ] {
            let notes: Vec<&Note> = self.notes_of(kind).collect();
            if notes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title}: {}", notes.len());
            for n in notes {
                let _ = writeln!(out, "  {}: {}", n.path, n.message);
            }
        }
        out
    }
}
