//! `familiar bench-chat [--asks 1000] [--turns 5000] [--answer-chars 800]`: Familiar's own work in a rules-chat ask,
//! natively and without a network: the sans-IO chain and history the wasm `ChatSession` drives, fed the bytes a
//! streaming provider sends (both wire formats, in 37-byte pieces as tests/fakes/provider-server.mjs writes them).
//! Part 1 times each step of `asks` asks with six 1,500-character passages on a fresh conversation: the prompt
//! (history budget and build), the request (the chain's start: the JSON body), the stream up to the first delta, and
//! the rest of the stream with the answer into history. Part 2 holds one conversation of `turns` questions (two
//! messages each) and prints the bytes its history holds and the prompt the next question would send, against the
//! token budget, at 0, 1,000, 5,000 and 10,000 messages. Table on stderr, JSON on stdout.

use std::time::Instant;

use clap::Args;
use familiar_chat::citations::with_names;
use familiar_chat::prompt::question_with_passages;
use familiar_chat::{
    build_prompt, Answer, Api, AskEvent, AskInput, ChainConfig, Command, History, HistoryConfig,
    HttpRequest, Passage, Prompt, PromptParts, ProviderChain, ProviderConfig, RequestId,
    TokenBudget, DEFAULT_SYSTEM_PROMPT,
};
use serde_json::{json, Value};

use super::{memory_kib, CliError};

#[derive(Args)]
pub struct BenchChatArgs {
    /// Asks timed step by step, per wire format.
    #[arg(long, default_value_t = 1_000)]
    pub asks: usize,
    /// Questions in the long conversation (two messages each).
    #[arg(long, default_value_t = 5_000)]
    pub turns: usize,
    /// Length of each scripted answer in characters (the fake provider's is about 90; real answers run 500–1,500).
    #[arg(long, default_value_t = 800)]
    pub answer_chars: usize,
}

/// The model the browser benchmark's fake provider is called with: unknown, so the cautious 8,192-token window.
const MODEL: &str = "ok";
/// The fake provider writes its body in pieces of this many bytes.
const CHUNK_BYTES: usize = 37;

pub fn run(args: BenchChatArgs) -> Result<(), CliError> {
    if args.asks == 0 || args.turns == 0 {
        return Err(CliError::Invalid(
            "--asks and --turns must be at least 1".into(),
        ));
    }
    let passages = passages();
    let mut report = serde_json::Map::new();
    for api in [Api::OpenAi, Api::Anthropic] {
        let name = api_name(api);
        let steps = time_steps(api, &passages, args.asks, args.answer_chars)?;
        let conversation = long_conversation(api, &passages, args.turns, args.answer_chars)?;
        report.insert(
            name.into(),
            json!({"steps_us": steps, "conversation": conversation}),
        );
    }
    let (rss, peak) = memory_kib();
    report.insert("rss_kib".into(), json!({"now": rss, "peak": peak}));
    println!("{}", Value::Object(report));
    Ok(())
}

/// One session's state, as `ChatSession` holds it: the chain, the history, the budget of its one provider.
struct Session {
    chain: ProviderChain,
    history: History,
    budget: TokenBudget,
    api: Api,
}

impl Session {
    fn new(api: Api) -> Session {
        let provider = ProviderConfig {
            name: "bench".into(),
            api,
            base_url: "https://provider.invalid/v1".into(),
            model: MODEL.into(),
            api_key: Some("bench-key".into()),
            max_output_tokens: None,
            context_tokens: None,
        };
        let budget = TokenBudget::for_model(MODEL, None, provider.max_output_tokens());
        Session {
            chain: ProviderChain::new(vec![provider], ChainConfig::default()),
            history: History::new(HistoryConfig::default()),
            budget,
            api,
        }
    }

    /// The prompt for the next question, as `ChatSession::ask` builds it (crates/wasm/src/chat.rs).
    fn prompt(&mut self, question: &str, passages: &[Passage]) -> Prompt {
        let fixed = self.history.estimate_tokens(DEFAULT_SYSTEM_PROMPT)
            + self
                .history
                .estimate_tokens(&question_with_passages(question, passages));
        let context = self.history.context(&self.budget, fixed);
        build_prompt(&PromptParts {
            system_template: DEFAULT_SYSTEM_PROMPT,
            language: "English",
            passages,
            history: context,
            question,
        })
    }

