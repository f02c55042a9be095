//! Edits built step by step against a working copy, so that each step sees the ones before it
//! (the next free prefix after the one just taken, the next id after the one just used, the
//! name just given). Drawing, copying and the rules' fixes all build their edits this way.

use super::Refusal;
use crate::document::check_integrity;
use crate::edit::{Edit, EditError};
use crate::model::{Design, Id};

pub(crate) struct Plan {
    /// The design as it will be once every edit so far is applied.
    pub work: Design,
    edits: Vec<Edit>,
    next_id: u32,
}

impl Plan {
    pub fn new(design: &Design) -> Self {
        Plan {
            work: design.clone(),
            edits: Vec::new(),
            next_id: design.next_id().0,
        }
    }

    /// A fresh id, never handed out twice by this plan.
    pub fn id(&mut self) -> Id {
        let id = Id(self.next_id.max(self.work.next_id().0));
        self.next_id = id.0 + 1;
        id
    }

    /// Applies an edit to the working copy and records it. The integrity of the result is
    /// checked once, by [`Plan::finish`].
    pub fn push(&mut self, edit: Edit) -> Result<(), Refusal> {
        self.work.apply_in_place(&edit).map_err(not_possible)?;
        self.edits.push(edit);
        Ok(())
    }

    /// The recorded edits as one (a single edit stays itself, several become a batch), once
    /// the working copy is known to be a design the loader accepts.
    pub fn finish(self) -> Result<Edit, Refusal> {
        check_integrity(&self.work).map_err(|e| not_possible(EditError::Integrity(e)))?;
        self.finish_unchecked()
    }

    /// The recorded edits as one, without checking the result: for the rules' fixes, which
    /// are only offered and go through [`Design::apply`] (and its check) when chosen.
    pub fn finish_unchecked(mut self) -> Result<Edit, Refusal> {
        match self.edits.len() {
            0 => Err(Refusal::new("Nothing to do.")),
            1 => Ok(self.edits.remove(0)),
            _ => Ok(Edit::Batch(self.edits)),
        }
    }
}

fn not_possible(e: EditError) -> Refusal {
    Refusal::new(format!("Not possible: {e}"))
}
