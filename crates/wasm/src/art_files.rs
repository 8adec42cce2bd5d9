//! File names for art saved into the world: the core's never-overwriting rule (`familiar_art::naming`), so the
//! adapter that browses the folder and uploads holds no naming rule of its own.

use wasm_bindgen::prelude::*;

/// `uniqueArtName(subject, suffix, extension, existing)`: `{slug}{suffix}.{extension}`, or with the first free
/// counter against `existing` (the folder's file names, compared case-insensitively).
#[wasm_bindgen(js_name = uniqueArtName)]
pub fn unique_art_name(
    subject: &str,
    suffix: &str,
    extension: &str,
    existing: Vec<String>,
) -> String {
    familiar_art::naming::unique_name(
        subject,
        suffix,
        extension,
        existing.iter().map(String::as_str),
    )
}
