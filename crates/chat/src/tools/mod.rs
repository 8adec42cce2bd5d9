//! The raven's tools (issue #22): the model decides what to look up or compute, Familiar computes it exactly with
//! its own engines, and nothing changes the world unless the GM confirms it. Sans-IO like the rest of the crate.
//!
//! - [`catalog`]: the eight tools, their descriptions and JSON Schemas, and which asker is offered which.
//! - [`schema`]: the schema checker; [`args`]: a model's call checked and read into typed arguments.
//! - [`calls`]: tool calls assembled from either stream format (fragments, interleaving, any chunking).
//! - [`wire`]: one question's conversation with calls and results, as each wire format's request.
//! - [`results`]: a run's output, compacted, its documents numbered for citation; [`summary`]: a step in one line.
//! - [`agent`]: the loop as a state machine over the provider chain, with proposals the GM confirms.
//! - [`script`]: a scripted model's replies in both formats, for tests and benchmarks.

pub mod agent;
pub mod args;
pub mod calls;
pub mod catalog;
pub mod results;
pub mod schema;
pub mod script;
pub mod summary;
pub mod wire;

pub use agent::{
    Agent, AgentAnswer, AgentCommand, AgentConfig, AgentError, AgentEvent, Limit, Question,
    QuestionId, Step, StepStatus, ToolsUse,
};
pub use args::{CallError, ToolArgs, ToolCall};
pub use calls::RawToolCall;
pub use catalog::{Asker, ToolName, ToolSet};
pub use results::{ToolExecutor, ToolOutput};
pub use wire::{StepInput, Turn};
