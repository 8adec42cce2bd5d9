//! One answer across the GM's ordered providers, as a sans-IO state machine (the quinn-proto shape).
//!
//! Drive it like this: [`ProviderChain::start`] an ask; send every [`Command`] from [`ProviderChain::poll_command`]
//! (an HTTP request, or an abort of one); feed what the transport sees back with `handle_head`, `handle_data`,
//! `handle_end` and `handle_error`; show the [`AskEvent`]s from [`ProviderChain::poll_event`]; and call
//! [`ProviderChain::handle_timeout`] once the time from [`ProviderChain::poll_timeout`] has come.
//!
//! Failures before any text retry the same provider (retryable ones, with backoff) and then fail over to the next.
//! A stream that breaks after text was shown fails over to the next provider at once (or retries the last one):
//! the chain first emits [`AskEvent::Reset`], which tells the UI to discard everything shown for this ask, and the
//! new provider's answer streams from its start. The final [`Answer`] holds only the provider that finished, so the
//! user never reads a spliced answer. When no provider can answer, the answer comes from the passages alone.
//!
//! One request of a question with tools is an ask too ([`ProviderChain::start_step`], driven by
//! [`crate::tools::agent`]): its answer carries the reply's tool calls ([`ToolTurn`]). A provider that refuses tools
//! (an error that says so) is asked again at once without them, and is not offered tools again by this chain.

use std::collections::{BTreeMap, VecDeque};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::breaker::{BreakerConfig, CircuitBreaker};
use crate::citations::{link_citations, Citation};
use crate::offline::{offline_answer, OfflineReason};
use crate::prompt::Passage;
use crate::provider::{chat_request, HttpRequest, Prompt, ProviderConfig};
use crate::retry::{backoff_ms, classify_status, Failure, FailureKind, RetryPolicy, Timeouts};
use crate::stream::{FinishReason, StreamDecoder, StreamEvent, Usage};
use crate::tools::calls::RawToolCall;
use crate::tools::wire::StepInput;
use familiar_transport::TransportError;

/// One answer the chain is producing (across retries and failovers); the UI's handle for events and Stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AskId(pub u64);

/// One HTTP request of an ask; the transport's handle. An ask makes a new one per attempt, so a late byte of a
/// failed attempt can never be taken for the next one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RequestId(pub u64);

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainConfig {
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
    pub breaker: BreakerConfig,
    /// Seeds the backoff jitter (the browser passes a random number; tests a constant).
    pub seed: u64,
    /// Providers the GM set up but left out of this chain for want of consent ([`crate::consent`]): an empty
    /// chain then answers offline with [`OfflineReason::NoConsent`] rather than "no provider".
    pub withheld_for_consent: usize,
}

/// What to answer: the prompt (built by [`crate::build_prompt`]) and the passages it numbered.
#[derive(Debug, Clone)]
pub struct AskInput {
    pub prompt: Prompt,
    pub passages: Vec<Passage>,
}

/// Work for the transport.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Send {
        ask: AskId,
        request: RequestId,
        http: HttpRequest,
    },
    /// Stop reading this request and close it; nothing more will be accepted for it.
    Abort { request: RequestId },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum AskEvent {
    /// A request to `provider` went out (the first one, a retry or a failover).
    Started { provider: String },
    /// More answer text (raw: citations are still `[n]`).
    Delta { text: String },
    /// Discard all text shown for this ask so far: the stream broke and another attempt starts from scratch.
    Reset { reason: String },
    /// The final answer; nothing follows for this ask.
    Done { answer: Box<Answer> },
}

/// A failed or skipped attempt, for the user and for the `attempts` array of the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub provider: String,
    pub status: Option<u16>,
    pub error: String,
    pub kind: Option<FailureKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// Markdown with `@UUID[...]{...}` content links; render it with [`crate::render_markdown`].
    pub text: String,
    /// The text as the model wrote it (`[n]` citations), for history.
    pub raw_text: String,
    pub citations: Vec<Citation>,
    /// The provider that answered; `None` for an offline answer.
    pub provider: Option<String>,
    pub offline: Option<OfflineReason>,
    pub attempts: Vec<Attempt>,
    pub usage: Option<Usage>,
    pub finish: Option<FinishReason>,
    /// For a step of a question with tools ([`ProviderChain::start_step`]): the reply's tool calls. `None` for an
    /// ask started with [`ProviderChain::start`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_turn: Option<ToolTurn>,
}

