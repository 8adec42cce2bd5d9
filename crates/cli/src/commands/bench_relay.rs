//! `familiar bench-relay [--players 20] [--minutes 5] [--sessions 500] [--concurrent 4] [--seed 1]`: the GM relay
//! in-process against a scripted provider on a simulated clock (10 ms steps). Players' pages are real
//! `PlayerRelay`s reading every message the relay sends. Scenarios: 20 players asking at the same moment; 20 players
//! asking steadily (about 70 % of the provider slots) for some minutes, then the same with one player flooding; and
//! 500 sessions asking at the same moment. Prints the wait from question to provider call (simulated ms), the
//! fairness spread over players, the peak bytes of relay state, and the real CPU time the relay takes per call.
//! Table on stderr, JSON on stdout.

use std::collections::BTreeMap;
use std::time::Instant;

use clap::Args;
use familiar_chat::relay::wire::decode;
use familiar_chat::relay::{
    Action, CallId, PlayerRelay, ProviderAnswer, Relay, RelayConfig, ToPlayer,
};
use familiar_chat::Usage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::CliError;

#[derive(Args)]
pub struct BenchRelayArgs {
    /// Players in the "asking at once" scenarios.
    #[arg(long, default_value_t = 20)]
    pub players: usize,
    /// Minutes of steady asking in the steady scenarios.
    #[arg(long, default_value_t = 5)]
    pub minutes: u64,
    /// Sessions asking at the same moment in the load scenario.
    #[arg(long, default_value_t = 500)]
    pub sessions: usize,
    /// Provider calls at once (the relay's `maxConcurrent`).
    #[arg(long, default_value_t = 4)]
    pub concurrent: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

const STEP_MS: u64 = 10;
const T0: u64 = 1_700_000_000_000;
/// The scripted provider: first token after 300–1,500 ms, then a delta every 50 ms, 20–80 deltas (1–4 s).
const FIRST_BYTE_MS: (u64, u64) = (300, 1_500);
const DELTA_EVERY_MS: u64 = 50;
const DELTAS: (u32, u32) = (20, 80);

struct Scenario {
    name: &'static str,
    config: RelayConfig,
    users: usize,
    /// (time after the start in ms, user) of each question.
    arrivals: Vec<(u64, usize)>,
    /// A user whose waits are left out of the fairness figures.
    flooder: Option<usize>,
}

struct OpenCall {
    user: usize,
    next_at: u64,
    deltas_left: u32,
}

#[derive(Default)]
struct Outcome {
    waits_by_user: Vec<Vec<u64>>,
    asked_by_user: Vec<usize>,
    answered_by_user: Vec<usize>,
    asked: usize,
    answered: usize,
    refused: BTreeMap<String, usize>,
    peak_bytes: usize,
    relay_calls: u64,
    relay_ns: u128,
    receive_calls: u64,
    receive_ns: u128,
    simulated_ms: u64,
}

pub fn run(args: BenchRelayArgs) -> Result<(), CliError> {
    if args.players == 0 || args.sessions == 0 || args.concurrent == 0 || args.minutes == 0 {
        return Err(CliError::Invalid(
            "--players, --minutes, --sessions and --concurrent must be at least 1".into(),
        ));
    }
    let config = RelayConfig {
        max_concurrent: args.concurrent,
        ..RelayConfig::default()
    };
    let mut rng = StdRng::seed_from_u64(args.seed);
    let at_once: Vec<(u64, usize)> = (0..args.players).map(|user| (0, user)).collect();
    // Each player asks every 15–35 s: 20 players ask 0.8 questions a second, about 70 % of what 4 slots answer.
    let mut steady: Vec<(u64, usize)> = Vec::new();
    for user in 0..args.players {
        let mut at = rng.random_range(0..20_000);
        while at < args.minutes * 60_000 {
            steady.push((at, user));
            at += rng.random_range(15_000..35_000);
        }
    }
    let mut flooded = steady.clone();
    // Player 0 also sends ten questions a second the whole time.
    flooded.extend((0..args.minutes * 600).map(|n| (n * 100, 0)));
    let scenario = |name, arrivals, users, flooder| Scenario {
        name,
        config,
        users,
        arrivals,
        flooder,
    };
    let sessions = Scenario {
        // Every session's question waits in the queue at once: the total cap must hold them all.
        config: RelayConfig {
            max_queued_total: args.sessions,
            max_users: args.sessions.max(config.max_users),
            ..config
        },
        ..scenario(
            "sessions_at_once",
            (0..args.sessions).map(|user| (0, user)).collect(),
            args.sessions,
            None,
        )
    };
    let scenarios = [
        scenario("players_at_once", at_once, args.players, None),
        scenario("players_steady", steady, args.players, None),
        scenario(
            "players_steady_one_flooding",
            flooded,
            args.players,
            Some(0),
        ),
        sessions,
    ];
    let mut results = Vec::new();
    for scenario in &scenarios {
        let outcome = simulate(scenario, &mut rng);
        results.push(report(scenario, &outcome));
    }
    let (rss, peak_rss) = super::memory_kib();
    eprintln!("process memory after the runs: RSS {rss} KiB, peak {peak_rss} KiB");
    let summary = json!({
        "seed": args.seed, "concurrent": args.concurrent, "scenarios": results,
        "rss_kib": rss, "peak_rss_kib": peak_rss,
    });
    println!("{summary}");
    Ok(())
}

fn simulate(scenario: &Scenario, rng: &mut StdRng) -> Outcome {
    let mut gm = Relay::new(scenario.config);
    let names: Vec<String> = (0..scenario.users).map(|n| format!("user{n:05}")).collect();
    let user_of: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(user, name)| (name.as_str(), user))
        .collect();
    let mut pages: Vec<PlayerRelay> = names
        .iter()
        .filter_map(|name| PlayerRelay::new(name).ok())
        .collect();
    let mut arrivals = scenario.arrivals.clone();
    arrivals.sort_unstable();
    let mut outcome = Outcome {
        waits_by_user: vec![Vec::new(); scenario.users],
        asked_by_user: vec![0; scenario.users],
        answered_by_user: vec![0; scenario.users],
        ..Outcome::default()
    };
    let mut asked_at: BTreeMap<(usize, String), u64> = BTreeMap::new();
    let mut open: BTreeMap<CallId, OpenCall> = BTreeMap::new();
    let mut next_arrival = 0;
    let mut sent = vec![0usize; scenario.users];
    let mut now = T0;
    loop {
        let mut actions = Vec::new();
        while next_arrival < arrivals.len() && T0 + arrivals[next_arrival].0 <= now {
            let user = arrivals[next_arrival].1;
            next_arrival += 1;
            let request = format!("req-{:08}", sent[user]);
            sent[user] += 1;
            let Ok(raw) = pages[user].ask(&request, "Can I Step while grabbed?", "en", None) else {
                continue;
            };
            outcome.asked += 1;
            outcome.asked_by_user[user] += 1;
            asked_at.insert((user, request), now);
            let began = Instant::now();
            let out = gm.receive(&names[user], raw.as_bytes(), now);
            outcome.receive_ns += began.elapsed().as_nanos();
            outcome.receive_calls += 1;
            actions.push(out);
        }
        let due: Vec<CallId> = open
            .iter()
            .filter(|(_, call)| call.next_at <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            let Some(call) = open.get_mut(&id) else {
                continue;
            };
            let began = Instant::now();
            let out = if call.deltas_left > 0 {
                call.deltas_left -= 1;
                call.next_at = now + DELTA_EVERY_MS;
                gm.on_delta(id, "the rules say so ", now)
            } else {
                open.remove(&id);
                gm.on_final(id, scripted_answer(), now)
            };
            outcome.relay_ns += began.elapsed().as_nanos();
            outcome.relay_calls += 1;
            actions.push(out);
        }
        if (now - T0).is_multiple_of(1_000) {
            actions.push(gm.tick(now));
            outcome.peak_bytes = outcome.peak_bytes.max(gm.approx_bytes());
        }
        for action in actions.into_iter().flatten() {
            match action {
                Action::Start {
                    call,
                    user_id,
                    request_id,
                    ..
                } => {
                    let Some(&user) = user_of.get(user_id.as_str()) else {
                        continue;
                    };
                    if let Some(asked) = asked_at.remove(&(user, request_id)) {
                        outcome.waits_by_user[user].push(now - asked);
                    }
                    let first_byte = rng.random_range(FIRST_BYTE_MS.0..=FIRST_BYTE_MS.1);
                    let deltas = rng.random_range(DELTAS.0..=DELTAS.1);
                    open.insert(
                        call,
                        OpenCall {
                            user,
                            next_at: now + first_byte,
                            deltas_left: deltas,
                        },
                    );
                }
                Action::Cancel { call } => {
                    open.remove(&call);
                }
                Action::Send { user_id, message } => {
                    // The page reads every message (it tracks its 16 latest questions); counts come from the wire.
                    let Some(&user) = user_of.get(user_id.as_str()) else {
                        continue;
                    };
                    pages[user].receive(message.as_bytes());
                    match decode::<ToPlayer>(message.as_bytes(), usize::MAX) {
                        Ok(ToPlayer::Final { .. }) => {
                            outcome.answered += 1;
                            outcome.answered_by_user[user] += 1;
                        }
                        Ok(ToPlayer::Error { error, .. }) => {
                            let code = serde_json::to_value(&error)
                                .ok()
                                .and_then(|v| v["code"].as_str().map(str::to_string))
                                .unwrap_or_default();
                            *outcome.refused.entry(code).or_default() += 1;
                        }
                        _ => {}
                    }
                }
                Action::Rejected { .. } => {}
            }
        }
        let settled = outcome.answered + outcome.refused.values().sum::<usize>();
        let arrivals_done = next_arrival >= arrivals.len();
        // Suppressed refusals (past 5 error replies a second) are never seen by the page: stop once idle.
        let idle = open.is_empty() && gm.stats().queued == 0;
        if arrivals_done && (settled >= outcome.asked || idle) {
            break;
        }
        now += STEP_MS;
        if now - T0 > 6 * 3_600_000 {
            break; // a stuck relay would be a bug: the report shows unanswered questions
        }
        debug_assert!(open.values().all(|call| call.user < scenario.users));
    }
    outcome.simulated_ms = now - T0;
    outcome.peak_bytes = outcome.peak_bytes.max(gm.approx_bytes());
    outcome
}

