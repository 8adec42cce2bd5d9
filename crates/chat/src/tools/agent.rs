//! The raven's loop over its tools, as a sans-IO state machine around the [`ProviderChain`] (the quinn-proto shape,
//! as the chain): the model decides what to look up or compute, Familiar computes it exactly, and nothing changes the
//! world unless the GM confirms it.
//!
//! Drive it like the chain: [`Agent::ask`] a question; carry out every [`AgentCommand`] from
//! [`Agent::poll_command`] (HTTP requests and aborts, as the chain's, and `Execute`: run this tool call and hand its
//! output to [`Agent::handle_tool_result`]); feed the transport's observations to `handle_head`, `handle_data`,
//! `handle_end`, `handle_error`, and [`Agent::handle_timeout`] at [`Agent::poll_timeout`]; show the [`AgentEvent`]s
//! from [`Agent::poll_event`].
//!
//! One question: a request offering the asker's tools → the reply streams → if it called tools, each call is checked
//! against its schema (a bad call, an unknown tool or one not offered gets an error result the model reads, never a
//! panic); read-only calls become `Execute` commands; world-changing calls (GM only) become
//! [`AgentEvent::Proposal`]s that wait for [`Agent::confirm`] (then `Execute`) or [`Agent::discard`]. When every call
//! of the reply has its result, the next request carries the reply and the results. After `max_steps` calls, or
//! once the question has used `max_tokens`, the last request offers no tools and the model must answer.
//!
//! Failover happens inside each request (the chain's): a failed request is sent again, to the same provider or the
//! next, with the same conversation, and a call runs only once its whole reply has arrived, so no failure repeats a
//! world change. A provider that refuses tools answers without them (the chain asks it again at once), and a model
//! that answers the first request without calling a tool has given today's answer from the passages, which the
//! first request carries.

use std::collections::{BTreeMap, HashSet, VecDeque};

use serde::Serialize;
use serde_json::{json, Value};

use super::args::{check_call, shown_arguments, CallError, ToolCall};
use super::calls::RawToolCall;
use super::catalog::{Asker, ToolName, ToolSet};
use super::results::{cite_sources, render, ToolOutput};
use super::summary;
use super::wire::{CallRecord, ResultRecord, StepInput, Turn};
use crate::chain::{Answer, AskEvent, AskId, Attempt, Command, ProviderChain, RequestId};
use crate::prompt::{Passage, ToolNotes};
use crate::provider::{HttpRequest, Prompt, Role};
use crate::stream::Usage;
use familiar_transport::TransportError;

/// One question to the agent (not the chain's per-request ask id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct QuestionId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentConfig {
    /// Tool calls per question; past them the model must answer without tools.
    pub max_steps: u32,
    /// Provider tokens (input and output, every request) per question before the model must answer.
    pub max_tokens: u64,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            max_steps: 6,
            max_tokens: 32_000,
        }
    }
}

/// What to answer: the prompt as [`crate::build_prompt`] makes it today (the question with its numbered passages
/// last), who asks, and the tools to offer (limited to what the asker may have).
#[derive(Debug, Clone)]
pub struct Question {
    pub prompt: Prompt,
    pub passages: Vec<Passage>,
    pub asker: Asker,
    pub tools: ToolSet,
    pub notes: ToolNotes,
}

