//! The relay under load, in scheduler ticks against a scripted provider: fairness with a flooding player, 500
//! sessions at once, and memory that stays bounded through 10,000+ requests and drains back to nothing.

mod relay_support;

use familiar_chat::relay::{RelayConfig, RelayError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relay_support::*;

const TICK_MS: u64 = 100;
const SERVICE_TICKS: u64 = 20;

/// 19 players ask one question every ~150 ticks each (random phase); with `flood`, player 0 also tries 5
/// questions every tick. Returns the others' sorted waits and the flooder's.
fn twenty_players(flood: bool, seed: u64) -> (Vec<u64>, Vec<u64>, Sim) {
    let mut sim = Sim::new(RelayConfig::default(), TICK_MS, SERVICE_TICKS);
    let mut rng = StdRng::seed_from_u64(seed);
    let names: Vec<String> = (0..20).map(|n| format!("player{n:02}")).collect();
    let mut players: Vec<_> = names.iter().map(|name| player(name)).collect();
    let mut next_at: Vec<u64> = (0..20).map(|_| rng.random_range(0..150)).collect();
    let mut sent = [0usize; 20];
    for _ in 0..3_000 {
        if flood {
            for _ in 0..5 {
                let request = request_id(sent[0]);
                sent[0] += 1;
                sim.ask(&mut players[0], &names[0], &request);
            }
        }
        for n in 1..20 {
            if sim.tick >= next_at[n] {
                let request = request_id(sent[n]);
                sent[n] += 1;
                sim.ask(&mut players[n], &names[n], &request);
                next_at[n] = sim.tick + rng.random_range(100..200);
            }
        }
        sim.step();
    }
    for _ in 0..200 {
        sim.step(); // drain
    }
    let others = sim.waits(|user| user != names[0]);
    let flooder = sim.waits(|user| user == names[0]);
    (others, flooder, sim)
}

#[test]
fn a_flooding_player_does_not_delay_the_others() {
    let (calm, _, quiet) = twenty_players(false, 7);
    let (others, flooder, sim) = twenty_players(true, 7);
    let (calm_p95, others_p95, flooder_p95) = (
        percentile(&calm, 95),
        percentile(&others, 95),
        percentile(&flooder, 95),
    );
    println!(
        "p95 wait in ticks: without flood {calm_p95}, others with flood {others_p95}, flooder {flooder_p95}; \
         others asked {}, flooder started {}",
        others.len(),
        flooder.len()
    );
    // Every question of the others was answered, flood or not.
    let asked_by_others = sim.asked_at.keys().filter(|(u, _)| u != "player00").count();
    assert_eq!(others.len(), asked_by_others);
    assert!(sim.answered.len() >= asked_by_others);
    assert_eq!(quiet.refused, []);
    // The flood costs the others at most one call's length at p95: they never queue behind it.
    assert!(
        others_p95 <= calm_p95 + SERVICE_TICKS,
        "others p95 {others_p95} vs {calm_p95} without the flood"
    );
    // The flooder was throttled (queue cap, rate limit) and waited far longer than anyone else.
    assert!(flooder_p95 > others_p95 * 2);
    assert!(sim
        .refused
        .iter()
        .any(|e| matches!(e, RelayError::RateLimited { .. })));
    assert!(sim
        .refused
        .iter()
        .any(|e| matches!(e, RelayError::QueueFull { .. })));
    assert!(sim.max_in_flight <= 4);
}

#[test]
fn five_hundred_sessions_at_once_are_all_answered() {
    let config = RelayConfig {
        max_queued_total: 1_000,
        ..RelayConfig::default()
    };
    let mut sim = Sim::new(config, TICK_MS, SERVICE_TICKS);
    for n in 0..500 {
        let name = format!("user{n:03}");
        let mut page = player(&name);
        sim.ask(&mut page, &name, &request_id(n));
    }
    assert_eq!(sim.refused, []);
    let mut ticks = 0;
    while sim.answered.len() < 500 && ticks < 10_000 {
        sim.step();
        ticks += 1;
    }
    assert_eq!(sim.answered.len(), 500);
    // 4 at a time, 20 ticks each: 125 rounds.
    assert_eq!(ticks, 500 / 4 * SERVICE_TICKS);
    let waits = sim.waits(|_| true);
    assert_eq!(percentile(&waits, 100), (500 / 4 - 1) * SERVICE_TICKS);
    assert!(sim.peak_bytes <= config.max_bytes());
}

#[test]
fn memory_stays_bounded_through_ten_thousand_requests_and_drains() {
    // Capacity (16 calls a tick) a little above the 14 questions a tick asked.
    let config = RelayConfig {
        max_concurrent: 16,
        ..RelayConfig::default()
    };
    let bound = config.max_bytes();
    let mut sim = Sim::new(config, TICK_MS, 1);
    let mut rng = StdRng::seed_from_u64(11);
    let users: Vec<String> = (0..500).map(|n| format!("user{n:03}")).collect();
    let mut pages: Vec<_> = users.iter().map(|name| player(name)).collect();
    let mut messages = 0usize;
    let mut n = 0usize;
    while messages < 12_000 {
        for _ in 0..20 {
            let who = rng.random_range(0..users.len());
            let request = request_id(n);
            n += 1;
            match rng.random_range(0..10) {
                0 => {
                    // A reload: resume something this user asked before, maybe long gone.
                    let earlier = request_id(rng.random_range(0..n));
                    let raw = pages[who].resume(&earlier).unwrap();
                    sim.receive(&users[who], raw.as_bytes());
                }
                1 => {
                    let earlier = request_id(rng.random_range(0..n));
                    let raw = pages[who].cancel(&earlier).unwrap();
                    sim.receive(&users[who], raw.as_bytes());
                }
                2 => sim.receive(&users[who], &vec![b'x'; rng.random_range(0..40_000)]),
                _ => sim.ask(&mut pages[who], &users[who], &request),
            }
            messages += 1;
        }
        sim.step();
        assert!(
            sim.gm.approx_bytes() <= bound,
            "{} > {bound}",
            sim.gm.approx_bytes()
        );
    }
    println!(
        "{messages} messages: peak {} bytes of relay state (bound {bound}), {:?}",
        sim.peak_bytes,
        sim.gm.stats()
    );
    assert!(sim.answered.len() > 5_000);
    // Everyone goes quiet: calls finish, answers expire, idle users are dropped.
    for _ in 0..20 {
        sim.step();
    }
    assert_eq!(sim.open_calls(), 0);
    sim.tick += config.resume_ttl_ms / TICK_MS + 1;
    sim.step();
    let stats = sim.gm.stats();
    assert_eq!(
        (stats.queued, stats.in_flight, stats.stored_answers),
        (0, 0, 0),
        "{stats:?}"
    );
    // Users who spent tokens today are kept for their budget, until the UTC day ends.
    assert!(sim.gm.usage(sim.now()).iter().all(|u| u.tokens_today > 0));
    sim.tick += DAY_MS / TICK_MS;
    sim.step();
    assert_eq!(sim.gm.stats().users, 0);
    assert_eq!(sim.gm.approx_bytes(), 0);
}

#[test]
fn a_burst_of_ten_thousand_questions_is_capped_not_stored() {
    let config = RelayConfig::default();
    let mut sim = Sim::new(config, TICK_MS, SERVICE_TICKS);
    let users: Vec<String> = (0..1_000).map(|n| format!("user{n:04}")).collect();
    let mut pages: Vec<_> = users.iter().map(|name| player(name)).collect();
    for n in 0..10_000 {
        let who = n % users.len();
        sim.ask(&mut pages[who], &users[who], &request_id(n));
    }
    sim.sample();
    let stats = sim.gm.stats();
    assert_eq!(stats.queued, config.max_queued_total);
    assert_eq!(stats.in_flight, config.max_concurrent);
    assert!(sim.peak_bytes <= config.max_bytes());
    let accepted = (config.max_queued_total + config.max_concurrent) as u64;
    assert_eq!(stats.counters.accepted, accepted);
    assert_eq!(stats.counters.rejected, 10_000 - accepted);
    // Past 5 error replies a second, a user's refusals are not echoed.
    assert_eq!(sim.refused.len(), 1_000 * 5);
    assert!(sim
        .refused
        .iter()
        .all(|e| matches!(e, RelayError::QueueFull { limit: 256 })));
}
