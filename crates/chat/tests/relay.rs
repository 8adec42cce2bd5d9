//! The GM relay's rules with a fake clock: streaming to the asker, the rate limit at its boundary, daily budgets
//! and their reset, queues, cancel, resume after a reload, timeouts, a user leaving, and the no-GM answer.

mod relay_support;

use familiar_chat::relay::wire::Field;
use familiar_chat::relay::{
    Action, PlayerEvent, Relay, RelayConfig, RelayError, SavedUsage, ToPlayer, PROTOCOL_VERSION,
};
use familiar_chat::Passage;
use relay_support::*;

/// Every text delta goes to the asker as its own message, so a test sees each one.
fn each_delta_at_once() -> RelayConfig {
    RelayConfig {
        delta_interval_ms: 0,
        ..RelayConfig::default()
    }
}

#[test]
fn deltas_within_the_interval_go_together_and_the_rest_follows_on_the_next_tick() {
    let mut gm = relay(RelayConfig::default()); // 50 ms
    let mut alice = player("alice");
    let out = gm.receive("alice", &ask(&mut alice, "req-00000001"), T0);
    alice.receive(&raw_to(&out, "alice")[0]);
    let mut messages = 0;
    let mut shown = String::new();
    let mut read = |out: Vec<Action>, messages: &mut usize, shown: &mut String| {
        for raw in raw_to(&out, "alice") {
            *messages += 1;
            if let PlayerEvent::Text { text, .. } = alice.receive(&raw) {
                *shown = text;
            }
        }
    };
    // Forty deltas over 200 ms: the first goes at once, then at most one message per 50 ms.
    for n in 0..40u64 {
        let out = gm.on_delta(1, &format!("{n} "), T0 + 5 * n);
        read(out, &mut messages, &mut shown);
        if let Some(at) = gm.next_deadline().filter(|at| *at <= T0 + 5 * n + 4) {
            read(gm.tick(at), &mut messages, &mut shown);
        }
    }
    assert!(messages <= 5, "{messages} messages for 40 deltas");
    // What is still held goes out when its deadline comes.
    let at = gm.next_deadline().expect("a pending delta");
    assert!(at <= T0 + 195 + 50);
    read(gm.tick(at), &mut messages, &mut shown);
    let whole: String = (0..40).map(|n| format!("{n} ")).collect();
    assert_eq!(shown, whole);
    assert_eq!(
        gm.next_deadline().filter(|at| *at < T0 + 60_000),
        None,
        "nothing more to send"
    );
}

#[test]
fn a_question_is_accepted_started_streamed_and_answered() {
    let mut gm = relay(each_delta_at_once());
    let mut alice = player("alice");
    let out = gm.receive("alice", &ask(&mut alice, "req-00000001"), T0);
    let started = starts(&out);
    assert_eq!(
        started,
        [(1, "alice".to_string(), "req-00000001".to_string())]
    );
    let Action::Start {
        question, language, ..
    } = &out[1]
    else {
        panic!("the start follows the acceptance: {out:?}");
    };
    assert_eq!(
        (question.as_str(), language.as_str()),
        ("Can I Step while grabbed?", "en")
    );
    let accepted = alice.receive(&raw_to(&out, "alice")[0]);
    assert_eq!(
        accepted,
        PlayerEvent::Accepted {
            request_id: "req-00000001".into(),
            queued: false
        }
    );

    let mut shown = Vec::new();
    for piece in ["No: ", "grabbed ", "means immobilized [1]."] {
        for raw in raw_to(&gm.on_delta(1, piece, T0 + 10), "alice") {
            if let PlayerEvent::Text { text, .. } = alice.receive(&raw) {
                shown.push(text);
            }
        }
    }
    assert_eq!(
        shown.last().map(String::as_str),
        Some("No: grabbed means immobilized [1].")
    );
    let out = gm.on_final(
        1,
        answer("No: grabbed means immobilized @UUID[x]{Step}.", None),
        T0 + 20,
    );
    let PlayerEvent::Final { answer, .. } = alice.receive(&raw_to(&out, "alice")[0]) else {
        panic!("a final answer");
    };
    assert_eq!(answer.provider.as_deref(), Some("primary"));
    assert_eq!(answer.citations.len(), 1);
    assert!(!answer.offline && !answer.truncated);
    assert!(alice.pending().is_empty());
}

