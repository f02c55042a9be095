//! Share links: the whole design in a URL fragment, `…/#d=v1.<payload>`. No server sees it.
//!
//! Format v1, frozen: a link written today must decode forever (a golden test holds a committed
//! link to a committed design).
//!
//! - The text is the design document of [`crate::document`], minified: the same keys, the same
//!   envelope (`format`, `version`), fields at their defaults omitted as in files. The one
//!   difference from [`crate::document::to_json`]: a whole number in a float field is written
//!   without `.0` (`216` rather than `216.0`), which reads back as the same `f64`.
//! - Compressed as raw deflate (RFC 1951, no zlib header) with a preset dictionary:
//!   [`DICTIONARY_V1`] (`link/v1-dictionary.jsonl`), the reference architectures' documents as they
//!   stood when v1 was frozen. Most shared designs start from a preset, so most of a link is a
//!   back-reference into it. The dictionary is part of the format: it never changes (a test
//!   pins its checksum); a better one would be format v2.
//! - Followed by the Adler-32 of the text (4 bytes, big-endian, as zlib writes it), so that a
//!   link altered on its way is refused rather than read as another design.
//! - Encoded as base64url without padding (RFC 4648 §5), which needs no escaping in a URL.
//!
//! Decoding goes through [`crate::document::read`], so a link gets the validation and the error
//! messages of a file; like it, [`read`] leaves the field of a refused document to be located
//! apart ([`crate::document::ReadError`]), and [`decode`] does both. Decoding is bounded and never panics: a payload over
//! [`MAX_PAYLOAD_CHARS`] is refused before it is read, inflating stops at [`MAX_INFLATED`]
//! (no zip bombs), and every failure is a [`LinkError`] that says what was wrong.
//!
//! ```
//! use hsmnet_core::{link, presets};
//! let design = presets::build("hub-nva-proxy", &presets::Size::default()).unwrap();
//! let url = link::to_url("https://studio.example/", &design).unwrap();
//! assert!(url.starts_with("https://studio.example/#d=v1."));
//! assert_eq!(link::decode(&url).unwrap(), design);
//! ```

use crate::document::{self, LoadError, ReadError};
use crate::model::Design;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use serde::Serialize;
use std::fmt;
use std::io;

/// The version this build writes.
pub const VERSION: &str = "v1";
/// The fragment parameter that carries the design: `#d=v1.…`.
pub const PARAM: &str = "d";
/// Longest payload read, in characters (after `v1.`): 2 MiB, the longest URL Chromium opens.
pub const MAX_PAYLOAD_CHARS: usize = 2 * 1024 * 1024;
/// Largest design document a payload may inflate to: 4 MiB, twice the largest preset
/// (`hub-nva-proxy --spokes 4000`, about 2.1 MB minified).
pub const MAX_INFLATED: usize = 4 * 1024 * 1024;
/// The v1 preset dictionary. Frozen with the format: never edit it.
pub const DICTIONARY_V1: &[u8] = include_bytes!("link/v1-dictionary.jsonl");

/// The deflate level, not part of the format. Level 6 (128 probes) makes links within 1% of
/// level 9's (3 characters longer for `hub-nva-proxy`) and encodes 1,000 spokes about a third
/// faster.
const LEVEL: i32 = 6;

