//! `familiar art` end to end against tests/fakes/image-server.mjs: every provider format, every scripted fault.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

struct FakeServer {
    child: Child,
    url: String,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fake server, or `None` (with a note) when node isn't installed.
fn fake_server() -> Option<FakeServer> {
    let script = repo_root().join("tests/fakes/image-server.mjs");
    let mut child = match Command::new("node")
        .arg(script)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            eprintln!("skipped: node is not installed");
            return None;
        }
    };
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let first: Value = serde_json::from_str(&line).unwrap();
    Some(FakeServer {
        url: first["url"].as_str().unwrap().to_string(),
        child,
    })
}

struct Run {
    code: i32,
    summary: Value,
    files: Vec<PathBuf>,
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("familiar-art-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn art(dir: &Path, providers: Value, extra: &[&str], prompt: &str) -> Run {
    let providers_file = dir.join("providers.json");
    std::fs::write(&providers_file, providers.to_string()).unwrap();
    let out = dir.join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_familiar"))
        .arg("art")
        .arg("--providers")
        .arg(&providers_file)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .args(extra)
        .arg(prompt)
        .env("FAKE_KEY", "sk-test")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let last = stdout.lines().last().unwrap_or_else(|| {
        panic!(
            "no stdout; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let summary: Value = serde_json::from_str(last).unwrap();
    let files = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| PathBuf::from(f.as_str().unwrap()))
        .collect();
    Run {
        code: output.status.code().unwrap_or(-1),
        summary,
        files,
    }
}

fn provider(server: &FakeServer, name: &str, api: &str, fault: &str) -> Value {
    let suffix = match api {
        "openai" => "/v1",
        "horde" => "/api",
        _ => "",
    };
    serde_json::json!({"name": name, "api": api, "base_url": format!("{}/{fault}/{api}{suffix}", server.url), "api_key_env": "FAKE_KEY"})
}

fn statuses(run: &Run) -> Vec<String> {
    run.summary["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap().to_string())
        .collect()
}

fn request_count(server: &FakeServer) -> u64 {
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /stats HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let body: Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    body["requests"].as_u64().unwrap()
}

#[test]
fn every_provider_format_yields_a_decodable_webp() {
    let Some(server) = fake_server() else { return };
    for api in ["openai", "stability", "horde", "a1111", "comfyui"] {
        let dir = temp_dir(api);
        let run = art(
            &dir,
            serde_json::json!([provider(&server, api, api, "ok")]),
            &[],
            "an orc with a bloody axe",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.summary);
        assert_eq!(run.summary["provider"], api);
        assert_eq!(run.summary["blocked"], false);
        assert_eq!(
            run.summary["safety"]["image_classifier"]["verdict"],
            "not_run"
        );
        assert_eq!(run.files.len(), 1);
        let bytes = std::fs::read(&run.files[0]).unwrap();
        let pixels = familiar_art::codecs::decode(&bytes).unwrap();
        assert!(pixels.width() >= 512, "{api}");
        assert!(run.summary["scores"][0].as_f64().unwrap() > 40.0);
    }
}

#[test]
fn server_errors_and_rate_limits_retry_then_fail_over() {
    let Some(server) = fake_server() else { return };
    let dir = temp_dir("failover");
    let chain = serde_json::json!([
        provider(&server, "broken", "openai", "500"),
        provider(&server, "limited", "a1111", "429"),
        provider(&server, "good", "comfyui", "ok"),
    ]);
    let run = art(&dir, chain, &["--budget", "6"], "a kobold trapmaker");
    assert_eq!(run.code, 0, "{}", run.summary);
    assert_eq!(run.summary["provider"], "good");
    assert_eq!(
        statuses(&run),
        ["retry", "retry", "failover", "retry", "retry", "failover", "ok"]
    );
    assert!(run.summary["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("HTTP 500"));
    assert!(run.summary["attempts"][3]["error"]
        .as_str()
        .unwrap()
        .contains("HTTP 429"));
}

#[test]
fn a_provider_filter_result_blocks_and_is_not_sent_elsewhere() {
    let Some(server) = fake_server() else { return };
    for (api, fault) in [
        ("stability", "filter"),
        ("openai", "filter"),
        ("horde", "filter"),
    ] {
        let dir = temp_dir(&format!("filter-{api}"));
        let chain = serde_json::json!([
            provider(&server, api, api, fault),
            provider(&server, "spare", "a1111", "ok")
        ]);
        let run = art(&dir, chain, &[], "a goblin");
        assert_eq!(run.code, 0, "{api}: {}", run.summary);
        assert_eq!(run.summary["blocked"], true, "{api}");
        assert_eq!(
            run.summary["safety"]["provider_filter"]["verdict"],
            "blocked"
        );
        assert_eq!(statuses(&run), ["filtered"], "{api}: {}", run.summary);
        assert!(run.files.is_empty());
    }
}

#[test]
fn black_and_wrongly_sized_images_are_retried_once_then_failed_over() {
    let Some(server) = fake_server() else { return };
    for fault in ["black", "wrongsize"] {
        let dir = temp_dir(fault);
        let chain = serde_json::json!([
            provider(&server, "bad", "a1111", fault),
            provider(&server, "good", "openai", "ok")
        ]);
        let run = art(&dir, chain, &[], "a goblin");
        assert_eq!(run.code, 0);
        assert_eq!(statuses(&run), ["retry", "failover", "ok"], "{fault}");
        assert_eq!(run.summary["provider"], "good");
    }
}

#[test]
fn stalled_and_silent_providers_use_up_their_budget_then_fail_over() {
    let Some(server) = fake_server() else { return };
    for (api, fault) in [("horde", "stall"), ("a1111", "timeout")] {
        let dir = temp_dir(&format!("{api}-{fault}"));
        let chain = serde_json::json!([
            provider(&server, api, api, fault),
            provider(&server, "good", "stability", "ok")
        ]);
        let started = std::time::Instant::now();
        let run = art(&dir, chain, &["--budget", "2"], "a goblin");
        assert_eq!(run.code, 0, "{}", run.summary);
        assert_eq!(run.summary["provider"], "good");
        let statuses = statuses(&run);
        assert_eq!(statuses.last().unwrap(), "ok");
        assert!(statuses.contains(&"failover".to_string()));
        assert!(
            started.elapsed().as_secs() < 15,
            "{api}: the budget bounds the wait"
        );
    }
}

#[test]
fn when_every_provider_fails_the_exit_is_non_zero_with_the_summary() {
    let Some(server) = fake_server() else { return };
    let dir = temp_dir("all-fail");
    let chain = serde_json::json!([
        provider(&server, "a", "a1111", "black"),
        provider(&server, "b", "comfyui", "wrongsize")
    ]);
    let run = art(&dir, chain, &[], "a goblin");
    assert_ne!(run.code, 0);
    assert_eq!(run.summary["files"], serde_json::json!([]));
    assert_eq!(run.summary["provider"], Value::Null);
    assert_eq!(statuses(&run).last().unwrap(), "gave_up");
}

#[test]
fn a_blocked_prompt_exits_zero_and_sends_nothing() {
    let Some(server) = fake_server() else { return };
    let before = request_count(&server);
    let dir = temp_dir("blocked");
    let run = art(
        &dir,
        serde_json::json!([provider(&server, "a", "a1111", "ok")]),
        &[],
        "a nude elf bathing",
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.summary["blocked"], true);
    assert!(run.summary["reason"].as_str().unwrap().contains("sexual"));
    assert_eq!(
        request_count(&server),
        before + 1,
        "only our own /stats request reached the server"
    );
}

#[test]
fn files_never_overwrite_and_variants_and_tokens_get_their_own_names() {
    let Some(server) = fake_server() else { return };
    let dir = temp_dir("names");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("a-goblin-token.webp"), b"keep me").unwrap();
    let chain = serde_json::json!([provider(&server, "a", "a1111", "ok")]);
    let first = art(
        &dir,
        chain.clone(),
        &["--preset", "token", "--variants", "2"],
        "A goblin",
    );
    let second = art(&dir, chain, &["--preset", "token"], "A goblin");
    let mut names: Vec<String> = first
        .files
        .iter()
        .chain(&second.files)
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "a-goblin-token-2.webp",
            "a-goblin-token-3.webp",
            "a-goblin-token-4.webp"
        ]
    );
    assert_eq!(
        std::fs::read(out.join("a-goblin-token.webp")).unwrap(),
        b"keep me"
    );
    let token = familiar_art::codecs::decode(&std::fs::read(&first.files[0]).unwrap()).unwrap();
    assert_eq!(token.dimensions(), (400, 400));
    assert_eq!(token.get_pixel(0, 0)[3], 0, "transparent outside the ring");
}

#[test]
fn bad_arguments_are_refused() {
    let dir = temp_dir("args");
    let providers = dir.join("providers.json");
    std::fs::write(&providers, "[]").unwrap();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_familiar"))
            .arg("art")
            .arg("--providers")
            .arg(&providers)
            .arg("--out")
            .arg(dir.join("out"))
            .args(extra)
            .arg("x")
            .output()
            .unwrap()
    };
    let empty = run(&[]);
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("provider chain is empty"));
    std::fs::write(
        &providers,
        r#"[{"name": "a", "api": "a1111", "base_url": "http://127.0.0.1:9"}]"#,
    )
    .unwrap();
    let preset = run(&["--preset", "mural"]);
    assert!(String::from_utf8_lossy(&preset.stderr).contains("portrait, token or scene"));
}
