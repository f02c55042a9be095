//! Everything `hsmnet` prints goes through here: standard output written whole and flushed, a
//! failure to write it reported on one line (exit 2) instead of a panic, messages on standard
//! error, and text from a design made harmless to the terminal that shows it.

use std::borrow::Cow;
use std::io::{self, Write};
use std::process::ExitCode;

/// Writes `text` to standard output and returns `code`; when it cannot be written (a full disk,
/// a closed descriptor), says so on standard error and returns 2 instead.
///
/// A reader that leaves early (`hsmnet … | head`) ends the process quietly by SIGPIPE before
/// this sees an error (see `main`); where no signal comes, it ends quietly here, with 2.
pub fn print(text: &str, code: ExitCode) -> ExitCode {
    match write_stdout(text) {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(2),
        Err(e) => fail(&format!("cannot write standard output: {e}")),
    }
}

fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `text` to the file at `path`, or says why not (exit 2).
pub fn write_file(path: &str, text: &str) -> Result<(), ExitCode> {
    std::fs::write(path, text).map_err(|e| fail(&format!("cannot write {path}: {e}")))
}

/// Says why a command stopped, as one line on standard error, and gives exit status 2.
pub fn fail(message: &str) -> ExitCode {
    say(message);
    ExitCode::from(2)
}

/// One line on standard error, `hsmnet: message`, its control characters made visible.
pub fn say(message: &str) {
    line(&format!("hsmnet: {message}"));
}

/// One line on standard error as it is given (`warning[rule]: …`), its control characters made
/// visible. A standard error that cannot be written is let go: there is nowhere left to say so.
pub fn line(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", visible(text));
}

/// Characters a terminal acts on rather than shows: every control character (escape sequences,
/// carriage return, bell, backspace, the C1 controls such as CSI) and the bidirectional
/// overrides and isolates that reorder what follows them, plus the Unicode line separators.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| acts_on_terminal(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !acts_on_terminal(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.extend(c.escape_unicode()),
        }
    }
    Cow::Owned(out)
}

/// Text for one line of a terminal: every character the terminal would act on is written as a
/// visible escape (`\u{1b}`, `\r`, `\n`), so that a design's names cannot move the cursor,
/// clear the screen, retitle the window or start a line of their own.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// As [`visible`], for text of several lines (a trace, a route table): its line breaks stay.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(visible("hsm1"), "hsm1");
        assert!(matches!(visible("hsm1"), Cow::Borrowed(_)));
        assert_eq!(
            visible("a\u{1b}[2Jb\rc\u{7}d\ne\u{9b}f\u{202e}g"),
            "a\\u{1b}[2Jb\\rc\\u{7}d\\ne\\u{9b}f\\u{202e}g"
        );
        assert_eq!(
            visible_lines("a\u{1b}]0;x\u{7}\nb\r"),
            "a\\u{1b}]0;x\\u{7}\nb\\r"
        );
        assert_eq!(visible("tab\there"), "tab\\there");
        assert_eq!(visible("café ✓"), "café ✓");
    }
}
