//! The page's one way of writing a fractional number as text: SVG coordinates and paths, the
//! view box, the image download, the checker's time. It rounds, then writes the number with
//! `zmij`, the formatter serde_json already writes the design documents with, so that the page
//! carries one float formatter instead of that one plus Rust's own (`{}`, `{:.1}`, `{:?}` of a
//! float, and the `f64` attribute values of Leptos, which use `{}`).

/// `value` rounded to `places` decimals, without trailing zeros: `12`, `12.5`, `-0.25`.
pub fn decimal(value: f64, places: i32) -> String {
    let scale = 10f64.powi(places);
    // The double nearest a number of `places` decimals is written with at most that many
    // (zmij writes the shortest text that reads back as the same double); + 0.0 turns -0 into 0.
    let rounded = (value * scale).round() / scale + 0.0;
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format(rounded);
    text.strip_suffix(".0").unwrap_or(text).to_string()
}

/// An SVG `transform` that moves by (`x`, `y`) canvas units, to a tenth.
pub fn translate(x: f64, y: f64) -> String {
    format!("translate({} {})", decimal(x, 1), decimal(y, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_its_places_and_drops_trailing_zeros() {
        assert_eq!(decimal(12.0, 1), "12");
        assert_eq!(decimal(12.04, 1), "12");
        assert_eq!(decimal(12.06, 1), "12.1");
        assert_eq!(decimal(-0.25, 2), "-0.25");
        assert_eq!(decimal(-0.01, 1), "0");
        assert_eq!(decimal(0.1 + 0.2, 1), "0.3");
        assert_eq!(decimal(1234.5678, 3), "1234.568");
        assert_eq!(decimal(27.4, 0), "27");
        assert_eq!(decimal(-3000.0, 1), "-3000");
        assert_eq!(translate(1.25, -7.0), "translate(1.3 -7)");
    }
}
