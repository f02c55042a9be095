//! The import report: what was read, what became elements, and every place that could not be
//! modelled or was only referred to, by JSON path.

use super::source::Shape;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

    /// What was read and how much of it became elements, in a sentence.
    pub fn headline(&self) -> String {
        let what = match self.shape {
            Shape::Template => "deployment template",
            Shape::ResourceExport => "resource export",
        };
        let mapped: usize = self.mapped.values().sum();
        format!(
            "imported a {what}: {} resource{}, {mapped} modelled",
            self.resources,
            if self.resources == 1 { "" } else { "s" }
        )
    }

    /// The report as the studio shows it: the notes of each kind grouped by message (each
    /// group with its count and its paths), in the order they were first noted.
    pub fn summary(&self) -> Summary {
        let mut groups: Vec<Group> = Vec::new();
        let mut at: BTreeMap<(u8, &str), usize> = BTreeMap::new();
        for note in &self.notes {
            let key = (note.kind as u8, note.message.as_str());
            let i = *at.entry(key).or_insert_with(|| {
                groups.push(Group {
                    kind: note.kind,
                    message: note.message.clone(),
                    paths: Vec::new(),
                });
                groups.len() - 1
            });
            groups[i].paths.push(note.path.clone());
        }
        Summary {
            headline: self.headline(),
            mapped: self.mapped.iter().map(|(k, n)| (k.clone(), *n)).collect(),
            groups,
        }
    }

    /// The report as lines of text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.headline());
        for (kind, n) in &self.mapped {
            let _ = writeln!(out, "  {n:>5} {kind}");
        }
        for kind in [NoteKind::External, NoteKind::NotModelled] {
            let title = kind.title();
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

impl NoteKind {
    /// What the notes of this kind are, as a heading.
    pub fn title(self) -> &'static str {
        match self {
            NoteKind::External => "external (referred to, not declared)",
            NoteKind::NotModelled => "not modelled",
        }
    }
}

/// A report as the studio shows it ([`Report::summary`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub headline: String,
    /// Resources modelled, by type.
    pub mapped: Vec<(String, usize)>,
    pub groups: Vec<Group>,
}

/// Notes of one kind with the same message, and where each is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub kind: NoteKind,
    pub message: String,
    pub paths: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_with_the_same_message_are_one_group_with_its_paths_in_order() {
        let mut report = Report::new(Shape::Template, 3);
        report.count("Microsoft.Network/virtualNetworks");
        for (kind, path, message) in [
            (NoteKind::NotModelled, "a", "property not modelled"),
            (NoteKind::External, "b", "property not modelled"),
            (
                NoteKind::NotModelled,
                "c",
                "this resource type is not modelled",
            ),
            (NoteKind::NotModelled, "d", "property not modelled"),
        ] {
            report.note(kind, path.into(), message.into());
        }
        let summary = report.summary();
        assert_eq!(
            summary.headline,
            "imported a deployment template: 3 resources, 1 modelled"
        );
        let groups: Vec<(NoteKind, &str, Vec<&str>)> = summary
            .groups
            .iter()
            .map(|g| {
                let paths = g.paths.iter().map(String::as_str).collect();
                (g.kind, g.message.as_str(), paths)
            })
            .collect();
        assert_eq!(
            groups,
            [
                (
                    NoteKind::NotModelled,
                    "property not modelled",
                    vec!["a", "d"]
                ),
                (NoteKind::External, "property not modelled", vec!["b"]),
                (
                    NoteKind::NotModelled,
                    "this resource type is not modelled",
                    vec!["c"]
                ),
            ]
        );
    }
}
