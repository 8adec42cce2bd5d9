//! `familiar bench-rules --corpus FILE.jsonl [--questions FILE.jsonl] [--generate 30000]`: build time, query
//! p50/p95 over at least 1,000 queries, serialized size and load-from-bytes time of the rules index, on the corpus
//! and on a generated corpus of the same shape (the corpus's documents cycled with new ids and renamed).

use std::time::Instant;

use clap::Args;
use familiar_rules::persist::{from_bytes, to_bytes};
use familiar_rules::{NoResolver, RulesIndex, SearchOptions};
use serde_json::{json, Value};

use super::CliError;

#[derive(Args)]
pub struct BenchRulesArgs {
    #[arg(long)]
    pub corpus: String,
    /// Questions to include among the timed queries (`{"question"}` lines).
    #[arg(long)]
    pub questions: Option<String>,
    /// Also measure a generated corpus of this many documents.
    #[arg(long, default_value_t = 30_000)]
    pub generate: usize,
    /// Timed queries per corpus.
    #[arg(long, default_value_t = 1_200)]
    pub queries: usize,
}

fn read_lines(path: &str) -> Result<Vec<Value>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_string(),
        source,
    })?;
    Ok(text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or(Value::Null))
        .collect())
}

/// The corpus cycled to `count` documents, each copy with its own id, uuid and a varied name.
fn generated(corpus: &[Value], count: usize) -> Vec<Value> {
    const VARIANTS: &[&str] = &[
        "Greater", "Lesser", "Ancient", "Hidden", "Swift", "Storm", "Iron", "Ashen",
    ];
    (0..count)
        .filter_map(|n| {
            let mut doc = corpus.get(n % corpus.len().max(1))?.clone();
            let copy = n / corpus.len().max(1);
            if copy > 0 {
                let object = doc.as_object_mut()?;
                let name = object.get("name")?.as_str()?.to_string();
                let uuid = object.get("uuid")?.as_str()?.to_string();
                object.insert(
                    "name".into(),
                    json!(format!("{} {name}", VARIANTS[copy % VARIANTS.len()])),
                );
                object.insert("uuid".into(), json!(format!("{uuid}x{copy}")));
            }
            Some(doc)
        })
        .collect()
}

/// Questions first, then names and name fragments of documents, to at least `count` queries.
fn queries(corpus: &[Value], questions: &[String], count: usize) -> Vec<String> {
    let mut queries: Vec<String> = questions.to_vec();
    let names: Vec<&str> = corpus
        .iter()
        .filter_map(|doc| doc["name"].as_str())
        .collect();
    let mut n = 0usize;
    while queries.len() < count && !names.is_empty() {
        let name = names[(n * 7919) % names.len()];
        queries.push(match n % 3 {
            0 => name.to_string(),
            1 => format!("how does {} work", name.to_lowercase()),
            _ => name.chars().take(5).collect(),
        });
        n += 1;
    }
    queries
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or(0.0)
}

fn measure(
    label: &str,
    corpus: &[Value],
    questions: &[String],
    count: usize,
) -> Result<Value, CliError> {
    let started = Instant::now();
    let mut index = RulesIndex::new()?;
    let report = index.add_documents(corpus, &NoResolver);
    index.commit()?;
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let options = SearchOptions::default();
    let mut times = Vec::new();
    for query in queries(corpus, questions, count) {
        let started = Instant::now();
        index.search(&query, &options)?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let started = Instant::now();
    let bytes = to_bytes(&mut index)?;
    let save_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let loaded = from_bytes(&bytes)?;
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let figures = json!({
        "corpus": label,
        "documents": report.indexed,
        "units": loaded.stats().units,
        "buildMs": build_ms,
        "queries": times.len(),
        "queryP50Ms": percentile(&times, 0.5),
        "queryP95Ms": percentile(&times, 0.95),
        "serializedBytes": bytes.len(),
        "toBytesMs": save_ms,
        "fromBytesMs": load_ms,
    });
    eprintln!(
        "{label:>10}: {} docs, build {:.0} ms, query p50 {:.2} ms p95 {:.2} ms ({} queries), {:.1} MB, load {:.0} ms",
        report.indexed,
        build_ms,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.len(),
        bytes.len() as f64 / 1e6,
        load_ms
    );
    Ok(figures)
}

pub fn run(args: BenchRulesArgs) -> Result<(), CliError> {
    let corpus = read_lines(&args.corpus)?;
    let questions: Vec<String> = match &args.questions {
        Some(path) => read_lines(path)?
            .iter()
            .filter_map(|line| line["question"].as_str().map(str::to_string))
            .collect(),
        None => Vec::new(),
    };
    let mut results = vec![measure("sample", &corpus, &questions, args.queries)?];
    if args.generate > 0 {
        let big = generated(&corpus, args.generate);
        results.push(measure("generated", &big, &questions, args.queries)?);
    }
    println!("{}", Value::Array(results));
    Ok(())
}
