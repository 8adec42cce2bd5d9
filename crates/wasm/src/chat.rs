//! The rules chat for the adapter: `ChatSession` streams grounded answers from the GM's provider chain through
//! `fetch`, fails over, and answers offline from the passages when no provider can; `listModels` and
//! `testConnection` serve the settings form; `renderAnswer` is the one path from untrusted text to HTML. The API key lives only in the session's provider list and in request headers: no export returns
//! it and nothing here prints it (the core's `Debug` impls redact it).

mod driver;
pub(crate) mod fetch;

use std::rc::Rc;

use familiar_chat::prompt::question_with_passages;
use familiar_chat::{
    build_prompt, render_answer, Answer, Api, AskEvent, AskId, AskInput, Attempt, BaseUrl,
    ChainConfig, Citation, FinishReason, History, HistoryConfig, LinkScope, OfflineReason, Passage,
    PromptParts, ProviderChain, ProviderConfig, Reader, RetryPolicy, Timeouts, TokenBudget, Usage,
    DEFAULT_SYSTEM_PROMPT,
};
use js_sys::{Function, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::history::AskHistoryJs;
use crate::interop;
use driver::{Driver, Pending};

/// `renderAnswer(markdown, citations?, reader?)` → `{html, citations}`: an answer's Markdown as sanitised HTML whose
/// content links go only to its `citations` (`[{uuid, name, ...}]`) that `reader` (`{gm, packs}`: the rules index's
/// packs on this page) may open; every other `@UUID[...]{label}` shows as its label. `citations` comes back holding
/// only those (the same objects), for the sources list. Without citations (an answer still streaming) nothing is a
/// content link.
#[wasm_bindgen(js_name = renderAnswer)]
pub fn render_answer_js(markdown: &str, citations: JsValue, reader: JsValue) -> JsValue {
    let array = |value: JsValue| {
        value
            .dyn_into::<js_sys::Array>()
            .unwrap_or_else(|_| js_sys::Array::new())
    };
    let reader = Reader {
        gm: get(&reader, "gm").is_truthy(),
        packs: array(get(&reader, "packs"))
            .iter()
            .filter_map(|pack| pack.as_string())
            .collect(),
    };
    let kept = js_sys::Array::new();
    let mut cited = Vec::new();
    for citation in array(citations).iter() {
        if let Some(uuid) = get(&citation, "uuid")
            .as_string()
            .filter(|uuid| reader.may_open(uuid))
        {
            cited.push(uuid);
            kept.push(&citation);
        }
    }
    let html = render_answer(
        markdown,
        &LinkScope::new(cited.iter().map(String::as_str), &reader),
    );
    let rendered = js_sys::Object::new();
    for (key, value) in [
        ("html", JsValue::from_str(&html)),
        ("citations", kept.into()),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&rendered, &JsValue::from_str(key), &value);
    }
    rendered.into()
}

/// How long the settings form waits for `GET /models`.
const MODELS_TIMEOUT_MS: u32 = 15_000;

/// A provider as the settings form has it: the model may still be unchosen.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndpointInput {
    #[serde(default)]
    name: String,
    api: Api,
    base_url: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    api_key: Option<String>,
}

fn endpoint(value: JsValue) -> Result<ProviderConfig, JsValue> {
    let input: EndpointInput = interop::from_js(value)?;
    let base_url = BaseUrl::parse(&input.base_url)
        .map_err(|error| interop::js_error(&format!("baseUrl: {error}")))?;
    Ok(ProviderConfig {
        name: input.name,
        api: input.api,
        base_url: base_url.into_string(),
        model: input.model,
        api_key: clean_key(input.api_key),
        max_output_tokens: None,
        context_tokens: None,
    })
}