/// What a step's reply did with the tools it was offered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolTurn {
    /// The calls, in the order the reply finished them (unchecked: see [`crate::tools::args::check_call`]).
    pub calls: Vec<RawToolCall>,
    /// Whether the request that answered offered tools.
    pub offered: bool,
    /// Whether tools were to be offered but the provider that answered cannot take them (it said so in this step
    /// or earlier), so the answer came without them.
    pub refused: bool,
}

struct Slot {
    config: ProviderConfig,
    breaker: CircuitBreaker,
    /// Marked by the health rules (answers over 5 s three times): passed over while a later provider is not.
    degraded: bool,
    /// The provider answered a request with tools with an error saying it cannot take them.
    refuses_tools: bool,
}

/// What an ask sends: a prompt, or one step of a question with tools.
enum Input {
    /// An answer; with `Some(cap)` the reply is held to at most `cap` output tokens.
    Ask(AskInput, Option<u32>),
    Step(Box<StepInput>),
}

impl Input {
    fn passages(&self) -> &[Passage] {
        match self {
            Input::Ask(input, _) => &input.passages,
            Input::Step(step) => &step.passages,
        }
    }
}

struct Flight {
    request: RequestId,
    started_ms: u64,
    last_byte_ms: Option<u64>,
    status: Option<u16>,
    headers: Vec<(String, String)>,
    error_body: Vec<u8>,
    decoder: StreamDecoder,
    ended: bool,
    /// Whether this request offered tools.
    tools: bool,
}

enum Phase {
    Waiting { until_ms: u64 },
    InFlight(Box<Flight>),
}

struct Ask {
    input: Input,
    provider: usize,
    retries: u32,
    /// Sent to an open provider because nothing else was available: no retries, fail fast to the offline answer.
    forced_probe: bool,
    phase: Phase,
    text: String,
    usage: Option<Usage>,
    attempts: Vec<Attempt>,
    last_failure: Option<Failure>,
    calls: Vec<RawToolCall>,
}

/// Observations kept for a driver that does not read them (the CLI); the oldest go first.
const MAX_OBSERVATIONS: usize = 256;

/// Records a failed attempt of `ask` at `provider` and drops what it produced; when text had been shown, tells the UI
/// to discard it (the next attempt starts from scratch). Whether text had been shown.
fn abandon_attempt(
    ask: &mut Ask,
    events: &mut VecDeque<(AskId, AskEvent)>,
    id: AskId,
    provider: &str,
    failure: &Failure,
) -> bool {
    ask.attempts.push(Attempt {
        provider: provider.to_string(),
        status: failure.status,
        error: failure.message.clone(),
        kind: Some(failure.kind),
    });
    let mid_stream = !ask.text.is_empty();
    if mid_stream {
        ask.text.clear();
        events.push_back((
            id,
            AskEvent::Reset {
                reason: failure.message.clone(),
            },
        ));
    }
    ask.usage = None;
    mid_stream
}

/// The first text or tool call of an ask's flight: how long its provider took to start answering.
fn observe_first_output(
    observations: &mut VecDeque<familiar_health::HealthEvent>,
    slots: &[Slot],
    ask: &Ask,
    now_ms: u64,
) {
    if let (true, true, Phase::InFlight(flight)) =
        (ask.text.is_empty(), ask.calls.is_empty(), &ask.phase)
    {
        observe(
            observations,
            &slots[ask.provider].config.name,
            now_ms.saturating_sub(flight.started_ms),
            true,
        );
    }
}

fn observe(
    observations: &mut VecDeque<familiar_health::HealthEvent>,
    provider: &str,
    latency_ms: u64,
    ok: bool,
) {
    if observations.len() == MAX_OBSERVATIONS {
        observations.pop_front();
    }
    observations.push_back(familiar_health::HealthEvent::ProviderResponse {
        provider: provider.to_string(),
        latency_ms,
        ok,
    });
}

/// Error bodies are read up to this many bytes; the message needs no more.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub struct ProviderChain {
    config: ChainConfig,
    slots: Vec<Slot>,
    rng: StdRng,
    asks: BTreeMap<AskId, Ask>,
    requests: BTreeMap<RequestId, AskId>,
    commands: VecDeque<Command>,
    events: VecDeque<(AskId, AskEvent)>,
    observations: VecDeque<familiar_health::HealthEvent>,
    /// The last ids handed out (ids start at 1).
    next_ask: u64,
    next_request: u64,
}

