//! Every health rule on a fake clock: it fires once when its condition holds over its window, not before, not on
//! too few events, and recovers when the condition goes.

use familiar_health::{Action, HealthEvent, Monitor, RuleId, RuleState};

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;

fn response(provider: &str, latency_ms: u64, ok: bool) -> HealthEvent {
    HealthEvent::ProviderResponse {
        provider: provider.to_string(),
        latency_ms,
        ok,
    }
}

fn alerts(monitor: &mut Monitor) -> Vec<(RuleId, Action, Option<String>)> {
    std::iter::from_fn(|| monitor.poll_alert())
        .map(|alert| (alert.rule, alert.action, alert.provider))
        .collect()
}

fn state(monitor: &Monitor, rule: RuleId, now: u64) -> RuleState {
    monitor
        .snapshot(now)
        .into_iter()
        .find(|snapshot| snapshot.rule == rule)
        .unwrap()
        .state
}

#[test]
fn three_slow_responses_in_a_row_mark_a_provider_degraded_and_it_is_tried_again_later() {
    let mut monitor = Monitor::new();
    monitor.record(response("openai", 6_000, true), 0);
    monitor.record(response("openai", 7_000, true), SECOND);
    assert!(alerts(&mut monitor).is_empty());
    monitor.record(response("openai", 5_001, true), 2 * SECOND);
    assert_eq!(
        alerts(&mut monitor),
        vec![(
            RuleId::SlowProvider,
            Action::MarkProviderDegraded,
            Some("openai".into())
        )]
    );
    assert!(monitor.is_degraded("openai"));
    assert!(!monitor.is_degraded("anthropic"));
    // A fourth slow answer while degraded does not alert again.
    monitor.record(response("openai", 9_000, true), 3 * SECOND);
    assert!(alerts(&mut monitor).is_empty());
    let providers = monitor.providers();
    assert_eq!(providers.len(), 1);
    let openai = &providers[0];
    assert_eq!(
        (
            openai.name.as_str(),
            openai.last_latency_ms,
            openai.calls,
            openai.failures,
            openai.degraded
        ),
        ("openai", 9_000, 4, 0, true)
    );
    let snapshot = monitor.snapshot(3 * SECOND);
    let slow = snapshot
        .iter()
        .find(|s| s.rule == RuleId::SlowProvider)
        .unwrap();
    assert_eq!(
        (slow.state, slow.degraded.clone()),
        (RuleState::Firing, vec!["openai".to_string()])
    );
    // After the rule's window the provider is tried again, with a clean slate.
    monitor.tick(2 * SECOND + 5 * MINUTE);
    assert!(!monitor.is_degraded("openai"));
    assert_eq!(
        state(&monitor, RuleId::SlowProvider, 2 * SECOND + 5 * MINUTE),
        RuleState::Ok
    );
    monitor.record(response("openai", 6_000, true), 6 * MINUTE);
    assert!(!monitor.is_degraded("openai"));
}

#[test]
fn a_fast_response_breaks_the_run_and_exactly_five_seconds_is_not_slow() {
    let mut monitor = Monitor::new();
    for (at, latency) in [
        (0, 6_000),
        (1, 6_000),
        (2, 800),
        (3, 6_000),
        (4, 6_000),
        (5, 5_000),
    ] {
        monitor.record(response("local", latency, true), at * SECOND);
    }
    assert!(!monitor.is_degraded("local"));
    assert!(alerts(&mut monitor).is_empty());
}

#[test]
fn providers_are_judged_apart() {
    let mut monitor = Monitor::new();
    for i in 0..3 {
        monitor.record(response("a", 6_000, true), i * SECOND);
        monitor.record(response("b", 100, true), i * SECOND);
    }
    assert!(monitor.is_degraded("a"));
    assert!(!monitor.is_degraded("b"));
}