#[test]
fn the_rate_limit_holds_at_exactly_one_hundred_a_minute() {
    let mut gm = relay(RelayConfig::default());
    let mut alice = player("alice");
    // 100 questions, each answered at once, spread over 59.4 s.
    for n in 0..100 {
        let now = T0 + n as u64 * 600;
        let out = gm.receive("alice", &ask(&mut alice, &request_id(n)), now);
        let (call, _, _) = starts(&out)[0].clone();
        gm.on_final(call, answer("ok", Some((10, 10))), now);
    }
    let out = gm.receive("alice", &ask(&mut alice, &request_id(100)), T0 + 59_999);
    assert_eq!(
        the_error(&out, "alice"),
        RelayError::RateLimited { retry_after_ms: 1 }
    );
    assert!(starts(&out).is_empty());
    // Another user is not affected.
    let mut bob = player("bob");
    assert_eq!(
        starts(&gm.receive("bob", &ask(&mut bob, &request_id(0)), T0 + 59_999)).len(),
        1
    );
    // The first question leaves the window at T0 + 60 s: one more fits, the next does not.
    let out = gm.receive("alice", &ask(&mut alice, &request_id(101)), T0 + 60_000);
    assert_eq!(starts(&out).len(), 1);
    let out = gm.receive("alice", &ask(&mut alice, &request_id(102)), T0 + 60_001);
    assert_eq!(
        the_error(&out, "alice"),
        RelayError::RateLimited {
            retry_after_ms: 599
        }
    );
}

#[test]
fn a_lowered_rate_limit_holds_for_a_window_already_open() {
    let mut gm = relay(RelayConfig::default());
    let mut alice = player("alice");
    for n in 0..3 {
        let out = gm.receive("alice", &ask(&mut alice, &request_id(n)), T0 + n as u64);
        let (call, _, _) = starts(&out)[0].clone();
        gm.on_final(call, answer("ok", Some((10, 10))), T0 + n as u64);
    }
    // The GM lowers the limit to 2 a minute while Alice's window holds 3 messages: she waits until two have left.
    gm.set_config(
        RelayConfig {
            requests_per_minute: 2,
            ..RelayConfig::default()
        },
        T0 + 10,
    );
    let out = gm.receive("alice", &ask(&mut alice, &request_id(3)), T0 + 10);
    assert_eq!(
        the_error(&out, "alice"),
        RelayError::RateLimited {
            retry_after_ms: 59_991
        }
    );
    assert_eq!(
        starts(&gm.receive("alice", &ask(&mut alice, &request_id(4)), T0 + 60_001)).len(),
        1
    );
}

#[test]
fn every_message_counts_towards_the_rate_limit() {
    let mut gm = relay(RelayConfig::default());
    let mut alice = player("alice");
    for n in 0..60 {
        gm.receive("alice", b"not json", T0 + n);
    }
    for n in 0..40 {
        let cancel = alice.cancel(&request_id(n)).unwrap();
        assert!(gm
            .receive("alice", cancel.as_bytes(), T0 + 100 + n as u64)
            .is_empty());
    }
    let out = gm.receive("alice", &ask(&mut alice, &request_id(1)), T0 + 1_000);
    assert!(matches!(
        the_error(&out, "alice"),
        RelayError::RateLimited { .. }
    ));
}

#[test]
fn the_daily_budget_runs_out_and_starts_over_at_utc_midnight() {
    let mut gm = relay(RelayConfig {
        daily_token_budget: Some(1_000),
        ..RelayConfig::default()
    });
    let mut alice = player("alice");
    for (n, expected_used) in [(0, 900), (1, 1_800)] {
        let out = gm.receive("alice", &ask(&mut alice, &request_id(n)), T0);
        let (call, _, _) = starts(&out)[0].clone();
        gm.on_final(call, answer("ok", Some((600, 300))), T0);
        assert_eq!(gm.usage(T0)[0].tokens_today, expected_used);
    }
    let out = gm.receive("alice", &ask(&mut alice, &request_id(2)), T0 + 1);
    let midnight = (T0 / DAY_MS + 1) * DAY_MS;
    assert_eq!(
        the_error(&out, "alice"),
        RelayError::BudgetExhausted {
            used_tokens: 1_800,
            budget_tokens: 1_000,
            resets_at_ms: midnight
        }
    );
    let out = gm.receive("alice", &ask(&mut alice, &request_id(3)), midnight - 1);
    assert!(matches!(
        the_error(&out, "alice"),
        RelayError::BudgetExhausted { .. }
    ));
    let out = gm.receive("alice", &ask(&mut alice, &request_id(4)), midnight);
    assert_eq!(starts(&out).len(), 1, "a new UTC day, a new budget");
    assert_eq!(gm.usage(midnight)[0].tokens_today, 0);
}

