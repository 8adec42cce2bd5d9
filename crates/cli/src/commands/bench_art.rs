//! `familiar bench-art`: the art pipeline against the fake providers (tests/fakes/image-server.mjs) with a fault
//! mix: share of requests that end in a saved image, our own time per image (excluding the providers' time and
//! the deliberate backoff/poll waits), and memory after the run. Table on stderr, JSON on stdout.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use clap::Args;
use familiar_art::{ApiKind, ArtOrder, Preset, ProviderConfig, Studio, StudioSettings, Subject};

use super::art::{save, Driver, Transport};
use super::CliError;

#[derive(Args)]
pub struct BenchArtArgs {
    /// Images to request.
    #[arg(long, default_value_t = 100)]
    pub images: usize,
    /// Percent of provider generations that get a scripted fault (500, 429, timeout, black, wrong size).
    #[arg(long, default_value_t = 20)]
    pub fault_percent: u32,
    /// The fake server script.
    #[arg(long, default_value = "tests/fakes/image-server.mjs")]
    pub server: PathBuf,
    /// Simulated generation time of the fake providers, in ms.
    #[arg(long, default_value_t = 50)]
    pub provider_ms: u64,
    /// Where images are written (a fresh temporary folder when omitted).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

struct FakeServer(Child);

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: BenchArtArgs) -> Result<(), CliError> {
    let mut child = Command::new("node")
        .arg(&args.server)
        .args([
            "--port",
            "0",
            "--delay",
            &args.provider_ms.to_string(),
            "--seed",
            "7",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| CliError::Read {
            path: args.server.display().to_string(),
            source,
        })?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| CliError::Invalid("fake server without stdout".into()))?;
    let server = FakeServer(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let url = serde_json::from_str::<serde_json::Value>(&first)
        .ok()
        .and_then(|v| v["url"].as_str().map(str::to_string))
        .ok_or_else(|| CliError::Invalid(format!("fake server said {first:?}")))?;
    let out = args.out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("familiar-bench-art-{}", std::process::id()))
    });
    let fault = format!("mix{}", args.fault_percent);
    let apis = [
        ("horde", ApiKind::Horde, "/horde/api"),
        ("a1111", ApiKind::A1111, "/a1111"),
        ("comfyui", ApiKind::Comfyui, "/comfyui"),
        ("openai", ApiKind::Openai, "/openai/v1"),
        ("stability", ApiKind::Stability, "/stability"),
    ];
    let settings = StudioSettings {
        poll_interval_ms: 100,
        step_timeout_ms: 2_000,
        backoff_base_ms: 200,
        openai_moderation: false,
        unclassified: familiar_art::Unclassified::Keep,
        ..StudioSettings::default()
    };
    let (mut saved, mut overhead_ms, mut wall_minus_provider_ms, mut requests_made) =
        (0, Vec::new(), Vec::new(), 0);
    let started = Instant::now();
    for i in 0..args.images {
        // Each request starts its chain at a different format, so all five are exercised.
        let chain: Vec<ProviderConfig> = (0..apis.len())
            .map(|k| apis[(i + k) % apis.len()])
            .map(|(name, api, path)| ProviderConfig {
                name: name.into(),
                api,
                base_url: format!("{url}/{fault}{path}"),
                model: None,
                api_key: Some("bench".into()),
                concurrency: None,
            })
            .collect();
        let mut studio = Studio::new(chain, settings.clone(), i as u64)?;
        let order = ArtOrder {
            subject: Subject::Text {
                text: format!("goblin warchanter number {i}"),
            },
            presets: vec![Preset::Portrait],
            variants: 1,
        };
        let mut driver = Driver::new(Transport::new());
        let began = Instant::now();
        let mut got = false;
        let report = driver.run(&mut studio, order, |image| {
            save(&out, &image)?;
            got = true;
            Ok(())
        })?;
        let wall = began.elapsed().as_secs_f64() * 1000.0;
        let transport = driver.transport_time.as_secs_f64() * 1000.0;
        let waits = driver.wait_time.as_secs_f64() * 1000.0;
        requests_made += report.attempts.len();
        if got {
            saved += 1;
            overhead_ms.push(wall - transport - waits);
            wall_minus_provider_ms.push(wall - transport);
        }
    }
    let total_s = started.elapsed().as_secs_f64();
    drop(server);
    let (rss, peak) = super::memory_kib();
    let share = saved as f64 / args.images.max(1) as f64;
    let pct = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v.get(((v.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let (o50, o95, omax) = (
        pct(&mut overhead_ms, 0.5),
        pct(&mut overhead_ms, 0.95),
        pct(&mut overhead_ms, 1.0),
    );
    let (w50, w95) = (
        pct(&mut wall_minus_provider_ms, 0.5),
        pct(&mut wall_minus_provider_ms, 0.95),
    );
    eprintln!(
        "requests: {}  fault mix: {} %  provider time: {} ms per generation",
        args.images, args.fault_percent, args.provider_ms
    );
    eprintln!(
        "saved: {saved} ({:.1} %), attempts logged: {requests_made}, total {total_s:.1} s",
        share * 100.0
    );
    eprintln!("our time per saved image (no provider, no waits): p50 {o50:.1} ms, p95 {o95:.1} ms, max {omax:.1} ms");
    eprintln!("time per saved image minus provider time (incl. backoff/poll waits): p50 {w50:.0} ms, p95 {w95:.0} ms");
    eprintln!("memory after the run: RSS {} KiB, peak {} KiB", rss, peak);
    let summary = serde_json::json!({
        "images": args.images, "fault_percent": args.fault_percent, "saved": saved, "saved_share": share,
        "overhead_ms": {"p50": o50, "p95": o95, "max": omax},
        "minus_provider_ms": {"p50": w50, "p95": w95},
        "rss_kib": rss, "peak_rss_kib": peak, "out": out.display().to_string(),
    });
    println!("{summary}");
    Ok(())
}