    /// Starts the ask and takes the request the chain wants sent.
    fn request(
        &mut self,
        prompt: Prompt,
        passages: &[Passage],
    ) -> Result<(RequestId, HttpRequest), CliError> {
        let input = AskInput {
            prompt,
            passages: passages.to_vec(),
        };
        self.chain.start(input, 0);
        loop {
            match self.chain.poll_command() {
                Some(Command::Send { request, http, .. }) => return Ok((request, http)),
                // The previous answer finished before its body closed: the transport would stop reading it.
                Some(Command::Abort { .. }) => continue,
                None => {
                    return Err(CliError::Invalid(
                        "the chain sent no request for the ask".into(),
                    ))
                }
            }
        }
    }
}

/// The answer a scripted stream ended with.
fn finished(done: Option<AskEvent>) -> Result<Answer, CliError> {
    match done {
        Some(AskEvent::Done { answer }) if answer.offline.is_none() => Ok(*answer),
        other => Err(CliError::Invalid(format!(
            "the scripted stream gave no answer: {other:?}"
        ))),
    }
}

/// Feeds `chunks` until an event of the wanted kind comes out; returns how many chunks it took.
fn feed_until(
    session: &mut Session,
    request: RequestId,
    chunks: &[&[u8]],
    mut wanted: impl FnMut(&AskEvent) -> bool,
) -> (usize, Option<AskEvent>) {
    for (used, chunk) in chunks.iter().enumerate() {
        session.chain.handle_data(request, chunk, 0);
        while let Some((_, event)) = session.chain.poll_event() {
            if wanted(&event) {
                return (used + 1, Some(event));
            }
        }
    }
    session.chain.handle_end(request, 0);
    while let Some((_, event)) = session.chain.poll_event() {
        if wanted(&event) {
            return (chunks.len(), Some(event));
        }
    }
    (chunks.len(), None)
}

/// One whole ask, its answer into history; returns the µs its prompt took to build.
fn ask(
    session: &mut Session,
    question: &str,
    passages: &[Passage],
    answer: &str,
) -> Result<f64, CliError> {
    let start = Instant::now();
    let prompt = session.prompt(question, passages);
    let prompt_us = start.elapsed().as_secs_f64() * 1e6;
    let prompt_chars = prompt_chars(&prompt);
    let (request, _) = session.request(prompt, passages)?;
    session.chain.handle_head(request, 200, Vec::new(), 0);
    let body = response_body(session.api, answer, prompt_chars);
    let chunks: Vec<&[u8]> = body.as_bytes().chunks(CHUNK_BYTES).collect();
    let (_, done) = feed_until(session, request, &chunks, |event| {
        matches!(event, AskEvent::Done { .. })
    });
    let answer = finished(done)?;
    remember(session, question, &answer, prompt_chars);
    Ok(prompt_us)
}

/// What the wasm driver does with an online answer: history with citations as names, the provider's token count.
fn remember(session: &mut Session, question: &str, answer: &Answer, prompt_chars: usize) {
    session.history.push(question, &with_names(&answer.text));
    if let Some(input) = answer.usage.and_then(|usage| usage.input_tokens) {
        session.history.record_usage(prompt_chars, input);
    }
}