#[test]
fn tokens_are_estimated_when_the_provider_reports_none() {
    let config = RelayConfig {
        prompt_overhead_tokens: 1_000,
        ..RelayConfig::default()
    };
    let mut gm = relay(config);
    let mut alice = player("alice");
    let out = gm.receive("alice", &ask(&mut alice, &request_id(0)), T0);
    gm.on_final(starts(&out)[0].0, answer(&"word ".repeat(400), None), T0);
    // Question: 25 chars → 7 + 4; overhead 1,000; answer: 2,000 chars → 500 + 4.
    assert_eq!(gm.usage(T0)[0].tokens_today, 11 + 1_000 + 504);
    // An offline answer spent nothing at a provider.
    let out = gm.receive("alice", &ask(&mut alice, &request_id(1)), T0);
    let mut offline = answer("offline", None);
    offline.offline = Some(familiar_chat::relay::OfflineNotice {
        code: "allFailed".into(),
        message: "every AI provider failed".into(),
    });
    let final_message = messages_to(&gm.on_final(starts(&out)[0].0, offline, T0), "alice");
    assert!(matches!(&final_message[0], ToPlayer::Final { answer, .. } if answer.offline));
    assert_eq!(gm.usage(T0)[0].tokens_today, 1_515);
}

#[test]
fn a_queued_question_is_refused_when_the_budget_ran_out_while_it_waited() {
    let mut gm = relay(RelayConfig {
        daily_token_budget: Some(100),
        max_in_flight_per_user: 1,
        ..RelayConfig::default()
    });
    let mut alice = player("alice");
    let first = gm.receive("alice", &ask(&mut alice, &request_id(0)), T0);
    let second = gm.receive("alice", &ask(&mut alice, &request_id(1)), T0);
    assert!(starts(&second).is_empty());
    assert!(matches!(
        messages_to(&second, "alice")[0],
        ToPlayer::Accepted { queued: true, .. }
    ));
    let out = gm.on_final(starts(&first)[0].0, answer("ok", Some((90, 20))), T0 + 5);
    assert!(starts(&out).is_empty());
    assert!(matches!(
        the_error(&out, "alice"),
        RelayError::BudgetExhausted {
            used_tokens: 110,
            ..
        }
    ));
}

#[test]
fn the_gm_sets_budgets_per_user_and_may_close_the_relay() {
    let mut gm = relay(RelayConfig {
        daily_token_budget: Some(10_000),
        ..RelayConfig::default()
    });
    gm.set_user_budget("bob", Some(0));
    let mut bob = player("bob");
    let out = gm.receive("bob", &ask(&mut bob, &request_id(0)), T0);
    assert!(matches!(
        the_error(&out, "bob"),
        RelayError::BudgetExhausted {
            budget_tokens: 0,
            ..
        }
    ));
    gm.set_user_budget("bob", None);
    assert_eq!(gm.budget_for("bob"), Some(10_000));
    let closed = RelayConfig {
        players_may_ask: false,
        ..*gm.config()
    };
    gm.set_config(closed, T0);
    let out = gm.receive("bob", &ask(&mut bob, &request_id(1)), T0);
    assert_eq!(the_error(&out, "bob"), RelayError::PlayersMayNotAsk);
}

#[test]
fn each_user_has_a_queue_cap() {
    let mut gm = relay(RelayConfig::default()); // 2 in flight, 8 waiting per user
    let mut alice = player("alice");
    let mut started = 0;
    for n in 0..10 {
        let out = gm.receive("alice", &ask(&mut alice, &request_id(n)), T0);
        started += starts(&out).len();
        assert!(errors_to(&out, "alice").is_empty());
    }
    assert_eq!(started, 2);
    let out = gm.receive("alice", &ask(&mut alice, &request_id(10)), T0);
    assert_eq!(the_error(&out, "alice"), RelayError::QueueFull { limit: 8 });
    let stats = gm.stats();
    assert_eq!((stats.queued, stats.in_flight), (8, 2));
}

