use super::*;
use crate::safety::{Category, LayerVerdict};

const ALICE: &str = "aliceUserId0001";
const BOB: &str = "bobUserId000001";
/// 2026-12-01 12:00 UTC.
const NOON: u64 = 1_796_126_400_000;

fn open_relay() -> ArtRelay {
    ArtRelay::new(ArtRelayConfig {
        players_may_request: true,
        daily_images: Some(3),
        ..ArtRelayConfig::default()
    })
}

fn request(
    relay: &mut ArtRelay,
    user: &str,
    id: &str,
    prompt: &str,
    presets: Vec<Preset>,
    now: u64,
) -> Vec<ArtAction> {
    let message = request_message(id, user, prompt, presets, 1);
    relay.receive(user, message.as_bytes(), now)
}

fn reply_to(actions: &[ArtAction], user: &str) -> ArtToPlayer {
    actions
        .iter()
        .find_map(|action| match action {
            ArtAction::Send { user_id, message } if user_id == user => {
                read_reply(message.as_bytes())
            }
            _ => None,
        })
        .expect("a reply to the user")
}

fn refusal(actions: &[ArtAction], user: &str) -> ArtRelayError {
    match reply_to(actions, user) {
        ArtToPlayer::Refused { error, .. } => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn started(actions: &[ArtAction]) -> CallId {
    actions
        .iter()
        .find_map(|action| match action {
            ArtAction::Start { call, .. } => Some(*call),
            _ => None,
        })
        .expect("a started job")
}

fn image(path: &str) -> RelayedImage {
    RelayedImage {
        path: path.into(),
        preset: Preset::Portrait,
        width: 512,
        height: 512,
        score: 0.71,
        provider: "working".into(),
        safety: RelayedSafety {
            prompt_filter: LayerVerdict::Passed,
            provider_filter: LayerVerdict::Passed,
            image_classifier: LayerVerdict::Passed,
        },
    }
}

#[test]
fn an_allowed_request_starts_a_job_and_the_player_gets_the_saved_images() {
    let mut relay = open_relay();
    let actions = request(
        &mut relay,
        ALICE,
        "req-000001",
        "  an owlbear in moonlight ",
        vec![Preset::Portrait],
        NOON,
    );
    assert_eq!(
        reply_to(&actions, ALICE),
        ArtToPlayer::Accepted {
            request_id: "req-000001".into()
        }
    );
    let call = started(&actions);
    assert!(actions.iter().any(|a| matches!(a, ArtAction::Start { prompt, variants: 1, .. } if prompt == "an owlbear in moonlight")));
    let outcome = ArtOutcome {
        images: vec![image("worlds/w/familiar-art/owlbear.webp")],
        ..ArtOutcome::default()
    };
    let actions = relay.on_outcome(call, outcome, NOON + 5_000);
    match reply_to(&actions, ALICE) {
        ArtToPlayer::Finished {
            request_id,
            images,
            discarded,
        } => {
            assert_eq!(request_id, "req-000001");
            assert_eq!(images[0].path, "worlds/w/familiar-art/owlbear.webp");
            assert_eq!(discarded, 0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(relay.usage(NOON)[0].images_today, 1);
    // The outcome of an ended call is ignored.
    assert!(relay
        .on_outcome(call, ArtOutcome::default(), NOON)
        .is_empty());
}

#[test]
fn refused_when_the_gm_does_not_allow_it() {
    let mut relay = ArtRelay::new(ArtRelayConfig::default());
    let actions = request(
        &mut relay,
        ALICE,
        "req-000001",
        "an owlbear",
        vec![Preset::Portrait],
        NOON,
    );
    assert_eq!(refusal(&actions, ALICE), ArtRelayError::NotAllowed);
    assert!(!actions.iter().any(|a| matches!(a, ArtAction::Start { .. })));
    assert!(actions
        .iter()
        .any(|a| matches!(a, ArtAction::Rejected { .. })));
}

#[test]
fn the_budget_counts_made_images_and_running_reservations() {
    let mut relay = open_relay();
    // Two images (portrait + token) of a budget of three: allowed, and held while running.
    let actions = request(
        &mut relay,
        ALICE,
        "req-000001",
        "a goblin",
        vec![Preset::Portrait, Preset::Token],
        NOON,
    );
    let call = started(&actions);
    let outcome = ArtOutcome {
        images: vec![image("a.webp")],
        discarded: 1,
        ..ArtOutcome::default()
    };
    relay.on_outcome(call, outcome, NOON + 1_000);
    // Both images count (one was discarded, but the GM paid for it): one left.
    let actions = request(
        &mut relay,
        ALICE,
        "req-000002",
        "a goblin",
        vec![Preset::Portrait, Preset::Token],
        NOON + 2_000,
    );
    assert_eq!(
        refusal(&actions, ALICE),
        ArtRelayError::OverBudget {
            used_images: 2,
            budget_images: 3,
            requested_images: 2,
            resets_at_ms: 1_796_169_600_000
        }
    );
    // Bob has his own budget.
    assert!(matches!(
        reply_to(
            &request(
                &mut relay,
                BOB,
                "req-000003",
                "a goblin",
                vec![Preset::Portrait],
                NOON
            ),
            BOB
        ),
        ArtToPlayer::Accepted { .. }
    ));
    // A player's own budget over the world's; the next UTC day starts over.
    relay.set_user_budget(ALICE, Some(4));
    assert!(matches!(
        reply_to(
            &request(
                &mut relay,
                ALICE,
                "req-000004",
                "a goblin",
                vec![Preset::Portrait, Preset::Token],
                NOON + 3_000
            ),
            ALICE
        ),
        ArtToPlayer::Accepted { .. }
    ));
    let tomorrow = NOON + 86_400_000;
    assert_eq!(
        relay
            .usage(tomorrow)
            .iter()
            .find(|u| u.user_id == ALICE)
            .unwrap()
            .images_today,
        0
    );
}

#[test]
fn a_running_job_reserves_its_images() {
    let mut relay = ArtRelay::new(ArtRelayConfig {
        players_may_request: true,
        daily_images: Some(3),
        max_running_per_user: 2,
        ..ArtRelayConfig::default()
    });
    started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "a troll",
        vec![Preset::Portrait, Preset::Token],
        NOON,
    ));
    let actions = request(
        &mut relay,
        ALICE,
        "req-000002",
        "a troll",
        vec![Preset::Portrait, Preset::Token],
        NOON + 1,
    );
    assert!(matches!(
        refusal(&actions, ALICE),
        ArtRelayError::OverBudget { used_images: 2, .. }
    ));
}

#[test]
fn the_prompt_filter_runs_before_anything_starts_and_violence_passes() {
    let mut relay = open_relay();
    let actions = request(
        &mut relay,
        ALICE,
        "req-000001",
        "a nude elf",
        vec![Preset::Portrait],
        NOON,
    );
    assert!(matches!(
        refusal(&actions, ALICE),
        ArtRelayError::Blocked {
            category: Some(Category::Sexual),
            ..
        }
    ));
    assert!(!actions.iter().any(|a| matches!(a, ArtAction::Start { .. })));
    let actions = request(
        &mut relay,
        ALICE,
        "req-000002",
        "an orc with a bloody axe",
        vec![Preset::Portrait],
        NOON,
    );
    started(&actions);
}

#[test]
fn outcomes_without_images_say_why() {
    let cases = [
        (
            ArtOutcome {
                discarded: 2,
                ..ArtOutcome::default()
            },
            ArtRelayError::Discarded { count: 2 },
        ),
        (
            ArtOutcome {
                no_providers: true,
                ..ArtOutcome::default()
            },
            ArtRelayError::NoProviders,
        ),
        (
            ArtOutcome {
                no_consent: true,
                ..ArtOutcome::default()
            },
            ArtRelayError::NoConsent,
        ),
        (
            ArtOutcome {
                failed: true,
                ..ArtOutcome::default()
            },
            ArtRelayError::Failed,
        ),
        (
            ArtOutcome {
                blocked: Some("provider filter".into()),
                ..ArtOutcome::default()
            },
            ArtRelayError::Blocked {
                reason: "provider filter".into(),
                category: None,
            },
        ),
        (
            ArtOutcome {
                attempts: vec![AttemptSummary {
                    provider: "broken".into(),
                    status: AttemptStatus::GaveUp,
                }],
                ..ArtOutcome::default()
            },
            ArtRelayError::AllFailed {
                attempts: vec![AttemptSummary {
                    provider: "broken".into(),
                    status: AttemptStatus::GaveUp,
                }],
            },
        ),
    ];
    for (n, (outcome, expected)) in cases.into_iter().enumerate() {
        let mut relay = open_relay();
        let call = started(&request(
            &mut relay,
            ALICE,
            &format!("req-00000{n}"),
            "a wyvern",
            vec![Preset::Token],
            NOON,
        ));
        assert_eq!(
            refusal(&relay.on_outcome(call, outcome, NOON), ALICE),
            expected
        );
    }
}

#[test]
fn one_job_at_a_time_and_a_rate_limit() {
    let mut relay = ArtRelay::new(ArtRelayConfig {
        players_may_request: true,
        daily_images: None,
        requests_per_minute: 2,
        ..ArtRelayConfig::default()
    });
    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "a wyvern",
        vec![Preset::Token],
        NOON,
    ));
    assert_eq!(
        refusal(
            &request(
                &mut relay,
                ALICE,
                "req-000002",
                "a wyvern",
                vec![Preset::Token],
                NOON + 1
            ),
            ALICE
        ),
        ArtRelayError::Busy { limit: 1 }
    );
    relay.on_outcome(call, ArtOutcome::default(), NOON + 2);
    assert!(matches!(
        refusal(
            &request(
                &mut relay,
                ALICE,
                "req-000003",
                "a wyvern",
                vec![Preset::Token],
                NOON + 3
            ),
            ALICE
        ),
        ArtRelayError::RateLimited { .. }
    ));
}

#[test]
fn hostile_messages_are_refused_with_a_reason() {
    let mut relay = open_relay();
    // Another user's name in the message.
    let message = request_message("req-000001", BOB, "a wyvern", vec![Preset::Token], 1);
    assert_eq!(
        refusal(&relay.receive(ALICE, message.as_bytes(), NOON), ALICE),
        ArtRelayError::WrongSender
    );
    // Unknown fields, a bad version, an oversized message, bad orders.
    let raw = br#"{"v":1,"type":"cancel","requestId":"req-000001","admin":true}"#;
    assert!(matches!(
        refusal(&relay.receive(ALICE, raw, NOON), ALICE),
        ArtRelayError::Malformed { .. }
    ));
    let raw = br#"{"v":9,"type":"cancel","requestId":"req-000001"}"#;
    assert!(matches!(
        refusal(&relay.receive(ALICE, raw, NOON), ALICE),
        ArtRelayError::UnsupportedVersion { got: Some(9), .. }
    ));
    let raw = vec![b' '; 9_000];
    assert!(matches!(
        refusal(&relay.receive(ALICE, &raw, NOON), ALICE),
        ArtRelayError::TooLarge { .. }
    ));
    let message = request_message(
        "req-000001",
        ALICE,
        "a wyvern",
        vec![Preset::Token, Preset::Token],
        1,
    );
    assert!(matches!(
        refusal(&relay.receive(ALICE, message.as_bytes(), NOON), ALICE),
        ArtRelayError::BadOrder { .. }
    ));
    let message = request_message("req-000001", ALICE, "a wyvern", vec![Preset::Token], 9);
    assert!(matches!(
        refusal(&relay.receive(ALICE, message.as_bytes(), NOON), ALICE),
        ArtRelayError::BadOrder { .. }
    ));
    let message = request_message("short", ALICE, "a wyvern", vec![Preset::Token], 1);
    assert_eq!(
        refusal(&relay.receive(ALICE, message.as_bytes(), NOON), ALICE),
        ArtRelayError::BadRequestId
    );
    assert!(matches!(
        relay.receive("not a user!", b"{}", NOON).as_slice(),
        [ArtAction::Rejected {
            error: ArtRelayError::BadSender,
            ..
        }]
    ));
}

#[test]
fn cancel_timeout_and_leaving_end_the_job() {
    let mut relay = ArtRelay::new(ArtRelayConfig {
        players_may_request: true,
        timeout_ms: 1_000,
        ..ArtRelayConfig::default()
    });
    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "a wyvern",
        vec![Preset::Token],
        NOON,
    ));
    // Bob cannot cancel Alice's request.
    assert!(relay
        .receive(BOB, cancel_message("req-000001").as_bytes(), NOON)
        .is_empty());
    assert_eq!(
        relay.receive(ALICE, cancel_message("req-000001").as_bytes(), NOON),
        vec![ArtAction::Cancel { call }]
    );
    assert_eq!(relay.next_deadline(), None);

    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000002",
        "a wyvern",
        vec![Preset::Token],
        NOON,
    ));
    assert_eq!(relay.next_deadline(), Some(NOON + 1_000));
    assert!(relay.tick(NOON + 999).is_empty());
    let actions = relay.tick(NOON + 1_000);
    assert_eq!(actions[0], ArtAction::Cancel { call });
    assert_eq!(
        refusal(&actions, ALICE),
        ArtRelayError::TimedOut { after_ms: 1_000 }
    );

    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000003",
        "a wyvern",
        vec![Preset::Token],
        NOON + 2_000,
    ));
    assert_eq!(relay.user_left(ALICE), vec![ArtAction::Cancel { call }]);
}