#[test]
fn the_error_rate_notifies_the_gm_over_one_percent_in_five_minutes_with_enough_events() {
    let mut monitor = Monitor::new();
    // 1 error in 100 is exactly 1 %: not over it.
    for i in 0..99 {
        monitor.record(HealthEvent::Operation { ok: true }, i * SECOND);
    }
    monitor.record(HealthEvent::Operation { ok: false }, 99 * SECOND);
    assert!(alerts(&mut monitor).is_empty());
    monitor.record(HealthEvent::Operation { ok: false }, 100 * SECOND);
    assert_eq!(
        alerts(&mut monitor),
        vec![(RuleId::ErrorRate, Action::NotifyGm, None)]
    );
    assert_eq!(
        state(&monitor, RuleId::ErrorRate, 100 * SECOND),
        RuleState::Firing
    );
    // Once the errors leave the five-minute window the rule recovers, and a new burst alerts again.
    monitor.tick(100 * SECOND + 5 * MINUTE + 1);
    assert_eq!(
        state(&monitor, RuleId::ErrorRate, 100 * SECOND + 5 * MINUTE + 1),
        RuleState::Ok
    );
    let later = 20 * MINUTE;
    for i in 0..10 {
        monitor.record(HealthEvent::Operation { ok: i != 0 }, later + i * SECOND);
    }
    assert_eq!(
        alerts(&mut monitor),
        vec![(RuleId::ErrorRate, Action::NotifyGm, None)]
    );
}

#[test]
fn a_single_failure_among_few_operations_is_not_an_error_rate_but_opens_the_breaker() {
    let mut monitor = Monitor::new();
    monitor.record(HealthEvent::Operation { ok: false }, 0);
    assert!(alerts(&mut monitor).is_empty());
    monitor.record(response("a", 100, false), SECOND);
    assert_eq!(
        alerts(&mut monitor),
        vec![(RuleId::ApiFailures, Action::FallBack, None)]
    );
}

#[test]
fn memory_over_eighty_percent_for_two_minutes_warns_with_diagnostics() {
    let mut monitor = Monitor::new();
    let sample = |used| HealthEvent::Memory { used, budget: 100 };
    monitor.record(sample(85), 0);
    monitor.tick(MINUTE);
    // A dip below the limit restarts the two minutes.
    monitor.record(sample(70), MINUTE + SECOND);
    monitor.record(sample(90), 2 * MINUTE);
    monitor.tick(3 * MINUTE);
    assert!(alerts(&mut monitor).is_empty());
    monitor.tick(4 * MINUTE);
    assert_eq!(
        alerts(&mut monitor),
        vec![(RuleId::MemoryPressure, Action::WarnWithDiagnostics, None)]
    );
    monitor.record(sample(80), 5 * MINUTE);
    assert_eq!(
        state(&monitor, RuleId::MemoryPressure, 5 * MINUTE),
        RuleState::Ok
    );
    // A zero budget is a misreport, never pressure.
    monitor.record(HealthEvent::Memory { used: 5, budget: 0 }, 6 * MINUTE);
    monitor.tick(10 * MINUTE);
    assert!(alerts(&mut monitor).is_empty());
}

#[test]
fn api_failures_over_five_percent_in_a_minute_fall_back() {
    let mut monitor = Monitor::new();
    for i in 0..19 {
        monitor.record(response("a", 200, true), i * SECOND);
    }
    monitor.record(response("a", 200, false), 19 * SECOND); // 1 of 20 = 5 %: not over
    assert!(alerts(&mut monitor)
        .iter()
        .all(|(rule, ..)| *rule != RuleId::ApiFailures));
    monitor.record(response("a", 200, false), 20 * SECOND);
    let fired = alerts(&mut monitor);
    assert!(
        fired.contains(&(RuleId::ApiFailures, Action::FallBack, None)),
        "{fired:?}"
    );
    // A minute of successes later the failures have left the window.
    for i in 0..10 {
        monitor.record(response("a", 200, true), 90 * SECOND + i * SECOND);
    }
    assert_eq!(
        state(&monitor, RuleId::ApiFailures, 100 * SECOND),
        RuleState::Ok
    );
}