#[test]
fn a_request_id_is_used_once_per_user() {
    let mut gm = relay(RelayConfig::default());
    let (mut alice, mut bob) = (player("alice"), player("bob"));
    gm.receive("alice", &ask(&mut alice, "same-id-123"), T0);
    let out = gm.receive("alice", &ask(&mut alice, "same-id-123"), T0);
    assert_eq!(the_error(&out, "alice"), RelayError::DuplicateRequest);
    let out = gm.receive("bob", &ask(&mut bob, "same-id-123"), T0);
    assert_eq!(starts(&out).len(), 1, "another user's ids are their own");
}

#[test]
fn cancel_stops_a_call_frees_its_slot_and_drops_a_queued_one() {
    let mut gm = relay(RelayConfig {
        max_concurrent: 1,
        ..RelayConfig::default()
    });
    let (mut alice, mut bob) = (player("alice"), player("bob"));
    let first = gm.receive("alice", &ask(&mut alice, &request_id(0)), T0);
    gm.receive("alice", &ask(&mut alice, &request_id(1)), T0);
    gm.receive("bob", &ask(&mut bob, &request_id(0)), T0);
    let call = starts(&first)[0].0;
    gm.on_delta(call, "Partial", T0 + 1);
    let out = gm.receive(
        "alice",
        alice.cancel(&request_id(0)).unwrap().as_bytes(),
        T0 + 2,
    );
    assert_eq!(cancels(&out), [call]);
    // Round-robin: bob's turn comes before alice's second question.
    assert_eq!(starts(&out)[0].1, "bob");
    assert!(gm.on_delta(call, "late text", T0 + 3).is_empty());
    assert!(gm.on_final(call, answer("late", None), T0 + 3).is_empty());
    // A queued question leaves the queue without a call.
    let out = gm.receive(
        "alice",
        alice.cancel(&request_id(1)).unwrap().as_bytes(),
        T0 + 4,
    );
    assert!(out.is_empty());
    assert_eq!(gm.stats().queued, 0);
    // The cancelled call's streamed part was charged as an estimate.
    assert!(gm
        .usage(T0 + 5)
        .iter()
        .any(|u| u.user_id == "alice" && u.tokens_today > 0));
}

#[test]
fn after_a_reload_the_finished_answer_arrives() {
    let mut gm = relay(RelayConfig::default());
    let mut page = player("alice");
    let out = gm.receive("alice", &ask(&mut page, &request_id(7)), T0);
    let call = starts(&out)[0].0;
    let saved = page.pending();
    assert_eq!(saved, [request_id(7)]);
    drop(page); // reload: the old page and its messages are gone
    gm.on_delta(call, "Yes, ", T0 + 1);
    gm.on_final(call, answer("Yes, you can.", None), T0 + 2);

    let mut reloaded = player("alice");
    let resume = reloaded.resume(&saved[0]).unwrap();
    let out = gm.receive("alice", resume.as_bytes(), T0 + 5_000);
    let PlayerEvent::Final { answer, .. } = reloaded.receive(&raw_to(&out, "alice")[0]) else {
        panic!("the finished answer: {out:?}");
    };
    assert_eq!(answer.text, "Yes, you can.");
    // Another user cannot fetch it with the same id.
    let mut mallory = player("mallory");
    let resume = mallory.resume(&saved[0]).unwrap();
    let out = gm.receive("mallory", resume.as_bytes(), T0 + 5_001);
    assert_eq!(the_error(&out, "mallory"), RelayError::UnknownRequest);
    // Past the time to live it is gone.
    let ttl = gm.config().resume_ttl_ms;
    gm.tick(T0 + 2 + ttl);
    let out = gm.receive(
        "alice",
        reloaded.resume(&saved[0]).unwrap().as_bytes(),
        T0 + 3 + ttl,
    );
    assert_eq!(the_error(&out, "alice"), RelayError::UnknownRequest);
}

