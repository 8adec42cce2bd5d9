//! `familiar art`: portraits, tokens and scenes from the providers in a JSON file, through the same prompt filter,
//! image checks, retries and failover as the module, with a small blocking `ureq` transport. Files land in
//! `--out` and never overwrite. The codec steps are answered by `familiar_art::codecs`; the image classifier is
//! the browser's, so here it is reported as not run (and an unclassified image is kept at any strictness).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use familiar_art::naming::unique_name;
use familiar_art::{codecs, Unclassified};
use familiar_art::{
    ApiKind, ArtImage, ArtOrder, Event, HttpRequest, HttpResponse, JobReport, Preset,
    ProviderConfig, Strictness, Studio, StudioSettings, Subject, Transmit, TransportError,
};
use serde::Deserialize;

use super::CliError;

#[derive(Args)]
pub struct ArtArgs {
    /// JSON array of providers tried in order: {"name", "api", "base_url", "model"?, "api_key_env"?}.
    #[arg(long)]
    pub providers: PathBuf,
    /// portrait | token | scene
    #[arg(long, default_value = "portrait")]
    pub preset: String,
    /// Variants to make (1-8).
    #[arg(long, default_value_t = 1)]
    pub variants: u32,
    /// Folder for the images (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Print the result as one JSON line (the last line of stdout).
    #[arg(long)]
    pub json: bool,
    /// strict | standard | relaxed
    #[arg(long, default_value = "strict")]
    pub strictness: String,
    /// Seconds one image may spend on one provider.
    #[arg(long, default_value_t = 30)]
    pub budget: u64,
    /// What to draw.
    pub prompt: String,
}

/// `--strictness`, shared with `familiar art-check`.
pub(crate) fn parse_strictness(value: &str) -> Result<Strictness, CliError> {
    Strictness::parse(value).ok_or_else(|| CliError::BadArgument {
        flag: "--strictness",
        value: value.to_string(),
        expected: "strict, standard or relaxed",
    })
}

/// One entry of the providers file.
#[derive(Deserialize)]
struct ProviderEntry {
    name: String,
    api: ApiKind,
    base_url: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    api_key_env: Option<String>,
    #[serde(default)]
    concurrency: Option<usize>,
}

pub fn run(args: ArtArgs) -> Result<(), CliError> {
    let chain = read_providers(&args.providers)?;
    let preset = Preset::parse(&args.preset).ok_or_else(|| CliError::BadArgument {
        flag: "--preset",
        value: args.preset.clone(),
        expected: "portrait, token or scene",
    })?;
    let strictness = parse_strictness(&args.strictness)?;
    let settings = StudioSettings {
        strictness,
        image_budget_ms: args.budget * 1000,
        unclassified: Unclassified::Keep,
        ..StudioSettings::default()
    };
    let mut studio = Studio::new(chain, settings, seed())?;
    let order = ArtOrder {
        subject: Subject::Text {
            text: args.prompt.clone(),
        },
        presets: vec![preset],
        variants: args.variants,
    };
    let mut driver = Driver::new(Transport::new());
    let mut files = Vec::new();
    let report = driver.run(&mut studio, order, |image| {
        let path = save(&args.out, &image)?;
        if !args.json {
            println!(
                "{}  score {:.0}  {}",
                path.display(),
                image.score.overall,
                image.provider
            );
        }
        files.push(path);
        Ok(())
    })?;
    let summary = serde_json::json!({
        "files": files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "provider": report.provider,
        "blocked": report.blocked,
        "reason": report.reason,
        "scores": report.scores.iter().map(|s| (f64::from(*s) * 10.0).round() / 10.0).collect::<Vec<_>>(),
        "attempts": report.attempts,
        "safety": report.safety,
    });
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{summary}")?;
    } else if report.blocked {
        writeln!(
            out,
            "blocked: {}",
            report.reason.as_deref().unwrap_or("by a safety filter")
        )?;
    }
    if files.is_empty() && !report.blocked {
        return Err(CliError::ArtFailed {
            attempts: report.attempts.len(),
        });
    }
    Ok(())
}