/// A pasted key often carries a line break or spaces; an empty one is no key.
fn clean_key(key: Option<String>) -> Option<String> {
    key.map(|key| key.trim().to_string())
        .filter(|key| !key.is_empty())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaseUrlCheckJs {
    ok: bool,
    /// The normalised URL when accepted.
    url: Option<String>,
    /// `malformed`, `scheme`, `insecureRemote`, `credentials` or `queryOrFragment`, for a localised message.
    code: Option<&'static str>,
    message: Option<String>,
}

/// `checkBaseUrl(url)` → `{ok, url?, code?, message?}`: the settings form's check before it saves a provider. The
/// rule (https, or http only on localhost/127.0.0.1/[::1]) is [`BaseUrl`]'s, the same the session applies.
#[wasm_bindgen(js_name = checkBaseUrl)]
pub fn check_base_url(url: &str) -> Result<JsValue, JsValue> {
    let check = match BaseUrl::parse(url) {
        Ok(url) => BaseUrlCheckJs {
            ok: true,
            url: Some(url.into_string()),
            code: None,
            message: None,
        },
        Err(error) => BaseUrlCheckJs {
            ok: false,
            url: None,
            code: Some(error.code()),
            message: Some(error.to_string()),
        },
    };
    interop::to_js(&check)
}

#[derive(Serialize)]
struct ModelJs {
    id: String,
    #[serde(rename = "displayName", skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
}

/// `listModels({api, baseUrl, apiKey})` → `[{id, displayName?}]`; rejects with an Error that says what is wrong
/// (bad key, unknown URL, unreachable, no answer within 15 s).
#[wasm_bindgen(js_name = listModels)]
pub async fn list_models(provider: JsValue) -> Result<JsValue, JsValue> {
    let provider = endpoint(provider)?;
    let models = fetch::list_models(&provider, MODELS_TIMEOUT_MS)
        .await
        .map_err(|failure| interop::js_error(&failure.message))?;
    let models: Vec<ModelJs> = models
        .into_iter()
        .map(|model| ModelJs {
            id: model.id,
            display_name: model.display_name,
        })
        .collect();
    interop::to_js(&models)
}

#[derive(Serialize)]
struct ConnectionJs {
    ok: bool,
    status: Option<u16>,
    error: Option<String>,
}

/// `testConnection({api, baseUrl, apiKey})` → `{ok, status, error}` from `GET /models`; rejects only when the
/// provider object itself is malformed.
#[wasm_bindgen(js_name = testConnection)]
pub async fn test_connection(provider: JsValue) -> Result<JsValue, JsValue> {
    let provider = endpoint(provider)?;
    let result = match fetch::list_models(&provider, MODELS_TIMEOUT_MS).await {
        Ok(_) => ConnectionJs {
            ok: true,
            status: Some(200),
            error: None,
        },
        Err(failure) => ConnectionJs {
            ok: false,
            status: failure.status,
            error: Some(failure.message),
        },
    };
    interop::to_js(&result)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TimeoutsInput {
    first_byte_ms: Option<u64>,
    idle_ms: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RetryInput {
    max_retries: Option<u32>,
    initial_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionConfig {
    #[serde(default)]
    providers: Vec<ProviderConfig>,
    #[serde(default)]
    timeouts: TimeoutsInput,
    #[serde(default)]
    retry: RetryInput,
    /// The localised system text with a `{language}` placeholder (from `lang/`).
    #[serde(default)]
    system_prompt: Option<String>,
    #[serde(default)]
    language: Option<String>,
    /// How many of the GM's providers were left out for want of consent (`consentPlan(...).withheld`).
    #[serde(default)]
    withheld_for_consent: usize,
}

/// A passage as JS hands it over: a `RulesIndex.search` hit (`snippet` is its escaped HTML) or plain `text`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PassageInput {
    uuid: String,
    #[serde(default)]
    anchor: Option<String>,
    name: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    snippet: Option<String>,
}

impl PassageInput {
    fn into_passage(self) -> Result<Passage, String> {
        match (self.text, self.snippet) {
            (Some(text), _) => Ok(Passage {
                uuid: self.uuid,
                anchor: self.anchor,
                name: self.name,
                text,
            }),
            (None, Some(snippet)) => Ok(Passage::from_snippet_html(
                &self.uuid,
                self.anchor.as_deref(),
                &self.name,
                &snippet,
            )),
            (None, None) => Err(format!(
                "passage {:?} has neither text nor snippet",
                self.uuid
            )),
        }
    }
}

/// Search hits (or `{uuid, name, text}`) from JS as passages; `undefined`/`null` is none. `caller` names the export
/// in the error.
pub(crate) fn passages_from_js(passages: JsValue, caller: &str) -> Result<Vec<Passage>, JsValue> {
    let inputs: Vec<PassageInput> = match passages.is_undefined() || passages.is_null() {
        true => Vec::new(),
        false => interop::from_js(passages)?,
    };
    inputs
        .into_iter()
        .map(PassageInput::into_passage)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|problem| interop::js_error(&format!("{caller}: {problem}")))
}

/// `new ChatSession({providers: [{name, api: "openai"|"anthropic", baseUrl, model, apiKey, maxOutputTokens?,
/// contextTokens?}], timeouts?: {firstByteMs, idleMs}, retry?: {maxRetries, initialDelayMs, maxDelayMs},
/// systemPrompt?, language?})`. Throws on a malformed configuration. One session per GM client: the circuit
/// breakers and the conversation history live in it.
#[wasm_bindgen]
pub struct ChatSession {
    driver: Rc<Driver>,
    system_template: String,
    language: String,
    /// The smallest window of the chain, so any provider can take the prompt.
    budget: TokenBudget,
}

#[wasm_bindgen]
impl ChatSession {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<ChatSession, JsValue> {
        refuse_unknown_keys(&config, "the chat configuration", SESSION_KEYS)?;
        refuse_unknown_keys(
            &get(&config, "timeouts"),
            "timeouts",
            &["firstByteMs", "idleMs"],
        )?;
        let retry_keys = ["maxRetries", "initialDelayMs", "maxDelayMs"];
        refuse_unknown_keys(&get(&config, "retry"), "retry", &retry_keys)?;
        let config: SessionConfig = interop::from_js(config)?;
        let mut providers = config.providers;
        for provider in &mut providers {
            provider.api_key = clean_key(provider.api_key.take());
            provider.base_url = provider
                .validate()
                .map_err(|error| interop::js_error(&error.to_string()))?
                .into_string();
        }
        let defaults = (Timeouts::default(), RetryPolicy::default());
        let timeouts = Timeouts {
            first_byte_ms: config
                .timeouts
                .first_byte_ms
                .unwrap_or(defaults.0.first_byte_ms),
            idle_ms: config.timeouts.idle_ms.unwrap_or(defaults.0.idle_ms),
        };
        if timeouts.first_byte_ms == 0 || timeouts.idle_ms == 0 {
            return Err(interop::js_error("timeouts must be above 0 ms"));
        }
        let retry = RetryPolicy {
            max_retries: config.retry.max_retries.unwrap_or(defaults.1.max_retries),
            initial_delay_ms: config
                .retry
                .initial_delay_ms
                .unwrap_or(defaults.1.initial_delay_ms),
            max_delay_ms: config.retry.max_delay_ms.unwrap_or(defaults.1.max_delay_ms),
        };
        let budget = providers
            .iter()
            .map(|p| TokenBudget::for_model(&p.model, p.context_tokens, p.max_output_tokens()))
            .min_by_key(|budget| {
                budget
                    .context_tokens
                    .saturating_sub(budget.max_output_tokens)
            })
            .unwrap_or_else(|| {
                TokenBudget::for_model("", None, ProviderConfig::DEFAULT_MAX_OUTPUT_TOKENS)
            });
        let chain_config = ChainConfig {
            retry,
            timeouts,
            seed: jitter_seed(),
            withheld_for_consent: config.withheld_for_consent,
            ..ChainConfig::default()
        };
        Ok(ChatSession {
            driver: Driver::new(
                ProviderChain::new(providers, chain_config),
                History::new(HistoryConfig::default()),
            ),
            system_template: config
                .system_prompt
                .unwrap_or_else(|| DEFAULT_SYSTEM_PROMPT.to_string()),
            language: config.language.unwrap_or_else(|| "English".to_string()),
            budget,
        })
    }

    /// `ask(question, passages, onEvent?)` → `Promise<Answer | null>`. `passages` are `RulesIndex.search` hits
    /// (or `{uuid, anchor?, name, text}`), already filtered to what the asker may see. `onEvent` receives
    /// `{type: "started", askId, provider}`, `{type: "delta", askId, text}`, `{type: "reset", askId, reason}` (discard
    /// the text shown so far) and `{type: "done", askId, answer}`; the first event arrives before `ask` returns, so
    /// the caller learns the `askId` to cancel. Resolves with the answer (offline when no provider could give
    /// one), or `null` once cancelled; rejects only for malformed arguments.
    pub fn ask(&self, question: JsValue, passages: JsValue, on_event: JsValue) -> Promise {
        match self.start(question, passages, on_event) {
            Ok(promise) => promise,
            Err(error) => Promise::reject(&error),
        }
    }

    /// Stops an ask (the Stop button): aborts its request; its promise resolves with `null`. `false` when the ask
    /// had already finished or never existed.
    pub fn cancel(&self, ask_id: f64) -> bool {
        match ask_id_from(ask_id) {
            Some(id) => self.driver.cancel(id),
            None => false,
        }
    }

    /// Stops every ask in flight (the panel closed); returns how many were stopped.
    #[wasm_bindgen(js_name = cancelAll)]
    pub fn cancel_all(&self) -> usize {
        cancel_all(&self.driver)
    }

    /// `remember(askHistory, turns)`: the conversation goes on from the newest `turns` exchanges a provider answered
    /// in the user's saved Ask history (after a reload, or when the chain changed), so a follow-up question keeps
    /// its context.
    pub fn remember(&self, history: &AskHistoryJs, turns: usize) {
        let mut conversation = self.driver.history.borrow_mut();
        for exchange in history.transcript().recent_answered(turns) {
            conversation.push(&exchange.question, &exchange.answer_with_names());
        }
    }

    /// Forgets the conversation (the user's "clear history").
    #[wasm_bindgen(js_name = clearHistory)]
    pub fn clear_history(&self) {
        self.driver.history.borrow_mut().clear();
    }

    /// Requests whose response is still being read (0 once everything finished or was aborted).
    #[wasm_bindgen(js_name = openRequests)]
    pub fn open_requests(&self) -> usize {
        self.driver.open_requests()
    }
}

impl ChatSession {
    fn start(
        &self,
        question: JsValue,
        passages: JsValue,
        on_event: JsValue,
    ) -> Result<Promise, JsValue> {
        let question = question
            .as_string()
            .filter(|question| !question.trim().is_empty())
            .ok_or_else(|| interop::js_error("ask: the question must be a non-empty string"))?;
        let passages = passages_from_js(passages, "ask")?;
        let on_event = match on_event.is_undefined() || on_event.is_null() {
            true => None,
            false => Some(
                on_event
                    .dyn_into::<Function>()
                    .map_err(|_| interop::js_error("ask: onEvent must be a function"))?,
            ),
        };
        let prompt = {
            let mut history = self.driver.history.borrow_mut();
            let fixed = history.estimate_tokens(&self.system_template)
                + history.estimate_tokens(&question_with_passages(&question, &passages));
            let context = history.context(&self.budget, fixed);
            build_prompt(&PromptParts {
                system_template: &self.system_template,
                language: &self.language,
                passages: &passages,
                history: context,
                question: &question,
            })
        };
        let prompt_chars = prompt.system.chars().count()
            + prompt
                .messages
                .iter()
                .map(|message| message.content.chars().count())
                .sum::<usize>();
        let mut resolve = None;
        let promise = Promise::new(&mut |resolve_fn, _reject| resolve = Some(resolve_fn));
        let resolve = resolve.ok_or_else(|| interop::js_error("ask: the promise did not start"))?;
        let id = {
            let mut chain = self.driver.chain.borrow_mut();
            // The health rules' latest word on slow providers holds for this ask.
            chain.set_degraded(crate::health::is_degraded);
            chain.start(AskInput { prompt, passages }, now_ms())
        };
        self.driver.add_ask(
            id,
            Pending {
                question,
                prompt_chars,
                on_event,
                resolve,
            },
        );
        self.driver.pump();
        Ok(promise)
    }
}

impl Drop for ChatSession {
    /// `session.free()`: nothing keeps reading for a session that is gone; its asks resolve with `null`.
    fn drop(&mut self) {
        cancel_all(&self.driver);
    }
}

const SESSION_KEYS: &[&str] = &[
    "providers",
    "timeouts",
    "retry",
    "systemPrompt",
    "language",
    "withheldForConsent",
];

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Refuses a key the configuration does not name (its structs are lenient; this names the misspelt key).
fn refuse_unknown_keys(object: &JsValue, what: &str, known: &[&str]) -> Result<(), JsValue> {
    let Some(object) = object.dyn_ref::<js_sys::Object>() else {
        return Ok(()); // undefined is "not given"; other non-objects fail to deserialize with a clear message
    };
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let message = format!("{what}: unknown option {key:?} (expected one of {known:?})");
            return Err(interop::js_error(&message));
        }
    }
    Ok(())
}

