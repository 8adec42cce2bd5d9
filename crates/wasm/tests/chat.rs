//! The rules chat as JS sees it, in Chromium: offline answers, the sanitising renderers on hostile input, malformed
//! arguments, and (with `FAMILIAR_FAKE_PROVIDER_URL` set at compile time by tests/tools/with-fake-provider.sh)
//! streaming, failover, a dropped stream, a bad key, timeouts, cancel and the settings-form calls against the
//! fake provider server.

use std::cell::RefCell;
use std::rc::Rc;

use familiar_wasm::{check_base_url, list_models, render_answer_js, test_connection, ChatSession};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FAKE: Option<&str> = option_env!("FAMILIAR_FAKE_PROVIDER_URL");
const KEY: &str = "sk-test-never-shown-0123";

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn text(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

fn stringify(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .unwrap_or_default()
}

const PASSAGES: &str = r#"[
  {"uuid": "Compendium.home.rules.JournalEntry.j1.JournalEntryPage.p1", "anchor": "grabbed",
   "name": "Grabbed", "snippet": "You&#39;re held in place; you can&#39;t <b>Step</b>."},
  {"uuid": "Compendium.home.actions.Item.s1", "name": "Step", "text": "You carefully move 5 feet."}
]"#;

/// Events in arrival order, and the answer the promise resolved with.
struct Run {
    events: Rc<RefCell<Vec<JsValue>>>,
    answer: JsValue,
}

impl Run {
    fn types(&self) -> Vec<String> {
        self.events
            .borrow()
            .iter()
            .map(|e| text(e, "type"))
            .collect()
    }
    /// The text a UI would show: deltas, cleared on every reset.
    fn shown(&self) -> String {
        let mut shown = String::new();
        for event in self.events.borrow().iter() {
            match text(event, "type").as_str() {
                "delta" => shown.push_str(&text(event, "text")),
                "reset" => shown.clear(),
                _ => {}
            }
        }
        shown
    }
    fn started(&self) -> Vec<String> {
        let events = self.events.borrow();
        let started = events.iter().filter(|e| text(e, "type") == "started");
        started.map(|e| text(e, "provider")).collect()
    }
    fn attempts(&self) -> Vec<JsValue> {
        Array::from(&get(&self.answer, "attempts")).to_vec()
    }
}

/// An `onEvent` that records, and optionally reacts to, each event.
fn listener(
    events: &Rc<RefCell<Vec<JsValue>>>,
    react: impl Fn(&JsValue) + 'static,
) -> Closure<dyn FnMut(JsValue)> {
    let events = events.clone();
    Closure::new(move |event: JsValue| {
        react(&event);
        events.borrow_mut().push(event);
    })
}

async fn ask(session: &ChatSession, question: &str) -> Run {
    let events = Rc::new(RefCell::new(Vec::new()));
    let on_event = listener(&events, |_| {});
    let promise = session.ask(question.into(), js(PASSAGES), on_event.as_ref().clone());
    let answer = JsFuture::from(promise)
        .await
        .expect("ask never rejects here");
    Run { events, answer }
}

fn session(config: &str) -> ChatSession {
    ChatSession::new(js(config)).expect("a valid configuration")
}

