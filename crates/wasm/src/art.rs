//! Art for the adapter: `ArtStudio` runs the GM's image jobs (the `familiar-art` Studio) through `fetch`, with the
//! host page's own codecs and classifier (`scripts/art/host.mjs`: `createImageBitmap`, `OffscreenCanvas`,
//! `nsfwjs`) answering the Studio's decode, classify and encode steps, so the bundle carries no image codec.
//! `checkArtPrompt`, `artSubjectFromCreature`, `artPromptPreview` and `artFileName` serve the Art view. API keys
//! live only in the Studio's chain and in request headers: nothing here returns them.

mod driver;
mod relay;

pub use relay::{
    art_relay_cancel, art_relay_read, art_relay_request, art_relay_resume, ArtRelayJs,
};

use std::rc::Rc;

use familiar_art::naming::unique_name;
use familiar_art::prompt::{self, Creature};
use familiar_art::{
    check_prompt, ApiKind, ArtOrder, ConfigError, Event, JobId, JobReport, Preset, ProviderConfig,
    Strictness, Studio, StudioSettings, Subject,
};
use familiar_chat::BaseUrl;
use js_sys::{Function, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::interop;
use driver::{ArtDriver, PendingJob};

/// Why an art call was refused; `kind` is on the thrown `Error` for a localised message.
#[derive(Debug, thiserror::Error)]
pub enum ArtError {
    #[error("the art provider chain: {0}")]
    BadChain(String),
    #[error("art provider {name:?}: {message}")]
    BadBaseUrl {
        name: String,
        code: &'static str,
        message: String,
    },
    #[error("the art settings: {0}")]
    BadSettings(String),
    #[error("the art order: {0}")]
    BadOrder(String),
    #[error("the art host must have decode, classify and encodeWebp functions ({0})")]
    BadHost(String),
    #[error("{0}")]
    BadArgument(String),
    #[error("{0}")]
    Config(#[from] ConfigError),
}

impl ArtError {
    fn kind(&self) -> &'static str {
        match self {
            ArtError::BadChain(_) => "badChain",
            ArtError::BadBaseUrl { .. } => "badBaseUrl",
            ArtError::BadSettings(_) => "badSettings",
            ArtError::BadOrder(_) => "badOrder",
            ArtError::BadHost(_) => "badHost",
            ArtError::BadArgument(_) => "badArgument",
            ArtError::Config(ConfigError::NoProviders) => "noProviders",
            ArtError::Config(ConfigError::BadBaseUrl { .. }) => "badBaseUrl",
            ArtError::Config(ConfigError::BadVariants { .. }) => "badVariants",
        }
    }

    fn into_js(self) -> JsValue {
        let error = interop::js_error_with_kind(self.kind(), &self.to_string());
        if let ArtError::BadBaseUrl { code, .. } = &self {
            let _ = js_sys::Reflect::set(&error, &"code".into(), &(*code).into());
        }
        error
    }
}

/// One entry of the chain as the adapter has it (`base_url` or `baseUrl`, `api_key` or `apiKey`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderInput {
    name: String,
    api: ApiKind,
    #[serde(alias = "baseUrl")]
    base_url: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default, alias = "apiKey")]
    api_key: Option<String>,
    #[serde(default)]
    concurrency: Option<usize>,
}

fn chain_from_js(chain: &JsValue) -> Result<Vec<ProviderConfig>, ArtError> {
    let inputs: Vec<ProviderInput> = interop::from_js_strict(chain, "chain")
        .map_err(|error| ArtError::BadChain(crate::chat::fetch::js_message(&error)))?;
    inputs
        .into_iter()
        .map(|input| {
            // The chat's rule: https everywhere, plain http only to the loopback.
            let base_url =
                BaseUrl::parse(&input.base_url).map_err(|error| ArtError::BadBaseUrl {
                    name: input.name.clone(),
                    code: error.code(),
                    message: error.to_string(),
                })?;
            Ok(ProviderConfig {
                name: input.name,
                api: input.api,
                base_url: base_url.into_string(),
                model: input.model.filter(|m| !m.trim().is_empty()),
                api_key: input
                    .api_key
                    .map(|key| key.trim().to_string())
                    .filter(|key| !key.is_empty()),
                concurrency: input.concurrency,
            })
        })
        .collect()
}

