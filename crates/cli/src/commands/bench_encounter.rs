//! `familiar bench-encounter`: generator statistics per threat across party levels 1–20 and sizes 1–8, the time
//! to rate 10,000 encounters, and the time of one generation from a 3,000-creature pool. A human table goes to
//! stderr, the figures as JSON to stdout.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use familiar_encounter::generator::pool::{PoolEntry, Rarity};
use familiar_encounter::generator::stats::threat_stats;
use familiar_encounter::generator::{generate, GenerateRequest};
use familiar_encounter::xp::{rate_request, EntityKind, XpRequest};
use familiar_encounter::Threat;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use super::encounter::load_pool;
use super::CliError;

#[derive(Debug, Args)]
pub struct BenchEncounterArgs {
    /// Creature pool (defaults to ../shared/pf2e/bestiary.jsonl when present, else a synthetic pool).
    #[arg(long, visible_alias = "bestiary")]
    pool: Option<PathBuf>,
    /// Encounters generated per threat, spread evenly over party levels 1–20 × sizes 1–8.
    #[arg(long, default_value_t = 10_000)]
    per_threat: usize,
    /// Encounters asked for per request (distinctness is measured within a request).
    #[arg(long, default_value_t = 10)]
    batch: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// A pool shaped like a compendium: creatures at every level −1..25 with assorted traits and rarities.
fn synthetic_pool(size: usize, seed: u64) -> Vec<PoolEntry> {
    let traits = [
        "undead",
        "beast",
        "humanoid",
        "fiend",
        "dragon",
        "construct",
        "aberration",
        "fey",
    ];
    let mut rng = StdRng::seed_from_u64(seed);
    (0..size)
        .map(|n| PoolEntry {
            uuid: format!("Compendium.synthetic.Actor.{n:016}"),
            name: format!("Synthetic {n}"),
            level: rng.random_range(-1..=25),
            traits: vec![traits[rng.random_range(0..traits.len())].to_string()],
            rarity: [
                Rarity::Common,
                Rarity::Common,
                Rarity::Uncommon,
                Rarity::Rare,
            ][rng.random_range(0..4)],
            size: Some("med".into()),
            kind: if n % 40 == 0 {
                EntityKind::SimpleHazard
            } else {
                EntityKind::Creature
            },
        })
        .collect()
}

fn default_pool() -> Option<PathBuf> {
    let dir = std::env::var_os("FAMILIAR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/pf2e"));
    let path = dir.join("bestiary.jsonl");
    path.is_file().then_some(path)
}

