//! The Ask history as JS sees it: `AskHistory` built from what IndexedDB held (plain objects with JS numbers, and
//! whatever corruption crept in), records back as plain objects, pages, and the Markdown export.

use familiar_wasm::AskHistoryJs;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn questions(records: &JsValue) -> Vec<String> {
    js_sys::Array::from(records)
        .iter()
        .filter_map(|record| get(&record, "question").as_string())
        .collect()
}

const RECORD: &str = r#"{"v": 1, "question": "Q1", "answer": "A @UUID[Compendium.a.b.Item.c]{Grabbed}",
  "citations": [{"uuid": "Compendium.a.b.Item.c", "name": "Grabbed"}], "provider": "P", "offline": null,
  "at": 1700000000000}"#;

#[wasm_bindgen_test]
fn stored_records_come_back_and_corrupt_ones_are_skipped() {
    let stored = parse(&format!(
        r#"[{RECORD}, "garbage", null, {{"v": 1, "question": 5, "provider": "P", "at": 1}},
            {{"v": 1, "question": "Q2", "offline": "no GM", "at": -3}},
            {{"v": 1, "question": "Q3", "offline": "no GM", "at": 1700000060000}}]"#
    ));
    let history = AskHistoryJs::new(stored);
    assert_eq!(history.length(), 2);
    assert_eq!(history.skipped(), 4);
    let records = history
        .page(history.length(), history.length())
        .expect("every record");
    assert_eq!(questions(&records), ["Q1", "Q3"]);
    let first = js_sys::Array::from(&records).get(0);
    assert_eq!(
        get(&first, "at").as_f64(),
        Some(1_700_000_000_000.0),
        "a JS number, not a BigInt"
    );
    assert_eq!(get(&first, "v").as_f64(), Some(1.0));
    assert!(get(&js_sys::Array::from(&records).get(1), "provider").is_null());
}

#[wasm_bindgen_test]
fn anything_but_an_array_is_no_history() {
    assert_eq!(AskHistoryJs::new(JsValue::UNDEFINED).skipped(), 0);
    let corrupt = AskHistoryJs::new(JsValue::from_str("not a list"));
    assert_eq!((corrupt.length(), corrupt.skipped()), (0, 1));
    assert_eq!(AskHistoryJs::new(parse(r#"{"0": 1}"#)).length(), 0);
}

#[wasm_bindgen_test]
fn push_takes_the_views_answer_without_a_version_and_refuses_one_without_a_source() {
    let mut history = AskHistoryJs::new(JsValue::UNDEFINED);
    history
        .push(parse(
            r#"{"question": "Q", "answer": "A", "at": 1700000000000, "provider": "P",
                "citations": [{"number": 1, "uuid": "Compendium.a.b.Item.c", "name": "Grabbed", "documentType": "Item"}]}"#,
        ))
        .expect("kept");
    let citation = js_sys::Array::from(&get(
        &js_sys::Array::from(&history.page(1, 1).unwrap()).get(0),
        "citations",
    ))
    .get(0);
    assert_eq!(
        get(&citation, "number"),
        JsValue::UNDEFINED,
        "only uuid and name are kept"
    );
    let error = history
        .push(parse(r#"{"question": "Q", "answer": "A", "at": 1}"#))
        .expect_err("refused");
    let message = js_sys::Error::from(error)
        .message()
        .as_string()
        .unwrap_or_default();
    assert!(message.starts_with("history: "), "{message}");
    assert_eq!(history.length(), 1);
}

#[wasm_bindgen_test]
fn pages_and_the_export() {
    let mut history = AskHistoryJs::new(JsValue::UNDEFINED);
    for n in 0..5 {
        let record = format!(
            r#"{{"question": "Q{n}", "provider": "P", "at": {}}}"#,
            1_700_000_000_000u64 + n * 60_000
        );
        history.push(parse(&record)).expect("kept");
    }
    assert_eq!(questions(&history.page(5, 2).unwrap()), ["Q3", "Q4"]);
    assert_eq!(questions(&history.page(3, 2).unwrap()), ["Q1", "Q2"]);
    let markdown = history.to_markdown(
        "History".into(),
        "By {provider}".into(),
        "Offline".into(),
        "Sources".into(),
    );
    assert!(
        markdown.starts_with("# History\n\n## 1. Q0\n\n_2023-11-14 22:13 UTC · By P_\n\n"),
        "{markdown}"
    );
}