#[test]
fn more_than_a_tenth_of_sessions_dropping_within_three_minutes_tells_the_gm() {
    let mut monitor = Monitor::new();
    for i in 0..20 {
        monitor.record(
            HealthEvent::SessionStarted {
                session: format!("p{i}"),
            },
            i * SECOND,
        );
    }
    monitor.record(
        HealthEvent::SessionEnded {
            session: "p0".into(),
        },
        MINUTE,
    ); // a clean leave is no drop
    monitor.record(
        HealthEvent::SessionDropped {
            session: "p1".into(),
        },
        MINUTE,
    );
    monitor.record(
        HealthEvent::SessionDropped {
            session: "p2".into(),
        },
        MINUTE,
    );
    assert!(alerts(&mut monitor).is_empty()); // 2 of 20 = 10 %: not over
    monitor.record(
        HealthEvent::SessionDropped {
            session: "p3".into(),
        },
        2 * MINUTE,
    );
    assert_eq!(
        alerts(&mut monitor),
        vec![(RuleId::SessionDrops, Action::NotifyGm, None)]
    );
    // Three minutes after the last drop, the drops have left the window.
    monitor.tick(5 * MINUTE + 1);
    assert_eq!(
        state(&monitor, RuleId::SessionDrops, 5 * MINUTE + 1),
        RuleState::Ok
    );
    // Dropping twice counts once.
    monitor.record(
        HealthEvent::SessionDropped {
            session: "p4".into(),
        },
        6 * MINUTE,
    );
    monitor.record(
        HealthEvent::SessionDropped {
            session: "p4".into(),
        },
        6 * MINUTE + 1,
    );
    let drops = monitor.snapshot(6 * MINUTE + 1);
    let drops = drops
        .iter()
        .find(|s| s.rule == RuleId::SessionDrops)
        .unwrap();
    // p0–p3 left the window; p4 is one drop among the sixteen still in it.
    assert!((drops.value - 1.0 / 16.0).abs() < 1e-9, "{}", drops.value);
}

#[test]
fn the_history_records_each_transition_and_stays_bounded() {
    let mut monitor = Monitor::new();
    let mut now = 0;
    for _ in 0..300 {
        for _ in 0..3 {
            monitor.record(response("slow", 6_000, true), now);
            now += SECOND;
        }
        now += 5 * MINUTE;
        monitor.tick(now);
    }
    let history: Vec<_> = monitor.history().collect();
    assert_eq!(history.len(), familiar_health::monitor::HISTORY_LIMIT);
    assert!(history.windows(2).all(|pair| pair[0].to != pair[1].to));
    let json = serde_json::to_value(history[0]).unwrap();
    assert_eq!(json["rule"], "slowProvider");
}

#[test]
fn the_snapshot_lists_every_rule_with_its_value_and_limit() {
    let mut monitor = Monitor::new();
    monitor.record(response("a", 200, false), 0);
    let snapshot = serde_json::to_value(monitor.snapshot(0)).unwrap();
    let rules: Vec<_> = snapshot
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        rules,
        [
            "slowProvider",
            "errorRate",
            "memoryPressure",
            "apiFailures",
            "sessionDrops"
        ]
    );
    let api = &snapshot[3];
    assert_eq!(
        (
            api["value"].as_f64(),
            api["limit"].as_f64(),
            api["events"].as_u64()
        ),
        (Some(1.0), Some(0.05), Some(1))
    );
    assert_eq!(
        api["state"], "firing",
        "one failed call of one is over 5 %, as the breaker sees it"
    );
    assert_eq!(api["labelKey"], "ApiFailures");
}

#[test]
fn events_read_the_adapter_shapes_and_refuse_others() {
    let event: HealthEvent = serde_json::from_str(
        r#"{"type": "providerResponse", "provider": "a", "latencyMs": 12, "ok": true}"#,
    )
    .unwrap();
    assert_eq!(event, response("a", 12, true));
    for bad in [
        r#"{"type": "providerResponse", "provider": "a", "latencyMs": -1, "ok": true}"#,
        r#"{"type": "memory", "used": "lots", "budget": 1}"#,
        r#"{"type": "reboot"}"#,
    ] {
        assert!(serde_json::from_str::<HealthEvent>(bad).is_err(), "{bad}");
    }
}