impl ProviderChain {
    pub fn new(providers: Vec<ProviderConfig>, config: ChainConfig) -> ProviderChain {
        let slots = providers
            .into_iter()
            .map(|provider| Slot {
                config: provider,
                breaker: CircuitBreaker::new(config.breaker),
                degraded: false,
                refuses_tools: false,
            })
            .collect();
        ProviderChain {
            config,
            slots,
            rng: StdRng::seed_from_u64(config.seed),
            asks: BTreeMap::new(),
            requests: BTreeMap::new(),
            commands: VecDeque::new(),
            events: VecDeque::new(),
            observations: VecDeque::new(),
            next_ask: 0,
            next_request: 0,
        }
    }

    pub fn providers(&self) -> impl Iterator<Item = (&ProviderConfig, &CircuitBreaker)> {
        self.slots.iter().map(|slot| (&slot.config, &slot.breaker))
    }

    /// Marks the providers the health rules call degraded (by name); the next asks pass over them while a
    /// later provider in the chain is not degraded, and use them as before once the mark is lifted.
    pub fn set_degraded(&mut self, is_degraded: impl Fn(&str) -> bool) {
        for slot in &mut self.slots {
            slot.degraded = is_degraded(&slot.config.name);
        }
    }

    /// Asks in flight (the relay uses it for fairness and memory checks).
    pub fn active_asks(&self) -> usize {
        self.asks.len()
    }

    pub fn start(&mut self, input: AskInput, now_ms: u64) -> AskId {
        self.begin(Input::Ask(input, None), now_ms)
    }

    /// [`ProviderChain::start`] with the reply held to at most `max_output_tokens` (or the provider's own cap when
    /// that is lower): a short call such as the query rewrite ([`crate::rewrite`]).
    pub fn start_capped(&mut self, input: AskInput, max_output_tokens: u32, now_ms: u64) -> AskId {
        self.begin(Input::Ask(input, Some(max_output_tokens)), now_ms)
    }

    /// Starts one request of a question with tools; its [`AskEvent::Done`] answer carries a [`ToolTurn`].
    pub fn start_step(&mut self, step: StepInput, now_ms: u64) -> AskId {
        self.begin(Input::Step(Box::new(step)), now_ms)
    }

    /// Whether the named provider refused tools earlier in this chain's life.
    pub fn refuses_tools(&self, provider: &str) -> bool {
        self.slots
            .iter()
            .any(|slot| slot.refuses_tools && slot.config.name == provider)
    }

    fn begin(&mut self, input: Input, now_ms: u64) -> AskId {
        let id = self.fresh_ask_id();
        // A question's later requests start at the provider that answered its earlier ones.
        let first = match &input {
            Input::Step(step) => step
                .first_provider
                .as_deref()
                .and_then(|name| self.slots.iter().position(|slot| slot.config.name == name)),
            Input::Ask(..) => None,
        };
        self.asks.insert(
            id,
            Ask {
                input,
                provider: first.unwrap_or(0),
                retries: 0,
                forced_probe: false,
                phase: Phase::Waiting { until_ms: now_ms },
                text: String::new(),
                usage: None,
                attempts: Vec::new(),
                last_failure: None,
                calls: Vec::new(),
            },
        );
        self.launch(id, now_ms);
        id
    }

    /// Stops an ask (the Stop button, a closed panel). Its request is aborted; no further event comes for it.
    pub fn cancel(&mut self, ask: AskId, now_ms: u64) {
        let Some(state) = self.asks.remove(&ask) else {
            return;
        };
        if let Phase::InFlight(flight) = state.phase {
            self.requests.remove(&flight.request);
            if !flight.ended {
                self.commands.push_back(Command::Abort {
                    request: flight.request,
                });
            }
            if let Some(slot) = self.slots.get_mut(state.provider) {
                slot.breaker.release(now_ms);
            }
        }
        self.events.retain(|(id, _)| *id != ask);
    }

    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<(AskId, AskEvent)> {
        self.events.pop_front()
    }

    /// How each provider call went, for the health rules: the time to its first answer text (or to its failure)
    /// and whether it worked. Configuration errors (a bad key, an unknown model) are the GM's to fix, not the
    /// provider's health, and are left out as the breaker leaves them out.
    pub fn poll_observation(&mut self) -> Option<familiar_health::HealthEvent> {
        self.observations.pop_front()
    }

    /// The earliest moment something must happen without input: a retry, or a silence limit.
    pub fn poll_timeout(&self) -> Option<u64> {
        let timeouts = self.config.timeouts;
        self.asks
            .values()
            .map(|ask| match &ask.phase {
                Phase::Waiting { until_ms } => *until_ms,
                Phase::InFlight(flight) => match flight.last_byte_ms {
                    None => flight.started_ms + timeouts.first_byte_ms,
                    Some(last) => last + timeouts.idle_ms,
                },
            })
            .min()
    }