/// Work for the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentCommand {
    /// As [`Command::Send`].
    Send {
        request: RequestId,
        http: HttpRequest,
    },
    /// As [`Command::Abort`].
    Abort { request: RequestId },
    /// Run this call and give its output to [`Agent::handle_tool_result`]: a read-only call, or a world-changing one
    /// the GM confirmed. Never anything else.
    Execute {
        question: QuestionId,
        call: ToolCall,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepStatus {
    /// A read-only call ran.
    Done,
    /// The call was invalid (unknown tool, bad JSON, arguments outside the schema) or its run failed.
    Failed,
    /// The call was not run: a tool not offered to this asker, or the step limit reached.
    Refused,
    /// A world-changing call waits for the GM.
    Proposed,
    /// The GM confirmed it and it ran (its result says how it went).
    Confirmed,
    /// The GM discarded it.
    Discarded,
}

/// One tool call of a question, for the Ask view, the relay and `familiar ask --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// 1-based, in the order the calls arrived.
    pub number: u32,
    pub call_id: String,
    /// The tool as the model named it (an unknown name included).
    pub tool: String,
    pub arguments: Value,
    pub status: StepStatus,
    /// "looked up “grabbed”: Grabbed", "rated the encounter: 70 XP, moderate".
    pub summary: String,
    /// The compact JSON the model read; `None` while a proposal waits.
    pub result: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum AgentEvent {
    /// A request of this question went out to `provider`.
    Started { provider: String },
    /// More text of the current reply (citations still `[n]`).
    Delta { text: String },
    /// Discard the text shown for the current reply: its stream broke and it starts again.
    Reset { reason: String },
    /// The reply streamed so far ended in tool calls: its text was not the answer (often empty; the view may show
    /// it beside the steps). The answer's text streams after the steps.
    Interim { text: String },
    /// A step settled (ran, failed, was refused, confirmed and ran, or discarded).
    Step { step: Step },
    /// A world-changing call waits for [`Agent::confirm`] or [`Agent::discard`]; nothing runs until then.
    Proposal { step: Step },
    /// The final answer; nothing follows for this question.
    Done { answer: Box<AgentAnswer> },
}

/// How the question went with its tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolsUse {
    /// None were offered: today's answer.
    Off,
    /// The model answered without calling any: today's answer from the passages.
    Unused,
    /// The provider cannot take tools: it answered without them, from the passages.
    Unsupported,
    /// At least one call was made (the last answer may still have come without tools: see `limit`, `attempts`).
    Used,
}

/// Why the last request offered no tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Limit {
    Steps,
    Tokens,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentAnswer {
    /// The last reply's answer, its citations over the passages and every document the tools returned; `usage` is
    /// the question's total, `attempts` every failed attempt of every request.
    pub answer: Answer,
    pub steps: Vec<Step>,
    pub tools: ToolsUse,
    /// Provider requests that answered (each counts in a relayed player's budget).
    pub requests: u32,
    pub limit: Option<Limit>,
}

/// Why a confirmation, a discard or a result was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    #[error("no question {0:?} is waiting (finished or cancelled)")]
    UnknownQuestion(QuestionId),
    #[error("the question has no call {0:?}")]
    UnknownCall(String),
    #[error("call {0:?} is not a proposal waiting for the GM")]
    NotProposed(String),
    #[error("call {0:?} is not running")]
    NotRunning(String),
}

enum CallState {
    /// `Execute` was issued; the output is awaited.
    Running,
    Proposed,
    /// Confirmed and `Execute` issued.
    Confirmed,
    Settled(ResultRecord),
}

struct Pending {
    record: CallRecord,
    /// The checked call (`None` for one refused before it could be read).
    call: Option<ToolCall>,
    /// Index into the question's steps.
    step: usize,
    state: CallState,
}

enum Phase {
    /// A request is with the chain.
    Asking(AskId),
    /// The reply's calls are running or waiting for the GM.
    Resolving { text: String, calls: Vec<Pending> },
}

struct Flow {
    asker: Asker,
    offered: ToolSet,
    system: String,
    notes: ToolNotes,
    turns: Vec<Turn>,
    /// The passages numbered `[1]..` in the question, then every document the tools returned.
    sources: Vec<Passage>,
    phase: Phase,
    steps: Vec<Step>,
    /// Calls counted against `max_steps`.
    counted: u32,
    call_ids: HashSet<String>,
    tokens: u64,
    usage: Option<Usage>,
    requests: u32,
    attempts: Vec<Attempt>,
    refused: bool,
    /// Set once the current request offers no tools because a limit was reached.
    limit: Option<Limit>,
    /// Whether the current request offers tools.
    offering: bool,
    /// The provider that answered the question's last request.
    answered_by: Option<String>,
}