/// Why a link could not be made or read. Each message names what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Nothing that looks like a share link: no `#d=` fragment, no `v1.` payload.
    NoDesign,
    /// A `v<N>.` payload of a version this build does not read.
    UnknownVersion(String),
    /// More characters than [`MAX_PAYLOAD_CHARS`].
    TooLong { chars: usize },
    /// A character outside the base64url alphabet, at a 1-based position in the payload.
    NotBase64 { position: usize, found: char },
    /// The payload stops in the middle of a base64 group or of the compressed data.
    Truncated,
    /// The compressed data is not valid deflate, or has bytes after its end.
    Corrupt(&'static str),
    /// The payload inflates past [`MAX_INFLATED`].
    TooBig,
    /// The inflated text is not UTF-8.
    NotUtf8,
    /// The text is not a valid design document; the error names the field.
    Document(LoadError),
    /// Encoding: the design is too large for a link; says by how much.
    DesignTooLarge(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: usize = 1024 * 1024;
        match self {
            LinkError::NoDesign => write!(
                f,
                "no design in the link: expected a URL ending in #{PARAM}={VERSION}.…, \
                 the fragment {PARAM}={VERSION}.…, or the payload {VERSION}.…"
            ),
            LinkError::UnknownVersion(v) => write!(
                f,
                "unknown link version {v} (this studio reads {VERSION}); a newer studio may \
                 read it"
            ),
            LinkError::TooLong { chars } => write!(
                f,
                "the link's payload is {chars} characters; the limit is {MAX_PAYLOAD_CHARS} \
                 ({} MiB)",
                MAX_PAYLOAD_CHARS / MIB
            ),
            LinkError::NotBase64 { position, found } => write!(
                f,
                "the link's payload is not base64url at position {position} (found {found:?}): \
                 was the link altered or cut?"
            ),
            LinkError::Truncated => f.write_str(
                "the link's payload ends early: the link was cut short (copy all of it)",
            ),
            LinkError::Corrupt(what) => write!(f, "the link's payload is corrupted: {what}"),
            LinkError::TooBig => write!(
                f,
                "the link's payload inflates past {} MiB, the most a link may carry",
                MAX_INFLATED / MIB
            ),
            LinkError::NotUtf8 => f.write_str("the link's payload is not UTF-8 text"),
            LinkError::Document(e) => write!(f, "the link's design is not valid: {e}"),
            LinkError::DesignTooLarge(detail) => write!(
                f,
                "the design is too large for a link ({detail}): share the design file instead"
            ),
        }
    }
}

impl std::error::Error for LinkError {}

impl From<LoadError> for LinkError {
    fn from(e: LoadError) -> Self {
        LinkError::Document(e)
    }
}

/// The fragment payload for a design: `v1.<base64url>`.
///
/// Deterministic: the same design always gives the same link. Fails only for a design whose
/// link would exceed the limits that [`decode`] enforces (far beyond the largest preset).
pub fn encode(design: &Design) -> Result<String, LinkError> {
    let text = compact_json(design);
    if text.len() > MAX_INFLATED {
        return Err(LinkError::DesignTooLarge(format!(
            "its document is {} bytes; a link carries at most {MAX_INFLATED}",
            text.len()
        )));
    }
    let mut deflated = deflate_with_dictionary(&text, DICTIONARY_V1);
    deflated.extend_from_slice(&adler2::adler32_slice(&text).to_be_bytes());
    let chars = deflated.len().div_ceil(3) * 4 - (3 - deflated.len() % 3) % 3;
    if chars > MAX_PAYLOAD_CHARS {
        return Err(LinkError::DesignTooLarge(format!(
            "{chars} characters; a link carries at most {MAX_PAYLOAD_CHARS}"
        )));
    }
    let mut out = String::with_capacity(VERSION.len() + 1 + chars);
    out.push_str(VERSION);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(&deflated, &mut out);
    Ok(out)
}

