//! The relay as the JS adapter sees it: a GM `Relay` and players' `RelayPlayer`s exchanging message strings, the
//! action and event objects they return, and the chat session's answer object fed back in.

use familiar_wasm::{RelayJs, RelayPlayerJs};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const NOW: f64 = 1_700_000_000_000.0;

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn text(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
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

/// The message texts the actions send to `user`.
fn sent_to(actions: &JsValue, user: &str) -> Vec<String> {
    of_type(actions, "send")
        .iter()
        .filter(|action| text(action, "userId") == user)
        .map(|action| text(action, "message"))
        .collect()
}

fn ask(player: &mut RelayPlayerJs, question: &str) -> (String, String) {
    let asked = player
        .ask(parse(&format!(
            r#"{{"question": {question:?}, "language": "en"}}"#
        )))
        .expect("a well-formed argument");
    assert_eq!(get(&asked, "ok"), JsValue::TRUE);
    (text(&asked, "requestId"), text(&asked, "message"))
}

fn gm() -> RelayJs {
    RelayJs::new(JsValue::UNDEFINED).expect("the default configuration")
}

#[wasm_bindgen_test]
fn a_question_goes_to_the_gm_and_the_answer_comes_back() {
    let mut relay = gm();
    let mut alice = RelayPlayerJs::new("aliceUserId0001").unwrap();
    let mut bob = RelayPlayerJs::new("bobUserId000001").unwrap();
    let (request_id, message) = ask(&mut alice, "Can I Step while grabbed?");
    assert_eq!(request_id.len(), 32);
    assert_eq!(alice.pending(), vec![request_id.clone()]);

    let actions = relay
        .receive("aliceUserId0001", JsValue::from_str(&message), NOW)
        .unwrap();
    let start = &of_type(&actions, "start")[0];
    assert_eq!(text(start, "requestId"), request_id);
    assert_eq!(text(start, "question"), "Can I Step while grabbed?");
    assert_eq!(text(start, "language"), "en");
    assert!(get(start, "historySummary").is_null());
    let call = get(start, "call").as_f64().unwrap();
    let accepted = alice
        .receive(
            JsValue::from_str(&sent_to(&actions, "aliceUserId0001")[0]),
            None,
        )
        .unwrap();
    assert_eq!(text(&accepted, "type"), "accepted");
    assert_eq!(get(&accepted, "queued"), JsValue::FALSE);

    let actions = relay.on_delta(call, "No: grabbed [1]", NOW + 5.0).unwrap();
    let delta = sent_to(&actions, "aliceUserId0001").remove(0);
    let event = alice.receive(JsValue::from_str(&delta), None).unwrap();
    assert_eq!(text(&event, "type"), "text");
    assert_eq!(text(&event, "text"), "No: grabbed [1]");
    // Another player's page makes nothing of it.
    let event = bob.receive(JsValue::from_str(&delta), None).unwrap();
    assert_eq!(text(&event, "type"), "ignored");

    // The object `ChatSession.ask` resolves with, as it is.
    let answer = parse(
        r#"{"askId": 3, "markdown": "No: @UUID[Compendium.pf2e.conditionitems.Item.grabbed]{Grabbed}",
            "html": "<p>No</p>", "citations": [{"number": 1, "uuid": "Compendium.pf2e.conditionitems.Item.grabbed",
            "name": "Grabbed"}], "provider": "primary", "offline": false, "offlineReason": null, "attempts": [],
            "usage": {"inputTokens": 900, "outputTokens": 40}, "finish": "stop"}"#,
    );
    let actions = relay.on_final(call, answer, NOW + 10.0).unwrap();
    let event = alice
        .receive(
            JsValue::from_str(&sent_to(&actions, "aliceUserId0001")[0]),
            None,
        )
        .unwrap();
    assert_eq!(text(&event, "type"), "final");
    let answer = get(&event, "answer");
    assert!(text(&answer, "text").contains("@UUID[Compendium.pf2e.conditionitems.Item.grabbed]"));
    assert_eq!(text(&answer, "provider"), "primary");
    assert_eq!(get(&answer, "offline"), JsValue::FALSE);
    assert_eq!(list(&get(&answer, "citations")).len(), 1);
    assert!(alice.pending().is_empty());

    let usage = list(&relay.usage(NOW + 10.0).unwrap());
    assert_eq!(text(&usage[0], "userId"), "aliceUserId0001");
    assert_eq!(get(&usage[0], "tokensToday").as_f64(), Some(940.0));
    let stats = relay.stats().unwrap();
    assert_eq!(get(&stats, "answered").as_f64(), Some(1.0));
    assert_eq!(get(&stats, "storedAnswers").as_f64(), Some(1.0));
    assert!(relay.next_deadline().is_some());
}

