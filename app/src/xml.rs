//! XML written by hand, for the diagram's SVG download: whatever a design's names hold (markup,
//! quotes, escape sequences, characters XML cannot carry), the file is well-formed XML 1.0.
//! Pure, and tested natively; `files.rs` walks the page's SVG into a [`Writer`].

use std::borrow::Cow;

/// What stands in for a character XML 1.0 cannot carry at all.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether XML 1.0 allows the character in a document (its production `Char`): tab, newline,
/// carriage return and everything from U+0020 up, except U+FFFE and U+FFFF (Rust's `char` holds
/// no surrogates).
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Whether `s` is a name this writer puts in a tag: ASCII letters, digits, `-`, `_`, `.` and
/// `:`, not starting with a digit, `-` or `.`. Every element and attribute the studio draws has
/// one; anything else is left out rather than written broken.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Text or an attribute value, escaped: `&`, `<`, `>`, `"` and `'` as entities, carriage return
/// (and, in attributes, tab and newline) as character references so that a reader keeps them,
/// and every character XML forbids as U+FFFD.
fn escape(text: &str, attribute: bool) -> Cow<'_, str> {
    let plain = |c: char| !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\r') && allowed(c);
    let plain = |c: char| plain(c) && !(attribute && matches!(c, '\t' | '\n'));
    if text.chars().all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c if allowed(c) => out.push(c),
            _ => out.push(REPLACEMENT),
        }
    }
    Cow::Owned(out)
}