fn time_steps(
    api: Api,
    passages: &[Passage],
    asks: usize,
    answer_chars: usize,
) -> Result<Value, CliError> {
    let mut session = Session::new(api);
    let questions = questions();
    let answer = answer_text(answer_chars);
    let mut times: [Vec<f64>; 5] = Default::default();
    for n in 0..asks + asks / 10 {
        let question = &questions[n % questions.len()];
        session.history.clear();
        let start = Instant::now();
        let prompt = session.prompt(question, passages);
        let prompt_done = Instant::now();
        let prompt_chars = prompt_chars(&prompt);
        let (request, _) = session.request(prompt, passages)?;
        let request_done = Instant::now();
        session.chain.handle_head(request, 200, Vec::new(), 0);
        let body = response_body(api, &answer, prompt_chars);
        let chunks: Vec<&[u8]> = body.as_bytes().chunks(CHUNK_BYTES).collect();
        let body_ready = Instant::now();
        let (used, _) = feed_until(&mut session, request, &chunks, |event| {
            matches!(event, AskEvent::Delta { .. })
        });
        let first_delta = Instant::now();
        let (_, done) = feed_until(&mut session, request, &chunks[used..], |event| {
            matches!(event, AskEvent::Done { .. })
        });
        let answered = finished(done)?;
        remember(&mut session, question, &answered, prompt_chars);
        let end = Instant::now();
        if n < asks / 10 {
            continue; // warm-up
        }
        let us = |from: Instant, to: Instant| to.duration_since(from).as_secs_f64() * 1e6;
        times[0].push(us(start, prompt_done));
        times[1].push(us(prompt_done, request_done));
        times[2].push(us(body_ready, first_delta));
        times[3].push(us(first_delta, end));
        times[4].push(us(start, request_done) + us(body_ready, first_delta));
    }
    let labels = [
        "prompt (history budget + build)",
        "request (chain start: JSON body)",
        "response head + chunks → first delta",
        "rest of the stream, answer, history",
        "Familiar's work before the first token",
    ];
    eprintln!(
        "== {}: {asks} asks, fresh conversation, 6 passages × 1,500 characters (µs)",
        api_name(api)
    );
    eprintln!("  {:<40} {:>8} {:>8} {:>8}", "step", "p50", "p95", "max");
    let mut out = serde_json::Map::new();
    for (label, values) in labels.iter().zip(times.iter_mut()) {
        values.sort_by(f64::total_cmp);
        let (p50, p95, max) = (
            percentile(values, 50),
            percentile(values, 95),
            percentile(values, 100),
        );
        eprintln!("  {label:<40} {p50:>8.1} {p95:>8.1} {max:>8.1}");
        out.insert((*label).into(), json!({"p50": p50, "p95": p95, "max": max}));
    }
    Ok(Value::Object(out))
}

fn long_conversation(
    api: Api,
    passages: &[Passage],
    turns: usize,
    answer_chars: usize,
) -> Result<Value, CliError> {
    let mut session = Session::new(api);
    let questions = questions();
    let answer = answer_text(answer_chars);
    let input_budget = session
        .budget
        .context_tokens
        .saturating_sub(session.budget.max_output_tokens);
    let mut rows = Vec::new();
    let mut checkpoints = vec![0, 500, 2_500, 5_000];
    checkpoints.retain(|turn| *turn < turns);
    checkpoints.push(turns);
    eprintln!(
        "== {}: one conversation of {turns} questions, {answer_chars}-character answers; input budget {input_budget} \
         tokens (window {} − answer {})",
        api_name(api),
        session.budget.context_tokens,
        session.budget.max_output_tokens
    );
    eprintln!(
        "  {:>8} {:>14} {:>13} {:>13} {:>13} {:>9} {:>12} {:>9} {:>14}",
        "messages",
        "history bytes",
        "turns kept",
        "summary chars",
        "prompt chars",
        "≈ tokens",
        "est. tokens",
        "RSS KiB",
        "prompt µs p50"
    );
    let mut asked = 0;
    for checkpoint in checkpoints {
        let mut prompt_us = Vec::new();
        while asked < checkpoint {
            let question = format!(
                "{} (question {})",
                questions[asked % questions.len()],
                asked + 1
            );
            prompt_us.push(ask(&mut session, &question, passages, &answer)?);
            asked += 1;
        }
        // The prompt the next question would send: the size this conversation has reached.
        let next = questions[asked % questions.len()].clone();
        let prompt = session.prompt(&next, passages);
        let chars = prompt_chars(&prompt);
        let estimated = session.history.estimate_tokens(&prompt.system)
            + prompt
                .messages
                .iter()
                .map(|message| session.history.estimate_tokens(&message.content))
                .sum::<u32>();
        let bytes = session.history.approx_bytes();
        let (rss, _) = memory_kib();
        let (kept, summary) = (
            session.history.turns().len(),
            session.history.summary().chars().count(),
        );
        // The prompts built since the previous row (none for the first).
        prompt_us.sort_by(f64::total_cmp);
        let prompt_p50 = (!prompt_us.is_empty()).then(|| percentile(&prompt_us, 50));
        let shown = prompt_p50.map_or("—".to_string(), |us| format!("{us:.1}"));
        eprintln!(
            "  {:>8} {bytes:>14} {kept:>13} {summary:>13} {chars:>13} {:>9} {estimated:>12} {rss:>9} {shown:>14}",
            asked * 2,
            chars.div_ceil(4),
        );
        rows.push(json!({
            "messages": asked * 2, "history_bytes": bytes, "turns_kept": kept, "summary_chars": summary,
            "prompt_chars": chars, "prompt_tokens_chars_over_4": chars.div_ceil(4),
            "prompt_tokens_estimated": estimated, "rss_kib": rss, "prompt_us_p50": prompt_p50,
        }));
    }
    Ok(
        json!({"input_budget_tokens": input_budget, "token_scale": session.history.token_scale(), "rows": rows}),
    )
}

