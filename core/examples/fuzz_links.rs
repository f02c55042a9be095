//! The share-link fuzzer: feeds `link::decode` a large number of hostile inputs and counts what
//! came back. Run by `scripts/fuzz-links [COUNT] [SEED]` (default 1,000,000 inputs), not by
//! `cargo test`. Exits 1 if any input made `decode` panic, after writing it to
//! `target/fuzz-links/crash-N.txt`; no input may.
//!
//! Inputs, in turn: random bytes; `v1.` and random base64url; valid links of every preset
//! (several sizes, unicode renames) mutated a few characters at a time, cut, or wrapped in URLs
//! and fragments; valid design documents mutated as text (bytes, huge and odd numbers, deep
//! nesting, cuts) and then compressed into well-formed links, so the document loader is fuzzed
//! too; hand-made deflate streams (stored blocks declaring 65,535 bytes that are not there,
//! random block headers); and zip bombs (runs of up to 64 MiB).

use hsmnet_core::link::{self, LinkError};
use hsmnet_core::presets::{self, Size};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// xorshift64*: small, fast, deterministic from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn any_char(&mut self) -> char {
        match self.below(4) {
            0 => char::from(*self.pick(ALPHABET)),
            1 => char::from(self.byte() & 0x7f),
            2 => *self.pick(&[
                '%', '#', '&', '=', '.', '+', '/', ' ', '\n', 'é', '☃', '\u{0}',
            ]),
            _ => char::from_u32(self.next() as u32 % 0x11_0000).unwrap_or('\u{fffd}'),
        }
    }
}

/// What the fuzzer starts from: valid links and the document texts they carry.
struct Seeds {
    links: Vec<String>,
    documents: Vec<String>,
    bombs: Vec<String>,
}

fn seeds() -> Seeds {
    let mut designs = Vec::new();
    for p in presets::ALL {
        for spokes in [None, Some(1), Some(5), Some(30)] {
            let size = Size {
                spokes: if p.takes_spokes { spokes } else { None },
                regions: p.takes_regions.then_some(3),
            };
            designs.push(presets::build(p.name, &size).expect("preset builds"));
        }
    }
    let mut renamed = designs[5].clone();
    renamed.name = "Zürich ☃ \"q\" ${x} <script>\\\u{0}".into();
    renamed.vnets[0].name = "подсеть-🔐".into();
    renamed.vnets[0].layout.x = 1234.5678;
    designs.push(renamed);
    let documents: Vec<String> = designs
        .iter()
        .map(|d| {
            let value: serde_json::Value =
                serde_json::from_str(&hsmnet_core::to_json(d)).expect("a document is JSON");
            value.to_string()
        })
        .collect();
    let links = designs
        .iter()
        .map(|d| link::encode(d).expect("a preset fits in a link"))
        .collect();
    let bombs = [
        link::MAX_INFLATED - 1,
        link::MAX_INFLATED,
        link::MAX_INFLATED + 1,
        16 << 20,
        64 << 20,
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| link::wrap_v1(&vec![b" {0"[i % 3]; *n]))
    .collect();
    Seeds {
        links,
        documents,
        bombs,
    }
}

fn random_bytes(rng: &mut Rng, max: usize) -> Vec<u8> {
    let len = rng.below(max + 1);
    (0..len).map(|_| rng.byte()).collect()
}

fn base64url(bytes: &[u8]) -> String {
    // Hand-rolled so the fuzzer can emit non-canonical last characters too.
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// A few character-level changes: replace, insert, delete, duplicate or move a run.
fn mutate_chars(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(6) {
        let len = chars.len();
        match rng.below(6) {
            0 if len > 0 => {
                let at = rng.below(len);
                chars[at] = rng.any_char();
            }
            1 => {
                let at = rng.below(len + 1);
                chars.insert(at, rng.any_char());
            }
            2 if len > 0 => {
                chars.remove(rng.below(len));
            }
            3 if len > 1 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(64)).min(len);
                let run: Vec<char> = chars[from..to].to_vec();
                let at = rng.below(len + 1);
                chars.splice(at..at, run);
            }
            4 if len > 1 => {
                let a = rng.below(len);
                let b = rng.below(len);
                chars.swap(a, b);
            }
            _ if len > 0 => {
                let at = rng.below(len);
                chars[at] = char::from(*rng.pick(ALPHABET));
            }
            _ => chars.push(rng.any_char()),
        }
    }
    chars.into_iter().collect()
}

