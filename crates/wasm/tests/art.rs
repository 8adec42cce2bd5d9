//! `ArtStudio` as JS sees it, in a real browser: the host is `scripts/art/host.mjs` (the browser's own
//! `createImageBitmap` and `OffscreenCanvas` codecs) with a scripted classifier, and the providers are
//! tests/fakes/image-server.mjs (its URL in `FAMILIAR_FAKE_IMAGE_URL` at compile time, set by
//! tests/tools/with-fake-provider.sh): OpenAI and Horde end to end, a 500 then failover, a black image, a flagged
//! image, an unavailable classifier at strict, cancel, and the typed errors of bad input.

use std::cell::RefCell;
use std::rc::Rc;

use familiar_wasm::{art_file_name, check_art_prompt, ArtStudio};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FAKE: Option<&str> = option_env!("FAMILIAR_FAKE_IMAGE_URL");

/// The adapter's real host module, imported from its source (a snippet outside the crate does not load in the
/// test runner's page, and the test page has no CSP, so a blob: module is fine here).
const HOST_SOURCE: &str = include_str!("../../../scripts/art/host.mjs");

async fn host_module() -> JsValue {
    let import = js_sys::Function::new_with_args(
        "source",
        "return import(URL.createObjectURL(new Blob([source], {type: 'text/javascript'})))",
    );
    let promise = import.call1(&JsValue::NULL, &HOST_SOURCE.into()).unwrap();
    JsFuture::from(Promise::from(promise))
        .await
        .expect("scripts/art/host.mjs loads")
}

thread_local! {
    static HOST_MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// `createArtHost` of scripts/art/host.mjs (loaded once per test page).
async fn create_art_host(options: &JsValue) -> JsValue {
    let cached = HOST_MODULE.with(|module| module.borrow().clone());
    let module = match cached {
        Some(module) => module,
        None => {
            let module = host_module().await;
            HOST_MODULE.with(|slot| *slot.borrow_mut() = Some(module.clone()));
            module
        }
    };
    let create: js_sys::Function = get(&module, "createArtHost").into();
    create.call1(&JsValue::NULL, options).unwrap()
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn text(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

fn number(object: &JsValue, key: &str) -> f64 {
    get(object, key).as_f64().unwrap_or(f64::NAN)
}

fn stringify(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .unwrap_or_default()
}

const SAFE: &str =
    r#"{"drawing": 0.82, "hentai": 0.01, "neutral": 0.15, "porn": 0.01, "sexy": 0.01}"#;
const FLAGGED: &str =
    r#"{"drawing": 0.1, "hentai": 0.05, "neutral": 0.05, "porn": 0.7, "sexy": 0.1}"#;

/// The real browser host with a classifier that answers `scores`, or rejects when `None` (failed to load).
async fn host(scores: Option<&'static str>, classified: Rc<RefCell<Vec<(f64, f64)>>>) -> JsValue {
    let classify = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |pixels: JsValue| {
        classified
            .borrow_mut()
            .push((number(&pixels, "width"), number(&pixels, "height")));
        match scores {
            Some(scores) => Promise::resolve(&js(scores)).into(),
            None => Promise::reject(&js_sys::Error::new("nsfwjs: model.json 404").into()).into(),
        }
    });
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"classify".into(), classify.as_ref()).unwrap();
    classify.forget();
    create_art_host(&options).await
}

struct Run {
    events: Rc<RefCell<Vec<JsValue>>>,
    report: JsValue,
    classified: Rc<RefCell<Vec<(f64, f64)>>>,
}

impl Run {
    fn images(&self) -> Vec<JsValue> {
        let events = self.events.borrow();
        let images = events.iter().filter(|e| text(e, "type") == "image");
        images.map(|e| get(e, "image")).collect()
    }
    fn statuses(&self) -> Vec<String> {
        Array::from(&get(&self.report, "attempts"))
            .iter()
            .map(|a| text(&a, "status"))
            .collect()
    }
    fn classifier_layer(&self) -> JsValue {
        get(&get(&self.report, "safety"), "imageClassifier")
    }
}

/// A chain on the fake server: `[(name, api, fault + path)]`, e.g. `("local", "a1111", "ok/a1111")`.
fn chain(base: &str, providers: &[(&str, &str, &str)]) -> JsValue {
    let entries: Vec<String> = providers
        .iter()
        .map(|(name, api, path)| {
            format!(r#"{{"name": "{name}", "api": "{api}", "base_url": "{base}/{path}", "api_key": "test-key"}}"#)
        })
        .collect();
    js(&format!("[{}]", entries.join(", ")))
}

/// Quick settings for tests; `extra` adds keys (camelCase, as the adapter writes them).
fn settings(extra: &str) -> JsValue {
    js(&format!(
        r#"{{"pollIntervalMs": 100, "backoffBaseMs": 50, "backoffMaxMs": 200, "stepTimeoutMs": 5000,
            "openaiModeration": false{extra}}}"#
    ))
}