pub struct Agent {
    chain: ProviderChain,
    config: AgentConfig,
    flows: BTreeMap<QuestionId, Flow>,
    /// The chain's asks (one per request) and the question each belongs to.
    asks: BTreeMap<AskId, QuestionId>,
    commands: VecDeque<AgentCommand>,
    events: VecDeque<(QuestionId, AgentEvent)>,
    next_id: u64,
}

/// A provider's call id when it is one both formats accept (Anthropic: `^[a-zA-Z0-9_-]+$`) and new in the question.
fn usable_id(id: &str, used: &HashSet<String>) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !used.contains(id)
}

impl Agent {
    pub fn new(chain: ProviderChain, config: AgentConfig) -> Agent {
        Agent {
            chain,
            config,
            flows: BTreeMap::new(),
            asks: BTreeMap::new(),
            commands: VecDeque::new(),
            events: VecDeque::new(),
            next_id: 1,
        }
    }

    pub fn chain(&self) -> &ProviderChain {
        &self.chain
    }

    /// For the chain's own settings (`set_degraded`) and observations (`poll_observation`).
    pub fn chain_mut(&mut self) -> &mut ProviderChain {
        &mut self.chain
    }

    pub fn config(&self) -> AgentConfig {
        self.config
    }

    /// Questions not yet answered.
    pub fn active(&self) -> usize {
        self.flows.len()
    }

    pub fn ask(&mut self, question: Question, now_ms: u64) -> QuestionId {
        let id = QuestionId(self.next_id);
        self.next_id += 1;
        let offered = question.tools.limited_to(question.asker);
        let turns = question
            .prompt
            .messages
            .into_iter()
            .map(|message| match message.role {
                Role::User => Turn::User {
                    text: message.content,
                },
                Role::Assistant => Turn::Assistant {
                    text: message.content,
                    calls: Vec::new(),
                },
            })
            .collect();
        self.flows.insert(
            id,
            Flow {
                asker: question.asker,
                offering: !offered.is_empty(),
                offered,
                system: question.prompt.system,
                notes: question.notes,
                turns,
                sources: question.passages,
                phase: Phase::Resolving {
                    text: String::new(),
                    calls: Vec::new(),
                },
                steps: Vec::new(),
                counted: 0,
                call_ids: HashSet::new(),
                tokens: 0,
                usage: None,
                requests: 0,
                attempts: Vec::new(),
                refused: false,
                limit: None,
                answered_by: None,
            },
        );
        self.request(id, now_ms);
        self.absorb(now_ms);
        id
    }

    /// Stops a question (Stop, a closed panel) at any point: its request is aborted, its waiting proposals and
    /// running calls are forgotten (a late result is refused), and no further event comes for it.
    pub fn cancel(&mut self, question: QuestionId, now_ms: u64) {
        let Some(flow) = self.flows.remove(&question) else {
            return;
        };
        if let Phase::Asking(ask) = flow.phase {
            self.asks.remove(&ask);
            self.chain.cancel(ask, now_ms);
        }
        self.commands.retain(
            |command| !matches!(command, AgentCommand::Execute { question: q, .. } if *q == question),
        );
        self.events.retain(|(id, _)| *id != question);
    }

