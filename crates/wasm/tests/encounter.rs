//! The encounter exports as JS sees them: plain objects in, plain objects out, JS errors with GM-readable messages.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn error_message(error: JsValue) -> String {
    assert!(error.is_instance_of::<js_sys::Error>(), "a JS Error");
    get(&error, "message").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn calculate_xp_uses_the_pf2e_names() {
    let result = familiar_wasm::calculate_xp(parse(
        r#"{"partyLevel": 4, "partySize": 4, "npcLevels": [2, 2], "hazards": [{"level": 4, "isComplex": false}, {"level": 2, "isComplex": true}]}"#,
    ))
    .expect("rated");
    assert!(
        !result.is_instance_of::<js_sys::Map>(),
        "a plain object, not a Map"
    );
    assert_eq!(get(&result, "totalXP").as_f64(), Some(68.0));
    assert_eq!(
        get(&result, "rating").as_string().as_deref(),
        Some("moderate")
    );
    assert_eq!(get(&result, "ratingXP").as_f64(), Some(80.0));
    assert_eq!(get(&result, "xpPerPlayer").as_f64(), Some(68.0));
    assert_eq!(
        get(&get(&result, "encounterBudgets"), "extreme").as_f64(),
        Some(160.0)
    );
}

#[wasm_bindgen_test]
fn calculate_xp_refuses_bad_input_with_a_message() {
    let error =
        familiar_wasm::calculate_xp(parse(r#"{"partyLevel": 4.5, "partySize": 4}"#)).unwrap_err();
    assert!(error_message(error).contains("whole number"));
    let error =
        familiar_wasm::calculate_xp(parse(r#"{"partyLevel": 4, "partySize": 0}"#)).unwrap_err();
    assert!(error_message(error).contains("at least 1"));
}

#[wasm_bindgen_test]
fn budgets_for_any_party_size() {
    let budgets = familiar_wasm::encounter_budgets(5.0).expect("budgets");
    assert_eq!(get(&budgets, "low").as_f64(), Some(75.0));
    assert!(familiar_wasm::encounter_budgets(0.0).is_err());
}

#[wasm_bindgen_test]
fn a_pool_generates_encounters_in_band() {
    let rows: Vec<String> = (-1..=25)
        .flat_map(|level| {
            (0..4).map(move |n| {
                format!(r#"{{"uuid": "Compendium.t.Actor.{level}-{n}", "name": "C{level}-{n}", "level": {level}, "traits": ["beast"]}}"#)
            })
        })
        .collect();
    let pool =
        familiar_wasm::EncounterPool::new(parse(&format!("[{}]", rows.join(",")))).expect("pool");
    assert_eq!(pool.size(), 27 * 4);
    let result = pool
        .generate(parse(
            r#"{"partyLevel": 5, "partySize": 4, "threat": "severe", "count": 3, "seed": 9}"#,
        ))
        .expect("generated");
    let encounters = js_sys::Array::from(&get(&result, "encounters"));
    assert_eq!(encounters.length(), 3);
    for encounter in encounters.iter() {
        let xp = get(&encounter, "xp");
        assert_eq!(get(&xp, "rating").as_string().as_deref(), Some("severe"));
        assert!(js_sys::Array::is_array(&get(&encounter, "uuids")));
    }
    let error = pool.generate(parse(
        r#"{"partyLevel": 5, "partySize": 4, "threat": "low", "includeTraits": ["dragon"]}"#,
    ));
    assert!(error_message(error.unwrap_err()).contains("relax"));
    let once = familiar_wasm::generate_encounters(
        parse(r#"{"partyLevel": 5, "partySize": 4, "threat": "low"}"#),
        parse(&format!("[{}]", rows.join(","))),
    );
    assert!(once.is_ok());
}

#[wasm_bindgen_test]
fn pools_read_compendium_actors() {
    let actors = parse(
        r#"[{"uuid": "Compendium.pf2e.b.Actor.a", "name": "Goblin", "type": "npc", "system": {"details": {"level": {"value": -1}}, "traits": {"value": ["goblin"], "rarity": "common", "size": {"value": "sm"}}}},
            {"uuid": "Compendium.pf2e.b.Actor.l", "name": "Chest", "type": "loot", "system": {}}]"#,
    );
    let pool = familiar_wasm::EncounterPool::from_actors(actors).expect("pool");
    assert_eq!(pool.size(), 1);
}

#[wasm_bindgen_test]
fn build_creature_returns_an_actor_source() {
    let built = familiar_wasm::build_creature_js(parse(
        r#"{"level": 5, "roadmap": "spellcaster", "elite": true, "seed": 3}"#,
    ))
    .expect("built");
    let actor = get(&built, "actor");
    assert_eq!(get(&actor, "type").as_string().as_deref(), Some("npc"));
    let system = get(&actor, "system");
    assert_eq!(
        get(&get(&get(&system, "details"), "level"), "value").as_f64(),
        Some(5.0)
    );
    assert_eq!(
        get(&get(&system, "attributes"), "adjustment")
            .as_string()
            .as_deref(),
        Some("elite")
    );
    let items = js_sys::Array::from(&get(&actor, "items"));
    assert!(items
        .iter()
        .any(|item| get(&item, "type").as_string().as_deref() == Some("spellcastingEntry")));
    let error = familiar_wasm::build_creature_js(parse(r#"{"level": 30, "roadmap": "brute"}"#))
        .unwrap_err();
    assert!(error_message(error).contains("-1 to 24"));
    // "Create actor" passes `game.system.version`: a pf2e 4 world gets perception where pf2e 4 reads it.
    let v4 = familiar_wasm::build_creature_js(parse(
        r#"{"level": 2, "roadmap": "brute", "pf2eVersion": "4.12.1"}"#,
    ))
    .expect("built for pf2e 4");
    let v4_system = get(&get(&v4, "actor"), "system");
    assert_eq!(
        get(&get(&get(&v4_system, "attributes"), "perception"), "value").as_f64(),
        get(&get(&get(&v4, "creature"), "perception"), "value").as_f64()
    );
    assert!(get(&v4_system, "perception").is_undefined());
    let error = familiar_wasm::build_creature_js(parse(
        r#"{"level": 2, "roadmap": "brute", "pf2eVersion": "latest"}"#,
    ))
    .unwrap_err();
    assert!(error_message(error).contains("pf2e version"));
    let roadmaps = js_sys::Array::from(&familiar_wasm::creature_roadmaps().expect("list"));
    assert!(roadmaps.length() >= 19);
}
