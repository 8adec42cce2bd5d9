//! Tool calls from the wire to checked arguments and back: the schemas, the checker (types, required, enums,
//! bounds), streaming assembly in both formats under any chunking (arguments cut mid-string and mid-number, parallel
//! calls interleaved, byte by byte), and the requests that carry tools, calls and results in each format.

use familiar_chat::provider::chat_request;
use familiar_chat::tools::args::{check_call, ToolArgs};
use familiar_chat::tools::calls::RawToolCall;
use familiar_chat::tools::catalog::{Asker, ToolName, ToolSet, ROADMAPS};
use familiar_chat::tools::schema::check;
use familiar_chat::tools::script::{reply, ScriptedCall, Split};
use familiar_chat::tools::wire::{CallRecord, ResultRecord, StepInput, Turn};
use familiar_chat::tools::CallError;
use familiar_chat::{
    Api, FinishReason, Message, Prompt, ProviderConfig, Role, StreamDecoder, StreamEvent, ToolNotes,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn raw(name: &str, arguments: &str) -> RawToolCall {
    RawToolCall {
        id: "call_1".into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

fn gm() -> ToolSet {
    ToolSet::for_asker(Asker::Gm)
}

fn problem(name: &str, arguments: &str) -> String {
    check_call(&raw(name, arguments), &gm())
        .expect_err("the call must be refused")
        .to_string()
}

#[test]
fn every_tool_has_a_closed_object_schema_and_a_description() {
    for tool in ToolName::ALL {
        let schema = tool.schema();
        assert_eq!(schema["type"], "object", "{tool}");
        assert_eq!(schema["additionalProperties"], false, "{tool}");
        assert!(!tool.description().is_empty());
        assert_eq!(ToolName::parse(tool.as_str()), Some(tool));
        for required in schema["required"].as_array().unwrap() {
            assert!(
                schema["properties"]
                    .get(required.as_str().unwrap())
                    .is_some(),
                "{tool}: {required}"
            );
        }
    }
    assert_eq!(ToolName::parse("Search_Rules"), None);
}

#[test]
fn a_player_is_never_offered_a_world_changing_tool() {
    let player = ToolSet::for_asker(Asker::Player);
    assert!(ToolName::ALL
        .iter()
        .all(|tool| player.contains(*tool) != tool.changes_world()));
    let limited = ToolSet::for_asker(Asker::Gm).limited_to(Asker::Player);
    assert_eq!(limited, player);
    let gm = ToolSet::for_asker(Asker::Gm);
    assert!(ToolName::ALL.iter().all(|tool| gm.contains(*tool)));
    assert!(ToolSet::read_only()
        .iter()
        .all(|tool| !tool.changes_world()));
}

#[test]
fn valid_calls_read_into_typed_arguments() {
    let call = check_call(
        &raw(
            "rate_encounter",
            r#"{"party_level": 4, "party_size": 4.0, "creatures": [{"level": 5, "adjustment": "elite", "uuid": null}, {"level": 3}], "hazards": null}"#,
        ),
        &gm(),
    )
    .unwrap();
    let ToolArgs::RateEncounter(rate) = &call.args else {
        panic!("{:?}", call.args)
    };
    assert_eq!((rate.party_level, rate.party_size), (4, 4));
    assert_eq!(rate.creatures.len(), 2);
    assert!(rate.hazards.is_empty());
    // Nulls of optional arguments are dropped, whole floats become integers.
    assert_eq!(
        call.arguments,
        json!({"party_level": 4, "party_size": 4, "creatures": [{"level": 5, "adjustment": "elite"}, {"level": 3}]})
    );
    let search = check_call(&raw("search_rules", r#"{"query":"grabbed"}"#), &gm()).unwrap();
    assert!(matches!(&search.args, ToolArgs::SearchRules(s) if s.top() == 5));
    for tool in ["create_actor", "build_creature"] {
        let call = check_call(
            &raw(
                tool,
                r#"{"level": 6, "roadmap": "brute", "adjustment": "normal", "seed": 7}"#,
            ),
            &gm(),
        )
        .unwrap();
        assert_eq!(call.tool.as_str(), tool);
    }
    let combat = check_call(
        &raw(
            "start_combat",
            r#"{"creatures": [{"uuid": "Compendium.pf2e.pathfinder-bestiary.Actor.abc", "count": 2}]}"#,
        ),
        &gm(),
    );
    assert!(combat.is_ok());
    // An empty argument text is an empty object.
    assert!(matches!(
        check_call(&raw("read_rule", ""), &gm()),
        Err(CallError::Invalid { .. })
    ));
}

#[test]
fn bad_calls_are_errors_a_model_can_read() {
    let cases = [
        ("search_rules", r#"{"query": "x", "top": 9}"#, "top: 9 is out of range: from 1 to 8"),
        ("search_rules", r#"{"query": "x", "top": 2.5}"#, "top: expected an integer, got the fraction 2.5"),
        ("search_rules", r#"{"query": ""}"#, "query: must not be empty"),
        ("search_rules", r#"{"top": 3}"#, "the required argument \"query\" is missing"),
        ("search_rules", r#"{"query": "x", "limit": 3}"#, "unknown argument \"limit\"; the arguments are query, top"),
        ("search_rules", r#"["x"]"#, "arguments: expected an object, got an array"),
        ("generate_encounter", r#"{"party_level": 3, "party_size": 4, "threat": "moderate", "count": 4}"#, "count: 4 is out of range: from 1 to 3"),
        ("generate_encounter", r#"{"party_level": 3, "party_size": 4, "threat": "deadly"}"#, "threat: expected one of \"trivial\", \"low\", \"moderate\", \"severe\", \"extreme\", got \"deadly\""),
        ("rate_encounter", r#"{"party_level": "4", "party_size": 4, "creatures": []}"#, "party_level: expected an integer, got the string \"4\""),
        ("rate_encounter", r#"{"party_level": 4, "party_size": 4, "creatures": [{"level": 2}, {"level": 3, "adjustment": "strong"}]}"#, "creatures[1].adjustment: expected one of \"elite\", \"weak\", got \"strong\""),
        ("rate_encounter", r#"{"party_level": 4, "party_size": 4, "creatures": [{"level": 2}], "hazards": [{"level": 1}]}"#, "hazards[0]: the required argument \"complex\" is missing"),
        ("build_creature", r#"{"level": 30, "roadmap": "brute"}"#, "level: 30 is out of range: from -1 to 24"),
        ("build_creature", r#"{"level": 3, "roadmap": "dragon"}"#, "roadmap: expected one of"),
        ("post_to_chat", r#"{"content": "hi", "whisper": "yes"}"#, "whisper: expected true or false, got a string"),
        ("start_combat", r#"{"creatures": []}"#, "creatures: has 0 entries; at least 1"),
        ("read_rule", r#"{"uuid": "Compendium.x.Item.y""#, "the arguments are not valid JSON"),
        ("cast_fireball", "{}", "there is no tool named \"cast_fireball\"; the tools are: search_rules, read_rule"),
    ];
    for (tool, arguments, expected) in cases {
        let message = problem(tool, arguments);
        assert!(message.contains(expected), "{tool} {arguments}: {message}");
    }
    let player = check_call(
        &raw("create_actor", r#"{"level": 1, "roadmap": "brute"}"#),
        &ToolSet::for_asker(Asker::Player),
    )
    .unwrap_err();
    assert!(matches!(player, CallError::NotOffered { .. }), "{player}");
    assert!(player
        .to_string()
        .starts_with("create_actor is not available"));
    let long = format!(r#"{{"query": "{}"}}"#, "a".repeat(40_000));
    assert!(matches!(
        check_call(&raw("search_rules", &long), &gm()),
        Err(CallError::TooLong)
    ));
}

#[test]
fn the_schema_names_the_road_maps() {
    let names: Vec<&str> = ToolName::BuildCreature.schema()["properties"]["roadmap"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    assert_eq!(names, ROADMAPS);
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,10}".boxed(),
                    Just("level".to_string()).boxed(),
                    Just("creatures".to_string()).boxed(),
                    Just("query".to_string()).boxed(),
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn the_checker_never_panics_and_what_it_accepts_reads(value in arbitrary_json(), tool in 0usize..8) {
        let tool = ToolName::ALL[tool];
        if let Ok(checked) = check(tool.schema(), value.clone()) {
            // Whatever passes the schema is read into typed arguments.
            let call = check_call(&raw(tool.as_str(), &checked.to_string()), &gm());
            prop_assert!(call.is_ok(), "{:?}", call);
        }
        let _ = check_call(&raw(tool.as_str(), &value.to_string()), &gm());
    }
}

// Streaming assembly.

fn scripted() -> Vec<ScriptedCall> {
    vec![
        ScriptedCall::new(
            "call_rate",
            "rate_encounter",
            &json!({"party_level": 4, "party_size": 4, "creatures": [{"level": 5}, {"level": 3, "adjustment": "weak"}, {"level": 3}]}),
        ),
        ScriptedCall::new(
            "call_look",
            "search_rules",
            &json!({"query": "Grabbed — “off-guard”", "top": 3}),
        ),
        ScriptedCall::raw("call_bad", "read_rule", r#"{"uuid": "Compendium.x"#),
    ]
}

fn decode_in(api: Api, body: &[u8], chunk: usize) -> Vec<StreamEvent> {
    let mut decoder = StreamDecoder::with_tools(api);
    let mut events = Vec::new();
    for piece in body.chunks(chunk.max(1)) {
        events.extend(decoder.feed(piece));
    }
    events.extend(decoder.end());
    events
}

fn calls_of(events: &[StreamEvent]) -> Vec<RawToolCall> {
    events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::ToolCall { call } => Some(call.clone()),
            _ => None,
        })
        .collect()
}

fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::TextDelta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn expected_raw() -> Vec<RawToolCall> {
    scripted()
        .into_iter()
        .map(|call| RawToolCall {
            id: call.id,
            name: call.name,
            arguments: call.arguments,
        })
        .collect()
}

#[test]
fn calls_assemble_in_both_formats_whatever_the_chunking() {
    for api in [Api::OpenAi, Api::Anthropic] {
        for split in [
            Split::Whole,
            Split::Every(1),
            Split::Every(3),
            Split::Every(7),
        ] {
            let body = reply(api, "Let me check.", &scripted(), split, (100, 20));
            for chunk in [1, 2, 5, 37, body.len()] {
                let events = decode_in(api, body.as_bytes(), chunk);
                assert_eq!(
                    calls_of(&events),
                    expected_raw(),
                    "{api:?} {split:?} {chunk}"
                );
                assert_eq!(text_of(&events), "Let me check.");
                assert_eq!(
                    events.last(),
                    Some(&StreamEvent::Finish {
                        reason: FinishReason::ToolUse
                    })
                );
                // Calls come before the usage and the finish; nothing after the finish.
                let first_call = events
                    .iter()
                    .position(|e| matches!(e, StreamEvent::ToolCall { .. }))
                    .unwrap();
                let usage = events
                    .iter()
                    .position(|e| matches!(e, StreamEvent::Usage(_)))
                    .unwrap();
                assert!(first_call < usage);
            }
        }
    }
}

#[test]
fn a_decoder_without_tools_ignores_calls_as_before() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let body = reply(api, "Text.", &scripted(), Split::Every(3), (1, 1));
        let mut decoder = StreamDecoder::new(api);
        let mut events = decoder.feed(body.as_bytes());
        events.extend(decoder.end());
        assert!(calls_of(&events).is_empty());
        assert_eq!(text_of(&events), "Text.");
    }
}

#[test]
fn openai_servers_that_bend_the_format_are_read() {
    let chunk = |delta: Value| {
        format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": delta}]})
        )
    };
    let body = [
        // A whole call in one delta without an index, its arguments an object (some local servers).
        chunk(json!({"tool_calls": [{"id": "a", "function": {"name": "read_rule", "arguments": {"uuid": "u1"}}}]})),
        // A second call under index 0 again, told apart by its new id.
        chunk(json!({"tool_calls": [{"index": 0, "id": "b", "function": {"name": "search_rules", "arguments": "{\"que"}}]})),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "ry\": \"x\"}"}}]})),
        // The legacy function_call.
        chunk(json!({"function_call": null})),
        format!("data: {}\n\ndata: [DONE]\n\n", json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})),
    ]
    .concat();
    let calls = calls_of(&decode_in(Api::OpenAi, body.as_bytes(), 11));
    assert_eq!(
        calls,
        vec![
            RawToolCall {
                id: "a".into(),
                name: "read_rule".into(),
                arguments: r#"{"uuid":"u1"}"#.into()
            },
            RawToolCall {
                id: "b".into(),
                name: "search_rules".into(),
                arguments: r#"{"query": "x"}"#.into()
            },
        ]
    );
    let legacy = [
        chunk(json!({"function_call": {"name": "read_rule", "arguments": "{\"uuid\":"}})),
        chunk(json!({"function_call": {"arguments": "\"v\"}"}})),
        format!(
            "data: {}\n\n",
            json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "function_call"}]})
        ),
    ]
    .concat();
    let calls = calls_of(&decode_in(Api::OpenAi, legacy.as_bytes(), 5));
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].arguments, r#"{"uuid":"v"}"#);
}

#[test]
fn a_stream_that_breaks_mid_call_is_an_error_with_no_call() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let body = reply(api, "", &scripted(), Split::Every(3), (1, 1));
        let cut = &body.as_bytes()[..body.len() / 2];
        let events = decode_in(api, cut, 9);
        assert!(
            matches!(events.last(), Some(StreamEvent::Error { .. })),
            "{api:?}"
        );
        // Anthropic finishes a block at its stop; the half-streamed calls never are.
        assert!(calls_of(&events).len() < 3);
    }
}

// Requests.

fn provider(api: Api) -> ProviderConfig {
    ProviderConfig {
        name: "p".into(),
        api,
        base_url: "https://p.test/v1".into(),
        model: "m".into(),
        api_key: Some("k".into()),
        max_output_tokens: None,
        context_tokens: None,
    }
}

fn step(tools: ToolSet, with_calls: bool) -> StepInput {
    let mut turns = vec![
        Turn::User {
            text: "Earlier question".into(),
        },
        Turn::Assistant {
            text: "Earlier answer".into(),
            calls: Vec::new(),
        },
        Turn::User {
            text: "Passages: ...\n\nQuestion: is it fair?".into(),
        },
    ];
    if with_calls {
        turns.push(Turn::Assistant {
            text: "Rating it.".into(),
            calls: vec![
                CallRecord {
                    id: "call_a".into(),
                    name: "rate_encounter".into(),
                    arguments: json!({"party_level": 4}),
                },
                CallRecord {
                    id: "call_b".into(),
                    name: "nonsense".into(),
                    arguments: json!({}),
                },
            ],
        });
        turns.push(Turn::Results {
            results: vec![
                ResultRecord {
                    id: "call_a".into(),
                    name: "rate_encounter".into(),
                    content: r#"{"totalXP":70}"#.into(),
                    is_error: false,
                },
                ResultRecord {
                    id: "call_b".into(),
                    name: "nonsense".into(),
                    content: r#"{"error":"no"}"#.into(),
                    is_error: true,
                },
            ],
        });
    }
    StepInput {
        system: "System.".into(),
        notes: ToolNotes::default(),
        turns,
        tools,
        passages: Vec::new(),
        first_provider: None,
    }
}

fn body(api: Api, input: &StepInput, tools_allowed: bool) -> Value {
    serde_json::from_str(
        input
            .request(&provider(api), tools_allowed)
            .body
            .as_deref()
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn openai_requests_carry_tools_calls_and_tool_messages() {
    let value = body(
        Api::OpenAi,
        &step(ToolSet::for_asker(Asker::Player), true),
        true,
    );
    let tools: Vec<&str> = value["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        [
            "search_rules",
            "read_rule",
            "rate_encounter",
            "generate_encounter",
            "build_creature"
        ]
    );
    assert_eq!(value["tools"][0]["type"], "function");
    assert_eq!(
        value["tools"][2]["function"]["parameters"],
        *ToolName::RateEncounter.schema()
    );
    let messages = value["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    assert!(messages[0]["content"]
        .as_str()
        .unwrap()
        .contains("Compute with the tools"));
    assert_eq!(messages[4]["role"], "assistant");
    assert_eq!(messages[4]["tool_calls"][0]["id"], "call_a");
    assert_eq!(
        messages[4]["tool_calls"][0]["function"]["arguments"],
        r#"{"party_level":4}"#
    );
    assert_eq!(
        messages[5],
        json!({"role": "tool", "tool_call_id": "call_a", "content": "{\"totalXP\":70}"})
    );
    assert_eq!(messages[6]["tool_call_id"], "call_b");
    assert_eq!(messages.len(), 7);
    assert_eq!(value["stream"], true);
}

#[test]
fn anthropic_requests_carry_tool_use_and_tool_result_blocks() {
    let value = body(
        Api::Anthropic,
        &step(ToolSet::for_asker(Asker::Gm), true),
        true,
    );
    assert_eq!(value["tools"].as_array().unwrap().len(), 8);
    assert_eq!(value["tools"][0]["name"], "search_rules");
    assert_eq!(
        value["tools"][0]["input_schema"],
        *ToolName::SearchRules.schema()
    );
    assert!(value["system"]
        .as_str()
        .unwrap()
        .contains("Compute with the tools"));
    let messages = value["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 5);
    let assistant = &messages[3];
    assert_eq!(assistant["role"], "assistant");
    assert_eq!(
        assistant["content"][0],
        json!({"type": "text", "text": "Rating it."})
    );
    assert_eq!(
        assistant["content"][1],
        json!({"type": "tool_use", "id": "call_a", "name": "rate_encounter", "input": {"party_level": 4}})
    );
    let results = &messages[4];
    assert_eq!(results["role"], "user");
    assert_eq!(
        results["content"][0],
        json!({"type": "tool_result", "tool_use_id": "call_a", "content": "{\"totalXP\":70}"})
    );
    assert_eq!(results["content"][1]["is_error"], true);
}

#[test]
fn without_tools_the_first_request_is_todays() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let input = step(ToolSet::none(), false);
        let prompt = Prompt {
            system: "System.".into(),
            messages: vec![
                Message {
                    role: Role::User,
                    content: "Earlier question".into(),
                },
                Message {
                    role: Role::Assistant,
                    content: "Earlier answer".into(),
                },
                Message {
                    role: Role::User,
                    content: "Passages: ...\n\nQuestion: is it fair?".into(),
                },
            ],
        };
        let today = chat_request(&provider(api), &prompt);
        assert_eq!(input.request(&provider(api), true), today);
        // A provider that refuses tools gets today's request too.
        let offered = step(ToolSet::read_only(), false);
        assert_eq!(offered.request(&provider(api), false), today);
    }
}

#[test]
fn without_tools_after_tool_use_the_calls_and_results_are_text() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let value = body(api, &step(ToolSet::read_only(), true), false);
        assert!(value.get("tools").is_none());
        let text = value.to_string();
        assert!(
            text.contains("[called rate_encounter {\\\"party_level\\\":4}]"),
            "{text}"
        );
        assert!(
            text.contains("rate_encounter: {\\\"totalXP\\\":70}"),
            "{text}"
        );
        assert!(text.contains("nonsense (error)"), "{text}");
        assert!(text.contains("No more tools are available"), "{text}");
        // Roles still alternate: user, assistant, user, assistant, user.
        let roles: Vec<&str> = value["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .filter(|role| *role != "system")
            .collect();
        assert_eq!(roles, ["user", "assistant", "user", "assistant", "user"]);
    }
}

proptest! {
    /// A decoder with tools, fed a real reply with arbitrary bytes spliced in and cut anywhere: it never panics, ends
    /// with exactly one terminal event, and emits tool calls only before it; the clean reply cut anywhere gives the
    /// same calls as whole.
    #[test]
    fn a_tools_decoder_survives_any_bytes_and_any_cut(
        anthropic in any::<bool>(),
        junk in prop::collection::vec(any::<u8>(), 0..64),
        at in 0usize..4096,
        cuts in prop::collection::vec(1usize..64, 1..40),
    ) {
        let api = if anthropic { Api::Anthropic } else { Api::OpenAi };
        let body = reply(api, "Checking.", &scripted(), Split::Every(2), (5, 5)).into_bytes();
        let mut spliced = body.clone();
        let at = at.min(spliced.len());
        spliced.splice(at..at, junk);
        for bytes in [&body, &spliced] {
            let mut decoder = StreamDecoder::with_tools(api);
            let mut events = Vec::new();
            let mut rest: &[u8] = bytes;
            for cut in cuts.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (piece, tail) = rest.split_at((*cut).min(rest.len()));
                events.extend(decoder.feed(piece));
                rest = tail;
            }
            events.extend(decoder.end());
            let terminal = |e: &StreamEvent| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error { .. });
            prop_assert_eq!(events.iter().filter(|e| terminal(e)).count(), 1);
            prop_assert!(terminal(events.last().unwrap()));
        }
        let mut decoder = StreamDecoder::with_tools(api);
        let mut events = Vec::new();
        let mut rest: &[u8] = &body;
        for cut in cuts.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, tail) = rest.split_at((*cut).min(rest.len()));
            events.extend(decoder.feed(piece));
            rest = tail;
        }
        events.extend(decoder.end());
        prop_assert_eq!(calls_of(&events), expected_raw());
    }
}