    pub fn handle_timeout(&mut self, now_ms: u64) {
        let timeouts = self.config.timeouts;
        let due: Vec<(AskId, Option<Failure>)> = self
            .asks
            .iter()
            .filter_map(|(id, ask)| match &ask.phase {
                Phase::Waiting { until_ms } => (*until_ms <= now_ms).then_some((*id, None)),
                Phase::InFlight(flight) => match flight.last_byte_ms {
                    None if now_ms >= flight.started_ms + timeouts.first_byte_ms => {
                        let failure = Failure::new(
                            FailureKind::FirstByteTimeout,
                            format!("no response within {}", seconds(timeouts.first_byte_ms)),
                        );
                        Some((*id, Some(failure)))
                    }
                    Some(last) if now_ms >= last + timeouts.idle_ms => {
                        let failure = Failure::new(
                            FailureKind::IdleTimeout,
                            format!("the stream went silent for {}", seconds(timeouts.idle_ms)),
                        );
                        Some((*id, Some(failure)))
                    }
                    _ => None,
                },
            })
            .collect();
        for (id, failure) in due {
            match failure {
                None => self.launch(id, now_ms),
                Some(failure) => self.fail(id, failure, now_ms),
            }
        }
    }

    /// The response status and headers arrived.
    pub fn handle_head(
        &mut self,
        request: RequestId,
        status: u16,
        headers: Vec<(String, String)>,
        _now_ms: u64,
    ) {
        if let Some(flight) = self.flight(request) {
            flight.status = Some(status);
            flight.headers = headers;
        }
    }

    /// Body bytes arrived (any chunk size).
    pub fn handle_data(&mut self, request: RequestId, bytes: &[u8], now_ms: u64) {
        let Some(flight) = self.flight(request) else {
            return;
        };
        flight.last_byte_ms = Some(now_ms);
        if flight
            .status
            .is_some_and(|status| !(200..300).contains(&status))
        {
            let room = MAX_ERROR_BODY.saturating_sub(flight.error_body.len());
            flight
                .error_body
                .extend_from_slice(&bytes[..bytes.len().min(room)]);
            return;
        }
        let events = flight.decoder.feed(bytes);
        self.apply(request, events, now_ms);
    }

    /// The body ended normally.
    pub fn handle_end(&mut self, request: RequestId, now_ms: u64) {
        let Some(flight) = self.flight(request) else {
            return;
        };
        flight.ended = true;
        match flight.status {
            Some(status) if (200..300).contains(&status) => {
                let events = flight.decoder.end();
                self.apply(request, events, now_ms);
            }
            status => {
                let body = String::from_utf8_lossy(&flight.error_body).into_owned();
                let failure = match status {
                    Some(status) => classify_status(status, &flight.headers, &body, now_ms),
                    None => Failure::new(FailureKind::Connection, "the response had no status"),
                };
                self.fail_request(request, failure, now_ms);
            }
        }
    }

    /// The transport failed: no response, or a body that broke ([`TransportError`]). A request the client
    /// refused to send (a bad header, a bad URL) is the GM's setting to fix: not retried, not held against the
    /// provider's health.
    pub fn handle_error(&mut self, request: RequestId, error: &TransportError, now_ms: u64) {
        let Some(flight) = self.flight(request) else {
            return;
        };
        flight.ended = true;
        let Some(&ask) = self.requests.get(&request) else {
            return;
        };
        let started = self.asks.get(&ask).is_some_and(|ask| !ask.text.is_empty());
        let failure = match (error.is_configuration_error(), started) {
            (true, _) => Failure::new(FailureKind::InvalidRequest, error.to_string()),
            (false, true) => Failure::new(
                FailureKind::StreamDropped,
                format!("the stream broke mid-answer: {error}"),
            ),
            (false, false) => Failure::new(
                FailureKind::Connection,
                format!("connection failed: {error}"),
            ),
        };
        self.fail_request(request, failure, now_ms);
    }

    fn fresh_ask_id(&mut self) -> AskId {
        self.next_ask += 1;
        AskId(self.next_ask)
    }

    fn flight(&mut self, request: RequestId) -> Option<&mut Flight> {
        let ask = self.requests.get(&request)?;
        match &mut self.asks.get_mut(ask)?.phase {
            Phase::InFlight(flight) if flight.request == request => Some(flight),
            _ => None,
        }
    }

