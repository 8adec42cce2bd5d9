//! A quick query loop for profiling the rules index (callgrind, perf) without building the CLI:
//!
//!     cargo run --release -p familiar-rules --example profile_rules -- CORPUS.jsonl QUESTIONS.jsonl [DOCS] [QUERIES]
//!
//! Builds the corpus (cycled to DOCS documents with new uuids and names, as the browser benchmark does), times the
//! query mix of `familiar bench-rules`, then the bytes round trip. Prints one line per phase on stderr.

use std::time::Instant;

use familiar_rules::persist::{from_bytes, to_bytes};
use familiar_rules::{NoResolver, RulesIndex, SearchOptions};
use serde_json::{json, Value};

fn lines(path: &str) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(corpus), Some(questions)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: profile_rules CORPUS.jsonl QUESTIONS.jsonl [DOCS] [QUERIES]");
        return Ok(());
    };
    let sample = lines(corpus);
    let size: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
    let count: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(1_200);
    let mut documents = sample.clone();
    for n in sample.len()..size.max(sample.len()) {
        let mut doc = sample[n % sample.len()].clone();
        let round = n / sample.len();
        let name = doc["name"].as_str().unwrap_or_default().to_string();
        let uuid = doc["uuid"].as_str().unwrap_or_default().to_string();
        doc["name"] = json!(format!("Variant {round} {name}"));
        doc["uuid"] = json!(format!("{uuid}r{round}"));
        documents.push(doc);
    }
    let mut queries: Vec<String> = lines(questions)
        .iter()
        .filter_map(|q| q["question"].as_str().map(str::to_string))
        .collect();
    for i in 0.. {
        if queries.len() >= count {
            break;
        }
        let name = sample[(i * 7919) % sample.len()]["name"]
            .as_str()
            .unwrap_or_default();
        queries.push(match i % 3 {
            0 => name.to_string(),
            1 => format!("how does {} work", name.to_lowercase()),
            _ => name.chars().take(5).collect(),
        });
    }

    // CACHE=FILE: reuse the bytes of an earlier run (so a profile of the query loop is not drowned by the build).
    let cache = std::env::var("CACHE").ok();
    let started = Instant::now();
    let mut index = match cache.as_deref().map(std::fs::read) {
        Some(Ok(bytes)) => from_bytes(&bytes)?,
        _ => {
            let mut index = RulesIndex::new()?;
            index.add_documents(&documents, &NoResolver);
            index.commit()?;
            if let Some(path) = &cache {
                std::fs::write(path, to_bytes(&mut index)?)?;
            }
            index
        }
    };
    eprintln!(
        "build {} docs: {:.0} ms",
        documents.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let dev: Vec<familiar_rules::eval::Question> = lines(questions)
        .into_iter()
        .filter_map(|q| serde_json::from_value(q).ok())
        .collect();
    let accuracy = familiar_rules::eval::evaluate(&mut index, &dev)?;
    eprintln!(
        "dev: hit@1 {:.3} hit@5 {:.3} mrr {:.3}",
        accuracy.hit_at_1, accuracy.hit_at_5, accuracy.mrr_at_10
    );
    let options = SearchOptions::default();
    let mut times = Vec::new();
    for query in &queries {
        let started = Instant::now();
        index.search(query, &options)?;
        times.push((started.elapsed().as_secs_f64() * 1e3, query));
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].0;
    eprintln!(
        "queries {}: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms",
        times.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );
    if std::env::var_os("SLOWEST").is_some() {
        for (ms, query) in times.iter().rev().take(15) {
            eprintln!("  {ms:.3} ms  {query}");
        }
    }
    let started = Instant::now();
    let bytes = to_bytes(&mut index)?;
    let save = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let loaded = from_bytes(&bytes)?;
    eprintln!(
        "bytes {:.1} MB (to {:.0} ms), from {:.1} ms, {} units",
        bytes.len() as f64 / 1e6,
        save,
        started.elapsed().as_secs_f64() * 1e3,
        loaded.stats().units
    );
    Ok(())
}
