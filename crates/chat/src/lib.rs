//! Rules chat core, sans-IO: the caller owns sockets and timers, feeds response bytes and the current time in, and
//! polls for requests to send, events to show and the next deadline (the quinn-proto shape). Time is wall-clock
//! milliseconds passed in by the caller; randomness comes from a caller-given seed. No threads, no clocks.
//!
//! Wire formats: [`provider`] (configuration, requests, `/models`; [`base_url`] keeps keys off plain http) with
//! [`openai`] and [`anthropic`]; [`sse`] frames server-sent events and [`stream`] turns them into answer events.
//! Reliability: [`retry`] classifies failures and spaces retries, [`breaker`] keeps unhealthy providers out,
//! [`chain`] runs one answer across the ordered providers; [`offline`] answers from the rules index alone.
//! Grounding: [`prompt`] builds the numbered-passage prompt, [`citations`] turns `[n]` into content links,
//! [`history`] keeps long conversations within a token budget. [`render`] is the one Markdown → safe HTML path, and
//! [`links`] says which documents an answer's content links may open.
//! Saved: [`transcript`] is the Ask view's per-user history as stored records (checked, bounded, exported).
//! Privacy: [`consent`] says which providers a request may go to, given the world's and the asker's consent.
//! Players: [`relay`] carries their questions to the GM's client and the answers back (limits, fair queues, resume).
//! Acting: [`tools`] lets the model call Familiar's engines (rules, XP, encounters, creatures) in a loop over the
//! chain, with world changes proposed to the GM.

pub mod anthropic;
pub mod base_url;
pub mod breaker;
pub mod chain;
pub mod citations;
pub mod consent;
pub mod history;
pub mod links;
pub mod offline;
pub mod openai;
pub mod prompt;
pub mod provider;
pub mod relay;
pub mod render;
pub mod retry;
pub mod rewrite;
mod sanitize;
pub mod sse;
pub mod stream;
pub mod tools;
pub mod transcript;

pub use base_url::{BaseUrl, BaseUrlError};
pub use breaker::{BreakerConfig, CircuitBreaker};
pub use chain::{
    Answer, AskEvent, AskId, AskInput, Attempt, ChainConfig, Command, ProviderChain, RequestId,
    ToolTurn,
};
pub use citations::{link_citations, Citation, Linked};
pub use familiar_transport::TransportError;
pub use history::{History, HistoryConfig, TokenBudget};
pub use links::{LinkScope, Reader};
pub use offline::{offline_answer, OfflineReason};
pub use prompt::{build_prompt, Passage, PromptParts, ToolNotes, DEFAULT_SYSTEM_PROMPT};
pub use provider::{Api, HttpRequest, Message, Method, ModelInfo, Prompt, ProviderConfig, Role};
pub use render::{render_answer, render_markdown, sanitize_html};
pub use retry::{Failure, FailureKind, RetryPolicy, Timeouts};
pub use rewrite::{parse_rewrite, rewrite_input, RewriteCache, RewriteConfig};
pub use stream::{FinishReason, StreamDecoder, StreamError, StreamEvent, Usage};
pub use transcript::{
    Exchange, ExportLabels, RecordError, SavedCitation, Transcript, TranscriptBounds,
};

/// Why a configuration or a non-streamed body could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChatError {
    #[error("the model list is not valid JSON: {0}")]
    ModelList(String),
    #[error("provider {name:?}: {problem}")]
    Config { name: String, problem: String },
    #[error("provider {name:?}: base_url {source}")]
    BaseUrl {
        name: String,
        #[source]
        source: BaseUrlError,
    },
}
