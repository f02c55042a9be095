//! Files in and out of the studio: downloads made in the page (a Blob behind an object URL, no
//! request leaves the browser), what the diagram's image is made with (the page's style rules
//! and fonts) and its PNG, reading an imported file, and the clipboard.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::{self, Array};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

const UNAVAILABLE: &str = "the browser offers no document to download into";

/// Offers `text` as a file called `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file")?;
    download_blob(file_name, &blob)
}

/// Offers a blob (a PNG image) as a file called `file_name`.
pub fn download_blob(file_name: &str, blob: &Blob) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(UNAVAILABLE)?;
    let url = Url::create_object_url_with_blob(blob)
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

/// Every rule of the page's own style sheets as text, but those that depend on the medium (the
/// dark theme is one): an image keeps the light theme in any viewer.
pub fn light_style_rules() -> String {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return String::new();
    };
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
            if let Some(rule) = rules
                .item(j)
                .filter(|r| r.type_() != web_sys::CssRule::MEDIA_RULE)
            {
                out.push_str(&rule.css_text());
                out.push('\n');
            }
        }
    }
    out
}

/// The font stack the canvas's labels are drawn with, as CSS.
pub fn canvas_font() -> String {
    let font = web_sys::window().and_then(|w| {
        let canvas = w.document()?.query_selector("svg.canvas").ok()??;
        w.get_computed_style(&canvas)
            .ok()??
            .get_property_value("font-family")
            .ok()
    });
    font.filter(|f| !f.is_empty())
        .unwrap_or_else(|| "sans-serif".to_string())
}

/// Pixels of the PNG per canvas unit: twice the screen's, sharp on a high-density screen and in a
/// document.
const PNG_SCALE: f64 = 2.0;
/// The largest side and area of a PNG: Chromium refuses canvases over 16,384 pixels a side, and
/// 32 million pixels already take 128 MB while it is drawn.
const PNG_MAX_SIDE: f64 = 16_000.0;
const PNG_MAX_PIXELS: f64 = 32e6;

/// The PNG of an SVG document `width` by `height` pixels, rendered by the browser: the SVG as an
/// image (a `data:` URL, which the page's Content-Security-Policy allows for images), drawn on a
/// canvas. A large design is drawn smaller rather than refused.
pub async fn png(svg: &str, width: f64, height: f64) -> Result<Blob, String> {
    const FAILED: &str = "the browser could not draw the image";
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(UNAVAILABLE)?;
    let scale = PNG_SCALE
        .min(PNG_MAX_SIDE / width.max(height).max(1.0))
        .min((PNG_MAX_PIXELS / (width * height).max(1.0)).sqrt());
    let image = web_sys::HtmlImageElement::new().map_err(|_| FAILED)?;
    let encoded = String::from(js_sys::encode_uri_component(svg));
    image.set_src(&format!("data:image/svg+xml;charset=utf-8,{encoded}"));
    JsFuture::from(image.decode()).await.map_err(|_| FAILED)?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| FAILED)?
        .unchecked_into();
    canvas.set_width((width * scale).floor() as u32);
    canvas.set_height((height * scale).floor() as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or(FAILED)?
        .unchecked_into();
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            &image,
            0.0,
            0.0,
            width * scale,
            height * scale,
        )
        .map_err(|_| FAILED)?;
    let made = js_sys::Promise::new(&mut |resolve, reject| {
        if canvas.to_blob_with_type(&resolve, "image/png").is_err() {
            let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let blob = JsFuture::from(made).await.map_err(|_| FAILED)?;
    // toBlob gives null when the canvas is too large to encode.
    blob.dyn_into::<Blob>().map_err(|_| FAILED.to_string())
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