#[wasm_bindgen_test]
fn bad_messages_become_errors_for_the_sender_and_lines_for_the_gm() {
    let mut relay = gm();
    let mut alice = RelayPlayerJs::new("aliceUserId0001").unwrap();
    let (_, message) = ask(&mut alice, "Can I Step?");
    let actions = relay
        .receive("mallory00000001", JsValue::from_str(&message), NOW)
        .unwrap();
    let rejected = &of_type(&actions, "rejected")[0];
    assert_eq!(text(&get(rejected, "error"), "code"), "wrongSender");
    assert!(text(rejected, "errorMessage").contains("another user"));
    assert!(sent_to(&actions, "mallory00000001")[0].contains(r#""code":"wrongSender""#));
    assert!(sent_to(&actions, "aliceUserId0001").is_empty());
    assert!(of_type(&actions, "start").is_empty());

    // Not a string at all: a socket payload object, a number.
    for raw in [parse(r#"{"v": 1, "type": "ask"}"#), JsValue::from_f64(4.0)] {
        let actions = relay.receive("aliceUserId0001", raw, NOW).unwrap();
        let error = &of_type(&actions, "rejected")[0];
        assert_eq!(text(&get(error, "error"), "code"), "malformed");
    }
    // Bytes work as text does.
    let bytes = js_sys::Uint8Array::from(message.as_bytes());
    let actions = relay.receive("aliceUserId0001", bytes.into(), NOW).unwrap();
    assert_eq!(of_type(&actions, "start").len(), 1);
    // The player reads a GM message of another version as invalid.
    let event = alice
        .receive(JsValue::from_str(r#"{"v": 2, "type": "delta"}"#), None)
        .unwrap();
    assert_eq!(text(&event, "type"), "invalid");
    assert_eq!(text(&get(&event, "error"), "code"), "unsupportedVersion");
}

#[wasm_bindgen_test]
fn the_player_refuses_an_oversized_question_before_sending() {
    let mut alice = RelayPlayerJs::new("aliceUserId0001").unwrap();
    let long = "why ".repeat(600);
    let asked = alice
        .ask(parse(&format!(
            r#"{{"question": "{long}", "language": "en"}}"#
        )))
        .unwrap();
    assert_eq!(get(&asked, "ok"), JsValue::FALSE);
    let error = get(&asked, "error");
    assert_eq!(text(&error, "code"), "tooLarge");
    assert_eq!(text(&error, "field"), "question");
    assert!(!text(&error, "message").is_empty());
    assert!(alice
        .ask(parse(r#"{"question": "q", "language": "en", "sneaky": 1}"#))
        .is_err());
    assert!(RelayPlayerJs::new("not a user id").is_err());
}

#[wasm_bindgen_test]
fn settings_budgets_and_saved_usage() {
    assert!(
        RelayJs::new(parse(r#"{"maxConcurent": 2}"#)).is_err(),
        "misspelt key"
    );
    assert!(RelayJs::new(parse(r#"{"maxConcurrent": 0}"#)).is_err());
    let mut relay =
        RelayJs::new(parse(r#"{"maxConcurrent": 2, "dailyTokenBudget": 100}"#)).unwrap();
    assert_eq!(
        get(&relay.config().unwrap(), "requestsPerMinute").as_f64(),
        Some(100.0)
    );
    relay.set_user_budget("aliceUserId0001", Some(0.0)).unwrap();
    assert!(relay
        .set_user_budget("aliceUserId0001", Some(-1.0))
        .is_err());
    let mut alice = RelayPlayerJs::new("aliceUserId0001").unwrap();
    let (_, message) = ask(&mut alice, "Can I Step?");
    let actions = relay
        .receive("aliceUserId0001", JsValue::from_str(&message), NOW)
        .unwrap();
    let rejected = &of_type(&actions, "rejected")[0];
    assert_eq!(text(&get(rejected, "error"), "code"), "budgetExhausted");

    relay.set_user_budget("aliceUserId0001", None).unwrap();
    let (_, message) = ask(&mut alice, "Can I Step now?");
    let actions = relay
        .receive("aliceUserId0001", JsValue::from_str(&message), NOW)
        .unwrap();
    let call = get(&of_type(&actions, "start")[0], "call")
        .as_f64()
        .unwrap();
    let answer = parse(r#"{"markdown": "Yes.", "usage": {"inputTokens": 60, "outputTokens": 10}}"#);
    relay.on_final(call, answer, NOW).unwrap();
    let saved = relay.saved_usage();
    let mut reloaded = RelayJs::new(parse(r#"{"dailyTokenBudget": 100}"#)).unwrap();
    assert_eq!(reloaded.restore_usage(&saved, NOW + 1.0).unwrap(), 1);
    assert!(reloaded.restore_usage("not json", NOW).is_err());
    let actions = relay
        .configure(parse(r#"{"maxConcurrent": 3}"#), NOW)
        .unwrap();
    assert!(list(&actions).is_empty());
    let left = relay.user_left("aliceUserId0001", NOW).unwrap();
    assert!(list(&left).is_empty());
}

#[wasm_bindgen_test]
fn after_a_reload_the_page_resumes() {
    let mut relay = gm();
    let mut page = RelayPlayerJs::new("aliceUserId0001").unwrap();
    let (request_id, message) = ask(&mut page, "Can I Step?");
    let actions = relay
        .receive("aliceUserId0001", JsValue::from_str(&message), NOW)
        .unwrap();
    let call = get(&of_type(&actions, "start")[0], "call")
        .as_f64()
        .unwrap();
    relay.on_delta(call, "Half", NOW).unwrap();
    let mut reloaded = RelayPlayerJs::new("aliceUserId0001").unwrap();
    let resume = reloaded.resume(&request_id, None).unwrap();
    let actions = relay
        .receive("aliceUserId0001", JsValue::from_str(&resume), NOW + 1.0)
        .unwrap();
    let events: Vec<JsValue> = sent_to(&actions, "aliceUserId0001")
        .into_iter()
        .map(|raw| reloaded.receive(JsValue::from_str(&raw), None).unwrap())
        .collect();
    assert_eq!(text(&events[1], "text"), "Half");
    let cancel = reloaded.cancel(&request_id).unwrap();
    let actions = relay
        .receive("aliceUserId0001", JsValue::from_str(&cancel), NOW + 2.0)
        .unwrap();
    assert_eq!(
        get(&of_type(&actions, "cancel")[0], "call").as_f64(),
        Some(call)
    );
    assert!(reloaded.resume("bad id", None).is_err());
}
