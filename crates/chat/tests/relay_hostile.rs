//! Hostile and broken input to the relay: every bad message gets a typed error (or a typed line for the GM), never
//! a panic; arbitrary bytes and arbitrary operation sequences keep the relay within its bounds.

mod relay_support;

use familiar_chat::relay::wire::Field;
use familiar_chat::relay::{Action, PlayerEvent, RelayConfig, RelayError};
use proptest::prelude::*;
use relay_support::*;

fn refused(raw: &[u8]) -> RelayError {
    let mut gm = relay(RelayConfig::default());
    let out = gm.receive("alice", raw, T0);
    assert!(starts(&out).is_empty(), "{out:?}");
    the_error(&out, "alice")
}

fn malformed(raw: &str) -> String {
    match refused(raw.as_bytes()) {
        RelayError::Malformed { detail } => detail,
        other => panic!(
            "expected malformed for {:?}, got {other:?}",
            raw.chars().take(100).collect::<String>()
        ),
    }
}

const GOOD: &str = r#"{"v":1,"type":"ask","requestId":"req-00000001","userId":"alice","question":"Can I Step?","language":"en"}"#;

#[test]
fn a_well_formed_question_passes() {
    let mut gm = relay(RelayConfig::default());
    assert_eq!(starts(&gm.receive("alice", GOOD.as_bytes(), T0)).len(), 1);
}

#[test]
fn huge_json_is_refused_by_its_size_before_parsing() {
    let huge = format!(
        r#"{{"v":1,"type":"ask","requestId":"req-00000001","userId":"alice","question":"{}","language":"en"}}"#,
        "a".repeat(1_000_000)
    );
    assert_eq!(
        refused(huge.as_bytes()),
        RelayError::TooLarge {
            field: Field::Message,
            limit: 16 * 1024,
            got: huge.len() as u64
        }
    );
    // Deep nesting within the size limit: serde_json's depth limit, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(8_000), "]".repeat(8_000));
    assert!(malformed(&deep).contains("recursion"));
    let deep_object = format!(
        r#"{{"v":1,"type":"cancel","requestId":{}1{}}}"#,
        "[".repeat(7_000),
        "]".repeat(7_000)
    );
    malformed(&deep_object);
}

#[test]
fn a_long_question_is_refused_by_its_length() {
    let long = GOOD.replace("Can I Step?", &"why ".repeat(1_000));
    assert_eq!(
        refused(long.as_bytes()),
        RelayError::TooLarge {
            field: Field::Question,
            limit: 2_000,
            got: 4_000
        }
    );
    let summary = GOOD.replace(
        r#""language":"en""#,
        &format!(
            r#""language":"en","historySummary":"{}""#,
            "s".repeat(5_000)
        ),
    );
    assert!(matches!(
        refused(summary.as_bytes()),
        RelayError::TooLarge {
            field: Field::HistorySummary,
            ..
        }
    ));
}

