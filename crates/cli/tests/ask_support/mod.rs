//! Running `familiar ask --json` over a small home-made compendium, shared by the fake-provider and LiteLLM suites.
// Each suite compiles this module on its own and uses a different part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::{json, Value};

/// A fresh scratch directory per test.
pub fn scratch() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "familiar-ask-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small home-made compendium (our own words) in the pf2e document shape.
pub fn corpus(dir: &Path) -> PathBuf {
    let item = |id: &str, kind: &str, name: &str, html: &str| {
        json!({
            "_id": id, "name": name, "type": kind, "pack": "home.rules",
            "uuid": format!("Compendium.home.rules.Item.{id}"),
            "system": {"description": {"value": html}, "traits": {"value": [], "rarity": "common"}, "level": {"value": 1}},
            "_stats": {"modifiedTime": 1}
        })
    };
    let docs = [
        item("grabbed", "condition", "Grabbed", "<p>You are held in place by another creature. You are off-guard and immobilized; moving away needs an Escape.</p>"),
        item("step", "action", "Step", "<p>You carefully move 5 feet. Unlike Stride, Step does not trigger reactions. You can't Step while immobilized.</p>"),
        item("escape", "action", "Escape", "<p>You attempt to get free of being grabbed, immobilized or restrained.</p>"),
    ];
    let path = dir.join("corpus.jsonl");
    let text: Vec<String> = docs.iter().map(Value::to_string).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    path
}

pub struct Run {
    pub lines: Vec<Value>,
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    pub seconds: f64,
}

impl Run {
    pub fn last(&self) -> &Value {
        self.lines.last().expect("a final line")
    }
    pub fn deltas(&self) -> String {
        self.lines
            .iter()
            .filter_map(|l| l["delta"].as_str())
            .collect()
    }
    pub fn attempts(&self) -> Vec<(String, Option<u64>, String)> {
        self.last()["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["provider"].as_str().unwrap().to_string(),
                    a["status"].as_u64(),
                    a["error"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

/// `familiar ask --json` over [`corpus`] with the given providers (written to a file), extra flags and environment.
pub fn ask(providers: Option<Value>, extra: &[&str], env: &[(&str, &str)], question: &str) -> Run {
    let dir = scratch();
    let corpus = corpus(&dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_familiar"));
    command
        .args(["ask", "--corpus"])
        .arg(&corpus)
        .arg("--json")
        .envs(env.iter().copied());
    if let Some(providers) = providers {
        let path = dir.join("providers.json");
        std::fs::write(&path, providers.to_string()).unwrap();
        command.arg("--providers").arg(path);
    }
    command.args(extra).arg(question);
    let started = Instant::now();
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        lines,
        stdout,
        stderr,
        success: output.status.success(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// tests/fakes/provider-server.mjs on a free port (node), stopped when dropped.
pub struct FakeServer {
    child: Child,
    port: u16,
}

impl FakeServer {
    pub fn start() -> FakeServer {
        let script = repo_root().join("tests/fakes/provider-server.mjs");
        let mut child = Command::new("node")
            .arg(&script)
            .args(["--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect(
                "node must be installed to run the fake provider server (tests/run.sh installs it)",
            );
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("port line: {line:?}"));
        FakeServer { child, port }
    }

    pub fn base(&self, provider: &str) -> String {
        format!("http://127.0.0.1:{}/{provider}/v1", self.port)
    }

    pub fn log(&self) -> Vec<Value> {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        use std::io::Write;
        write!(
            stream,
            "GET /_log HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap();
        serde_json::from_str(body).unwrap()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