    fn apply(&mut self, request: RequestId, events: Vec<StreamEvent>, now_ms: u64) {
        let Some(&id) = self.requests.get(&request) else {
            return;
        };
        for event in events {
            let Some(ask) = self.asks.get_mut(&id) else {
                return;
            };
            match event {
                StreamEvent::ToolCall { call } => {
                    observe_first_output(&mut self.observations, &self.slots, ask, now_ms);
                    ask.calls.push(call);
                }
                StreamEvent::TextDelta { text } => {
                    observe_first_output(&mut self.observations, &self.slots, ask, now_ms);
                    ask.text.push_str(&text);
                    self.events.push_back((id, AskEvent::Delta { text }));
                }
                StreamEvent::Usage(usage) => ask.usage = Some(usage),
                StreamEvent::Finish { reason } => return self.succeed(id, reason, now_ms),
                StreamEvent::Error { error } => {
                    return self.fail(id, Failure::from_stream(&error), now_ms)
                }
            }
        }
    }

    /// Sends the ask's next request, skipping providers whose breaker is open.
    fn launch(&mut self, id: AskId, now_ms: u64) {
        loop {
            let Some(ask) = self.asks.get_mut(&id) else {
                return;
            };
            if ask.provider >= self.slots.len() {
                let forced = (ask.last_failure.is_none() && !ask.forced_probe)
                    .then(|| {
                        self.slots
                            .iter_mut()
                            .position(|slot| slot.breaker.force_probe())
                    })
                    .flatten();
                match forced {
                    // Every provider was skipped as unhealthy: probe one rather than answer without trying.
                    Some(index) => {
                        ask.provider = index;
                        ask.forced_probe = true;
                    }
                    None => return self.finish_offline(id),
                }
            } else if ask.retries == 0 && !ask.forced_probe {
                let healthier_later = self.slots[ask.provider + 1..]
                    .iter()
                    .any(|slot| !slot.degraded);
                if self.slots[ask.provider].degraded && healthier_later {
                    ask.attempts.push(Attempt {
                        provider: self.slots[ask.provider].config.name.clone(),
                        status: None,
                        error: "skipped: marked degraded after slow answers".into(),
                        kind: None,
                    });
                    ask.provider += 1;
                    continue;
                }
                let slot = &mut self.slots[ask.provider];
                if !slot.breaker.try_acquire(now_ms) {
                    ask.attempts.push(Attempt {
                        provider: slot.config.name.clone(),
                        status: None,
                        error: "skipped: the circuit breaker is open after recent failures".into(),
                        kind: None,
                    });
                    ask.provider += 1;
                    continue;
                }
            }
            let slot = &self.slots[ask.provider];
            let (http, tools) = match &ask.input {
                Input::Ask(input, None) => (chat_request(&slot.config, &input.prompt), false),
                Input::Ask(input, Some(cap)) => {
                    let mut config = slot.config.clone();
                    config.max_output_tokens = Some((*cap).min(config.max_output_tokens()));
                    (chat_request(&config, &input.prompt), false)
                }
                Input::Step(step) => {
                    let tools = !step.tools.is_empty() && !slot.refuses_tools;
                    (step.request(&slot.config, tools), tools)
                }
            };
            self.next_request += 1;
            let request = RequestId(self.next_request);
            ask.phase = Phase::InFlight(Box::new(Flight {
                request,
                started_ms: now_ms,
                last_byte_ms: None,
                status: None,
                headers: Vec::new(),
                error_body: Vec::new(),
                decoder: match tools {
                    true => StreamDecoder::with_tools(slot.config.api),
                    false => StreamDecoder::new(slot.config.api),
                },
                ended: false,
                tools,
            }));
            self.requests.insert(request, id);
            self.events.push_back((
                id,
                AskEvent::Started {
                    provider: slot.config.name.clone(),
                },
            ));
            self.commands.push_back(Command::Send {
                ask: id,
                request,
                http,
            });
            return;
        }
    }

    fn fail_request(&mut self, request: RequestId, failure: Failure, now_ms: u64) {
        if let Some(&id) = self.requests.get(&request) {
            self.fail(id, failure, now_ms);
        }
    }