async fn run_with(
    studio: &ArtStudio,
    order: &str,
    classified: Rc<RefCell<Vec<(f64, f64)>>>,
    react: impl Fn(&JsValue) + 'static,
) -> Run {
    let events = Rc::new(RefCell::new(Vec::new()));
    let on_event = {
        let events = events.clone();
        Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            react(&event);
            events.borrow_mut().push(event);
        })
    };
    let report = JsFuture::from(studio.submit(js(order), on_event.as_ref().clone()))
        .await
        .expect("submit resolves");
    Run {
        events,
        report,
        classified,
    }
}

fn fake() -> Option<&'static str> {
    if FAKE.is_none() {
        console_log!("skipped: FAMILIAR_FAKE_IMAGE_URL is not set (run through tests/tools/with-fake-provider.sh)");
    }
    FAKE
}

const PORTRAIT: &str =
    r#"{"subject": {"kind": "text", "text": "an orc with a bloody axe"}, "presets": ["portrait"]}"#;

async fn new_studio(
    base: &str,
    providers: &[(&str, &str, &str)],
    extra: &str,
    scores: Option<&'static str>,
) -> (ArtStudio, Rc<RefCell<Vec<(f64, f64)>>>) {
    let classified = Rc::new(RefCell::new(Vec::new()));
    let studio = ArtStudio::new(
        chain(base, providers),
        settings(extra),
        host(scores, classified.clone()).await,
    )
    .expect("a valid studio");
    (studio, classified)
}

#[wasm_bindgen_test]
async fn an_openai_portrait_end_to_end_through_the_browser_codecs() {
    let Some(base) = fake() else { return };
    let (studio, classified) = new_studio(
        base,
        &[("openai", "openai", "ok/openai/v1")],
        "",
        Some(SAFE),
    )
    .await;
    let run = run_with(&studio, PORTRAIT, classified, |_| {}).await;
    assert_eq!(run.statuses(), ["ok"], "{}", stringify(&run.report));
    assert_eq!(
        run.classified.borrow().as_slice(),
        [(1024.0, 1024.0)],
        "the classifier saw the decoded image"
    );
    let images = run.images();
    assert_eq!(images.len(), 1);
    let image = &images[0];
    let webp = Uint8Array::from(get(image, "webp")).to_vec();
    assert_eq!(&webp[..4], b"RIFF");
    assert_eq!(&webp[8..12], b"WEBP");
    assert_eq!(text(image, "mime"), "image/webp");
    assert_eq!(text(image, "extension"), "webp");
    assert_eq!(
        (number(image, "width"), number(image, "height")),
        (768.0, 768.0)
    );
    assert_eq!(text(image, "provider"), "openai");
    assert_eq!(text(image, "nameSuffix"), "");
    assert_eq!(text(image, "preset"), "portrait");
    assert!(number(&get(image, "score"), "overall") > 40.0);
    assert_eq!(
        text(&get(&get(image, "safety"), "imageClassifier"), "verdict"),
        "passed"
    );
    assert_eq!(number(&run.report, "images"), 1.0);
    assert_eq!(get(&run.report, "blocked"), JsValue::FALSE);
    assert_eq!(text(&run.report, "provider"), "openai");
    let job_id = number(&run.report, "jobId");
    assert!(run
        .events
        .borrow()
        .iter()
        .all(|e| number(e, "jobId") == job_id));
    let stages: Vec<String> = run
        .events
        .borrow()
        .iter()
        .filter(|e| text(e, "type") == "progress")
        .map(|e| text(e, "stage"))
        .collect();
    assert!(stages.contains(&"classifying".to_string()), "{stages:?}");
    assert!(!stringify(&run.report).contains("test-key"));
    assert_eq!(studio.open_requests(), 0);
    assert_eq!(studio.active_jobs(), 0);
}

