//! The Ask view's saved history for the adapter: `AskHistory` reads back what IndexedDB held for one user (skipping
//! records it cannot use), takes each finished exchange, keeps the bounds, pages the records for display and renders
//! the export. The adapter only moves the records between here, IndexedDB and the DOM.

use familiar_chat::{Exchange, ExportLabels, Transcript, TranscriptBounds};
use wasm_bindgen::prelude::*;

use crate::interop;

/// `new AskHistory(stored)`: one user's history from what IndexedDB held for them — an array of records, oldest
/// first (anything else is no history). Records it cannot read or keep are skipped and counted in `skipped`.
#[wasm_bindgen(js_name = AskHistory)]
pub struct AskHistoryJs {
    transcript: Transcript,
    skipped: usize,
}

impl AskHistoryJs {
    pub(crate) fn transcript(&self) -> &Transcript {
        &self.transcript
    }
}

#[wasm_bindgen(js_class = AskHistory)]
impl AskHistoryJs {
    #[wasm_bindgen(constructor)]
    pub fn new(stored: JsValue) -> AskHistoryJs {
        let bounds = TranscriptBounds::default();
        let (records, unreadable) = match stored.dyn_into::<js_sys::Array>() {
            Ok(array) => (array, 0),
            Err(other) => (
                js_sys::Array::new(),
                usize::from(!other.is_undefined() && !other.is_null()),
            ),
        };
        let (transcript, skipped) =
            Transcript::restore(bounds, records.iter().map(interop::from_js::<Exchange>));
        AskHistoryJs {
            transcript,
            skipped: skipped + unreadable,
        }
    }

    /// How many exchanges it holds.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.transcript.len()
    }

    /// Stored records that were skipped when it was read back.
    #[wasm_bindgen(getter)]
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// `push({question, answer, citations: [{uuid, name}], provider | offline, at})`: the newest exchange; the
    /// oldest go beyond the bounds. Throws with the reason when the exchange cannot be kept (no question, neither a
    /// provider nor an offline reason).
    pub fn push(&mut self, exchange: JsValue) -> Result<(), JsValue> {
        let exchange: Exchange = interop::from_js(exchange)?;
        self.transcript
            .push(exchange)
            .map_err(|error| interop::js_error(&format!("history: {error}")))
    }

    /// `purgeBefore(cutoffMs)`: drops the exchanges saved before the cutoff (the retention setting); returns how
    /// many went.
    #[wasm_bindgen(js_name = purgeBefore)]
    pub fn purge_before(&mut self, cutoff_ms: f64) -> usize {
        // A cutoff before 1970 or not a number purges nothing.
        self.transcript.purge_before(interop::ms(cutoff_ms))
    }

    /// Up to `count` records ending before position `end`, oldest first: a page of a long history, or with
    /// `page(length, length)` every record, as IndexedDB should store them.
    pub fn page(&self, end: usize, count: usize) -> Result<JsValue, JsValue> {
        interop::to_js(&self.transcript.page(end, count).collect::<Vec<_>>())
    }

    /// `toMarkdown(title, answeredBy, offline, sources)` → the exported file's text, in the user's words
    /// (`answeredBy` has a `{provider}` placeholder).
    #[wasm_bindgen(js_name = toMarkdown)]
    pub fn to_markdown(
        &self,
        title: String,
        answered_by: String,
        offline: String,
        sources: String,
    ) -> String {
        self.transcript.to_markdown(&ExportLabels {
            title,
            answered_by,
            offline,
            sources,
        })
    }
}