/// Partial settings in camelCase or snake_case; unknown keys are refused.
fn settings_from_js(settings: &JsValue) -> Result<StudioSettings, ArtError> {
    if settings.is_undefined() || settings.is_null() {
        return Ok(StudioSettings::default());
    }
    interop::from_js_any_case(settings).map_err(ArtError::BadSettings)
}

/// The page's codecs and classifier.
pub struct Host {
    this: JsValue,
    decode: Function,
    classify: Function,
    encode: Function,
}

fn host_from_js(host: JsValue) -> Result<Host, ArtError> {
    let function = |key: &str| {
        js_sys::Reflect::get(&host, &key.into())
            .ok()
            .and_then(|value| value.dyn_into::<Function>().ok())
            .ok_or_else(|| ArtError::BadHost(format!("{key} is not a function")))
    };
    Ok(Host {
        decode: function("decode")?,
        classify: function("classify")?,
        encode: function("encodeWebp")?,
        this: host,
    })
}

/// `new ArtStudio(chain, settings?, host)`: the GM's image providers tried in order, the Studio's settings
/// (strictness `strict` — the default — `moderate`/`standard` or `permissive`/`relaxed`, budgets, timeouts), and
/// the host's `decode(bytes)`, `classify(pixels)` and `encodeWebp(pixels, {lossless})`. Throws an `Error` with a
/// `kind` for a bad chain, base URL (with the chat's `code`), settings or host.
#[wasm_bindgen]
pub struct ArtStudio {
    driver: Rc<ArtDriver>,
}

#[wasm_bindgen]
impl ArtStudio {
    #[wasm_bindgen(constructor)]
    pub fn new(chain: JsValue, settings: JsValue, host: JsValue) -> Result<ArtStudio, JsValue> {
        let build = || -> Result<ArtStudio, ArtError> {
            let chain = chain_from_js(&chain)?;
            let settings = settings_from_js(&settings)?;
            let host = host_from_js(host)?;
            let studio = Studio::new(chain, settings, seed())?;
            Ok(ArtStudio {
                driver: ArtDriver::new(studio, host),
            })
        };
        build().map_err(ArtError::into_js)
    }

    /// `submit(order, onEvent?)` → `Promise<JobReport>`. `order` is `{subject: {kind: "creature", name, level?,
    /// traits?, size?, description?} | {kind: "text", text}, presets: ["portrait", "token", "scene"], variants?}`.
    /// `onEvent` receives `{type: "progress", jobId, finished, total, stage}`, `{type: "image", jobId, image}` (see
    /// `image` events in the README) and `{type: "finished", jobId, report}`; the first arrives before `submit`
    /// returns, so the caller learns the `jobId` to cancel. Rejects (with a `kind`) only for a malformed order.
    pub fn submit(&self, order: JsValue, on_event: JsValue) -> Promise {
        match self.start(order, on_event) {
            Ok(promise) => promise,
            Err(error) => Promise::reject(&error.into_js()),
        }
    }

    /// Stops a job: its requests are aborted and its promise resolves with the report (`cancelled: true`).
    /// `false` for a job that already finished or never existed.
    pub fn cancel(&self, job_id: f64) -> bool {
        match job_id_from(job_id) {
            Some(id) => self.driver.cancel(id),
            None => false,
        }
    }

    /// Stops every job (the view closed); returns how many were stopped.
    #[wasm_bindgen(js_name = cancelAll)]
    pub fn cancel_all(&self) -> usize {
        cancel_all(&self.driver)
    }

    /// Jobs still running.
    #[wasm_bindgen(js_name = activeJobs)]
    pub fn active_jobs(&self) -> usize {
        self.driver.studio.borrow().active_jobs()
    }

    /// Fetches not yet answered (0 once everything finished or was aborted).
    #[wasm_bindgen(js_name = openRequests)]
    pub fn open_requests(&self) -> usize {
        self.driver.open_requests()
    }
}