/// `providers` as `[(name, api, model)]`, all on the fake server under `/{name}/v1`.
fn live_session(providers: &[(&str, &str, &str)], extra: &str) -> Option<ChatSession> {
    let Some(base) = FAKE else {
        console_log!("skipped: FAMILIAR_FAKE_PROVIDER_URL is not set (run through tests/tools/with-fake-provider.sh)");
        return None;
    };
    let providers: Vec<String> = providers
        .iter()
        .map(|(name, api, model)| {
            format!(r#"{{"name": "{name}", "api": "{api}", "baseUrl": "{base}/{name}/v1", "model": "{model}", "apiKey": "{KEY}\n"}}"#)
        })
        .collect();
    let config = format!(
        r#"{{"providers": [{}], "retry": {{"maxRetries": 1, "initialDelayMs": 20, "maxDelayMs": 50}}{extra}}}"#,
        providers.join(", ")
    );
    Some(session(&config))
}

fn expected_text(name: &str, model: &str) -> String {
    format!("Answer from {name} ({model}): no, you can't Step while grabbed [1]. Unrelated [9].")
}

/// Nothing the session hands to JS may carry the key.
fn assert_no_key(run: &Run) {
    for event in run.events.borrow().iter() {
        assert!(!stringify(event).contains(KEY), "an event carries the key");
    }
    assert!(
        !stringify(&run.answer).contains(KEY),
        "the answer carries the key"
    );
}

#[wasm_bindgen_test]
async fn no_providers_answers_offline_from_the_passages() {
    let session = session(r#"{"providers": [], "language": "Deutsch"}"#);
    let events = Rc::new(RefCell::new(Vec::new()));
    let on_event = listener(&events, |_| {});
    let promise = session.ask(
        "Can I Step while grabbed?".into(),
        js(PASSAGES),
        on_event.as_ref().clone(),
    );
    // The first event (here the only one) arrives before ask returns: that is how the caller learns the askId.
    assert_eq!(events.borrow().len(), 1);
    let answer = JsFuture::from(promise)
        .await
        .expect("offline answers resolve");
    let run = Run { events, answer };
    assert_eq!(run.types(), ["done"]);
    let answer = &run.answer;
    assert_eq!(get(answer, "offline").as_bool(), Some(true));
    assert!(get(answer, "provider").is_null());
    let reason = get(answer, "offlineReason");
    assert_eq!(text(&reason, "code"), "noProviders");
    assert!(text(&reason, "message").contains("no AI provider"));
    assert!(text(answer, "markdown").starts_with("**Offline answer**"));
    assert!(text(answer, "markdown").contains(
        "@UUID[Compendium.home.rules.JournalEntry.j1.JournalEntryPage.p1#grabbed]{Grabbed}"
    ));
    // The search hit's escaped snippet became plain text.
    assert!(text(answer, "markdown").contains("you can't Step"));
    let citations = Array::from(&get(answer, "citations"));
    assert_eq!(citations.length(), 2);
    assert_eq!(text(&citations.get(1), "name"), "Step");
    let done = &run.events.borrow()[0];
    assert_eq!(
        get(done, "answer"),
        run.answer,
        "done carries the resolved object"
    );
    assert_eq!(get(done, "askId"), get(&run.answer, "askId"));
    assert_eq!(session.open_requests(), 0);
}

#[wasm_bindgen_test]
async fn offline_without_passages_says_the_index_found_nothing() {
    let session = session("{}");
    let promise = session.ask("Anything?".into(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let answer = JsFuture::from(promise).await.expect("resolves");
    assert!(text(&answer, "markdown").contains("found nothing"));
    assert_eq!(Array::from(&get(&answer, "citations")).length(), 0);
}

async fn rejection(promise: Promise) -> String {
    message_of(
        JsFuture::from(promise)
            .await
            .expect_err("malformed input rejects"),
    )
}

fn message_of(error: JsValue) -> String {
    let error: js_sys::Error = error.dyn_into().expect("a JS Error");
    String::from(error.message())
}

#[wasm_bindgen_test]
async fn malformed_arguments_reject_with_clear_errors() {
    let session = session("{}");
    let message = rejection(session.ask(JsValue::from(42), js("[]"), JsValue::NULL)).await;
    assert!(message.contains("question"), "{message}");
    let message = rejection(session.ask("  ".into(), js("[]"), JsValue::NULL)).await;
    assert!(message.contains("non-empty"), "{message}");
    let no_text = js(r#"[{"uuid": "u", "name": "n"}]"#);
    let message = rejection(session.ask("q".into(), no_text, JsValue::NULL)).await;
    assert!(message.contains("neither text nor snippet"), "{message}");
    let message = rejection(session.ask("q".into(), js("{}"), JsValue::NULL)).await;
    assert!(!message.is_empty());
    let message = rejection(session.ask("q".into(), js("[]"), "nope".into())).await;
    assert!(message.contains("onEvent"), "{message}");

    let error_of = |config: &str| {
        let error = ChatSession::new(js(config))
            .err()
            .unwrap_or_else(|| panic!("refused: {config}"));
        String::from(
            error
                .dyn_into::<js_sys::Error>()
                .expect("an Error")
                .message(),
        )
    };
    let message = error_of(
        r#"{"providers": [{"name": "p", "api": "gemini", "baseUrl": "http://x", "model": "m"}]}"#,
    );
    assert!(message.contains("gemini"), "{message}");
    let message = error_of(
        r#"{"providers": [{"name": "p", "api": "openai", "baseUrl": "ftp://x", "model": "m"}]}"#,
    );
    assert!(message.contains("http"), "{message}");
    let message = error_of(
        r#"{"providers": [{"name": "p", "api": "openai", "baseUrl": "http://x", "model": " "}]}"#,
    );
    assert!(message.contains("no model"), "{message}");
    let message = error_of(r#"{"timeouts": {"firstByteMs": 0}}"#);
    assert!(message.contains("timeouts"), "{message}");
    let message = error_of(r#"{"timeout": {"firstByteMs": 10}}"#);
    assert!(message.contains("timeout"), "{message}");
    assert!(!session.cancel(999.0), "an unknown ask is not cancelled");
    assert!(!session.cancel(-1.5));

    let refused = list_models(js(r#"{"api": "openai", "baseUrl": "file:///etc"}"#)).await;
    let message = message_of(refused.expect_err("a non-http base URL is refused"));
    assert!(message.contains("baseUrl"), "{message}");
}

#[wasm_bindgen_test]
async fn provider_urls_keep_the_key_off_plain_http() {
    let check = |url: &str| check_base_url(url).expect("an object");
    let local = check(" http://localhost:11434/v1/ ");
    assert_eq!(get(&local, "ok").as_bool(), Some(true));
    assert_eq!(text(&local, "url"), "http://localhost:11434/v1");
    let remote = check("http://example.com/v1");
    assert_eq!(get(&remote, "ok").as_bool(), Some(false));
    assert_eq!(text(&remote, "code"), "insecureRemote");
    assert!(text(&remote, "message").contains("https://"));
    assert_eq!(text(&check("ftp://x.test"), "code"), "scheme");

    let config = r#"{"providers": [{"name": "lan", "api": "openai", "baseUrl": "http://example.com/v1", "model": "m"}]}"#;
    let error = ChatSession::new(js(config)).err().expect("refused");
    let message = String::from(
        error
            .dyn_into::<js_sys::Error>()
            .expect("an Error")
            .message(),
    );
    assert!(message.contains("localhost"), "{message}");
    let refused = test_connection(js(
        r#"{"api": "openai", "baseUrl": "http://example.com/v1", "apiKey": "k"}"#,
    ))
    .await;
    assert!(message_of(refused.expect_err("refused before any request")).contains("baseUrl"));
}

/// What the browser makes of `html`: script elements, event-handler attributes, and non-http(s)/mailto URLs.
fn dangers(html: &str) -> String {
    let inspect = Function::new_with_args(
        "html",
        r#"const t = document.createElement("template"); t.innerHTML = html; const found = [];
        for (const el of t.content.querySelectorAll("*")) {
          const tag = el.tagName.toLowerCase();
          if (["script", "iframe", "object", "embed", "style", "svg", "math", "form", "img", "base", "meta", "link"].includes(tag)) found.push(tag);
          for (const attr of el.attributes) {
            if (attr.name.startsWith("on") || attr.name === "style" || attr.name === "srcdoc") found.push(tag + "@" + attr.name);
            if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name) && !/^(https?:|mailto:)/i.test(attr.value.trim())) found.push(tag + "@" + attr.name + "=" + attr.value);
          }
        }
        return found.join(" ");"#,
    );
    inspect
        .call1(&JsValue::NULL, &JsValue::from_str(html))
        .expect("inspection runs")
        .as_string()
        .unwrap_or_default()
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<p style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">x</p>",
    "![x](https://evil.example/track.png)",
    "<details open ontoggle=alert(1)>",
    "@UUID[x\" onmouseover=\"alert(1)]{label}",
    "@UUID[Compendium.a.b.Item.c]{<img src=x onerror=alert(1)>}",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
];

/// `renderAnswer(markdown, citations, reader)`'s HTML.
fn render(markdown: &str, citations: JsValue, reader: JsValue) -> String {
    text(&render_answer_js(markdown, citations, reader), "html")
}

#[wasm_bindgen_test]
fn render_answer_makes_hostile_text_inert() {
    for payload in HOSTILE {
        let html = render(payload, JsValue::UNDEFINED, JsValue::UNDEFINED);
        assert_eq!(dangers(&html), "", "{payload:?} rendered as {html:?}");
    }
    let uuid = "Compendium.pf2e.actionspf2e.Item.SjmKHgI7a5Z9JzBx";
    let citations = js(&format!(
        r#"[{{"uuid": "{uuid}", "name": "Escape", "number": 1}},
        {{"uuid": "Macro.SjmKHgI7a5Z9JzBx", "name": "the rules"}}]"#
    ));
    let reader = js(r#"{"gm": false, "packs": ["pf2e.actionspf2e"]}"#);
    let markdown = format!(
        "**Grab** ends on @UUID[{uuid}]{{Escape}}, @UUID[Macro.SjmKHgI7a5Z9JzBx]{{the rules}} [docs](https://example.org)"
    );
    let rendered = render_answer_js(&markdown, citations, reader);
    let html = text(&rendered, "html");
    assert!(html.contains("<strong>Grab</strong>"), "{html}");
    assert!(
        html.contains(&format!(r#"data-uuid="{uuid}">Escape</a>"#)),
        "{html}"
    );
    assert!(
        !html.contains("Macro."),
        "the Macro link is its label: {html}"
    );
    assert!(html.contains(", the rules "), "{html}");
    assert!(html.contains(r#"href="https://example.org""#), "{html}");
    assert_eq!(dangers(&html), "");
    // Only the citations the reader may open come back, for the sources list.
    let kept = Array::from(&get(&rendered, "citations"));
    assert_eq!(kept.length(), 1);
    assert_eq!(text(&kept.get(0), "uuid"), uuid);
    // Raw HTML in Markdown stays visible text, not markup.
    assert!(render("<b>x</b>", JsValue::NULL, JsValue::NULL).contains("&lt;b&gt;"));
}

#[wasm_bindgen_test]
async fn streams_deltas_in_order_in_both_wire_formats() {
    for (name, api) in [("primary", "openai"), ("claude", "anthropic")] {
        let Some(session) = live_session(&[(name, api, "ok")], "") else {
            return;
        };
        let run = ask(&session, "Can I Step while grabbed?").await;
        let types = run.types();
        assert_eq!(types.first().map(String::as_str), Some("started"));
        assert_eq!(types.last().map(String::as_str), Some("done"));
        let deltas = types.iter().filter(|t| *t == "delta").count();
        assert!(deltas > 5, "{name}: streamed in pieces, got {deltas}");
        assert_eq!(
            run.shown(),
            expected_text(name, "ok"),
            "{name}: deltas in order"
        );
        let answer = &run.answer;
        assert_eq!(text(answer, "provider"), name);
        assert_eq!(get(answer, "offline").as_bool(), Some(false));
        assert!(get(answer, "offlineReason").is_null());
        let markdown = text(answer, "markdown");
        assert!(markdown.contains("grabbed @UUID[Compendium.home.rules.JournalEntry.j1.JournalEntryPage.p1#grabbed]{Grabbed}"), "{markdown}");
        assert!(
            !markdown.contains("[9]"),
            "an unknown citation is dropped: {markdown}"
        );
        let citations = Array::from(&get(answer, "citations"));
        assert_eq!(citations.length(), 1);
        assert_eq!(text(&citations.get(0), "name"), "Grabbed");
        assert_eq!(
            get(&get(answer, "usage"), "inputTokens").as_f64(),
            Some(50.0)
        );
        assert_eq!(run.attempts().len(), 0);
        assert_no_key(&run);
        assert_eq!(session.open_requests(), 0);
    }
}

#[wasm_bindgen_test]
async fn a_500_fails_over_to_the_second_provider_after_its_retry() {
    let Some(session) = live_session(
        &[("first", "openai", "500"), ("second", "anthropic", "ok")],
        "",
    ) else {
        return;
    };
    let run = ask(&session, "Can I Step while grabbed?").await;
    assert_eq!(run.started(), ["first", "first", "second"]);
    assert_eq!(text(&run.answer, "provider"), "second");
    assert_eq!(run.shown(), expected_text("second", "ok"));
    let attempts = run.attempts();
    assert_eq!(
        attempts.len(),
        2,
        "one try and one retry on the first provider"
    );
    for attempt in &attempts {
        assert_eq!(text(attempt, "provider"), "first");
        assert_eq!(get(attempt, "status").as_f64(), Some(500.0));
        assert_eq!(text(attempt, "kind"), "serverError");
    }
    assert_no_key(&run);
}

#[wasm_bindgen_test]
async fn a_dropped_stream_resets_and_the_next_provider_answers_cleanly() {
    let Some(session) = live_session(
        &[("first", "openai", "drop"), ("second", "openai", "ok")],
        "",
    ) else {
        return;
    };
    let run = ask(&session, "Can I Step while grabbed?").await;
    let types = run.types();
    let reset = types
        .iter()
        .position(|t| t == "reset")
        .expect("a reset event");
    assert!(
        types[..reset].iter().any(|t| t == "delta"),
        "text was shown before the drop: {types:?}"
    );
    assert_eq!(run.started(), ["first", "second"]);
    assert_eq!(
        run.shown(),
        expected_text("second", "ok"),
        "no spliced answer"
    );
    let markdown = text(&run.answer, "markdown");
    assert!(
        markdown.starts_with("Answer from second") && !markdown.contains("first"),
        "{markdown}"
    );
    let attempts = run.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!(text(&attempts[0], "kind"), "streamDropped");
}

#[wasm_bindgen_test]
async fn a_401_is_not_retried_and_says_the_key_is_bad() {
    let Some(session) = live_session(
        &[("first", "anthropic", "401"), ("second", "openai", "ok")],
        "",
    ) else {
        return;
    };
    let run = ask(&session, "Can I Step while grabbed?").await;
    assert_eq!(run.started(), ["first", "second"], "no retry of a bad key");
    let attempts = run.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!(get(&attempts[0], "status").as_f64(), Some(401.0));
    assert_eq!(text(&attempts[0], "kind"), "badKey");
    assert!(
        text(&attempts[0], "error").contains("bad API key"),
        "{}",
        text(&attempts[0], "error")
    );
    assert_eq!(text(&run.answer, "provider"), "second");

    // With nothing behind it, the same failure ends in an offline answer that says why.
    let Some(alone) = live_session(&[("only", "openai", "401")], "") else {
        return;
    };
    let run = ask(&alone, "Can I Step while grabbed?").await;
    assert_eq!(get(&run.answer, "offline").as_bool(), Some(true));
    let reason = get(&run.answer, "offlineReason");
    assert_eq!(text(&reason, "code"), "allFailed");
    assert!(
        text(&reason, "message").contains("bad API key"),
        "{}",
        text(&reason, "message")
    );
    assert_no_key(&run);
}

#[wasm_bindgen_test]
async fn silence_limits_fail_over_through_the_timers() {
    let timeouts =
        r#", "timeouts": {"firstByteMs": 300, "idleMs": 300}, "retry": {"maxRetries": 0}"#;
    let Some(session) = live_session(
        &[
            ("mute", "openai", "timeout"),
            ("stuck", "openai", "stall"),
            ("last", "openai", "ok"),
        ],
        timeouts,
    ) else {
        return;
    };
    let run = ask(&session, "Can I Step while grabbed?").await;
    assert_eq!(run.started(), ["mute", "stuck", "last"]);
    let kinds: Vec<String> = run.attempts().iter().map(|a| text(a, "kind")).collect();
    assert_eq!(kinds, ["firstByteTimeout", "idleTimeout"]);
    assert_eq!(run.shown(), expected_text("last", "ok"));
    assert_eq!(
        session.open_requests(),
        0,
        "the silent requests were aborted"
    );
}

#[wasm_bindgen_test]
async fn cancel_aborts_the_stream_and_resolves_null() {
    let Some(session) = live_session(&[("slow", "openai", "trickle")], "") else {
        return;
    };
    let session = Rc::new(session);
    let events = Rc::new(RefCell::new(Vec::new()));
    // Stop from inside the listener, on the first delta, as a Stop button handler may.
    let stopper = Rc::downgrade(&session);
    let on_event = listener(&events, move |event| {
        if text(event, "type") == "delta" {
            if let (Some(session), Some(id)) = (stopper.upgrade(), get(event, "askId").as_f64()) {
                assert!(session.cancel(id));
            }
        }
    });
    let promise = session.ask("q".into(), js(PASSAGES), on_event.as_ref().clone());
    let answer = JsFuture::from(promise).await.expect("resolves");
    assert!(answer.is_null(), "a cancelled ask resolves with null");
    assert_eq!(session.open_requests(), 0, "the fetch was aborted");
    let seen = events.borrow().len();
    TimeoutFuture::new(700).await;
    assert_eq!(events.borrow().len(), seen, "nothing arrives after cancel");
    assert_eq!(
        events
            .borrow()
            .iter()
            .filter(|e| text(e, "type") == "delta")
            .count(),
        1
    );

    // cancelAll stops asks still waiting for their first byte.
    let first = session.ask("q".into(), js("[]"), JsValue::UNDEFINED);
    let second = session.ask("q".into(), js("[]"), JsValue::UNDEFINED);
    assert_eq!(session.open_requests(), 2);
    assert_eq!(session.cancel_all(), 2);
    assert!(JsFuture::from(first).await.expect("resolves").is_null());
    assert!(JsFuture::from(second).await.expect("resolves").is_null());
    assert_eq!(session.open_requests(), 0);
}

#[wasm_bindgen_test]
async fn list_models_and_test_connection() {
    let unreachable = js(r#"{"api": "openai", "baseUrl": "http://127.0.0.1:1/v1", "apiKey": "k"}"#);
    let result = test_connection(unreachable.clone())
        .await
        .expect("resolves");
    assert_eq!(get(&result, "ok").as_bool(), Some(false));
    assert!(get(&result, "status").is_null());
    assert!(
        text(&result, "error").contains("connection failed"),
        "{}",
        text(&result, "error")
    );
    let refused = list_models(unreachable).await.expect_err("unreachable");
    assert!(message_of(refused).contains("connection failed"));

    let Some(base) = FAKE else {
        console_log!("skipped: FAMILIAR_FAKE_PROVIDER_URL is not set");
        return;
    };
    let provider = js(&format!(
        r#"{{"api": "anthropic", "baseUrl": "{base}/v1", "apiKey": "{KEY}"}}"#
    ));
    let models = list_models(provider.clone()).await.expect("models");
    let models = Array::from(&models);
    assert!(models.to_vec().iter().any(|m| text(m, "id") == "ok"));
    assert_eq!(text(&models.get(0), "displayName"), "Fake ok");
    let result = test_connection(provider).await.expect("resolves");
    assert_eq!(get(&result, "ok").as_bool(), Some(true));
    assert_eq!(get(&result, "status").as_f64(), Some(200.0));
    assert!(!stringify(&result).contains(KEY));
}
