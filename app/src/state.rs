//! The studio's state: the open design with its undo history, the selection, and the last
//! message for the user. The scene is a memo of the design. The report comes from the checker
//! worker (`checker`): every change of the design is sent to it with a new revision number, and
//! only the report of the current revision is shown, so a late report of an older design never
//! replaces it.
//!
//! Every change to the design goes through [`Studio::apply`] (one core [`Edit`], one undo step)
//! or [`Studio::open`] (a whole new design: a preset, a file, a link, also one undo step). A
//! refused edit leaves the design as it was and says why in [`Studio::notice`].

use crate::scene::Scene;
use crate::{checker, codec, reading};
use hsmnet_core::draw::view::LABEL_FONT;
use hsmnet_core::edit::{Edit, History};
use hsmnet_core::presets;
use hsmnet_core::service::{Answer, Listed, Request};
use hsmnet_core::{Design, Id};
use leptos::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// What waits for the next current report ([`Studio::when_checked`]).
    static AFTER_CHECK: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
}

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
    /// The design as a design document: what the autosave stores and the checker reads. It is
    /// written by the lazy `codec` after each change; `None` until the first is written.
    pub document: RwSignal<Option<String>>,
    /// The checker's findings on the design, once it has answered for this revision.
    pub report: RwSignal<Vec<Listed>>,
    /// Whether `report` is about the design as it is now (false while the checker works).
    pub checked: RwSignal<bool>,
    /// Counts the changes of the design: the checker's replies name the one they answer.
    pub revision: StoredValue<u64>,
    /// What the canvas draws, its labels fitted for `label_font`.
    pub scene: Memo<Scene>,
    /// The size of the smallest labels on the canvas, in canvas units: set by the canvas as its
    /// zoom changes (`draw::view::label_font`), so that the labels stay readable zoomed out.
    pub label_font: RwSignal<f64>,
    /// Selected elements, in the order they were picked.
    pub selection: RwSignal<Vec<Id>>,
    /// The last message for the user, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Counts the designs opened (presets, files, links): the diagram fits a newly opened
    /// design to the view, but keeps the view still while the open one is edited.
    pub opened: RwSignal<u32>,
    /// How long the last check of the design took in the checker, in milliseconds
    /// (performance.now()); read it after reading `report`, which updates it.
    pub check_ms: StoredValue<f64>,
    /// True once the diagram has been drawn and painted: what the first drawing must not wait
    /// for (the checker, the lazy chunks, the gallery of a first visit) starts then.
    pub drawn: RwSignal<bool>,
}