/// A v1 payload around any bytes, a design document or not. For tests and the fuzzer, which
/// need links that are well-formed down to the deflate layer but wrong above it.
#[doc(hidden)]
pub fn wrap_v1(text: &[u8]) -> String {
    let mut bytes = deflate_with_dictionary(text, DICTIONARY_V1);
    bytes.extend_from_slice(&adler2::adler32_slice(text).to_be_bytes());
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A whole share URL: `base` without any fragment it had, then `#d=v1.<payload>`.
pub fn to_url(base: &str, design: &Design) -> Result<String, LinkError> {
    let base = base.split('#').next().unwrap_or_default();
    Ok(format!("{base}#{PARAM}={}", encode(design)?))
}

/// Reads a design from a whole URL (`https://…/#d=v1.…`), a fragment (`#d=v1.…` or `d=v1.…`,
/// possibly among other `&`-separated parameters) or the bare payload (`v1.…`). Surrounding
/// whitespace is ignored. Never panics. [`read`], then, when the document refuses a field,
/// [`document::Unlocated::locate`].
pub fn decode(link: &str) -> Result<Design, LinkError> {
    read(link).map_err(ReadError::located)
}

/// Reads a design from a link as [`decode`] does, except that a field of the document that
/// cannot be read is refused as [`ReadError::Unlocated`], without its path.
pub fn read(link: &str) -> Result<Design, ReadError<LinkError>> {
    let payload = payload_of(link).map_err(ReadError::Located)?;
    let (version, data) = payload
        .split_once('.')
        .ok_or(ReadError::Located(LinkError::NoDesign))?;
    match version {
        "v1" => {
            let text = inflate_v1(data).map_err(ReadError::Located)?;
            document::read(&text).map_err(|e| match e {
                ReadError::Located(e) => ReadError::Located(LinkError::Document(e)),
                ReadError::Unlocated(unlocated) => ReadError::Unlocated(unlocated),
            })
        }
        _ => Err(ReadError::Located(LinkError::UnknownVersion(shorten(
            version,
        )))),
    }
}

/// Finds the `v<N>.…` payload in whatever the user pasted.
fn payload_of(link: &str) -> Result<&str, LinkError> {
    let link = link.trim();
    let fragment = match link.split_once('#') {
        Some((_, fragment)) => fragment,
        None => link,
    };
    if is_versioned(fragment) {
        return Ok(fragment);
    }
    fragment
        .split('&')
        .find_map(|param| param.strip_prefix("d="))
        .filter(|p| is_versioned(p))
        .ok_or(LinkError::NoDesign)
}

/// Whether a text starts `v<digits>.`.
fn is_versioned(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest.as_bytes().get(digits) == Some(&b'.')
}

/// At most 16 characters of an unknown version, for the message.
fn shorten(version: &str) -> String {
    let mut out: String = version.chars().take(16).collect();
    if out.len() < version.len() {
        out.push('…');
    }
    out
}

/// The design document a v1 payload carries.
fn inflate_v1(data: &str) -> Result<String, LinkError> {
    if data.len() > MAX_PAYLOAD_CHARS {
        return Err(LinkError::TooLong {
            chars: data.chars().count(),
        });
    }
    if let Some((position, found)) = data
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(LinkError::NotBase64 {
            position: position + 1,
            found,
        });
    }
    if data.len() % 4 == 1 {
        return Err(LinkError::Truncated);
    }
    let bytes = URL_SAFE_NO_PAD.decode(data).map_err(|e| match e {
        base64::DecodeError::InvalidByte(at, b) | base64::DecodeError::InvalidLastSymbol(at, b) => {
            LinkError::NotBase64 {
                position: at + 1,
                found: char::from(b),
            }
        }
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            LinkError::Truncated
        }
    })?;
    let split = bytes.len().checked_sub(4).ok_or(LinkError::Truncated)?;
    let (deflated, checksum) = bytes.split_at(split);
    let inflated = inflate_with_dictionary(deflated, DICTIONARY_V1, MAX_INFLATED)?;
    if adler2::adler32_slice(&inflated).to_be_bytes() != checksum {
        return Err(LinkError::Corrupt(
            "its checksum does not match (the link was altered)",
        ));
    }
    String::from_utf8(inflated).map_err(|_| LinkError::NotUtf8)
}

/// The design document, minified, with whole floats written as integers.
fn compact_json(design: &Design) -> Vec<u8> {
    #[derive(Serialize)]
    struct Envelope<'a> {
        format: &'static str,
        version: u32,
        design: &'a Design,
    }
    let envelope = Envelope {
        format: document::FORMAT,
        version: document::VERSION,
        design,
    };
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Compact);
    // Serialising plain data into a Vec cannot fail.
    envelope.serialize(&mut ser).expect("designs serialise");
    out
}

/// serde_json's compact output, except that a whole `f64` is written as an integer.
struct Compact;

/// 2^53: below it every whole `f64` is an exact integer, and reads back as the same `f64`.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

impl serde_json::ser::Formatter for Compact {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let whole = value.fract() == 0.0 && value.abs() < EXACT_INTEGERS;
        // -0.0 stays "-0.0": "-0" would read back as +0.
        if whole && !(value == 0.0 && value.is_sign_negative()) {
            write!(writer, "{}", value as i64)
        } else {
            serde_json::ser::CompactFormatter.write_f64(writer, value)
        }
    }
}

