//! Files in and out of the studio: downloads made in the page (a Blob behind an object URL, no
//! request leaves the browser), the diagram as a standalone SVG, reading an imported file, and
//! the clipboard.

use crate::xml;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::Array;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

const UNAVAILABLE: &str = "the browser offers no document to download into";

/// Offers `text` as a file called `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(UNAVAILABLE)?;
    let parts = Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file")?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not make the file")?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| UNAVAILABLE)?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The browser reads the blob after this click returns: revoking it at once can cancel the
    // download (seen in Chromium under load), so let it go a while later.
    leptos::prelude::set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// The diagram as a standalone SVG document: a copy of the canvas with the page's style rules
/// embedded, so that it looks the same outside the studio. Written by [`xml::Writer`] rather
/// than the browser's serialiser, which leaves characters XML forbids (escape sequences, NUL,
/// U+FFFE in a design's names) in the file as they are: the file is well-formed XML whatever the
/// names hold.
pub fn diagram_svg() -> Result<String, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(UNAVAILABLE)?;
    let canvas = document
        .query_selector("svg.canvas")
        .ok()
        .flatten()
        .ok_or("there is no diagram to save")?;
    let copy: web_sys::Element = canvas
        .clone_node_with_deep(true)
        .map_err(|_| "the diagram could not be copied")?
        .unchecked_into();
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.remove_attribute("tabindex");
    let style = document
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "style")
        .map_err(|_| "the diagram could not be copied")?;
    style.set_text_content(Some(&style_rules(&document)));
    let _ = copy.prepend_with_node_1(&style);
    let mut writer = xml::Writer::new();
    write_node(&copy, &mut writer);
    Ok(writer.finish())
}

/// Writes an element with its attributes and content, or a text node; comments (Leptos's
/// markers) and anything else are left out.
fn write_node(node: &web_sys::Node, writer: &mut xml::Writer) {
    match node.node_type() {
        web_sys::Node::ELEMENT_NODE => {
            let element: &web_sys::Element = node.unchecked_ref();
            let name = element.tag_name();
            let attributes: Vec<(String, String)> = element
                .get_attribute_names()
                .iter()
                .filter_map(|n| n.as_string())
                .map(|n| {
                    let value = element.get_attribute(&n).unwrap_or_default();
                    (n, value)
                })
                .collect();
            let Some(mut child) = node.first_child() else {
                writer.empty(&name, &attributes);
                return;
            };
            if !writer.start(&name, &attributes) {
                return;
            }
            loop {
                write_node(&child, writer);
                match child.next_sibling() {
                    Some(next) => child = next,
                    None => break,
                }
            }
            writer.end(&name);
        }
        web_sys::Node::TEXT_NODE | web_sys::Node::CDATA_SECTION_NODE => {
            writer.text(&node.text_content().unwrap_or_default());
        }
        _ => {}
    }
}

/// Every rule of the page's own style sheets, as text.
fn style_rules(document: &web_sys::Document) -> String {
    let mut out = String::new();
    let sheets = document.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else {
            continue;
        };
        for j in 0..rules.length() {
            if let Some(rule) = rules.item(j) {
                out.push_str(&rule.css_text());
                out.push('\n');
            }
        }
    }
    out
}

/// The text of a file the user chose.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| format!("{} could not be read", file.name()))?;
    text.as_string()
        .ok_or_else(|| format!("{} is not text", file.name()))
}

/// Puts text on the clipboard; fails where the browser does not allow it.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .ok_or("no clipboard")?
        .navigator()
        .clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser did not allow copying".to_string())
}