fn cancel_all(driver: &Rc<Driver>) -> usize {
    driver
        .ask_ids()
        .into_iter()
        .filter(|id| driver.cancel(*id))
        .count()
}

fn ask_id_from(value: f64) -> Option<AskId> {
    (value.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&value))
        .then_some(AskId(value as u64))
}

pub(crate) fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Backoff jitter from `crypto.getRandomValues`; the clock only where that is missing (native builds).
fn jitter_seed() -> u64 {
    #[cfg(target_arch = "wasm32")]
    if let Ok(seed) = getrandom_03::u64() {
        return seed;
    }
    now_ms()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OfflineJs {
    /// `noProviders`, `allUnhealthy`, `allFailed` or `noGm`, for a localised label.
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerJs<'a> {
    ask_id: AskId,
    /// With `@UUID[...]{...}` content links; show it through `renderAnswer` with `citations`.
    markdown: &'a str,
    citations: &'a [Citation],
    provider: Option<&'a str>,
    offline: bool,
    offline_reason: Option<OfflineJs>,
    attempts: &'a [Attempt],
    usage: Option<Usage>,
    finish: Option<&'a FinishReason>,
}

pub(crate) fn answer_js(id: AskId, answer: &Answer) -> Result<JsValue, JsValue> {
    let offline_reason = answer.offline.as_ref().map(|reason| OfflineJs {
        code: match reason {
            OfflineReason::NoProviders => "noProviders",
            OfflineReason::AllUnhealthy => "allUnhealthy",
            OfflineReason::AllFailed { .. } => "allFailed",
            OfflineReason::NoGm => "noGm",
            OfflineReason::NoConsent => "noConsent",
        },
        message: reason.describe(),
    });
    interop::to_js(&AnswerJs {
        ask_id: id,
        markdown: &answer.text,
        citations: &answer.citations,
        provider: answer.provider.as_deref(),
        offline: answer.offline.is_some(),
        offline_reason,
        attempts: &answer.attempts,
        usage: answer.usage,
        finish: answer.finish.as_ref(),
    })
}

#[derive(Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum EventJs<'a> {
    Started { ask_id: AskId, provider: &'a str },
    Delta { ask_id: AskId, text: &'a str },
    Reset { ask_id: AskId, reason: &'a str },
}

/// A streaming event for `onEvent`; `None` for `Done`, which [`done_event_js`] builds around the answer object.
pub(crate) fn event_js(id: AskId, event: &AskEvent) -> Option<JsValue> {
    let event = match event {
        AskEvent::Started { provider } => EventJs::Started {
            ask_id: id,
            provider,
        },
        AskEvent::Delta { text } => EventJs::Delta { ask_id: id, text },
        AskEvent::Reset { reason } => EventJs::Reset { ask_id: id, reason },
        AskEvent::Done { .. } => return None,
    };
    interop::to_js(&event).ok()
}

/// `{type: "done", askId, answer}` holding the same object the promise resolves with.
pub(crate) fn done_event_js(id: AskId, answer: &JsValue) -> JsValue {
    let event = js_sys::Object::new();
    for (key, value) in [
        ("type", JsValue::from_str("done")),
        ("askId", JsValue::from_f64(id.0 as f64)),
        ("answer", answer.clone()),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&event, &JsValue::from_str(key), &value);
    }
    event.into()
}