impl Studio {
    /// A studio showing `design`, with nothing to undo.
    pub fn new(design: Design) -> Self {
        let history = RwSignal::new(History::new(design));
        let check_ms = StoredValue::new(0.0);
        let document = RwSignal::new(None);
        // Changes come faster than the first write (the chunk is loading): each write is
        // numbered and only the newest change's document is kept.
        let written = StoredValue::new(0u64);
        Effect::new(move |_| {
            let number = written.get_value() + 1;
            written.set_value(number);
            history.with(|h| {
                codec::on_design(h.current(), move |text| {
                    // As a memo would: the same document again (an undo with nothing to undo)
                    // wakes neither the autosave nor the checker.
                    if written.try_get_value() == Some(number)
                        && document.with_untracked(|d| d.as_deref() != Some(text.as_str()))
                    {
                        document.set(Some(text));
                    }
                })
            });
        });
        let report = RwSignal::new(Vec::new());
        let checked = RwSignal::new(false);
        let revision = StoredValue::new(0);
        let notice = RwSignal::new(None);
        let drawn = RwSignal::new(false);
        Effect::new(move |_| {
            if drawn.get() {
                checker::start();
            }
        });
        Effect::new(move |_| {
            let sent = revision.get_value() + 1;
            revision.set_value(sent);
            checked.set(false);
            let Some(text) = document.get() else {
                return;
            };
            checker::check(sent, text, move |reply| match reply.answer {
                Answer::Checked { findings }
                    if Some(reply.revision) == revision.try_get_value() =>
                {
                    check_ms.set_value(reply.ms);
                    report.set(findings);
                    checked.set(true);
                    for then in AFTER_CHECK.take() {
                        then();
                    }
                }
                Answer::Refused { message } => {
                    notice.try_set(Some(Notice {
                        tone: Tone::Refusal,
                        text: format!("The design is not checked: {message}."),
                        place: Place::Status,
                    }));
                }
                _ => {}
            });
        });
        let label_font = RwSignal::new(LABEL_FONT);
        let scene = Memo::new(move |_| {
            let font = label_font.get();
            history.with(|h| {
                let scene = Scene::at(h.current(), font);
                // A large drawing's labels stay at their least size at every zoom: laying out
                // hundreds of shapes again would re-create them all. A design that grew large
                // while zoomed out is laid out again once.
                if scene.is_large() && font != LABEL_FONT {
                    Scene::at(h.current(), LABEL_FONT)
                } else {
                    scene
                }
            })
        });
        Studio {
            history,
            document,
            report,
            checked,
            revision,
            scene,
            label_font,
            selection: RwSignal::new(Vec::new()),
            notice,
            opened: RwSignal::new(0),
            check_ms,
            drawn,
        }
    }

    /// The design a new session starts from: the first reference architecture at its default size.
    pub fn first_design() -> Design {
        presets::first()
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

    /// Applies the one-click fix of `finding` of the report shown, as one undoable step,
    /// computed by the finding's rule against the design as it is now (not the edit the finding
    /// carried when it was shown, which earlier fixes or edits may have outdated). `done` hears
    /// whether it was applied; on an error nothing changes and the caller says why beside the
    /// finding.
    pub fn fix(&self, finding: &Listed, done: impl FnOnce(Result<(), String>) + 'static) {
        let studio = *self;
        // The list shown may be about the design before the last edit, and the checker numbers
        // findings by its own, current report: wait for that report, then find the finding in
        // it (it may be gone: fixed by that edit).
        if !self.checked.get_untracked() {
            let finding = finding.clone();
            return self.when_checked(move || studio.fix(&finding, done));
        }
        let revision = self.revision.get_value();
        let Some(index) = self
            .report
            .with_untracked(|r| r.iter().position(|f| f == finding))
        else {
            return done(Err("Nothing to fix: the problem is already solved.".into()));
        };
        checker::ask(Request::Fix { revision, index }, move |reply| {
            let apply = move |fixed: Result<Design, String>| {
                done(fixed.map(|design| {
                    studio.history.update(|h| h.replace(design));
                    studio.notice.set(None);
                    studio.prune_selection();
                }))
            };
            match reply.answer {
                // The checker refuses a fix for another revision than its own; the page's may
                // have moved on since.
                Answer::Fixed { .. } if Some(revision) != studio.revision.try_get_value() => apply(
                    Err("Not applied: the design changed meanwhile. Try again.".to_string()),
                ),
                Answer::Fixed { document } => leptos::task::spawn_local(async move {
                    match codec::read_design(document).await {
                        Ok(design) => apply(Ok(design)),
                        Err(e) => reading::when_located(e, move |e| {
                            apply(Err(format!("Not applied: {e}.")))
                        }),
                    }
                }),
                Answer::Refused { message } => apply(Err(message)),
                other => apply(Err(format!(
                    "Not applied: {}.",
                    checker::unexpected(&other)
                ))),
            }
        });
    }

    /// Runs `then` once the report of the design as it is now is shown (after a fix, say, to
    /// move the focus in the list that the fix changed).
    pub fn when_checked(&self, then: impl FnOnce() + 'static) {
        AFTER_CHECK.with_borrow_mut(|waiting| waiting.push(Box::new(then)));
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