/// Character data, escaped.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// An attribute value (written between double quotes), escaped.
pub fn attribute(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// A document written element by element; every piece of text goes through the escapes.
#[derive(Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// A document that starts with the XML declaration.
    pub fn new() -> Self {
        Writer {
            out: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string(),
        }
    }

    fn tag(&mut self, name: &str, attributes: &[(String, String)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes.iter().filter(|(key, _)| is_name(key)) {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&attribute(value));
            self.out.push('"');
        }
    }

    /// `<name key="value" …>`; false (and nothing written) for a name that is not one, whose
    /// content the caller then leaves out too.
    pub fn start(&mut self, name: &str, attributes: &[(String, String)]) -> bool {
        if !is_name(name) {
            return false;
        }
        self.tag(name, attributes);
        self.out.push('>');
        true
    }

    /// `<name key="value" …/>`.
    pub fn empty(&mut self, name: &str, attributes: &[(String, String)]) {
        if is_name(name) {
            self.tag(name, attributes);
            self.out.push_str("/>");
        }
    }

    pub fn text(&mut self, s: &str) {
        self.out.push_str(&text(s));
    }

    /// `</name>`, after a [`Writer::start`] that returned true.
    pub fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// The document, ending with a newline.
    pub fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A strict check of the XML this writer can produce: a declaration, then one element whose
    /// tags nest and match, attributes quoted, every `&` a known entity or a character reference
    /// to an allowed character, no `<` or `>` outside a tag and no character XML forbids.
    pub(crate) fn well_formed(doc: &str) -> Result<(), String> {
        let body = doc
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .ok_or("no declaration")?;
        if let Some(c) = doc.chars().find(|c| !allowed(*c)) {
            return Err(format!("forbidden character {c:?}"));
        }
        let references = |s: &str| -> Result<(), String> {
            let mut rest = s;
            while let Some(at) = rest.find('&') {
                let end = rest[at..].find(';').ok_or("an & without ;")? + at;
                let entity = &rest[at + 1..end];
                let ok = match entity {
                    "amp" | "lt" | "gt" | "quot" | "apos" => true,
                    _ => entity
                        .strip_prefix('#')
                        .and_then(|n| n.parse::<u32>().ok())
                        .and_then(char::from_u32)
                        .is_some_and(allowed),
                };
                if !ok {
                    return Err(format!("bad reference &{entity};"));
                }
                rest = &rest[end + 1..];
            }
            Ok(())
        };
        let mut open: Vec<&str> = Vec::new();
        let mut rest = body.trim_end_matches('\n');
        let mut roots = 0;
        while !rest.is_empty() {
            if let Some(tag) = rest.strip_prefix('<') {
                let end = tag.find('>').ok_or("an unclosed tag")?;
                let inside = &tag[..end];
                rest = &tag[end + 1..];
                if let Some(name) = inside.strip_prefix('/') {
                    if open.pop() != Some(name) {
                        return Err(format!("</{name}> closes nothing open"));
                    }
                    continue;
                }
                let (inside, empty) = match inside.strip_suffix('/') {
                    Some(i) => (i, true),
                    None => (inside, false),
                };
                let name_end = inside.find(' ').unwrap_or(inside.len());
                let name = &inside[..name_end];
                if !is_name(name) {
                    return Err(format!("bad element name {name:?}"));
                }
                let mut attrs = &inside[name_end..];
                while let Some(a) = attrs.strip_prefix(' ') {
                    let eq = a.find("=\"").ok_or("an attribute without =\"")?;
                    if !is_name(&a[..eq]) {
                        return Err(format!("bad attribute name {:?}", &a[..eq]));
                    }
                    let value_end = a[eq + 2..].find('"').ok_or("an unclosed value")? + eq + 2;
                    let value = &a[eq + 2..value_end];
                    if value.contains(['<', '>']) {
                        return Err(format!("markup in a value: {value:?}"));
                    }
                    references(value)?;
                    attrs = &a[value_end + 1..];
                }
                if !attrs.is_empty() {
                    return Err(format!("junk in a tag: {attrs:?}"));
                }
                if open.is_empty() {
                    roots += 1;
                }
                if !empty {
                    open.push(name);
                }
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                let chars = &rest[..end];
                if open.is_empty() {
                    return Err("text outside the root".into());
                }
                if chars.contains('>') {
                    return Err(format!("a bare > in text: {chars:?}"));
                }
                references(chars)?;
                rest = &rest[end..];
            }
        }
        match (open.is_empty(), roots) {
            (true, 1) => Ok(()),
            (false, _) => Err(format!("unclosed {open:?}")),
            (_, n) => Err(format!("{n} root elements")),
        }
    }

    const HOSTILE: &str = "hsm\u{1b}[2J\r\u{7}\u{0}<script>alert(\"x\")</script> & 'it' \
         ]]> \u{FFFE}\u{FFFF}\u{B}\u{C}\u{1F}\u{8}\t\n";

    #[test]
    fn a_hostile_name_gives_well_formed_xml() {
        // What the canvas holds for a symbol: a group with an accessible name and a label.
        let hostile = HOSTILE.to_string();
        let mut w = Writer::new();
        w.start(
            "svg",
            &[
                ("xmlns".into(), "http://www.w3.org/2000/svg".into()),
                ("viewBox".into(), "0 0 10 10".into()),
            ],
        );
        w.start("g", &[("aria-label".into(), format!("HSM {hostile}"))]);
        w.start("title", &[]);
        w.text(&hostile);
        w.end("title");
        w.empty("rect", &[("data-name".into(), hostile.clone())]);
        w.start("text", &[]);
        w.text(&hostile);
        w.end("text");
        w.end("g");
        w.end("svg");
        let doc = w.finish();
        well_formed(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
        for raw in [
            '\u{1b}', '\u{7}', '\u{0}', '\u{FFFE}', '\u{FFFF}', '\u{B}', '\r',
        ] {
            assert!(!doc.contains(raw), "{raw:?} in {doc}");
        }
        assert!(doc.contains(
            "<title>hsm\u{FFFD}[2J&#13;\u{FFFD}\u{FFFD}&lt;script&gt;alert(&quot;x&quot;)\
             &lt;/script&gt; &amp; &apos;it&apos; ]]&gt; "
        ));
        // In an attribute, tab and newline are kept as references (a reader would make spaces
        // of raw ones).
        assert!(doc.contains("\u{FFFD}\u{FFFD}&#9;&#10;\"/>"), "{doc}");
    }

    #[test]
    fn plain_text_is_written_as_it_is() {
        assert!(matches!(text("hsm-1 (West Europe)"), Cow::Borrowed(_)));
        assert_eq!(text("a\tb\nc"), "a\tb\nc");
        assert_eq!(attribute("a\tb"), "a&#9;b");
        assert_eq!(text("café ✓ 𝄞"), "café ✓ 𝄞");
    }

    #[test]
    fn a_name_that_is_not_one_is_left_out() {
        let mut w = Writer::new();
        assert!(w.start("svg", &[("on click".into(), "x".into())]));
        assert!(!w.start("a b", &[]));
        w.empty("1x", &[]);
        w.end("svg");
        let doc = w.finish();
        assert_eq!(doc.lines().nth(1), Some("<svg></svg>"));
        well_formed(&doc).unwrap();
        // The checker itself trips.
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\u{1b}</a>").is_err());
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>&x;</a>").is_err());
        assert!(well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a>").is_err());
        assert!(
            well_formed("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a t=\"<\"></a>").is_err()
        );
    }
}
