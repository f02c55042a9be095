//! Edits built step by step against a working copy, so that each step sees the ones before it
//! (the next free prefix after the one just taken, the next id after the one just used).

use super::Refusal;
use crate::edit::Edit;
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

    /// Applies an edit to the working copy and records it.
    pub fn push(&mut self, edit: Edit) -> Result<(), Refusal> {
        self.work = self
            .work
            .apply(&edit)
            .map_err(|e| Refusal::new(format!("Not possible: {e}")))?;
        self.edits.push(edit);
        Ok(())
    }

    /// The recorded edits as one: a single edit stays itself, several become a batch.
    pub fn finish(mut self) -> Result<Edit, Refusal> {
        match self.edits.len() {
            0 => Err(Refusal::new("Nothing to do.")),
            1 => Ok(self.edits.remove(0)),
            _ => Ok(Edit::Batch(self.edits)),
        }
    }
}
