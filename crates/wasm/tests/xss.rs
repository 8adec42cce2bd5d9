//! Every hostile payload of crates/chat/tests/xss-contract.json through the renderer JS calls (`renderAnswer`, with
//! and without a citation in scope), put into a real page with `innerHTML`, as the Ask view and chat messages do: the browser's own
//! parse of the output holds only allow-listed elements and attributes, and nothing runs (alert, print, confirm,
//! prompt and eval are trapped for the whole test, including events that fire after loading).

use familiar_wasm::render_answer_js;
use gloo_timers::future::TimeoutFuture;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The allow-list and the payloads, shared with the native tests in crates/chat/tests/xss.rs.
const CONTRACT: &str = include_str!("../../chat/tests/xss-contract.json");

/// Installs the traps once; returns nothing.
const TRAP: &str = r#"
if (!window.__familiarXss) {
  window.__familiarXss = [];
  for (const name of ["alert", "confirm", "prompt", "print", "eval"]) {
    window[name] = (...args) => { window.__familiarXss.push(name + ":" + String(args[0])); };
  }
}"#;

/// Puts `html` into a live element and reports what the browser built that `contract` does not allow.
const INSERT: &str = r#"
const allowedTags = new Set(contract.allowedTags);
const allowedAttributes = new Set(contract.allowedAttributes);
const box = document.createElement("div");
box.className = "familiar-xss-box";
document.body.appendChild(box);
box.innerHTML = html;
const found = [];
for (const element of box.querySelectorAll("*")) {
  if (!allowedTags.has(element.localName) || element.namespaceURI !== "http://www.w3.org/1999/xhtml")
    found.push("<" + element.localName + ">");
  for (const attribute of element.attributes) {
    if (!allowedAttributes.has(attribute.name)) found.push(attribute.name);
    if (attribute.name === "href" && !/^(https?:|mailto:)/i.test(element.href)) found.push("href " + element.href);
  }
}
return found.join(", ");"#;

#[wasm_bindgen_test]
async fn hostile_payloads_render_inert_in_the_page() {
    let contract = js_sys::JSON::parse(CONTRACT).expect("the contract is JSON");
    let mut parsed: serde_json::Value =
        serde_json::from_str(CONTRACT).expect("the contract is JSON");
    let payloads: Vec<String> =
        serde_json::from_value(parsed["payloads"].take()).expect("payloads are strings");
    assert!(payloads.len() >= 100, "{}", payloads.len());
    Function::new_no_args(TRAP).call0(&JsValue::NULL).unwrap();
    let insert = Function::new_with_args("contract, html", INSERT);
    // The control: unsanitised markup is seen by the check and its handler runs (so the check can fail).
    let control = insert
        .call2(
            &JsValue::NULL,
            &contract,
            &JsValue::from_str("<img src=x onerror=\"alert('control')\">"),
        )
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(control, "<img>, src, onerror");
    let cited = js_sys::JSON::parse(
        r#"[{"uuid": "Compendium.pf2e.x.Item.AJh5ex99aV6VTggg", "name": "x"}]"#,
    )
    .unwrap();
    let reader = js_sys::JSON::parse(r#"{"gm": true, "packs": ["pf2e.x"]}"#).unwrap();
    for payload in &payloads {
        for (path, citations) in [
            ("renderAnswer", JsValue::UNDEFINED),
            ("renderAnswer with a citation", cited.clone()),
        ] {
            let rendered = render_answer_js(payload, citations, reader.clone());
            let html = js_sys::Reflect::get(&rendered, &"html".into())
                .unwrap()
                .as_string()
                .unwrap();
            let found = insert
                .call2(&JsValue::NULL, &contract, &JsValue::from_str(&html))
                .unwrap()
                .as_string()
                .unwrap();
            assert!(
                found.is_empty(),
                "{path}({payload:?}) built {found}: {html}"
            );
        }
    }
    // Load and error events (images, media, frames) fire after insertion: give them time, then look for traces.
    TimeoutFuture::new(1_000).await;
    let fired = Function::new_no_args("return window.__familiarXss.join(' | ');")
        .call0(&JsValue::NULL)
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(
        fired, "alert:control",
        "only the unsanitised control may run"
    );
    Function::new_no_args(
        "for (const box of document.querySelectorAll('.familiar-xss-box')) box.remove();",
    )
    .call0(&JsValue::NULL)
    .unwrap();
}
