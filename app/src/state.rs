//! The studio's state: the open design with its undo history, the selection, and the last
//! message for the user. What is derived from the design (its report, its scene) is a memo, never
//! stored beside it, so it cannot disagree with it.
//!
//! Every change to the design goes through [`Studio::apply`] (one core [`Edit`], one undo step)
//! or [`Studio::open`] (a whole new design: a preset, a file, a link, also one undo step). A
//! refused edit leaves the design as it was and says why in [`Studio::notice`].

use crate::scene::Scene;
use hsmnet_core::edit::{Edit, History};
use hsmnet_core::presets::{self, Size};
use hsmnet_core::rules::{apply_fix, FixError};
use hsmnet_core::{check, Design, Finding, Id, Report};
use leptos::prelude::*;

/// How a message to the user reads: a plain note, or something refused or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Refusal,
}

/// Where a message shows: in the status line, or beside the canvas whose action it answers
/// (a refused drop, link or paste), where the eye is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Status,
    Canvas,
}

/// A short message about the last action (both places are live regions, so screen readers
/// hear it). There is one at a time: the next action replaces or clears it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub tone: Tone,
    pub text: String,
    pub place: Place,
}

/// Handed to every component through context; all fields are cheap `Copy` handles.
#[derive(Clone, Copy)]
pub struct Studio {
    /// The open design and its undo/redo stacks. Read it with [`Studio::with_design`].
    pub history: RwSignal<History>,
    pub report: Memo<Report>,
    pub scene: Memo<Scene>,
    /// Selected elements, in the order they were picked.
    pub selection: RwSignal<Vec<Id>>,
    /// The last message for the user, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Counts the designs opened (presets, files, links): the diagram fits a newly opened
    /// design to the view, but keeps the view still while the open one is edited.
    pub opened: RwSignal<u32>,
    /// How long the last check of the design took, in milliseconds (performance.now()); read
    /// it after reading `report`, which updates it.
    pub check_ms: StoredValue<f64>,
}

impl Studio {
    /// A studio showing `design`, with nothing to undo.
    pub fn new(design: Design) -> Self {
        let history = RwSignal::new(History::new(design));
        let check_ms = StoredValue::new(0.0);
        let report = Memo::new(move |_| {
            let started = now_ms();
            let report = history.with(|h| check(h.current()));
            check_ms.set_value(now_ms() - started);
            report
        });
        let scene = Memo::new(move |_| history.with(|h| Scene::of(h.current())));
        Studio {
            history,
            report,
            scene,
            selection: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            opened: RwSignal::new(0),
            check_ms,
        }
    }

    /// The design a new session starts from: the first reference architecture at its default size.
    pub fn first_design() -> Design {
        presets::ALL
            .first()
            .and_then(|p| presets::build(p.name, &Size::default()).ok())
            .unwrap_or_else(|| Design::new("Untitled design"))
    }

    /// Reads the open design (tracked: the caller re-runs when it changes).
    pub fn with_design<R>(&self, f: impl FnOnce(&Design) -> R) -> R {
        self.history.with(|h| f(h.current()))
    }

    /// Reads the open design without subscribing (event handlers).
    pub fn with_design_untracked<R>(&self, f: impl FnOnce(&Design) -> R) -> R {
        self.history.with_untracked(|h| f(h.current()))
    }

    /// Applies an edit as one undoable step. A refused edit changes nothing and is reported
    /// in the status line; returns whether it was applied. An applied edit clears the message
    /// of the action before it, which no longer describes the design: the caller says what it
    /// did ([`Studio::tell`]).
    pub fn apply(&self, edit: Edit) -> bool {
        let mut result = Ok(());
        self.history.update(|h| result = h.apply(&edit));
        match result {
            Ok(()) => {
                self.notice.set(None);
                self.prune_selection();
                true
            }
            Err(e) => {
                self.refuse(format!("Not applied: {e}"));
                false
            }
        }
    }

    /// Applies the one-click fix of `finding` as one undoable step, computed by the finding's
    /// rule against the design as it is now (not the edit the finding carried when it was
    /// shown, which earlier fixes or edits may have outdated). On an error nothing changes and
    /// the caller says why beside the finding.
    pub fn fix(&self, finding: &Finding) -> Result<(), FixError> {
        let fixed = self.with_design_untracked(|d| apply_fix(d, finding))?;
        self.history.update(|h| h.replace(fixed));
        self.notice.set(None);
        self.prune_selection();
        Ok(())
    }

    /// Opens a whole design (a preset, a file, a link) as one undoable step.
    pub fn open(&self, design: Design) {
        self.history.update(|h| h.replace(design));
        self.selection.set(Vec::new());
        self.opened.update(|n| *n += 1);
    }

    pub fn undo(&self) {
        let mut done = false;
        self.history.update(|h| done = h.undo());
        if done {
            self.prune_selection();
            self.tell("Undid the last change.");
        }
    }

    pub fn redo(&self) {
        let mut done = false;
        self.history.update(|h| done = h.redo());
        if done {
            self.prune_selection();
            self.tell("Redid the change.");
        }
    }

    /// Says what the last action did, in the status line.
    pub fn tell(&self, text: impl Into<String>) {
        self.say(Tone::Info, Place::Status, text);
    }

    /// Says why something was refused (an export, a file, an input) in the status line.
    pub fn refuse(&self, text: impl Into<String>) {
        self.say(Tone::Refusal, Place::Status, text);
    }

    /// Says why an action on the canvas (a drop, a link, a paste, a rename) was refused,
    /// beside the canvas.
    pub fn refuse_on_canvas(&self, text: impl Into<String>) {
        self.say(Tone::Refusal, Place::Canvas, text);
    }

    fn say(&self, tone: Tone, place: Place, text: impl Into<String>) {
        self.notice.set(Some(Notice {
            tone,
            text: text.into(),
            place,
        }));
    }

    /// Drops selected ids that no longer exist (after a removal, an undo, a redo).
    fn prune_selection(&self) {
        let alive = |id: &Id| self.with_design_untracked(|d| d.describe(*id).is_some());
        if self.selection.with_untracked(|s| !s.iter().all(alive)) {
            self.selection.update(|s| s.retain(alive));
        }
    }
}

/// The page's clock in milliseconds (0 where there is none, as in native tests).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