#[wasm_bindgen_test]
async fn a_horde_token_polls_fetches_and_comes_back_round() {
    let Some(base) = fake() else { return };
    let (studio, classified) =
        new_studio(base, &[("horde", "horde", "ok/horde/api")], "", Some(SAFE)).await;
    let order = r#"{"subject": {"kind": "creature", "name": "Goblin Warchanter", "level": 1,
        "traits": ["goblin", "humanoid"], "size": "small", "description": "A goblin who sings."},
        "presets": ["token"]}"#;
    let run = run_with(&studio, order, classified, |_| {}).await;
    assert_eq!(run.statuses(), ["ok"], "{}", stringify(&run.report));
    let image = &run.images()[0];
    assert_eq!(
        (number(image, "width"), number(image, "height")),
        (400.0, 400.0)
    );
    assert_eq!(text(image, "nameSuffix"), "-token");
    assert_eq!(text(image, "title"), "Goblin Warchanter");
    // The token is lossless WebP with a transparent outside: decode it back with the same host.
    let webp = Uint8Array::from(get(image, "webp"));
    let host = host(Some(SAFE), Rc::default()).await;
    let decode: js_sys::Function = get(&host, "decode").into();
    let decoded = JsFuture::from(Promise::from(decode.call1(&host, &webp).unwrap()))
        .await
        .unwrap();
    let rgba = Uint8Array::from(get(&decoded, "rgba")).to_vec();
    assert_eq!(rgba.len(), 400 * 400 * 4);
    assert_eq!(rgba[3], 0, "a transparent corner");
    assert_eq!(rgba[(200 * 400 + 200) * 4 + 3], 255, "an opaque middle");
    let bytes = webp.to_vec();
    assert!(
        bytes.windows(4).any(|chunk| chunk == b"VP8L"),
        "quality 1 is lossless WebP in Chromium: {:?}",
        String::from_utf8_lossy(&bytes[12..40])
    );
}