#[test]
fn after_a_reload_an_answer_in_flight_keeps_streaming_to_the_new_page() {
    let mut gm = relay(each_delta_at_once());
    let mut page = player("alice");
    let call = starts(&gm.receive("alice", &ask(&mut page, &request_id(1)), T0))[0].0;
    gm.on_delta(call, "Grabbed ", T0 + 1);
    gm.on_delta(call, "creatures ", T0 + 2);
    let mut reloaded = player("alice");
    let out = gm.receive(
        "alice",
        reloaded.resume(&request_id(1)).unwrap().as_bytes(),
        T0 + 3,
    );
    let events: Vec<PlayerEvent> = raw_to(&out, "alice")
        .iter()
        .map(|raw| reloaded.receive(raw))
        .collect();
    assert!(matches!(
        events[0],
        PlayerEvent::Accepted { queued: false, .. }
    ));
    assert!(matches!(&events[1], PlayerEvent::Text { text, .. } if text == "Grabbed creatures "));
    let out = gm.on_delta(call, "can't Step.", T0 + 4);
    let event = reloaded.receive(&raw_to(&out, "alice")[0]);
    assert!(
        matches!(&event, PlayerEvent::Text { text, .. } if text == "Grabbed creatures can't Step.")
    );
}

#[test]
fn resuming_a_queued_question_says_it_waits() {
    let mut gm = relay(RelayConfig {
        max_concurrent: 1,
        ..RelayConfig::default()
    });
    let (mut alice, mut bob) = (player("alice"), player("bob"));
    gm.receive("alice", &ask(&mut alice, &request_id(0)), T0);
    gm.receive("bob", &ask(&mut bob, &request_id(0)), T0);
    let mut reloaded = player("bob");
    let out = gm.receive(
        "bob",
        reloaded.resume(&request_id(0)).unwrap().as_bytes(),
        T0 + 1,
    );
    assert!(matches!(
        reloaded.receive(&raw_to(&out, "bob")[0]),
        PlayerEvent::Accepted { queued: true, .. }
    ));
}

#[test]
fn a_failover_mid_answer_resets_the_askers_text() {
    let mut gm = relay(each_delta_at_once());
    let mut alice = player("alice");
    let call = starts(&gm.receive("alice", &ask(&mut alice, &request_id(0)), T0))[0].0;
    for raw in raw_to(&gm.on_delta(call, "half an ans", T0), "alice") {
        alice.receive(&raw);
    }
    let out = gm.on_reset(call, "primary dropped the stream", T0 + 1);
    assert!(matches!(
        alice.receive(&raw_to(&out, "alice")[0]),
        PlayerEvent::Reset { .. }
    ));
    let out = gm.on_delta(call, "A whole answer.", T0 + 2);
    let Some(ToPlayer::Delta { offset, .. }) = messages_to(&out, "alice").pop() else {
        panic!("a delta");
    };
    assert_eq!(offset, 0);
    assert!(
        matches!(alice.receive(&raw_to(&out, "alice")[0]), PlayerEvent::Text { text, .. } if text == "A whole answer.")
    );
}

#[test]
fn a_call_that_never_ends_times_out_and_frees_its_slot() {
    let mut gm = relay(RelayConfig {
        max_concurrent: 1,
        max_call_ms: 60_000,
        ..RelayConfig::default()
    });
    let (mut alice, mut bob) = (player("alice"), player("bob"));
    let call = starts(&gm.receive("alice", &ask(&mut alice, &request_id(0)), T0))[0].0;
    gm.receive("bob", &ask(&mut bob, &request_id(0)), T0 + 1);
    assert_eq!(gm.next_deadline(), Some(T0 + 60_000));
    assert!(gm.tick(T0 + 59_999).is_empty());
    let out = gm.tick(T0 + 60_000);
    assert_eq!(cancels(&out), [call]);
    assert_eq!(
        the_error(&out, "alice"),
        RelayError::TimedOut { after_ms: 60_000 }
    );
    assert_eq!(starts(&out)[0].1, "bob");
}

#[test]
fn a_user_who_leaves_has_their_calls_stopped() {
    let mut gm = relay(RelayConfig::default());
    let mut alice = player("alice");
    let mut calls = Vec::new();
    for n in 0..5 {
        calls.extend(starts(&gm.receive(
            "alice",
            &ask(&mut alice, &request_id(n)),
            T0,
        )));
    }
    let out = gm.user_left("alice", T0 + 1);
    assert_eq!(cancels(&out).len(), calls.len());
    let stats = gm.stats();
    assert_eq!((stats.queued, stats.in_flight), (0, 0));
}