pub fn run(args: BenchEncounterArgs) -> Result<(), CliError> {
    let pool_path = args.pool.or_else(default_pool);
    let (pool, pool_name) = match &pool_path {
        Some(path) => (load_pool(path)?, path.display().to_string()),
        None => (
            synthetic_pool(1_600, args.seed),
            "synthetic (1,600 entries)".to_string(),
        ),
    };
    let batch = args.batch.max(1);
    let requests_per_threat = args.per_threat.div_ceil(batch);
    let mut threats = Vec::new();
    eprintln!("pool: {pool_name}, {} entries; {requests_per_threat} requests × {batch} encounters per threat", pool.len());
    eprintln!("| threat | requested | generated | in band | exact budget | mean abs(XP − budget) | distinct | refused requests | creatures 1/2/3/4/5/6/7/8+ | µs per encounter |");
    eprintln!("|---|---|---|---|---|---|---|---|---|---|");
    for threat in Threat::ALL {
        let started = Instant::now();
        let stats = threat_stats(&pool, threat, args.per_threat, batch, args.seed);
        let elapsed = started.elapsed();
        let per_encounter_us = elapsed.as_secs_f64() * 1e6 / stats.generated.max(1) as f64;
        let counts: Vec<String> = (1..=8)
            .map(|n| {
                stats
                    .creature_counts
                    .get(&n)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            })
            .collect();
        eprintln!(
            "| {threat} | {} | {} | {:.2} % | {:.2} % | {:.3} | {:.2} % | {} | {} | {per_encounter_us:.1} |",
            stats.requested,
            stats.generated,
            100.0 * stats.share(stats.in_band),
            100.0 * stats.share(stats.exact),
            stats.mean_abs_difference(),
            100.0 * stats.share(stats.distinct),
            stats.refused_requests,
            counts.join("/")
        );
        threats.push(json!({
            "threat": threat, "requested": stats.requested, "generated": stats.generated,
            "inBandShare": stats.share(stats.in_band), "exactShare": stats.share(stats.exact),
            "meanAbsDifference": stats.mean_abs_difference(),
            "distinctShare": stats.share(stats.distinct), "refusedRequests": stats.refused_requests,
            "refusedImpossible": stats.refused_impossible,
            "creatureCounts": stats.creature_counts, "microsPerEncounter": per_encounter_us,
        }));
    }

    let rating = bench_rating(args.seed);
    eprintln!("rating 10,000 encounters: best {:.2} ms, median {:.2} ms (validate + rate, 1–8 creatures and 0–2 hazards each)", rating.0, rating.1);
    let big_pool = three_thousand(&pool, args.seed);
    let generation = bench_big_pool(&big_pool, args.seed);
    eprintln!(
        "one generation from a {}-creature pool: mean {:.3} ms, p95 {:.3} ms, max {:.3} ms over {} requests",
        big_pool.len(), generation.0, generation.1, generation.2, generation.3
    );
    let mut out = std::io::stdout().lock();
    let report = json!({
        "pool": pool_name, "poolEntries": pool.len(), "threats": threats,
        "rate10kMs": {"best": rating.0, "median": rating.1},
        "generation3000Ms": {"pool": big_pool.len(), "mean": generation.0, "p95": generation.1, "max": generation.2},
    });
    serde_json::to_writer(&mut out, &report).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// Best and median milliseconds to validate and rate 10,000 random encounters, over 15 runs.
fn bench_rating(seed: u64) -> (f64, f64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let requests: Vec<XpRequest> = (0..10_000)
        .map(|_| {
            let party_level: i32 = rng.random_range(1..=20);
            XpRequest {
                party_level: f64::from(party_level),
                party_size: f64::from(rng.random_range(1..=8)),
                npc_levels: (0..rng.random_range(1..=8))
                    .map(|_| f64::from((party_level + rng.random_range(-6..=6)).clamp(-1, 25)))
                    .collect(),
                hazards: (0..rng.random_range(0..=2))
                    .map(|_| familiar_encounter::xp::HazardRequest {
                        level: f64::from(party_level),
                        is_complex: rng.random_bool(0.5),
                    })
                    .collect(),
                proficiency_without_level: rng.random_bool(0.2),
            }
        })
        .collect();
    let mut runs: Vec<f64> = (0..15)
        .map(|_| {
            let started = Instant::now();
            let total: u64 = requests
                .iter()
                .filter_map(|request| rate_request(request).ok())
                .map(|result| u64::from(result.total_xp))
                .sum();
            std::hint::black_box(total);
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    (runs[0], runs[runs.len() / 2])
}

/// The pool padded (or cut) to exactly 3,000 entries with synthetic creatures.
fn three_thousand(pool: &[PoolEntry], seed: u64) -> Vec<PoolEntry> {
    let mut big: Vec<PoolEntry> = pool.iter().take(3_000).cloned().collect();
    let missing = 3_000 - big.len();
    big.extend(synthetic_pool(missing, seed ^ 0x5eed));
    big
}

/// Mean, p95 and max milliseconds of single-encounter generations across parties and threats.
fn bench_big_pool(pool: &[PoolEntry], seed: u64) -> (f64, f64, f64, usize) {
    let mut times = Vec::new();
    for i in 0..500usize {
        let threat = Threat::ALL[i % 5];
        let mut request =
            GenerateRequest::new(1 + (i % 20) as i32, 1 + ((i / 20) % 8) as u32, threat);
        request.seed = seed.wrapping_add(i as u64);
        request.allow_hazards = i % 2 == 0;
        let started = Instant::now();
        let result = generate(&request, pool);
        times.push(started.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(result.is_ok());
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    (
        mean,
        times[times.len() * 95 / 100],
        times[times.len() - 1],
        times.len(),
    )
}
