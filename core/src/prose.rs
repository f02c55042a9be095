//! The studio's own English: sentences it writes from its words (element kinds, field nouns),
//! which are ASCII. Kept to ASCII on purpose: Unicode case mapping would put the standard
//! library's case tables (about 12 KB) in the page's download for no word the studio has.

/// `text` with its first letter in capitals: "route table" gives "Route table". Only an ASCII
/// first letter changes.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_letter_goes_to_capitals() {
        assert_eq!(capitalised("route table"), "Route table");
        assert_eq!(capitalised("HSM"), "HSM");
        assert_eq!(capitalised(""), "");
        assert_eq!(capitalised("é"), "é");
    }
}
