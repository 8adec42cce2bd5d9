//! Players' art requests as the JS adapter sees them: a player's page builds its request with `artRelayRequest`,
//! the GM's `ArtRelay` answers with action objects, the page reads the GM's reply with `artRelayRead`, and a
//! reloaded page's `artRelayResume` gets the kept outcome. Refusals carry a typed `error.code`; bad arguments throw.

use familiar_wasm::{art_relay_read, art_relay_request, art_relay_resume, ArtRelayJs};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 2026-12-01 12:00 UTC.
const NOW: f64 = 1_796_126_400_000.0;
const PLAYER: &str = "UserBrannoc00001";
const OTHER: &str = "UserTamsin000001";

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn text(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

fn list(value: &JsValue) -> Vec<JsValue> {
    js_sys::Array::from(value).iter().collect()
}

fn of_type(actions: &JsValue, kind: &str) -> Vec<JsValue> {
    list(actions)
        .into_iter()
        .filter(|action| text(action, "type") == kind)
        .collect()
}

/// The one reply the actions send to `user`, as the player's page reads it.
fn reply_to(actions: &JsValue, user: &str) -> JsValue {
    let sent: Vec<JsValue> = of_type(actions, "send")
        .into_iter()
        .filter(|action| text(action, "userId") == user)
        .collect();
    assert_eq!(sent.len(), 1, "one reply to {user}");
    art_relay_read(&text(&sent[0], "message")).expect("a reply reads")
}

fn error_code(reply: &JsValue) -> String {
    assert_eq!(text(reply, "type"), "refused");
    text(&get(reply, "error"), "code")
}

fn relay(config: &str) -> ArtRelayJs {
    ArtRelayJs::new(js(config)).expect("a usable configuration")
}

/// A player's request as their page builds it: `(requestId, message)`.
fn request(user: &str, order: &str) -> (String, String) {
    let built = art_relay_request(user, js(order)).expect("a well-formed order");
    (text(&built, "requestId"), text(&built, "message"))
}

const SAVED_IMAGE: &str = r#"{"images": [{"path": "worlds/w/familiar-art/ranger.webp", "preset": "portrait",
    "width": 512, "height": 512, "score": 0.74, "provider": "gm-openai",
    "safety": {"promptFilter": {"verdict": "passed"}, "providerFilter": {"verdict": "passed"},
    "imageClassifier": {"verdict": "passed"}}}], "discarded": 0}"#;