/// Text-level changes to a design document that keep it mostly JSON.
fn mutate_document(rng: &mut Rng, doc: &str) -> Vec<u8> {
    let mut bytes = doc.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = bytes.len();
        let at = rng.below(len);
        match rng.below(7) {
            0 => bytes[at] = rng.byte(),
            1 => bytes.truncate(at),
            2 => {
                let junk: &[u8] = rng.pick::<&[u8]>(&[
                    b"1e999".as_slice(),
                    b"-1",
                    b"18446744073709551616",
                    b"4294967296",
                    b"null",
                    b"\"\\ud800\"",
                    b"\"\\u0000\"",
                    b"0.1e-400",
                    b"[]",
                    b"{}",
                    b"\"10.0.0.0/33\"",
                    b"\"999.1.1.1\"",
                    b"true",
                ]);
                // Overwrite the value after a colon near `at`.
                if let Some(colon) = bytes[at..].iter().position(|b| *b == b':') {
                    let start = at + colon + 1;
                    let end = bytes[start..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']'))
                        .map_or(bytes.len(), |e| start + e);
                    bytes.splice(start..end, junk.iter().copied());
                }
            }
            3 => {
                let depth = 1 + rng.below(100_000);
                let mut deep = vec![b'['; depth];
                deep.extend(std::iter::repeat_n(b']', rng.below(depth + 1)));
                bytes.splice(at..at, deep);
            }
            4 => {
                // Duplicate a stretch: duplicate ids and keys.
                let end = (at + 1 + rng.below(400)).min(len);
                let run = bytes[at..end].to_vec();
                bytes.splice(at..at, run);
            }
            5 => {
                let id = rng.below(100).to_string();
                if let Some(p) = bytes[at..].windows(5).position(|w| w == b"\"id\":") {
                    let start = at + p + 5;
                    let end = bytes[start..]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .map_or(bytes.len(), |e| start + e);
                    bytes.splice(start..end, id.bytes());
                }
            }
            _ => bytes.insert(at, rng.byte()),
        }
    }
    bytes
}

/// Deflate streams made by hand: stored blocks that declare more than they hold, random
/// block types and headers; followed by a 4-byte "checksum".
fn crafted_deflate(rng: &mut Rng) -> Vec<u8> {
    let mut bytes = Vec::new();
    match rng.below(3) {
        0 => {
            // Stored block: BFINAL, BTYPE 00, LEN and NLEN (often inconsistent), few bytes.
            bytes.push(rng.byte() & 1);
            let len: u16 = if rng.chance(2) {
                0xffff
            } else {
                rng.next() as u16
            };
            let nlen = if rng.chance(2) {
                !len
            } else {
                rng.next() as u16
            };
            bytes.extend_from_slice(&len.to_le_bytes());
            bytes.extend_from_slice(&nlen.to_le_bytes());
            bytes.extend(random_bytes(rng, 64));
        }
        1 => {
            // Dynamic Huffman header with random counts and code lengths.
            bytes.push(0b101 | (rng.byte() & 0xf8));
            bytes.extend(random_bytes(rng, 200));
        }
        _ => {
            bytes.push(rng.byte() | 0b11 << 1); // the reserved block type 11
            bytes.extend(random_bytes(rng, 32));
        }
    }
    bytes.extend(random_bytes(rng, 4));
    bytes
}

/// Puts a payload in one of the forms a user may paste.
fn wrap(rng: &mut Rng, payload: String) -> String {
    match rng.below(8) {
        0 => format!("https://studio.example/app/#d={payload}"),
        1 => format!("#d={payload}"),
        2 => format!("d={payload}"),
        3 => format!("#zoom=2&d={payload}&x"),
        4 => format!("  {payload}\n"),
        _ => payload,
    }
}

fn input(rng: &mut Rng, seeds: &Seeds, n: u64) -> String {
    if n % 20_000 == 7 {
        let bomb = rng_pick_clone(rng, &seeds.bombs);
        return mutate_chars(rng, &bomb);
    }
    if n % 20_000 == 17 {
        return rng_pick_clone(rng, &seeds.bombs);
    }
    match rng.below(10) {
        0 => String::from_utf8_lossy(&random_bytes(rng, 300)).into_owned(),
        1 => {
            let len = rng.below(2000);
            let body: String = (0..len).map(|_| char::from(*rng.pick(ALPHABET))).collect();
            wrap(rng, format!("v1.{body}"))
        }
        2..=4 => {
            let seed = rng_pick_clone(rng, &seeds.links);
            let mutated = mutate_chars(rng, &seed);
            wrap(rng, mutated)
        }
        5 => {
            let seed = rng_pick_clone(rng, &seeds.links);
            let cut = rng.below(seed.len() + 1);
            wrap(rng, seed[..cut].to_string())
        }
        6 | 7 => {
            let doc = rng_pick_clone(rng, &seeds.documents);
            let mutated = mutate_document(rng, &doc);
            wrap(rng, link::wrap_v1(&mutated))
        }
        8 => {
            let crafted = crafted_deflate(rng);
            wrap(rng, format!("v1.{}", base64url(&crafted)))
        }
        _ => {
            let version = *rng.pick(&["v1", "v2", "v0", "v01", "V1", "v", "v99999999999999999999"]);
            let body = base64url(&random_bytes(rng, 400));
            wrap(rng, format!("{version}.{body}"))
        }
    }
}