#[wasm_bindgen_test]
async fn a_500_is_retried_then_the_chain_fails_over() {
    let Some(base) = fake() else { return };
    let providers = [
        ("broken", "a1111", "500/a1111"),
        ("local", "a1111", "ok/a1111"),
    ];
    let (studio, classified) =
        new_studio(base, &providers, r#", "maxRetries": 1"#, Some(SAFE)).await;
    let run = run_with(&studio, PORTRAIT, classified, |_| {}).await;
    assert_eq!(
        run.statuses(),
        ["retry", "failover", "ok"],
        "{}",
        stringify(&run.report)
    );
    let first = Array::from(&get(&run.report, "attempts")).get(0);
    assert!(text(&first, "error").contains("HTTP 500"));
    assert_eq!(text(&run.report, "provider"), "local");
    assert_eq!(run.images().len(), 1);
}

#[wasm_bindgen_test]
async fn a_black_placeholder_is_never_shown() {
    let Some(base) = fake() else { return };
    let (studio, classified) =
        new_studio(base, &[("local", "a1111", "black/a1111")], "", Some(SAFE)).await;
    let run = run_with(&studio, PORTRAIT, classified, |_| {}).await;
    assert_eq!(
        run.statuses(),
        ["retry", "gave_up"],
        "{}",
        stringify(&run.report)
    );
    let first = Array::from(&get(&run.report, "attempts")).get(0);
    assert!(text(&first, "error").contains("black placeholder"));
    assert!(run.images().is_empty());
    assert!(
        run.classified.borrow().is_empty(),
        "a defect never reaches the classifier"
    );
    assert_eq!(number(&run.report, "failed"), 1.0);
}

#[wasm_bindgen_test]
async fn a_flagged_image_is_discarded_and_the_gm_told_why() {
    let Some(base) = fake() else { return };
    let providers = [
        ("local", "a1111", "ok/a1111"),
        ("backup", "a1111", "ok/a1111"),
    ];
    let (studio, classified) = new_studio(base, &providers, "", Some(FLAGGED)).await;
    let run = run_with(&studio, PORTRAIT, classified, |_| {}).await;
    assert_eq!(run.statuses(), ["discarded"], "not shopped to the backup");
    assert!(run.images().is_empty());
    assert_eq!(get(&run.report, "blocked"), JsValue::TRUE);
    let layer = run.classifier_layer();
    assert_eq!(text(&layer, "verdict"), "blocked");
    assert!(
        text(&layer, "reason").contains("porn 0.70"),
        "{}",
        stringify(&layer)
    );
    assert_eq!(text(&run.report, "reason"), text(&layer, "reason"));
    // The same image at permissive passes.
    let (relaxed, classified) = new_studio(
        base,
        &providers,
        r#", "strictness": "permissive""#,
        Some(FLAGGED),
    )
    .await;
    let run = run_with(&relaxed, PORTRAIT, classified, |_| {}).await;
    assert_eq!(
        run.statuses(),
        ["discarded"],
        "0.70 is over permissive's 0.60 too"
    );
    let mild = r#"{"drawing": 0.5, "hentai": 0.05, "neutral": 0.1, "porn": 0.3, "sexy": 0.05}"#;
    let (relaxed, classified) = new_studio(
        base,
        &providers,
        r#", "strictness": "permissive""#,
        Some(mild),
    )
    .await;
    let run = run_with(&relaxed, PORTRAIT, classified, |_| {}).await;
    assert_eq!(run.statuses(), ["ok"]);
}

#[wasm_bindgen_test]
async fn a_classifier_that_cannot_load_blocks_at_strict_and_is_reported_at_moderate() {
    let Some(base) = fake() else { return };
    let (strict, classified) = new_studio(base, &[("local", "a1111", "ok/a1111")], "", None).await;
    let run = run_with(&strict, PORTRAIT, classified, |_| {}).await;
    assert!(run.images().is_empty());
    let reason = text(&run.classifier_layer(), "reason");
    assert!(reason.starts_with("classifier unavailable"), "{reason}");
    assert!(reason.contains("model.json 404"), "{reason}");
    let (moderate, classified) = new_studio(
        base,
        &[("local", "a1111", "ok/a1111")],
        r#", "strictness": "moderate""#,
        None,
    )
    .await;
    let run = run_with(&moderate, PORTRAIT, classified, |_| {}).await;
    assert_eq!(run.images().len(), 1);
    assert_eq!(text(&run.classifier_layer(), "verdict"), "not_run");
}

#[wasm_bindgen_test]
async fn cancel_stops_a_stalled_horde_job_and_resolves_its_report() {
    let Some(base) = fake() else { return };
    let (studio, classified) = new_studio(
        base,
        &[("horde", "horde", "stall/horde/api")],
        "",
        Some(SAFE),
    )
    .await;
    let studio = Rc::new(studio);
    let canceller = studio.clone();
    let polls = Rc::new(RefCell::new(0));
    let counter = polls.clone();
    // Cancel from inside onEvent once the job is being generated (re-entrancy included).
    let run = run_with(&studio, PORTRAIT, classified, move |event| {
        if text(event, "stage") == "generating" {
            *counter.borrow_mut() += 1;
            if *counter.borrow() == 2 {
                assert!(canceller.cancel(number(event, "jobId")));
            }
        }
    })
    .await;
    assert_eq!(get(&run.report, "cancelled"), JsValue::TRUE);
    assert_eq!(run.statuses(), ["cancelled"]);
    // Events recorded after `react` returns: the finished one (delivered inside the cancel) comes first.
    let types: Vec<String> = run
        .events
        .borrow()
        .iter()
        .map(|e| text(e, "type"))
        .collect();
    assert_eq!(
        types.iter().filter(|t| *t == "finished").count(),
        1,
        "{types:?}"
    );
    assert!(
        !studio.cancel(number(&run.report, "jobId")),
        "already finished"
    );
    assert_eq!(studio.active_jobs(), 0);
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_with_a_kind() {
    let kind = |error: JsValue| text(&error, "kind");
    let host = host(Some(SAFE), Rc::default()).await;
    let remote =
        js(r#"[{"name": "x", "api": "openai", "base_url": "http://images.example.com/v1"}]"#);
    let error = ArtStudio::new(remote, JsValue::UNDEFINED, host.clone())
        .err()
        .unwrap();
    assert_eq!(kind(error.clone()), "badBaseUrl");
    assert_eq!(text(&error, "code"), "insecureRemote");
    let empty = ArtStudio::new(js("[]"), JsValue::UNDEFINED, host.clone())
        .err()
        .unwrap();
    assert_eq!(kind(empty), "noProviders");
    let chain = js(r#"[{"name": "x", "api": "a1111", "base_url": "http://127.0.0.1:7860"}]"#);
    let typo = ArtStudio::new(
        chain.clone(),
        js(r#"{"strictnes": "strict"}"#),
        host.clone(),
    )
    .err()
    .unwrap();
    assert_eq!(kind(typo), "badSettings");
    let no_host = ArtStudio::new(chain.clone(), JsValue::UNDEFINED, js("{}"))
        .err()
        .unwrap();
    assert_eq!(kind(no_host), "badHost");
    let unknown_api =
        js(r#"[{"name": "x", "api": "midjourney", "base_url": "https://x.example"}]"#);
    let error = ArtStudio::new(unknown_api, JsValue::UNDEFINED, host.clone())
        .err()
        .unwrap();
    assert_eq!(kind(error), "badChain");
    let verdict = check_art_prompt("a nude elf", JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&verdict, "allowed"), JsValue::FALSE);
    assert!(text(&verdict, "reason").contains("sexual content"));
    let fine = check_art_prompt("an orc with a bloody axe", "permissive".into()).unwrap();
    assert_eq!(get(&fine, "allowed"), JsValue::TRUE);
    assert_eq!(
        kind(check_art_prompt("x", "lax".into()).err().unwrap()),
        "badArgument"
    );
    assert_eq!(
        art_file_name("Orc", "-token", "webp", vec!["orc-token.webp".into()]),
        "orc-token-2.webp"
    );
}

#[wasm_bindgen_test]
async fn a_blocked_prompt_resolves_at_once_and_a_bad_order_rejects_with_a_kind() {
    let chain = js(r#"[{"name": "x", "api": "a1111", "base_url": "http://127.0.0.1:9"}]"#);
    let studio = ArtStudio::new(
        chain,
        JsValue::UNDEFINED,
        host(Some(SAFE), Rc::default()).await,
    )
    .unwrap();
    let nude = r#"{"subject": {"kind": "text", "text": "a nude elf"}, "presets": ["portrait"]}"#;
    let report = JsFuture::from(studio.submit(js(nude), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(get(&report, "blocked"), JsValue::TRUE);
    assert_eq!(
        text(&get(&get(&report, "safety"), "promptFilter"), "verdict"),
        "blocked"
    );
    assert_eq!(studio.open_requests(), 0);
    let bad = JsFuture::from(studio.submit(js(r#"{"subject": "orc"}"#), JsValue::UNDEFINED))
        .await
        .err()
        .unwrap();
    assert_eq!(text(&bad, "kind"), "badOrder");
    let many =
        r#"{"subject": {"kind": "text", "text": "orc"}, "presets": ["portrait"], "variants": 99}"#;
    let error = JsFuture::from(studio.submit(js(many), JsValue::UNDEFINED))
        .await
        .err()
        .unwrap();
    assert_eq!(text(&error, "kind"), "badVariants");
}