    fn fail(&mut self, id: AskId, failure: Failure, now_ms: u64) {
        let Some(ask) = self.asks.get_mut(&id) else {
            return;
        };
        let Phase::InFlight(flight) =
            std::mem::replace(&mut ask.phase, Phase::Waiting { until_ms: now_ms })
        else {
            return;
        };
        self.requests.remove(&flight.request);
        if !flight.ended {
            self.commands.push_back(Command::Abort {
                request: flight.request,
            });
        }
        ask.calls.clear();
        let slot = &mut self.slots[ask.provider];
        if flight.tools && failure.refuses_tools() {
            // Not the provider's health: it cannot take tools. Ask it again at once, without them.
            slot.breaker.release(now_ms);
            slot.refuses_tools = true;
            abandon_attempt(ask, &mut self.events, id, &slot.config.name, &failure);
            ask.retries = 0;
            return self.launch(id, now_ms);
        }
        if failure.is_configuration_error() {
            slot.breaker.release(now_ms);
        } else {
            slot.breaker.record_failure(now_ms);
            observe(
                &mut self.observations,
                &slot.config.name,
                now_ms.saturating_sub(flight.started_ms),
                false,
            );
        }
        let mid_stream = abandon_attempt(ask, &mut self.events, id, &slot.config.name, &failure);
        let has_next = ask.provider + 1 < self.slots.len();
        let can_retry =
            failure.retryable() && ask.retries < self.config.retry.max_retries && !ask.forced_probe;
        if (mid_stream && has_next) || !can_retry {
            ask.provider = match ask.forced_probe {
                true => self.slots.len(),
                false => ask.provider + 1,
            };
            ask.retries = 0;
        } else {
            let random: f64 = self.rng.random();
            let wait = backoff_ms(
                &self.config.retry,
                ask.retries,
                failure.retry_after_ms,
                random,
            );
            ask.retries += 1;
            ask.phase = Phase::Waiting {
                until_ms: now_ms + wait,
            };
        }
        ask.last_failure = Some(failure);
        if matches!(ask.phase, Phase::Waiting { until_ms } if until_ms <= now_ms) {
            self.launch(id, now_ms);
        }
    }

    fn succeed(&mut self, id: AskId, reason: FinishReason, now_ms: u64) {
        let Some(ask) = self.asks.remove(&id) else {
            return;
        };
        if let Phase::InFlight(flight) = &ask.phase {
            self.requests.remove(&flight.request);
            if !flight.ended {
                // Finished before the body closed (`[DONE]`, `message_stop`): let the transport stop reading.
                self.commands.push_back(Command::Abort {
                    request: flight.request,
                });
            }
        }
        let offered = matches!(&ask.phase, Phase::InFlight(flight) if flight.tools);
        let slot = &mut self.slots[ask.provider];
        slot.breaker.record_success(now_ms);
        let linked = link_citations(&ask.text, ask.input.passages());
        let tool_turn = match &ask.input {
            Input::Ask(..) => None,
            Input::Step(step) => Some(ToolTurn {
                calls: ask.calls,
                offered,
                refused: !offered && !step.tools.is_empty(),
            }),
        };
        let answer = Answer {
            text: linked.text,
            raw_text: ask.text,
            citations: linked.citations,
            provider: Some(slot.config.name.clone()),
            offline: None,
            attempts: ask.attempts,
            usage: ask.usage,
            finish: Some(reason),
            tool_turn,
        };
        self.events.push_back((
            id,
            AskEvent::Done {
                answer: Box::new(answer),
            },
        ));
    }

    fn finish_offline(&mut self, id: AskId) {
        let Some(ask) = self.asks.remove(&id) else {
            return;
        };
        let reason = match (&ask.last_failure, self.slots.is_empty()) {
            (_, true) if self.config.withheld_for_consent > 0 => OfflineReason::NoConsent,
            (_, true) => OfflineReason::NoProviders,
            (Some(failure), false) => OfflineReason::AllFailed {
                last_error: failure.message.clone(),
            },
            (None, false) => OfflineReason::AllUnhealthy,
        };
        let (text, citations) = offline_answer(ask.input.passages(), &reason);
        let answer = Answer {
            raw_text: text.clone(),
            text,
            citations,
            provider: None,
            offline: Some(reason),
            attempts: ask.attempts,
            usage: None,
            finish: None,
            tool_turn: None,
        };
        self.events.push_back((
            id,
            AskEvent::Done {
                answer: Box::new(answer),
            },
        ));
    }
}

/// "10 s", "0.4 s": durations as people read them.
fn seconds(ms: u64) -> String {
    match ms % 1000 {
        0 => format!("{} s", ms / 1000),
        _ => format!("{:.1} s", ms as f64 / 1000.0),
    }
}