#[wasm_bindgen_test]
fn an_allowed_request_is_accepted_started_and_finished_and_a_resume_gets_it_again() {
    let mut gm = relay(r#"{"playersMayRequest": true, "dailyImages": 2}"#);
    let (request_id, message) = request(
        PLAYER,
        r#"{"prompt": "an elven ranger", "presets": ["portrait"]}"#,
    );
    let actions = gm.receive(PLAYER, &message, NOW).expect("actions");
    let accepted = reply_to(&actions, PLAYER);
    assert_eq!(text(&accepted, "type"), "accepted");
    assert_eq!(text(&accepted, "requestId"), request_id);
    let start = of_type(&actions, "start");
    assert_eq!(start.len(), 1);
    assert_eq!(text(&start[0], "prompt"), "an elven ranger");
    assert_eq!(get(&start[0], "variants").as_f64(), Some(1.0));
    let call = get(&start[0], "call").as_f64().expect("a call id");
    assert_eq!(gm.next_deadline(), Some(NOW + 180_000.0));

    // A reload while painting: still accepted, nothing started twice.
    let resumed = gm
        .receive(PLAYER, &art_relay_resume(&request_id), NOW + 1_000.0)
        .expect("actions");
    assert_eq!(text(&reply_to(&resumed, PLAYER), "type"), "accepted");
    assert!(of_type(&resumed, "start").is_empty());

    let finished = gm
        .on_outcome(call, js(SAVED_IMAGE), NOW + 5_000.0)
        .expect("a well-formed outcome");
    let reply = reply_to(&finished, PLAYER);
    assert_eq!(text(&reply, "type"), "finished");
    let images = list(&get(&reply, "images"));
    assert_eq!(
        text(&images[0], "path"),
        "worlds/w/familiar-art/ranger.webp"
    );
    assert_eq!(
        text(
            &get(&get(&images[0], "safety"), "imageClassifier"),
            "verdict"
        ),
        "passed"
    );
    // After it ended a resume gets the kept reply, the picture charged once.
    let again = gm
        .receive(PLAYER, &art_relay_resume(&request_id), NOW + 6_000.0)
        .expect("actions");
    assert_eq!(text(&reply_to(&again, PLAYER), "type"), "finished");
    let usage = list(&gm.usage(NOW + 6_000.0).expect("usage"));
    assert_eq!(text(&usage[0], "userId"), PLAYER);
    assert_eq!(get(&usage[0], "imagesToday").as_f64(), Some(1.0));
    assert_eq!(gm.next_deadline(), None);
    assert!(gm.saved_usage().contains(PLAYER));
}

#[wasm_bindgen_test]
fn refused_when_not_allowed_and_over_budget_until_an_own_budget_lifts_it() {
    let mut closed = relay("{}");
    let (_, message) = request(
        PLAYER,
        r#"{"prompt": "an owlbear", "presets": ["portrait"]}"#,
    );
    let actions = closed.receive(PLAYER, &message, NOW).expect("actions");
    assert_eq!(error_code(&reply_to(&actions, PLAYER)), "notAllowed");
    assert!(of_type(&actions, "start").is_empty());
    let rejected = of_type(&actions, "rejected");
    assert_eq!(
        text(&rejected[0], "errorMessage"),
        "the GM does not let players request art"
    );

    let mut gm = relay(r#"{"playersMayRequest": true, "dailyImages": 1}"#);
    let (_, message) = request(
        PLAYER,
        r#"{"prompt": "an owlbear", "presets": ["portrait", "token"]}"#,
    );
    let reply = reply_to(&gm.receive(PLAYER, &message, NOW).expect("actions"), PLAYER);
    assert_eq!(error_code(&reply), "overBudget");
    let error = get(&reply, "error");
    assert_eq!(get(&error, "usedImages").as_f64(), Some(0.0));
    assert_eq!(get(&error, "budgetImages").as_f64(), Some(1.0));
    assert_eq!(get(&error, "requestedImages").as_f64(), Some(2.0));
    assert!(text(&reply, "errorMessage").contains("budget is used up"));

    gm.set_user_budget(PLAYER, Some(4.0))
        .expect("a whole number");
    let (_, message) = request(
        PLAYER,
        r#"{"prompt": "an owlbear", "presets": ["portrait", "token"]}"#,
    );
    let actions = gm.receive(PLAYER, &message, NOW).expect("actions");
    assert_eq!(text(&reply_to(&actions, PLAYER), "type"), "accepted");
    assert!(gm.set_user_budget(PLAYER, Some(-1.0)).is_err());
    // A new switch holds at once: the GM turned it off.
    gm.configure(js(r#"{"playersMayRequest": false}"#))
        .expect("a usable configuration");
    let (_, message) = request(OTHER, r#"{"prompt": "a wyvern", "presets": ["token"]}"#);
    let reply = reply_to(&gm.receive(OTHER, &message, NOW).expect("actions"), OTHER);
    assert_eq!(error_code(&reply), "notAllowed");
}

#[wasm_bindgen_test]
fn bad_messages_are_typed_refusals_and_bad_arguments_throw() {
    let mut gm = relay(r#"{"playersMayRequest": true}"#);
    let broken = gm.receive(PLAYER, "{not json", NOW).expect("actions");
    let reply = reply_to(&broken, PLAYER);
    assert_eq!(error_code(&reply), "malformed");
    assert!(get(&reply, "requestId").is_null() || get(&reply, "requestId").is_undefined());
    let old = gm
        .receive(PLAYER, r#"{"v": 99, "type": "request"}"#, NOW)
        .expect("actions");
    assert_eq!(error_code(&reply_to(&old, PLAYER)), "unsupportedVersion");
    // A request naming another user than its proven sender.
    let (_, message) = request(
        OTHER,
        r#"{"prompt": "an owlbear", "presets": ["portrait"]}"#,
    );
    let forged = gm.receive(PLAYER, &message, NOW).expect("actions");
    assert_eq!(error_code(&reply_to(&forged, PLAYER)), "wrongSender");
    assert!(of_type(&forged, "start").is_empty());
    // A resume for a request this relay never had.
    let unknown = gm
        .receive(PLAYER, &art_relay_resume("req-never-sent"), NOW)
        .expect("actions");
    assert_eq!(error_code(&reply_to(&unknown, PLAYER)), "unknownRequest");

    assert!(art_relay_read("not a reply")
        .expect("no throw")
        .is_undefined());
    let outcome = gm.on_outcome(1.0, js(r#"{"images": "none"}"#), NOW);
    let thrown = outcome.expect_err("a malformed outcome throws");
    assert!(thrown.is_instance_of::<js_sys::Error>());
    assert!(ArtRelayJs::new(js(r#"{"bogus": 1}"#)).is_err());
    let impossible = ArtRelayJs::new(js(r#"{"maxVariants": 0}"#))
        .err()
        .expect("refused");
    let message: String = js_sys::Error::from(impossible).message().into();
    assert!(message.contains("maxVariants"), "{message}");
    assert!(art_relay_request(
        PLAYER,
        js(r#"{"prompt": "x", "presets": ["portrait"], "extra": 1}"#)
    )
    .is_err());
    assert!(gm.restore_usage("{", NOW).is_err());
}