impl ArtStudio {
    fn start(&self, order: JsValue, on_event: JsValue) -> Result<Promise, ArtError> {
        let order: ArtOrder = interop::from_js_strict(&order, "order")
            .map_err(|error| ArtError::BadOrder(crate::chat::fetch::js_message(&error)))?;
        let on_event = match on_event.is_undefined() || on_event.is_null() {
            true => None,
            false => Some(
                on_event
                    .dyn_into::<Function>()
                    .map_err(|_| ArtError::BadOrder("onEvent must be a function".into()))?,
            ),
        };
        let mut resolve = None;
        let promise = Promise::new(&mut |resolve_fn, _reject| resolve = Some(resolve_fn));
        let resolve =
            resolve.ok_or_else(|| ArtError::BadOrder("the promise did not start".into()))?;
        let id = self
            .driver
            .studio
            .borrow_mut()
            .submit(order, crate::chat::now_ms())?;
        self.driver.add_job(id, PendingJob { on_event, resolve });
        self.driver.pump();
        Ok(promise)
    }
}

impl Drop for ArtStudio {
    /// `studio.free()`: its jobs are cancelled and their promises resolve.
    fn drop(&mut self) {
        cancel_all(&self.driver);
    }
}

fn cancel_all(driver: &Rc<ArtDriver>) -> usize {
    driver
        .job_ids()
        .into_iter()
        .filter(|id| driver.cancel(*id))
        .count()
}

fn job_id_from(value: f64) -> Option<JobId> {
    (value.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&value))
        .then_some(JobId(value as u64))
}

fn seed() -> u64 {
    #[cfg(target_arch = "wasm32")]
    if let Ok(seed) = getrandom_03::u64() {
        return seed;
    }
    crate::chat::now_ms()
}

/// An event as JS sees it: camelCase keys, the job as `jobId`, the image's bytes as a `Uint8Array` in `webp`.
pub(crate) fn event_js(event: &Event) -> Result<JsValue, JsValue> {
    match event {
        Event::Progress {
            job,
            finished,
            total,
            stage,
        } => interop::to_js_camel(&serde_json::json!({
            "type": "progress", "job_id": job.0, "finished": finished, "total": total, "stage": stage,
        })),
        Event::Image { job, image } => {
            let mut fields =
                serde_json::to_value(&**image).map_err(|e| interop::js_error(&e.to_string()))?;
            if let Some(object) = fields.as_object_mut() {
                object.remove("webp");
            }
            let value = interop::to_js_camel(&fields)?;
            let bytes = js_sys::Uint8Array::from(image.webp.as_slice());
            js_sys::Reflect::set(&value, &"webp".into(), &bytes)?;
            let event =
                interop::to_js_camel(&serde_json::json!({"type": "image", "job_id": job.0}))?;
            js_sys::Reflect::set(&event, &"image".into(), &value)?;
            Ok(event)
        }
        Event::Finished { job, report } => {
            let event =
                interop::to_js_camel(&serde_json::json!({"type": "finished", "job_id": job.0}))?;
            js_sys::Reflect::set(&event, &"report".into(), &report_js(*job, report)?)?;
            Ok(event)
        }
    }
}

/// The job's report, camelCase, with its `jobId`.
pub(crate) fn report_js(job: JobId, report: &JobReport) -> Result<JsValue, JsValue> {
    let mut value = serde_json::to_value(report).map_err(|e| interop::js_error(&e.to_string()))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("job_id".into(), job.0.into());
    }
    interop::to_js_camel(&value)
}

fn strictness_from_js(strictness: &JsValue) -> Result<Strictness, JsValue> {
    if strictness.is_undefined() || strictness.is_null() {
        return Ok(Strictness::default());
    }
    strictness
        .as_string()
        .and_then(|text| Strictness::parse(&text))
        .ok_or_else(|| {
            ArtError::BadArgument(
                "strictness must be \"strict\", \"moderate\" or \"permissive\"".into(),
            )
            .into_js()
        })
}

/// `checkArtPrompt(text, strictness?)` → `{allowed, category, reason}`: the prompt filter the Studio applies, for
/// the view to run as the GM types (strict by default).
#[wasm_bindgen(js_name = checkArtPrompt)]
pub fn check_art_prompt(text: &str, strictness: JsValue) -> Result<JsValue, JsValue> {
    let verdict = check_prompt(text, strictness_from_js(&strictness)?);
    interop::to_js_camel(&verdict)
}