/// Raw deflate of `data`, with `dictionary` as the window it may refer back into.
///
/// miniz has no dictionary call, so the compressor is primed: it compresses the dictionary,
/// sync-flushes (which ends on a byte boundary and keeps the window), and only what it emits
/// after that is kept. An inflater whose window holds the dictionary reads it.
fn deflate_with_dictionary(data: &[u8], dictionary: &[u8]) -> Vec<u8> {
    let flags = create_comp_flags_from_zip_params(LEVEL, -15, 0);
    let mut compressor = Box::new(CompressorOxide::new(flags));
    let mut out = Vec::with_capacity(data.len() / 4 + 64);
    let (status, _) = compress_to_output(&mut compressor, dictionary, TDEFLFlush::Sync, |_| true);
    debug_assert_eq!(status, TDEFLStatus::Okay);
    let (status, consumed) = compress_to_output(&mut compressor, data, TDEFLFlush::Finish, |b| {
        out.extend_from_slice(b);
        true
    });
    // With an output callback that always accepts, miniz consumes everything in one call.
    debug_assert_eq!((status, consumed), (TDEFLStatus::Done, data.len()));
    out
}

/// Inflates raw deflate whose window starts with `dictionary`, refusing to produce more than
/// `limit` bytes.
fn inflate_with_dictionary(
    data: &[u8],
    dictionary: &[u8],
    limit: usize,
) -> Result<Vec<u8>, LinkError> {
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let start = dictionary.len();
    let max_len = start + limit;
    let first = start + data.len().saturating_mul(4).clamp(1024, limit);
    let mut out = vec![0u8; first.min(max_len)];
    out[..start].copy_from_slice(dictionary);
    let mut inflater = Box::<DecompressorOxide>::default();
    let mut input = data;
    let mut pos = start;
    loop {
        let (status, consumed, written) = decompress(&mut inflater, input, &mut out, pos, flags);
        pos += written;
        input = input.get(consumed..).unwrap_or_default();
        match status {
            TINFLStatus::Done => {
                if !input.is_empty() {
                    return Err(LinkError::Corrupt(
                        "there is data after the compressed design",
                    ));
                }
                out.truncate(pos);
                out.drain(..start);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput => {
                if out.len() >= max_len {
                    return Err(LinkError::TooBig);
                }
                let grown = out.len().saturating_mul(2).min(max_len);
                out.resize(grown, 0);
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                return Err(LinkError::Truncated)
            }
            TINFLStatus::Failed | TINFLStatus::BadParam | TINFLStatus::Adler32Mismatch => {
                return Err(LinkError::Corrupt("it is not valid compressed data"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{self, Size};

    fn preset(name: &str) -> Design {
        presets::build(name, &Size::default()).unwrap()
    }

    fn message(link: &str) -> String {
        decode(link).unwrap_err().to_string()
    }

    /// FNV-1a, 64 bits: enough to notice any edit to the dictionary.
    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    #[test]
    fn the_v1_dictionary_is_frozen() {
        // Changing one byte of it breaks every v1 link ever shared. A better dictionary is v2.
        assert_eq!(DICTIONARY_V1.len(), 18_156);
        assert_eq!(fnv1a(DICTIONARY_V1), 0x0c67_5c05_f19e_2827);
        assert!(DICTIONARY_V1.len() < 32 * 1024, "deflate sees 32 KiB back");
    }

    #[test]
    fn the_dictionary_holds_the_presets_documents_as_of_v1() {
        let text = std::str::from_utf8(DICTIONARY_V1).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        for line in lines {
            document::load(line).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn every_preset_round_trips_and_hub_nva_proxy_is_under_1500_characters() {
        for p in presets::ALL {
            let design = preset(p.name);
            let link = encode(&design).unwrap();
            assert!(link.starts_with("v1."), "{link}");
            assert_eq!(decode(&link).unwrap(), design, "{}", p.name);
            assert_eq!(encode(&design).unwrap(), link, "deterministic: {}", p.name);
            println!("{}: {} characters", p.name, link.len());
        }
        let link = encode(&preset("hub-nva-proxy")).unwrap();
        assert!(link.len() < 1500, "{} characters", link.len());
    }

    #[test]
    fn whole_floats_are_written_as_integers_and_every_float_reads_back_exactly() {
        let mut design = preset("single-vnet");
        let text = String::from_utf8(compact_json(&design)).unwrap();
        assert!(!text.contains(".0,") && !text.contains(".0}"), "{text}");
        assert!(
            text.starts_with(r#"{"format":"hsm-network-studio","version":1,"design":{"name":"#),
            "{text}"
        );
        assert!(!text.contains('\n'), "minified");
        for (i, x) in [
            -0.0,
            0.1,
            -2.5,
            1e300,
            -1e-300,
            EXACT_INTEGERS,
            EXACT_INTEGERS - 1.0,
            -EXACT_INTEGERS,
            f64::MAX,
            f64::MIN_POSITIVE,
            123_456.789_012_345_67,
        ]
        .into_iter()
        .enumerate()
        {
            design.regions[0].layout.x = x;
            design.regions[0].layout.y = i as f64;
            let back = decode(&encode(&design).unwrap()).unwrap();
            assert_eq!(back.regions[0].layout.x.to_bits(), x.to_bits(), "{x:e}");
            assert_eq!(back, design);
        }
    }

    #[test]
    fn a_link_is_read_from_a_url_a_fragment_or_the_bare_payload() {
        let design = preset("expressroute-direct");
        let payload = encode(&design).unwrap();
        let url = to_url("https://studio.example/app/#old", &design).unwrap();
        assert_eq!(url, format!("https://studio.example/app/#d={payload}"));
        for form in [
            url.clone(),
            format!("  {url}\n"),
            format!("#d={payload}"),
            format!("d={payload}"),
            format!("#zoom=2&d={payload}&x=1"),
            format!("https://studio.example/?q=1#d={payload}"),
            payload.clone(),
        ] {
            assert_eq!(decode(&form).as_ref(), Ok(&design), "{form}");
        }
    }

    #[test]
    fn inputs_without_a_design_say_what_a_link_looks_like() {
        for input in [
            "",
            "   ",
            "https://studio.example/",
            "https://studio.example/#",
            "#d=",
            "d=abc",
            "#x=v1.abc",
            "v1",
            "v.abc",
            "version1.abc",
        ] {
            assert_eq!(decode(input), Err(LinkError::NoDesign), "{input:?}");
        }
        assert!(message("").contains("#d=v1."));
    }

    #[test]
    fn an_unknown_version_is_named() {
        assert_eq!(
            message("#d=v9.AAAA"),
            "unknown link version v9 (this studio reads v1); a newer studio may read it"
        );
        assert!(message("v0.AAAA").contains("unknown link version v0"));
        let long = format!("v{}.x", "9".repeat(100));
        assert!(
            message(&long).contains("v999999999999999…"),
            "{}",
            message(&long)
        );
    }

    #[test]
    fn a_character_outside_base64url_is_reported_with_its_position() {
        let payload = encode(&preset("single-vnet")).unwrap();
        let mut chars: Vec<char> = payload.chars().collect();
        chars[3 + 16] = '%';
        let broken: String = chars.iter().collect();
        assert_eq!(
            decode(&broken),
            Err(LinkError::NotBase64 {
                position: 17,
                found: '%'
            })
        );
        assert!(message(&broken).contains("not base64url at position 17"));
        // Standard base64's '+' and '/', padding and non-ASCII are all refused.
        for (bad, position) in [("v1.ab+d", 3), ("v1.a/", 2), ("v1.AA==", 3), ("v1.é", 1)] {
            match decode(bad) {
                Err(LinkError::NotBase64 { position: p, .. }) => assert_eq!(p, position, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_cut_link_is_refused_as_cut() {
        let payload = encode(&preset("hub-nva-proxy")).unwrap();
        for keep in [4, 5, 6, 7, 10, payload.len() / 2, payload.len() - 1] {
            let cut = &payload[..keep];
            let err = decode(cut).unwrap_err();
            assert!(
                matches!(err, LinkError::Truncated | LinkError::NotBase64 { .. }),
                "{keep}: {err}"
            );
        }
        assert!(message(&payload[..payload.len() - 1]).contains("cut"));
        assert_eq!(decode("v1."), Err(LinkError::Truncated));
    }

    #[test]
    fn altered_payloads_are_refused() {
        let design = preset("hub-nva-proxy");
        let payload = encode(&design).unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut harmless = 0;
        for i in 3..payload.len() {
            for shift in [1, 17, 32] {
                let mut bytes = payload.clone().into_bytes();
                let at = alphabet.iter().position(|c| *c == bytes[i]).unwrap();
                bytes[i] = alphabet[(at + shift) % 64];
                let altered = String::from_utf8(bytes).unwrap();
                match decode(&altered) {
                    Err(_) => {}
                    // Only the unused bits of deflate's last byte may change unnoticed.
                    Ok(same) => {
                        assert_eq!(same, design, "position {i}");
                        harmless += 1;
                    }
                }
            }
        }
        assert!(harmless <= 3, "{harmless}");
        // A changed literal still inflates, to a valid document: the checksum catches it.
        let text = compact_json(&design);
        let mut bytes = deflate_with_dictionary(&text, DICTIONARY_V1);
        bytes.extend_from_slice(&adler2::adler32_slice(b"another text").to_be_bytes());
        let link = format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            message(&link),
            "the link's payload is corrupted: its checksum does not match (the link was altered)"
        );
    }

    #[test]
    fn trailing_bytes_after_the_compressed_design_are_refused() {
        let text = compact_json(&preset("single-vnet"));
        let mut bytes = deflate_with_dictionary(&text, DICTIONARY_V1);
        bytes.extend_from_slice(b"xyz");
        bytes.extend_from_slice(&adler2::adler32_slice(&text).to_be_bytes());
        let link = format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            message(&link),
            "the link's payload is corrupted: there is data after the compressed design"
        );
    }

    #[test]
    fn an_overlong_payload_is_refused_before_it_is_read() {
        let link = format!("v1.{}", "A".repeat(MAX_PAYLOAD_CHARS + 1));
        assert_eq!(
            decode(&link),
            Err(LinkError::TooLong {
                chars: MAX_PAYLOAD_CHARS + 1
            })
        );
        assert!(message(&link).contains("the limit is 2097152 (2 MiB)"));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_inflate_limit() {
        // 64 MiB of one byte deflate to about 64 KiB: far under the length limit.
        let bomb = vec![b' '; 64 * 1024 * 1024];
        let link = wrap_v1(&bomb);
        assert!(link.len() < MAX_PAYLOAD_CHARS, "{}", link.len());
        assert_eq!(decode(&link), Err(LinkError::TooBig));
        assert_eq!(
            message(&link),
            "the link's payload inflates past 4 MiB, the most a link may carry"
        );
        // Just under the limit inflates, then fails as a document, not as a bomb.
        let under = wrap_v1(&vec![b' '; MAX_INFLATED]);
        assert!(matches!(decode(&under), Err(LinkError::Document(_))));
    }

    #[test]
    fn text_that_is_not_a_design_gets_the_documents_error() {
        assert_eq!(
            decode(&wrap_v1(&[0xff, 0xfe, b'{'])),
            Err(LinkError::NotUtf8)
        );
        let err = message(&wrap_v1(b"{}"));
        assert!(
            err.starts_with("the link's design is not valid: format: missing"),
            "{err}"
        );
        let bad_prefix = String::from_utf8(compact_json(&preset("single-vnet")))
            .unwrap()
            .replacen("/27\"", "/33\"", 1);
        let err = message(&wrap_v1(bad_prefix.as_bytes()));
        assert!(
            err.contains("design.vnets[0]") && err.contains("/33"),
            "{err}"
        );
    }

    #[test]
    fn read_leaves_a_bad_field_to_locate_and_decode_locates_it() {
        let design = preset("single-vnet");
        assert_eq!(read(&encode(&design).unwrap()), Ok(design.clone()));

        let bad_prefix = String::from_utf8(compact_json(&design))
            .unwrap()
            .replacen("/27\"", "/33\"", 1);
        let link = wrap_v1(bad_prefix.as_bytes());
        let Err(ReadError::Unlocated(unlocated)) = read(&link) else {
            panic!("{:?}", read(&link));
        };
        let located = unlocated.locate();
        assert_eq!(
            located.path, "design.vnets[0].subnets[0].prefix",
            "{located}"
        );
        assert_eq!(decode(&link), Err(LinkError::Document(located)));

        // What the link layer or the document's header refuses is located at once.
        assert_eq!(
            read("#d=v9.AAAA"),
            Err(ReadError::Located(decode("#d=v9.AAAA").unwrap_err()))
        );
        let header = wrap_v1(b"{}");
        match read(&header) {
            Err(ReadError::Located(e @ LinkError::Document(_))) => {
                assert_eq!(decode(&header), Err(e))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let _ = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes)));
            let _ = decode(&String::from_utf8_lossy(&bytes));
        }
    }
}