fn rng_pick_clone(rng: &mut Rng, items: &[String]) -> String {
    rng.pick(items).clone()
}

/// How many inputs ended each way.
type Counts = BTreeMap<&'static str, u64>;
/// An input that panicked, and the panic's message.
type Crash = (String, String);

fn kind(result: &Result<hsmnet_core::Design, LinkError>) -> &'static str {
    match result {
        Ok(_) => "decoded",
        Err(LinkError::NoDesign) => "no design",
        Err(LinkError::UnknownVersion(_)) => "unknown version",
        Err(LinkError::TooLong { .. }) => "too long",
        Err(LinkError::NotBase64 { .. }) => "not base64url",
        Err(LinkError::Truncated) => "cut short",
        Err(LinkError::Corrupt(_)) => "corrupted",
        Err(LinkError::TooBig) => "inflates past the limit",
        Err(LinkError::NotUtf8) => "not UTF-8",
        Err(LinkError::Document(_)) => "invalid document",
        Err(LinkError::DesignTooLarge(_)) => "design too large",
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: u64 = args
        .next()
        .map(|a| {
            a.replace(['_', ','], "")
                .parse()
                .expect("COUNT is a number")
        })
        .unwrap_or(1_000_000);
    let seed: u64 = args
        .next()
        .map(|a| a.parse().expect("SEED is a number"))
        .unwrap_or(0x5eed_1234);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let start = Instant::now();
    let seeds = seeds();
    eprintln!(
        "fuzz-links: {count} inputs, seed {seed}, {threads} threads ({} seed links, {} bombs)",
        seeds.links.len(),
        seeds.bombs.len()
    );
    // A panic is counted and saved, not printed mid-run.
    panic::set_hook(Box::new(|_| {}));
    let crash_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-links");

    let results: Vec<(Counts, Vec<Crash>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let seeds = &seeds;
                scope.spawn(move || {
                    let mut rng = Rng(seed ^ (t + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
                    let mut counts = BTreeMap::new();
                    let mut crashes = Vec::new();
                    let mut n = t;
                    while n < count {
                        let text = input(&mut rng, seeds, n);
                        match panic::catch_unwind(AssertUnwindSafe(|| link::decode(&text))) {
                            Ok(result) => *counts.entry(kind(&result)).or_insert(0) += 1,
                            Err(e) => {
                                let what = e
                                    .downcast_ref::<&str>()
                                    .map(|s| s.to_string())
                                    .or_else(|| e.downcast_ref::<String>().cloned())
                                    .unwrap_or_default();
                                crashes.push((text, what));
                                *counts.entry("PANIC").or_insert(0) += 1;
                            }
                        }
                        n += threads;
                        if t == 0 && n % 100_000 < threads {
                            eprintln!("  {n} … {:.1} s", start.elapsed().as_secs_f64());
                        }
                    }
                    (counts, crashes)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut crashes = Vec::new();
    for (c, k) in results {
        for (kind, n) in c {
            *counts.entry(kind).or_insert(0) += n;
        }
        crashes.extend(k);
    }
    let total: u64 = counts.values().sum();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "fuzz-links: {total} inputs in {secs:.1} s ({:.0}/s), seed {seed}",
        total as f64 / secs
    );
    for (kind, n) in &counts {
        println!("  {kind:<24} {n:>9}");
    }
    if crashes.is_empty() {
        println!("fuzz-links: no crash");
    } else {
        std::fs::create_dir_all(&crash_dir).expect("crash dir");
        for (i, (text, what)) in crashes.iter().enumerate().take(100) {
            let path = crash_dir.join(format!("crash-{i}.txt"));
            std::fs::write(&path, text).expect("write crash");
            println!("  PANIC {what}: input saved to {}", path.display());
        }
        println!("fuzz-links: {} crashes", crashes.len());
        std::process::exit(1);
    }
}