    pub fn poll_command(&mut self) -> Option<AgentCommand> {
        if let Some(command) = self.chain.poll_command() {
            return Some(match command {
                Command::Send { request, http, .. } => AgentCommand::Send { request, http },
                Command::Abort { request } => AgentCommand::Abort { request },
            });
        }
        self.commands.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<(QuestionId, AgentEvent)> {
        self.events.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<u64> {
        self.chain.poll_timeout()
    }

    pub fn handle_timeout(&mut self, now_ms: u64) {
        self.chain.handle_timeout(now_ms);
        self.absorb(now_ms);
    }

    pub fn handle_head(
        &mut self,
        request: RequestId,
        status: u16,
        headers: Vec<(String, String)>,
        now_ms: u64,
    ) {
        self.chain.handle_head(request, status, headers, now_ms);
        self.absorb(now_ms);
    }

    pub fn handle_data(&mut self, request: RequestId, bytes: &[u8], now_ms: u64) {
        self.chain.handle_data(request, bytes, now_ms);
        self.absorb(now_ms);
    }

    pub fn handle_end(&mut self, request: RequestId, now_ms: u64) {
        self.chain.handle_end(request, now_ms);
        self.absorb(now_ms);
    }

    pub fn handle_error(&mut self, request: RequestId, error: &TransportError, now_ms: u64) {
        self.chain.handle_error(request, error, now_ms);
        self.absorb(now_ms);
    }

    /// The output of an `Execute` command.
    pub fn handle_tool_result(
        &mut self,
        question: QuestionId,
        call_id: &str,
        output: ToolOutput,
        now_ms: u64,
    ) -> Result<(), AgentError> {
        let flow = self
            .flows
            .get_mut(&question)
            .ok_or(AgentError::UnknownQuestion(question))?;
        let Phase::Resolving { calls, .. } = &mut flow.phase else {
            return Err(AgentError::NotRunning(call_id.to_string()));
        };
        let pending = calls
            .iter_mut()
            .find(|pending| pending.record.id == call_id)
            .ok_or_else(|| AgentError::UnknownCall(call_id.to_string()))?;
        let confirmed = match pending.state {
            CallState::Running => false,
            CallState::Confirmed => true,
            _ => return Err(AgentError::NotRunning(call_id.to_string())),
        };
        let mut value = output.value;
        cite_sources(&mut value, &mut flow.sources);
        let (content, too_long) = render(&value);
        if too_long {
            value = serde_json::from_str(&content).unwrap_or(Value::Null);
        }
        let is_error = output.is_error || too_long;
        let step = &mut flow.steps[pending.step];
        step.status = match (is_error, confirmed) {
            (_, true) => StepStatus::Confirmed,
            (true, false) => StepStatus::Failed,
            (false, false) => StepStatus::Done,
        };
        step.summary = match (is_error, &pending.call) {
            (false, Some(call)) => summary::done(&call.args, &value),
            _ => summary::failed(
                &step.tool,
                value
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("failed"),
            ),
        };
        step.result = Some(value);
        pending.state = CallState::Settled(ResultRecord {
            id: pending.record.id.clone(),
            name: pending.record.name.clone(),
            content,
            is_error,
        });
        let step = step.clone();
        self.events.push_back((question, AgentEvent::Step { step }));
        self.advance(question, now_ms);
        self.absorb(now_ms);
        Ok(())
    }

    /// The GM confirmed a proposal: an `Execute` command for it follows.
    pub fn confirm(
        &mut self,
        question: QuestionId,
        call_id: &str,
        _now_ms: u64,
    ) -> Result<(), AgentError> {
        let (pending, asker) = self.proposal(question, call_id)?;
        // A player's question is never offered a world-changing tool; checked again here all the same.
        if asker != Asker::Gm {
            return Err(AgentError::NotProposed(call_id.to_string()));
        }
        let Some(call) = pending.call.clone() else {
            return Err(AgentError::NotProposed(call_id.to_string()));
        };
        pending.state = CallState::Confirmed;
        self.commands
            .push_back(AgentCommand::Execute { question, call });
        Ok(())
    }

    /// The GM discarded a proposal: the model reads that it was discarded, and nothing runs.
    pub fn discard(
        &mut self,
        question: QuestionId,
        call_id: &str,
        now_ms: u64,
    ) -> Result<(), AgentError> {
        let (pending, _) = self.proposal(question, call_id)?;
        let value = json!({"discarded": true, "note": "The GM discarded this; it did not happen. Do not propose it again unless asked."});
        pending.state = CallState::Settled(ResultRecord {
            id: pending.record.id.clone(),
            name: pending.record.name.clone(),
            content: value.to_string(),
            is_error: false,
        });
        let summary = pending.call.as_ref().map_or_else(
            || "discarded".to_string(),
            |call| summary::discarded(&call.args),
        );
        let index = pending.step;
        let Some(flow) = self.flows.get_mut(&question) else {
            return Err(AgentError::UnknownQuestion(question));
        };
        let step = &mut flow.steps[index];
        step.status = StepStatus::Discarded;
        step.summary = summary;
        step.result = Some(value);
        let step = step.clone();
        self.events.push_back((question, AgentEvent::Step { step }));
        self.advance(question, now_ms);
        self.absorb(now_ms);
        Ok(())
    }

    fn proposal(
        &mut self,
        question: QuestionId,
        call_id: &str,
    ) -> Result<(&mut Pending, Asker), AgentError> {
        let flow = self
            .flows
            .get_mut(&question)
            .ok_or(AgentError::UnknownQuestion(question))?;
        let asker = flow.asker;
        let Phase::Resolving { calls, .. } = &mut flow.phase else {
            return Err(AgentError::NotProposed(call_id.to_string()));
        };
        let pending = calls
            .iter_mut()
            .find(|pending| pending.record.id == call_id)
            .ok_or_else(|| AgentError::UnknownCall(call_id.to_string()))?;
        match pending.state {
            CallState::Proposed => Ok((pending, asker)),
            _ => Err(AgentError::NotProposed(call_id.to_string())),
        }
    }

    /// Sends the question's next request: with its tools, or without once a limit is reached.
    fn request(&mut self, question: QuestionId, now_ms: u64) {
        let config = self.config;
        let Some(flow) = self.flows.get_mut(&question) else {
            return;
        };
        let used_tools = flow
            .turns
            .iter()
            .any(|turn| matches!(turn, Turn::Results { .. }));
        if used_tools && flow.limit.is_none() {
            if flow.counted >= config.max_steps {
                flow.limit = Some(Limit::Steps);
            } else if flow.tokens >= config.max_tokens {
                flow.limit = Some(Limit::Tokens);
            }
        }
        let tools = match flow.limit {
            Some(_) => ToolSet::none(),
            None => flow.offered.clone(),
        };
        flow.offering = !tools.is_empty();
        let step = StepInput {
            system: flow.system.clone(),
            notes: flow.notes.clone(),
            turns: flow.turns.clone(),
            tools,
            passages: flow.sources.clone(),
            first_provider: flow.answered_by.clone(),
        };
        let ask = self.chain.start_step(step, now_ms);
        flow.phase = Phase::Asking(ask);
        self.asks.insert(ask, question);
    }

    /// Takes the chain's events and acts on them until it is quiet.
    fn absorb(&mut self, now_ms: u64) {
        while let Some((ask, event)) = self.chain.poll_event() {
            let Some(&question) = self.asks.get(&ask) else {
                continue;
            };
            match event {
                AskEvent::Started { provider } => self
                    .events
                    .push_back((question, AgentEvent::Started { provider })),
                AskEvent::Delta { text } => self
                    .events
                    .push_back((question, AgentEvent::Delta { text })),
                AskEvent::Reset { reason } => self
                    .events
                    .push_back((question, AgentEvent::Reset { reason })),
                AskEvent::Done { answer } => {
                    self.asks.remove(&ask);
                    self.replied(question, *answer, now_ms);
                }
            }
        }
    }

    /// A request of the question finished (answered, or offline when no provider could).
    fn replied(&mut self, question: QuestionId, mut answer: Answer, now_ms: u64) {
        let Some(flow) = self.flows.get_mut(&question) else {
            return;
        };
        flow.attempts.append(&mut answer.attempts);
        let turn = answer.tool_turn.take().unwrap_or_default();
        flow.refused |= turn.refused;
        if answer.offline.is_none() {
            flow.answered_by.clone_from(&answer.provider);
            flow.requests += 1;
            flow.tokens += match answer.usage {
                Some(usage) => {
                    u64::from(usage.input_tokens.unwrap_or(0))
                        + u64::from(usage.output_tokens.unwrap_or(0))
                }
                // No usage reported: about four characters a token, for what was sent and what came back.
                None => (estimate_chars(flow) + answer.raw_text.len()) as u64 / 4,
            };
            if let Some(usage) = answer.usage {
                let total = flow.usage.get_or_insert_with(Usage::default);
                total.input_tokens =
                    Some(total.input_tokens.unwrap_or(0) + usage.input_tokens.unwrap_or(0));
                total.output_tokens =
                    Some(total.output_tokens.unwrap_or(0) + usage.output_tokens.unwrap_or(0));
            }
        }
        if answer.offline.is_some() || turn.calls.is_empty() || !turn.offered {
            return self.finish(question, answer);
        }
        if !answer.raw_text.is_empty() {
            self.events.push_back((
                question,
                AgentEvent::Interim {
                    text: answer.raw_text.clone(),
                },
            ));
        }
        let calls: Vec<Pending> = turn
            .calls
            .into_iter()
            .enumerate()
            .filter_map(|(index, raw)| self.receive(question, raw, index))
            .collect();
        if let Some(flow) = self.flows.get_mut(&question) {
            flow.phase = Phase::Resolving {
                text: answer.raw_text,
                calls,
            };
        }
        self.advance(question, now_ms);
    }

    /// Checks one call of a reply and starts it, proposes it or answers it with an error.
    fn receive(
        &mut self,
        question: QuestionId,
        mut raw: RawToolCall,
        index: usize,
    ) -> Option<Pending> {
        let max_steps = self.config.max_steps;
        let flow = self.flows.get_mut(&question)?;
        if !usable_id(&raw.id, &flow.call_ids) {
            let mut n = flow.requests as usize * 100 + index;
            raw.id = loop {
                let id = format!("call_{n}");
                if !flow.call_ids.contains(&id) {
                    break id;
                }
                n += 1;
            };
        }
        flow.call_ids.insert(raw.id.clone());
        let number = flow.steps.len() as u32 + 1;
        let over_limit = flow.counted >= max_steps;
        if !over_limit {
            flow.counted += 1;
        }
        let checked = match over_limit {
            true => Err(None),
            false => check_call(&raw, &flow.offered).map_err(Some),
        };
        let (record, call, state, step) = match checked {
            Ok(call) => {
                let record = CallRecord {
                    id: call.id.clone(),
                    name: call.tool.as_str().to_string(),
                    arguments: call.arguments.clone(),
                };
                let proposed = call.tool.changes_world();
                let step = Step {
                    number,
                    call_id: call.id.clone(),
                    tool: call.tool.as_str().to_string(),
                    arguments: call.arguments.clone(),
                    status: match proposed {
                        true => StepStatus::Proposed,
                        false => StepStatus::Done,
                    },
                    summary: match proposed {
                        true => summary::proposed(&call.args),
                        false => format!("running {}", call.tool),
                    },
                    result: None,
                };
                let state = match proposed {
                    true => CallState::Proposed,
                    false => {
                        self.commands.push_back(AgentCommand::Execute {
                            question,
                            call: call.clone(),
                        });
                        CallState::Running
                    }
                };
                (record, Some(call), state, step)
            }
            Err(error) => {
                let (message, status) = match &error {
                    None => (
                        format!(
                            "the limit of {max_steps} tool calls for this question is reached; answer with what \
                             you have"
                        ),
                        StepStatus::Refused,
                    ),
                    Some(error @ CallError::NotOffered { .. }) => {
                        (error.to_string(), StepStatus::Refused)
                    }
                    Some(error) => (error.to_string(), StepStatus::Failed),
                };
                let value = json!({ "error": message });
                let arguments = shown_arguments(&raw);
                let record = CallRecord {
                    id: raw.id.clone(),
                    name: raw.name.chars().take(64).collect(),
                    // Only an object goes back as a call's arguments (Anthropic's `input` must be one).
                    arguments: match &arguments {
                        Value::Object(fields) if !fields.contains_key("raw") => arguments.clone(),
                        _ => json!({}),
                    },
                };
                let step = Step {
                    number,
                    call_id: raw.id.clone(),
                    tool: record.name.clone(),
                    arguments,
                    status,
                    summary: summary::failed(&record.name, &message),
                    result: Some(value.clone()),
                };
                let state = CallState::Settled(ResultRecord {
                    id: raw.id.clone(),
                    name: record.name.clone(),
                    content: value.to_string(),
                    is_error: true,
                });
                (record, None, state, step)
            }
        };
        let index = flow.steps.len();
        flow.steps.push(step.clone());
        let event = match state {
            CallState::Proposed => Some(AgentEvent::Proposal { step }),
            CallState::Settled(_) => Some(AgentEvent::Step { step }),
            _ => None,
        };
        if let Some(event) = event {
            self.events.push_back((question, event));
        }
        Some(Pending {
            record,
            call,
            step: index,
            state,
        })
    }

    /// When every call of the reply has its result: the reply and the results join the conversation, and the
    /// next request goes out.
    fn advance(&mut self, question: QuestionId, now_ms: u64) {
        let Some(flow) = self.flows.get_mut(&question) else {
            return;
        };
        let Phase::Resolving { calls, .. } = &flow.phase else {
            return;
        };
        if calls.is_empty()
            || !calls
                .iter()
                .all(|pending| matches!(pending.state, CallState::Settled(_)))
        {
            return;
        }
        let Phase::Resolving { text, calls } = std::mem::replace(
            &mut flow.phase,
            Phase::Resolving {
                text: String::new(),
                calls: Vec::new(),
            },
        ) else {
            return;
        };
        let mut records = Vec::with_capacity(calls.len());
        let mut results = Vec::with_capacity(calls.len());
        for pending in calls {
            records.push(pending.record);
            if let CallState::Settled(result) = pending.state {
                results.push(result);
            }
        }
        flow.turns.push(Turn::Assistant {
            text,
            calls: records,
        });
        flow.turns.push(Turn::Results { results });
        self.request(question, now_ms);
    }

    fn finish(&mut self, question: QuestionId, mut answer: Answer) {
        let Some(flow) = self.flows.remove(&question) else {
            return;
        };
        let tools = if !flow.steps.is_empty() {
            ToolsUse::Used
        } else if flow.offered.is_empty() {
            ToolsUse::Off
        } else if flow.refused {
            ToolsUse::Unsupported
        } else {
            ToolsUse::Unused
        };
        answer.attempts = flow.attempts;
        if answer.offline.is_none() {
            answer.usage = flow.usage;
        }
        self.events.push_back((
            question,
            AgentEvent::Done {
                answer: Box::new(AgentAnswer {
                    answer,
                    steps: flow.steps,
                    tools,
                    requests: flow.requests,
                    limit: flow.limit,
                }),
            },
        ));
    }
}

/// Characters a request of this question sends, for a token estimate when the provider reports no usage.
fn estimate_chars(flow: &Flow) -> usize {
    let turns: usize = flow
        .turns
        .iter()
        .map(|turn| match turn {
            Turn::User { text } => text.len(),
            Turn::Assistant { text, calls } => {
                text.len()
                    + calls
                        .iter()
                        .map(|call| call.arguments.to_string().len() + call.name.len())
                        .sum::<usize>()
            }
            Turn::Results { results } => results.iter().map(|result| result.content.len()).sum(),
        })
        .sum();
    let tools: usize = match flow.offering {
        true => flow
            .offered
            .iter()
            .map(|tool: ToolName| tool.schema().to_string().len() + tool.description().len())
            .sum(),
        false => 0,
    };
    flow.system.len() + turns + tools
}