fn prompt_chars(prompt: &Prompt) -> usize {
    prompt.system.chars().count()
        + prompt
            .messages
            .iter()
            .map(|message| message.content.chars().count())
            .sum::<usize>()
}

/// The body a streaming provider sends for `answer`, in a few characters a delta as the fake provider sends it,
/// with usage reporting the prompt at four characters a token.
fn response_body(api: Api, answer: &str, prompt_chars: usize) -> String {
    let pieces: Vec<String> = answer
        .chars()
        .collect::<Vec<_>>()
        .chunks(6)
        .map(|piece| piece.iter().collect())
        .collect();
    let input_tokens = prompt_chars.div_ceil(4);
    let output_tokens = answer.chars().count().div_ceil(4);
    let mut body = String::new();
    match api {
        Api::OpenAi => {
            let chunk = |delta: Value, finish: Value| {
                let value = json!({"id": "c1", "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
                format!("data: {value}\n\n")
            };
            body.push_str(&chunk(
                json!({"role": "assistant", "content": ""}),
                Value::Null,
            ));
            for piece in &pieces {
                body.push_str(&chunk(json!({ "content": piece }), Value::Null));
            }
            body.push_str(&chunk(json!({}), json!("stop")));
            let usage = json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": input_tokens,
                "completion_tokens": output_tokens, "total_tokens": input_tokens + output_tokens}});
            body.push_str(&format!("data: {usage}\n\ndata: [DONE]\n\n"));
        }
        Api::Anthropic => {
            let event = |kind: &str, mut data: Value| {
                data["type"] = json!(kind);
                format!("event: {kind}\ndata: {data}\n\n")
            };
            body.push_str(&event(
                "message_start",
                json!({"message": {"id": "m1", "role": "assistant",
                    "usage": {"input_tokens": input_tokens, "output_tokens": 1}}}),
            ));
            body.push_str(&event(
                "content_block_start",
                json!({"index": 0, "content_block": {"type": "text", "text": ""}}),
            ));
            for piece in &pieces {
                body.push_str(&event(
                    "content_block_delta",
                    json!({"index": 0, "delta": {"type": "text_delta", "text": piece}}),
                ));
            }
            body.push_str(&event("content_block_stop", json!({"index": 0})));
            body.push_str(&event(
                "message_delta",
                json!({"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": output_tokens}}),
            ));
            body.push_str(&event("message_stop", json!({})));
        }
    }
    body
}

/// Six passages of 1,500 characters of our own text (no Paizo text), as the Ask view sends at most.
fn passages() -> Vec<Passage> {
    (0..6)
        .map(|n| {
            let sentence = |k: usize| {
                format!(
                    "Rule {n}.{k}: a creature that spends an action on this activity compares its result against \
                     the target's DC, and on a success it gains the listed benefit until the start of its next \
                     turn, while a critical failure ends it. "
                )
            };
            let text: String = (0..8).map(sentence).collect::<String>().chars().take(1_500).collect();
            Passage {
                uuid: format!("Compendium.bench.rules.Item.bench{n:010}"),
                anchor: None,
                name: format!("Bench Rule {n}"),
                text,
            }
        })
        .collect()
}

fn questions() -> Vec<String> {
    [
        "Can I Step while I am grabbed?",
        "How does flanking work with reach weapons?",
        "What happens when I drop to 0 Hit Points?",
        "Does a shield block damage from a spell?",
        "How many actions does it take to stand up and Stride?",
        "Can I Delay after I have already acted this round?",
    ]
    .map(String::from)
    .to_vec()
}

/// An answer of about `chars` characters in the shape models give: sentences citing passages as `[n]`.
fn answer_text(chars: usize) -> String {
    let mut text = String::new();
    let mut n = 0;
    while text.chars().count() < chars {
        text.push_str(&format!(
            "Yes: the rule allows it once per turn [{}], unless an effect says otherwise [{}]. ",
            n % 6 + 1,
            (n + 2) % 6 + 1
        ));
        n += 1;
    }
    text.chars().take(chars).collect()
}

fn api_name(api: Api) -> &'static str {
    match api {
        Api::OpenAi => "openai",
        Api::Anthropic => "anthropic",
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}
