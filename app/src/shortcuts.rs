//! The studio's global keyboard shortcuts as a plain table from key chord to command, so that
//! they are tested natively. (The canvas has its own keys for the selection.)

/// What a global shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Undo,
    Redo,
}

/// `(key, shift, command)`, all with Ctrl (or Cmd) and without Alt.
const TABLE: &[(&str, bool, Command)] = &[
    ("z", false, Command::Undo),
    ("z", true, Command::Redo),
    ("y", false, Command::Redo),
];

/// The command of a key press, given its `key` and modifiers (`ctrl` is Ctrl or Cmd).
pub fn command(key: &str, ctrl: bool, shift: bool, alt: bool) -> Option<Command> {
    if !ctrl || alt {
        return None;
    }
    TABLE
        .iter()
        .find(|(k, s, _)| k.eq_ignore_ascii_case(key) && *s == shift)
        .map(|(_, _, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_z_undoes_and_ctrl_shift_z_or_ctrl_y_redo() {
        assert_eq!(command("z", true, false, false), Some(Command::Undo));
        // With Shift held, browsers report the capital letter.
        assert_eq!(command("Z", true, true, false), Some(Command::Redo));
        assert_eq!(command("y", true, false, false), Some(Command::Redo));
    }

    #[test]
    fn other_chords_do_nothing() {
        assert_eq!(command("z", false, false, false), None);
        assert_eq!(command("z", true, false, true), None);
        assert_eq!(command("d", true, false, false), None);
        assert_eq!(command("y", true, true, false), None);
    }
}