fn read_providers(path: &Path) -> Result<Vec<ProviderConfig>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let entries: Vec<ProviderEntry> = serde_json::from_str(&text).map_err(|e| {
        CliError::Invalid(format!("{}: not a providers array: {e}", path.display()))
    })?;
    Ok(entries
        .into_iter()
        .map(|entry| ProviderConfig {
            api_key: entry
                .api_key_env
                .as_deref()
                .and_then(|name| std::env::var(name).ok()),
            name: entry.name,
            api: entry.api,
            base_url: entry.base_url,
            model: entry.model,
            concurrency: entry.concurrency,
        })
        .collect())
}

fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    (nanos as u64) ^ ((std::process::id() as u64) << 32)
}

/// Writes the image under a name no file in `dir` has; `create_new` closes the race with other writers.
pub(crate) fn save(dir: &Path, image: &ArtImage) -> Result<PathBuf, CliError> {
    std::fs::create_dir_all(dir)?;
    loop {
        let existing: Vec<String> = std::fs::read_dir(dir)?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        let name = unique_name(
            &image.title,
            &image.name_suffix,
            &image.extension,
            existing.iter().map(String::as_str),
        );
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(&image.webp)?;
                return Ok(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error.into()),
        }
    }
}

/// Runs the Studio to the end of one job on the real clock, one request at a time.
pub(crate) struct Driver {
    transport: Transport,
    started: Instant,
    /// Time spent waiting on providers (the transport), so benchmarks can report our own overhead.
    pub transport_time: Duration,
    /// Time spent sleeping for backoffs and poll intervals.
    pub wait_time: Duration,
}

impl Driver {
    pub fn new(transport: Transport) -> Self {
        Driver {
            transport,
            started: Instant::now(),
            transport_time: Duration::ZERO,
            wait_time: Duration::ZERO,
        }
    }

    fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn run(
        &mut self,
        studio: &mut Studio,
        order: ArtOrder,
        mut on_image: impl FnMut(ArtImage) -> Result<(), CliError>,
    ) -> Result<JobReport, CliError> {
        let job = studio.submit(order, self.now())?;
        loop {
            while let Some(transmit) = studio.poll_transmit(self.now()) {
                let began = Instant::now();
                let answer = self.transport.send(&transmit, self.now());
                self.transport_time += began.elapsed();
                match answer {
                    Ok(response) => studio.handle_response(transmit.id, response, self.now()),
                    Err(error) => studio.handle_transport_error(transmit.id, error, self.now()),
                }
                codecs::serve_all(studio, self.now());
            }
            while let Some(event) = studio.poll_event() {
                match event {
                    Event::Image { image, .. } => on_image(*image)?,
                    Event::Finished {
                        job: finished,
                        report,
                    } if finished == job => return Ok(report),
                    _ => {}
                }
            }
            match studio.poll_timeout() {
                Some(wake) => {
                    let now = self.now();
                    if wake > now {
                        let began = Instant::now();
                        std::thread::sleep(Duration::from_millis(wake - now));
                        self.wait_time += began.elapsed();
                    }
                    studio.handle_timeout(self.now());
                }
                None if studio.active_jobs() == 0 => {
                    return Err(CliError::Invalid(
                        "the art job ended without a report".into(),
                    ))
                }
                None => studio.handle_timeout(self.now()),
            }
        }
    }
}

/// Blocking HTTP for the CLI: each request gets the time left to its step deadline.
pub(crate) struct Transport {
    agent: ureq::Agent,
}

/// Largest response body read (a 2048² PNG is well under this).
const MAX_BODY: u64 = 64 * 1024 * 1024;

impl Transport {
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(3)
            .max_idle_age(super::POOLED_CONNECTION_MAX_AGE)
            .build()
            .into();
        Transport { agent }
    }

    pub fn send(&self, transmit: &Transmit, now: u64) -> Result<HttpResponse, TransportError> {
        let timeout = Duration::from_millis(transmit.deadline.saturating_sub(now).max(1));
        let request =
            build(&transmit.request).map_err(|e| TransportError::InvalidRequest(e.to_string()))?;
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(timeout))
            .build();
        let response = self.agent.run(request).map_err(super::transport_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
            })
            .collect();
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|error| match error {
                ureq::Error::Timeout(_) => TransportError::Timeout,
                other => TransportError::Body(other.to_string()),
            })?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

fn build(request: &HttpRequest) -> Result<ureq::http::Request<Vec<u8>>, ureq::http::Error> {
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(&request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    builder.body(request.body.clone())
}