fn scripted_answer() -> ProviderAnswer {
    ProviderAnswer {
        text: "the rules say so ".repeat(50),
        citations: Vec::new(),
        provider: Some("scripted".into()),
        offline: None,
        usage: Some(Usage {
            input_tokens: Some(1_200),
            output_tokens: Some(250),
        }),
    }
}

fn report(scenario: &Scenario, outcome: &Outcome) -> Value {
    let fair_users: Vec<usize> = (0..scenario.users)
        .filter(|user| Some(*user) != scenario.flooder)
        .collect();
    let mut waits: Vec<u64> = fair_users
        .iter()
        .flat_map(|user| outcome.waits_by_user[*user].iter().copied())
        .collect();
    waits.sort_unstable();
    let means: Vec<f64> = fair_users
        .iter()
        .filter(|user| !outcome.waits_by_user[**user].is_empty())
        .map(|user| {
            let user_waits = &outcome.waits_by_user[*user];
            user_waits.iter().sum::<u64>() as f64 / user_waits.len() as f64
        })
        .collect();
    let (min_mean, max_mean) = match means.is_empty() {
        true => (0.0, 0.0),
        false => means
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), m| (lo.min(*m), hi.max(*m))),
    };
    // The worst player's own p95: nobody is starved even when the means look even.
    let worst_p95 = fair_users
        .iter()
        .map(|user| {
            let mut own = outcome.waits_by_user[*user].clone();
            own.sort_unstable();
            percentile(&own, 95)
        })
        .max()
        .unwrap_or(0);
    // Jain's index over the players' mean waits: 1 when every player waits the same.
    let jain = {
        let sum: f64 = means.iter().sum();
        let squares: f64 = means.iter().map(|m| m * m).sum();
        if squares > 0.0 {
            sum * sum / (means.len() as f64 * squares)
        } else {
            1.0
        }
    };
    let mut flooder_waits: Vec<u64> = scenario
        .flooder
        .map(|user| outcome.waits_by_user[user].clone())
        .unwrap_or_default();
    flooder_waits.sort_unstable();
    let others_asked: usize = fair_users.iter().map(|u| outcome.asked_by_user[*u]).sum();
    let others_answered: usize = fair_users
        .iter()
        .map(|u| outcome.answered_by_user[*u])
        .sum();
    let us = |ns: u128, calls: u64| ns as f64 / calls.max(1) as f64 / 1_000.0;
    let bound = scenario.config.max_bytes();
    eprintln!(
        "== {} ({} users, {} questions asked)",
        scenario.name, scenario.users, outcome.asked
    );
    eprintln!(
        "  wait to provider call (others): p50 {} ms, p95 {} ms, max {} ms over {} questions",
        percentile(&waits, 50),
        percentile(&waits, 95),
        percentile(&waits, 100),
        waits.len()
    );
    eprintln!(
        "  fairness: per-player mean wait {min_mean:.0}–{max_mean:.0} ms (spread {:.0} ms), Jain index {jain:.3}, \
         worst player's p95 {worst_p95} ms",
        max_mean - min_mean
    );
    if scenario.flooder.is_some() {
        eprintln!(
            "  flooder: {} calls started, p95 wait {} ms",
            flooder_waits.len(),
            percentile(&flooder_waits, 95)
        );
    }
    eprintln!(
        "  others answered {others_answered} of {others_asked}; all: answered {} of {}, refused {:?}, \
         simulated {:.1} s",
        outcome.answered,
        outcome.asked,
        outcome.refused,
        outcome.simulated_ms as f64 / 1_000.0
    );
    eprintln!(
        "  relay state peak {} KiB (bound {} KiB); CPU per receive {:.1} µs, per delta/final {:.1} µs",
        outcome.peak_bytes / 1024,
        bound / 1024,
        us(outcome.receive_ns, outcome.receive_calls),
        us(outcome.relay_ns, outcome.relay_calls)
    );
    json!({
        "name": scenario.name, "users": scenario.users, "asked": outcome.asked, "answered": outcome.answered,
        "others_asked": others_asked, "others_answered": others_answered,
        "refused": outcome.refused,
        "wait_ms": {"p50": percentile(&waits, 50), "p95": percentile(&waits, 95), "max": percentile(&waits, 100)},
        "fairness": {"min_mean_wait_ms": min_mean, "max_mean_wait_ms": max_mean, "jain": jain, "worst_player_p95_ms": worst_p95},
        "flooder_wait_ms": scenario.flooder.map(|_| json!({"p95": percentile(&flooder_waits, 95), "started": flooder_waits.len()})),
        "peak_state_bytes": outcome.peak_bytes, "state_bound_bytes": bound,
        "cpu_us": {"receive": us(outcome.receive_ns, outcome.receive_calls), "delta_or_final": us(outcome.relay_ns, outcome.relay_calls)},
        "simulated_ms": outcome.simulated_ms,
    })
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}