#[test]
fn todays_usage_survives_a_gm_reload() {
    let mut gm = relay(RelayConfig {
        daily_token_budget: Some(500),
        ..RelayConfig::default()
    });
    let mut alice = player("alice");
    let call = starts(&gm.receive("alice", &ask(&mut alice, &request_id(0)), T0))[0].0;
    gm.on_final(call, answer("ok", Some((400, 200))), T0);
    let saved = serde_json::to_string(&gm.saved_usage()).unwrap();

    let mut reloaded = relay(*gm.config());
    let saved: Vec<SavedUsage> = serde_json::from_str(&saved).unwrap();
    assert_eq!(reloaded.restore_usage(&saved, T0 + 10), 1);
    let out = reloaded.receive("alice", &ask(&mut alice, &request_id(1)), T0 + 20);
    assert!(matches!(
        the_error(&out, "alice"),
        RelayError::BudgetExhausted {
            used_tokens: 600,
            ..
        }
    ));
    // Yesterday's figures are not restored.
    let mut tomorrow = relay(*gm.config());
    assert_eq!(tomorrow.restore_usage(&saved, T0 + DAY_MS), 0);
}

#[test]
fn long_answers_are_cut_on_a_character_boundary() {
    let mut gm = relay(RelayConfig {
        max_answer_bytes: 1_000,
        ..RelayConfig::default()
    });
    let mut alice = player("alice");
    let call = starts(&gm.receive("alice", &ask(&mut alice, &request_id(0)), T0))[0].0;
    let long = "é".repeat(800); // 1,600 bytes
    let streamed: usize = messages_to(&gm.on_delta(call, &long, T0), "alice")
        .iter()
        .map(|m| match m {
            ToPlayer::Delta { text, .. } => text.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(streamed, 1_000);
    assert!(gm.on_delta(call, "more", T0).is_empty());
    let out = gm.on_final(call, answer(&long, None), T0);
    let Some(ToPlayer::Final { answer, .. }) = messages_to(&out, "alice").pop() else {
        panic!("a final answer");
    };
    assert!(answer.truncated);
    assert_eq!(answer.text.len(), 1_000);
}

#[test]
fn a_clock_that_steps_back_changes_nothing() {
    let mut gm = relay(RelayConfig::default());
    let mut alice = player("alice");
    for n in 0..100 {
        gm.receive("alice", &ask(&mut alice, &request_id(n)), T0 + 59_000);
        gm.user_left("alice", T0);
    }
    // The clock jumps back an hour: the window still ends 60 s after T0 + 59 s.
    let out = gm.receive("alice", &ask(&mut alice, &request_id(100)), T0 - 3_600_000);
    assert!(matches!(
        the_error(&out, "alice"),
        RelayError::RateLimited {
            retry_after_ms: 60_000
        }
    ));
}

#[test]
fn with_no_gm_online_the_page_answers_offline_from_its_own_index() {
    let mut alice = player("alice");
    let request = request_id(3);
    alice
        .ask(&request, "Can I Step while grabbed?", "en", None)
        .unwrap();
    let passages = [Passage {
        uuid: "Compendium.pf2e.conditionitems.Item.grabbed".into(),
        anchor: None,
        name: "Grabbed".into(),
        text: "You're held in place by another creature.".into(),
    }];
    let PlayerEvent::Final { answer, request_id } = alice.offline_answer(&request, &passages)
    else {
        panic!("a final answer");
    };
    assert_eq!(request_id, request);
    assert!(answer.offline);
    assert_eq!(
        answer.reason.as_ref().map(|r| r.code.as_str()),
        Some("noGm")
    );
    assert!(answer
        .text
        .contains("@UUID[Compendium.pf2e.conditionitems.Item.grabbed]{Grabbed}"));
    assert_eq!(answer.citations[0].name, "Grabbed");
    assert!(alice.pending().is_empty());
}

#[test]
fn the_player_refuses_what_the_gm_would_refuse_before_sending() {
    let mut alice = player("alice");
    let long = "why ".repeat(600);
    assert_eq!(
        alice.ask(&request_id(0), &long, "en", None),
        Err(RelayError::TooLarge {
            field: Field::Question,
            limit: 2_000,
            got: 2_400
        })
    );
    assert_eq!(
        alice.ask("bad id", "q", "en", None),
        Err(RelayError::BadRequestId)
    );
    assert!(alice.pending().is_empty());
    assert_eq!(PROTOCOL_VERSION, 1);
}

#[test]
fn the_page_asks_again_when_it_missed_part_of_an_answer() {
    let mut gm = relay(each_delta_at_once());
    let mut alice = player("alice");
    let call = starts(&gm.receive("alice", &ask(&mut alice, &request_id(0)), T0))[0].0;
    let first = raw_to(&gm.on_delta(call, "One ", T0), "alice");
    let second = raw_to(&gm.on_delta(call, "two ", T0), "alice");
    assert!(matches!(alice.receive(&first[0]), PlayerEvent::Text { .. }));
    // A repeated delta changes nothing.
    assert!(matches!(alice.receive(&first[0]), PlayerEvent::Text { text, .. } if text == "One "));
    let third = raw_to(&gm.on_delta(call, "three", T0), "alice");
    let PlayerEvent::Resync { message, .. } = alice.receive(&third[0]) else {
        panic!("a gap asks for a resume");
    };
    let out = gm.receive("alice", message.as_bytes(), T0 + 1);
    let events: Vec<PlayerEvent> = raw_to(&out, "alice")
        .iter()
        .map(|raw| alice.receive(raw))
        .collect();
    assert!(matches!(&events[1], PlayerEvent::Text { text, .. } if text == "One two three"));
    drop(second);
}

#[test]
fn forget_me_stops_the_users_calls_and_keeps_nothing_of_theirs() {
    let mut gm = relay(RelayConfig::default());
    let mut alice = player("alice");
    let mut bob = player("bob");
    let call = starts(&gm.receive("alice", &ask(&mut alice, &request_id(0)), T0))[0].0;
    gm.on_final(call, answer("Yes, you can.", Some((40, 20))), T0 + 1);
    let waiting = starts(&gm.receive("alice", &ask(&mut alice, &request_id(1)), T0 + 2));
    let bobs = starts(&gm.receive("bob", &ask(&mut bob, &request_id(2)), T0 + 3))[0].0;
    gm.on_final(bobs, answer("Bob's answer.", Some((10, 10))), T0 + 4);

    let (out, forgotten) = gm.forget_user("alice", T0 + 5);
    assert_eq!(cancels(&out).len(), waiting.len());
    assert_eq!((forgotten.kept_answers, forgotten.usage_record), (1, true));
    let saved = gm.saved_usage();
    assert_eq!(
        saved
            .iter()
            .map(|entry| entry.user_id.as_str())
            .collect::<Vec<_>>(),
        ["bob"]
    );
    assert!(gm
        .usage(T0 + 5)
        .iter()
        .all(|entry| entry.user_id != "alice"));
    // Her finished answer is no longer there to resume; Bob's is.
    let out = gm.receive(
        "alice",
        alice.resume(&request_id(0)).unwrap().as_bytes(),
        T0 + 6,
    );
    assert_eq!(the_error(&out, "alice"), RelayError::UnknownRequest);
    let out = gm.receive(
        "bob",
        bob.resume(&request_id(2)).unwrap().as_bytes(),
        T0 + 7,
    );
    assert!(matches!(
        bob.receive(&raw_to(&out, "bob")[0]),
        PlayerEvent::Final { .. }
    ));
    // Her resume attempt counted towards her rate limit again, but no answer or spend of hers came back.
    let (_, again) = gm.forget_user("alice", T0 + 8);
    assert_eq!(again.kept_answers, 0);
    assert!(gm
        .saved_usage()
        .iter()
        .all(|entry| entry.user_id != "alice"));
}

/// The soak's stall: a page asking again at once after each "too many questions" refusal reached the GM's cap on
/// refusals a second, and the GM dropped the next refusal silently: that question waited forever. A page now
/// holds its questions back for the wait the GM named, so the GM never has a refusal to drop.
#[test]
fn a_rate_limited_page_holds_its_questions_back_instead_of_losing_one() {
    let config = RelayConfig {
        requests_per_minute: 3,
        ..RelayConfig::default()
    };
    // The cause: a page that does not hold back (a new one for each question forgets the wait) loses questions.
    let mut careless = Relay::new(config);
    let lost = (0..20)
        .filter(|n| {
            let message = ask(&mut player("alice"), &request_id(*n));
            raw_to(
                &careless.receive("alice", &message, T0 + *n as u64),
                "alice",
            )
            .is_empty()
        })
        .count();
    assert!(lost > 0, "the GM drops refusals past its cap a second");
    assert_eq!(careless.stats().counters.suppressed_replies, lost as u64);
    // Sending inside the wait the GM named earns no exemption: 3 accepted, the refusal that named the wait, then
    // no more than the cap within that second (all 20 came within 20 ms).
    assert!(
        20 - 3 - lost <= 1 + config.error_replies_per_second,
        "{} refusals echoed",
        20 - 3 - lost
    );

    let mut gm = Relay::new(config);
    let mut page = player("alice");
    let mut refused_here = 0;
    let mut unanswered = 0;
    for n in 0..20 {
        let now = T0 + n as u64; // all within one second
        page.set_time(now);
        let request = request_id(n);
        let Ok(message) = page.ask(&request, "Can I Step while grabbed?", "en", None) else {
            refused_here += 1;
            continue;
        };
        let actions = gm.receive("alice", message.as_bytes(), now);
        let replies = raw_to(&actions, "alice");
        if replies.is_empty() {
            unanswered += 1;
        }
        for reply in replies {
            page.receive(&reply);
        }
    }
    assert_eq!(
        unanswered, 0,
        "every question that left the page had a reply"
    );
    assert_eq!(gm.stats().counters.suppressed_replies, 0);
    // Three accepted, one refused by the GM with the wait, the rest refused by the page itself.
    assert_eq!(gm.stats().counters.accepted, 3);
    assert_eq!(refused_here, 16);
    // Once the wait is over the page asks again.
    page.set_time(T0 + 60_001);
    assert!(page.ask(&request_id(99), "again", "en", None).is_ok());
}

/// The soak's lost questions: a page that honours every wait, at a full sliding window, asks again as each slot
/// opens and asks its next question at once; that next one is refused with the few milliseconds to the next slot.
/// Refusals then come faster than the GM's cap on refusals a second, although the page never sent inside a wait,
/// and the GM dropped the sixth: that question went unanswered. A rate-limit refusal to a page that has honoured
/// every wait is always sent; the cap is for pages that send inside one.
#[test]
fn a_page_that_honours_every_wait_gets_a_reply_to_every_question() {
    let config = RelayConfig {
        requests_per_minute: 10,
        max_queued_per_user: 200,
        max_queued_total: 256,
        ..RelayConfig::default()
    };
    let mut gm = Relay::new(config);
    let mut page = player("alice");
    let (mut now, mut asked, mut accepted, mut refused, mut unanswered) = (T0, 0, 0, 0, 0);
    while accepted < 60 {
        page.set_time(now);
        match page.ask(&request_id(asked), "Can I Step while grabbed?", "en", None) {
            // The page's own hold: it waits as long as the GM said.
            Err(RelayError::RateLimited { retry_after_ms }) => now += retry_after_ms,
            Err(other) => panic!("unexpected refusal on the page: {other:?}"),
            Ok(message) => {
                asked += 1;
                let replies = raw_to(&gm.receive("alice", message.as_bytes(), now), "alice");
                if replies.is_empty() {
                    unanswered += 1;
                }
                for reply in replies {
                    match page.receive(&reply) {
                        PlayerEvent::Accepted { .. } => accepted += 1,
                        PlayerEvent::Error {
                            error: RelayError::RateLimited { .. },
                            ..
                        } => refused += 1,
                        other => panic!("unexpected reply: {other:?}"),
                    }
                }
                // The first ten spread over a second, so the window's slots open 100 ms apart; after that each
                // question follows the last reply at once.
                now += if asked <= 10 { 100 } else { 1 };
            }
        }
    }
    assert!(
        refused > 2 * config.error_replies_per_second,
        "refusals came faster than the cap: {refused}"
    );
    assert_eq!(
        unanswered, 0,
        "every question that left the page had a reply"
    );
    assert_eq!(gm.stats().counters.suppressed_replies, 0);
}