#[test]
fn usage_survives_a_gm_reload_for_the_same_day_only() {
    let mut relay = open_relay();
    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "a wyvern",
        vec![Preset::Token],
        NOON,
    ));
    relay.on_outcome(
        call,
        ArtOutcome {
            images: vec![image("w.webp")],
            ..ArtOutcome::default()
        },
        NOON,
    );
    let saved = relay.saved_usage();
    let text = serde_json::to_string(&saved).unwrap();
    assert_eq!(
        text,
        format!(r#"[{{"userId":"{ALICE}","day":20788,"images":1}}]"#)
    );
    let mut again = open_relay();
    assert_eq!(again.restore_usage(&saved, NOON + 60_000), 1);
    assert_eq!(again.usage(NOON)[0].images_today, 1);
    let mut tomorrow = open_relay();
    assert_eq!(tomorrow.restore_usage(&saved, NOON + 86_400_000), 0);
}

#[test]
fn config_problems_are_named() {
    let config = ArtRelayConfig {
        requests_per_minute: 0,
        max_variants: 0,
        ..ArtRelayConfig::default()
    };
    assert_eq!(config.problems().len(), 2);
    assert!(ArtRelayConfig::default().problems().is_empty());
    let parsed: ArtRelayConfig =
        serde_json::from_str(r#"{"playersMayRequest":true,"dailyImages":null}"#).unwrap();
    assert!(parsed.players_may_request && parsed.daily_images.is_none());
    assert!(serde_json::from_str::<ArtRelayConfig>(r#"{"admin":true}"#).is_err());
}

mod resume;
mod wire;