#[test]
fn wrong_types_and_shapes_are_malformed() {
    assert!(malformed(&GOOD.replace(r#""Can I Step?""#, "42")).contains("invalid type"));
    assert!(malformed(&GOOD.replace(r#""en""#, "null")).contains("invalid type"));
    assert!(malformed(&GOOD.replace(r#","language":"en""#, "")).contains("language"));
    assert!(malformed(&GOOD.replace(r#""ask""#, r#""teleport""#)).contains("teleport"));
    assert!(malformed(&GOOD.replace(r#""en"}"#, r#""en","role":"gm"}"#)).contains("role"));
    assert!(malformed(&GOOD.replace("Can I Step?", "")).contains("empty"));
    assert!(malformed(&GOOD.replace("Can I Step?", "a\\u0000b")).contains("control"));
    assert!(malformed(&GOOD.replace(r#""en""#, r#""en; drop""#)).contains("language"));
    for raw in [
        "",
        "null",
        "[]",
        "\"ask\"",
        "{",
        "{}",
        r#"{"v":1}"#,
        "1e999",
    ] {
        malformed(raw);
    }
    // Not UTF-8.
    assert!(matches!(
        refused(&[0x7b, 0xff, 0xfe, 0x7d]),
        RelayError::Malformed { .. }
    ));
    // A detail echoing a huge bad value is cut short.
    let echo = GOOD.replace(r#""en""#, &format!("\"{}\"", "x".repeat(10_000)));
    assert!(matches!(
        refused(echo.as_bytes()),
        RelayError::TooLarge {
            field: Field::Language,
            ..
        }
    ));
    let echo = GOOD.replace(r#""Can I Step?""#, &format!("[\"{}\"]", "x".repeat(10_000)));
    assert!(malformed(&echo).chars().count() <= 200);
}

#[test]
fn unknown_versions_get_a_clear_error_with_the_request_id() {
    let mut gm = relay(RelayConfig::default());
    for (raw, got) in [
        (GOOD.replace(r#""v":1"#, r#""v":2"#), Some(2)),
        (GOOD.replace(r#""v":1"#, r#""v":"1""#), None),
        (GOOD.replace(r#""v":1"#, r#""v":-1"#), None),
    ] {
        let out = gm.receive("alice", raw.as_bytes(), T0);
        let messages = messages_to(&out, "alice");
        let Some(familiar_chat::relay::ToPlayer::Error { request_id, error }) = messages.first()
        else {
            panic!("{out:?}");
        };
        assert_eq!(request_id.as_deref(), Some("req-00000001"));
        assert_eq!(*error, RelayError::UnsupportedVersion { got, supported: 1 });
        assert!(error.to_string().contains("reload"));
    }
    assert!(malformed(&GOOD.replace(r#""v":1,"#, "")).contains("version"));
}

#[test]
fn a_message_in_another_users_name_is_refused() {
    let mut gm = relay(RelayConfig::default());
    let out = gm.receive("mallory", GOOD.as_bytes(), T0);
    assert_eq!(the_error(&out, "mallory"), RelayError::WrongSender);
    assert!(messages_to(&out, "alice").is_empty());
    assert!(out.iter().any(|a| matches!(a, Action::Rejected { user_id, error: RelayError::WrongSender, .. } if user_id == "mallory")));
}

#[test]
fn bad_ids_are_refused_without_echoing_them() {
    let bad_request = GOOD.replace("req-00000001", "../../etc");
    let mut gm = relay(RelayConfig::default());
    let out = gm.receive("alice", bad_request.as_bytes(), T0);
    let messages = messages_to(&out, "alice");
    assert!(matches!(
        &messages[0],
        familiar_chat::relay::ToPlayer::Error {
            request_id: None,
            error: RelayError::BadRequestId
        }
    ));
    // A sender id the transport should never report: only a line for the GM, nothing sent.
    for sender in ["", "a b", &"u".repeat(1_000)] {
        let out = gm.receive(sender, GOOD.as_bytes(), T0);
        assert!(
            matches!(out.as_slice(), [Action::Rejected { error: RelayError::BadSender, user_id, .. }] if user_id.len() <= 64)
        );
    }
}

#[test]
fn refusals_are_not_echoed_past_five_a_second() {
    let mut gm = relay(RelayConfig::default());
    let mut sent = 0;
    for n in 0..50 {
        sent += errors_to(&gm.receive("alice", b"junk", T0 + n * 10), "alice").len();
    }
    assert_eq!(sent, 5);
    assert_eq!(gm.stats().counters.suppressed_replies, 45);
    let out = gm.receive("alice", b"junk", T0 + 1_000);
    assert_eq!(errors_to(&out, "alice").len(), 1, "a new second");
}

#[test]
fn a_full_user_table_refuses_newcomers_as_busy() {
    let mut gm = relay(RelayConfig {
        max_users: 2,
        ..RelayConfig::default()
    });
    let (mut a, mut b, mut c) = (player("a"), player("b"), player("c"));
    gm.receive("a", &ask(&mut a, &request_id(0)), T0);
    gm.receive("b", &ask(&mut b, &request_id(0)), T0);
    let out = gm.receive("c", &ask(&mut c, &request_id(0)), T0);
    assert_eq!(the_error(&out, "c"), RelayError::Busy);
    // Once a user is idle (nothing running, nothing spent, quiet for a minute), a newcomer takes the place.
    gm.user_left("a", T0 + 1);
    let out = gm.receive("c", &ask(&mut c, &request_id(1)), T0 + 61_000);
    assert!(
        matches!(the_error(&out, "c"), RelayError::Busy),
        "a spent tokens on its cancelled call"
    );
    let mut gm = relay(RelayConfig {
        max_users: 1,
        ..RelayConfig::default()
    });
    gm.receive("a", b"junk", T0);
    let out = gm.receive("c", &ask(&mut c, &request_id(2)), T0 + 61_000);
    assert_eq!(starts(&out).len(), 1);
}

#[test]
fn the_player_reads_broken_gm_messages_as_invalid() {
    let mut page = player("alice");
    for raw in [
        &b"garbage"[..],
        br#"{"v":9,"type":"delta"}"#,
        br#"{"v":1,"type":"final"}"#,
    ] {
        assert!(matches!(page.receive(raw), PlayerEvent::Invalid { .. }));
    }
    let answer = br#"{"v":1,"type":"final","requestId":"req-00000001","answer":{"text":"x","offline":false}}"#;
    assert!(
        matches!(page.receive(answer), PlayerEvent::Ignored { .. }),
        "not asked by this page"
    );
    let huge = vec![b' '; 600 * 1024];
    assert!(matches!(
        page.receive(&huge),
        PlayerEvent::Invalid {
            error: RelayError::TooLarge { .. }
        }
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(sender in "[a-z0-9]{0,3}|\\PC{0,80}", raw in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let mut gm = relay(RelayConfig::default());
        let out = gm.receive(&sender, &raw, T0);
        prop_assert!(starts(&out).is_empty());
        let mut page = player("alice");
        let _ = page.receive(&raw);
    }

    /// Objects with the right keys and values of any type: typed errors, and a start only for a valid question.
    #[test]
    fn arbitrary_json_objects_never_panic(
        fields in proptest::collection::vec(
            (
                prop::sample::select(vec!["v", "type", "requestId", "userId", "question", "language", "historySummary", "extra"]),
                prop_oneof![
                    Just(serde_json::json!(1)),
                    Just(serde_json::json!("ask")),
                    Just(serde_json::json!("resume")),
                    Just(serde_json::json!("cancel")),
                    Just(serde_json::json!("alice")),
                    Just(serde_json::json!("req-00000001")),
                    Just(serde_json::json!(null)),
                    Just(serde_json::json!([1, {"a": []}])),
                    any::<i64>().prop_map(|n| serde_json::json!(n)),
                    "\\PC{0,40}".prop_map(|s| serde_json::json!(s)),
                ],
            ),
            0..9,
        )
    ) {
        let object: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(key, value)| (key.to_string(), value)).collect();
        let raw = serde_json::to_vec(&object).unwrap();
        let mut gm = relay(RelayConfig::default());
        let out = gm.receive("alice", &raw, T0);
        for action in &out {
            if let Action::Start { user_id, question, .. } = action {
                prop_assert_eq!(user_id, "alice");
                prop_assert!(!question.trim().is_empty());
            }
        }
    }

    /// Any interleaving of players, provider events, ticks and departures keeps the relay within its bounds.
    #[test]
    fn any_sequence_keeps_the_bounds(ops in proptest::collection::vec((0u8..8, 0usize..6, 0usize..12, 0u64..5_000), 1..300)) {
        let config = RelayConfig {
            max_concurrent: 3,
            max_queued_per_user: 3,
            max_queued_total: 8,
            max_users: 4,
            daily_token_budget: Some(20_000),
            ..RelayConfig::default()
        };
        let mut gm = relay(config);
        let users = ["u0", "u1", "u2", "u3", "u4", "u5"];
        let mut pages: Vec<_> = users.iter().map(|user| player(user)).collect();
        let mut now = T0;
        let mut open: Vec<u64> = Vec::new();
        for (op, who, n, step) in ops {
            now += step;
            let user = users[who];
            let target = open.get(n % open.len().max(1)).copied();
            let out = match op {
                0 | 1 => gm.receive(user, &ask(&mut pages[who], &request_id(n)), now),
                2 => gm.receive(user, pages[who].cancel(&request_id(n)).unwrap().as_bytes(), now),
                3 => gm.receive(user, pages[who].resume(&request_id(n)).unwrap().as_bytes(), now),
                4 => match target {
                    Some(call) => gm.on_delta(call, "text ", now),
                    None => gm.tick(now),
                },
                5 => match target {
                    Some(call) => {
                        open.retain(|c| *c != call);
                        gm.on_final(call, answer("done", Some((100, 50))), now)
                    }
                    None => gm.tick(now),
                },
                6 => gm.user_left(user, now),
                _ => gm.tick(now + 400_000),
            };
            for action in &out {
                match action {
                    Action::Start { call, .. } => open.push(*call),
                    Action::Cancel { call } => open.retain(|c| c != call),
                    _ => {}
                }
            }
            let stats = gm.stats();
            prop_assert!(stats.in_flight <= config.max_concurrent);
            prop_assert!(stats.queued <= config.max_queued_total);
            prop_assert!(stats.users <= config.max_users);
            prop_assert!(gm.approx_bytes() <= config.max_bytes());
            for usage in gm.usage(now) {
                prop_assert!(usage.in_flight <= config.max_in_flight_per_user);
                prop_assert!(usage.queued <= config.max_queued_per_user);
                prop_assert!(usage.requests_last_minute <= config.requests_per_minute);
            }
        }
    }
}