/// A creature as the view reads it off an actor: `description` is clean text already, `descriptionHtml` the
/// actor's own HTML (pf2e's `system.details.publicNotes`), read here as the rules index reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreatureInput {
    name: String,
    #[serde(default)]
    level: Option<i32>,
    #[serde(default)]
    traits: Vec<String>,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    description_html: Option<String>,
}

/// HTML from a document → the clean text of the rules index's path: enrichers resolved (`@UUID[…]{label}` keeps its
/// label, `@Check` reads as the check), markup dropped, blocks joined by spaces.
fn description_from_html(html: &str) -> String {
    let enriched = familiar_rules::enrichers::resolve(html, &familiar_rules::enrichers::NoResolver);
    familiar_rules::html::to_text(&enriched.text)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `artSubjectFromCreature({name, level?, traits?, size?, description?, descriptionHtml?})` → the order's
/// `subject` (`{kind: "creature", ...}`); the prompt builder keeps the description's first sentences within each
/// provider's length limit.
#[wasm_bindgen(js_name = artSubjectFromCreature)]
pub fn art_subject_from_creature(creature: JsValue) -> Result<JsValue, JsValue> {
    let input: CreatureInput = interop::from_js_strict(&creature, "creature")
        .map_err(|error| ArtError::BadArgument(crate::chat::fetch::js_message(&error)).into_js())?;
    if input.name.trim().is_empty() {
        return Err(ArtError::BadArgument("creature: the name is empty".into()).into_js());
    }
    let description = match (input.description, input.description_html) {
        (Some(text), _) if !text.trim().is_empty() => text,
        (_, Some(html)) => description_from_html(&html),
        _ => String::new(),
    };
    let creature = Creature {
        name: input.name,
        level: input.level,
        traits: input.traits,
        size: input.size,
        description,
    };
    interop::to_js_camel(&Subject::Creature(creature))
}

#[cfg(test)]
mod tests {
    use super::description_from_html;

    #[test]
    fn a_description_reads_as_the_rules_index_reads_html() {
        let html = "<p>A hulking <strong>bog troll</strong> &amp; its @UUID[Compendium.pf2e.conditionitems.Item.x]{Frightened} prey.</p>\n<p>It lurks in <em>fens</em>.</p>";
        assert_eq!(
            description_from_html(html),
            "A hulking bog troll & its Frightened prey. It lurks in fens."
        );
        assert_eq!(description_from_html(""), "");
        assert_eq!(
            description_from_html("<script>alert(1)</script><p>x</p>"),
            "x"
        );
    }
}

#[derive(Serialize)]
struct PromptPreview {
    positive: String,
    negative: Option<String>,
    max_chars: usize,
    width: u32,
    height: u32,
}

/// `artPromptPreview(subject, preset, api, model?)` → `{positive, negative, maxChars, width, height}`: exactly
/// what the Studio would send that provider.
#[wasm_bindgen(js_name = artPromptPreview)]
pub fn art_prompt_preview(
    subject: JsValue,
    preset: &str,
    api: &str,
    model: Option<String>,
) -> Result<JsValue, JsValue> {
    let bad = |message: String| ArtError::BadArgument(message).into_js();
    let subject: Subject = interop::from_js_strict(&subject, "subject")
        .map_err(|error| bad(crate::chat::fetch::js_message(&error)))?;
    let preset = Preset::parse(preset)
        .ok_or_else(|| bad(format!("preset {preset:?}: portrait, token or scene")))?;
    let api: ApiKind =
        serde_json::from_value(serde_json::Value::String(api.to_string())).map_err(|_| {
            bad(format!(
                "api {api:?}: openai, stability, horde, a1111 or comfyui"
            ))
        })?;
    let built = prompt::build(&subject, preset, api);
    let ((width, height), _) = prompt::dimensions(preset, api, model.as_deref());
    interop::to_js_camel(&PromptPreview {
        positive: built.positive,
        negative: built.negative,
        max_chars: prompt::max_prompt_chars(api),
        width,
        height,
    })
}

/// `artFileName(title, suffix, extension, existing)` → a file name none of `existing` has (`orc-token-2.webp`).
#[wasm_bindgen(js_name = artFileName)]
pub fn art_file_name(title: &str, suffix: &str, extension: &str, existing: Vec<String>) -> String {
    unique_name(
        title,
        suffix,
        extension,
        existing.iter().map(String::as_str),
    )
}
