//! The GM's relay settings, flat so the settings form and `new Relay({...})` name each one directly. Every bound
//! on memory is here: together they cap what the relay holds whatever the traffic (see [`RelayConfig::max_bytes`]).

use serde::{Deserialize, Serialize};

use super::validate::Limits;
use familiar_relay::resume::ResumeConfig;
use familiar_relay::scheduler::SchedulerConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RelayConfig {
    /// The GM's switch: when off, every question is refused with `playersMayNotAsk`.
    pub players_may_ask: bool,
    /// Messages a user may send in any 60 s (sliding window; malformed ones count too).
    pub requests_per_minute: usize,
    /// Tokens a user may spend per UTC day; `None` is no limit. Per-user overrides: `Relay::set_user_budget`.
    pub daily_token_budget: Option<u64>,
    /// Provider calls at once, over all users.
    pub max_concurrent: usize,
    /// Provider calls at once for one user.
    pub max_in_flight_per_user: usize,
    /// Questions one user may have waiting.
    pub max_queued_per_user: usize,
    /// Questions waiting over all users.
    pub max_queued_total: usize,
    /// Users the relay keeps state for; a new user beyond it is refused with `busy` when no idle one can go.
    pub max_users: usize,
    /// Error replies to one user per second; past it refusals are dropped silently (no echo amplification). A
    /// rate-limit refusal to a user who has honoured every wait named to them is always sent.
    pub error_replies_per_second: usize,
    /// A provider call still open after this long is cancelled (a safety net: the chat session has its own
    /// first-byte and idle timeouts).
    pub max_call_ms: u64,
    /// UTF-8 bytes of one answer kept and relayed; the rest is cut and the final answer says `truncated`.
    pub max_answer_bytes: usize,
    /// Text deltas arriving within this long of the last one sent go to the asker together, as one message
    /// (a provider sends dozens a second; 0 sends each at once).
    pub delta_interval_ms: u64,
    /// Citations relayed with one answer at most.
    pub max_citations: usize,
    /// Tokens the system prompt and passages add to a question, for the estimate when the provider reports no
    /// usage.
    pub prompt_overhead_tokens: u64,
    pub max_message_bytes: usize,
    pub max_question_chars: usize,
    pub max_summary_chars: usize,
    /// How long a finished answer can be fetched again after a reload.
    pub resume_ttl_ms: u64,
    pub resume_max_bytes: usize,
    pub resume_max_entries: usize,
}

impl Default for RelayConfig {
    fn default() -> Self {
        let scheduler = SchedulerConfig::default();
        let resume = ResumeConfig::default();
        let limits = Limits::default();
        RelayConfig {
            players_may_ask: true,
            requests_per_minute: 100,
            daily_token_budget: None,
            max_concurrent: scheduler.max_concurrent,
            max_in_flight_per_user: scheduler.max_in_flight_per_user,
            max_queued_per_user: scheduler.max_queued_per_user,
            max_queued_total: scheduler.max_queued_total,
            max_users: 1_024,
            error_replies_per_second: 5,
            max_call_ms: 5 * 60_000,
            delta_interval_ms: 50,
            max_answer_bytes: 64 * 1024,
            max_citations: 32,
            prompt_overhead_tokens: 1_500,
            max_message_bytes: limits.max_message_bytes,
            max_question_chars: limits.max_question_chars,
            max_summary_chars: limits.max_summary_chars,
            resume_ttl_ms: resume.ttl_ms,
            resume_max_bytes: resume.max_bytes,
            resume_max_entries: resume.max_entries,
        }
    }
}

impl RelayConfig {
    pub fn limits(&self) -> Limits {
        Limits {
            max_message_bytes: self.max_message_bytes,
            max_question_chars: self.max_question_chars,
            max_summary_chars: self.max_summary_chars,
            ..Limits::default()
        }
    }

    pub fn scheduler(&self) -> SchedulerConfig {
        SchedulerConfig {
            max_concurrent: self.max_concurrent,
            max_in_flight_per_user: self.max_in_flight_per_user,
            max_queued_per_user: self.max_queued_per_user,
            max_queued_total: self.max_queued_total,
        }
    }

    pub fn resume(&self) -> ResumeConfig {
        ResumeConfig {
            ttl_ms: self.resume_ttl_ms,
            max_bytes: self.resume_max_bytes,
            max_entries: self.resume_max_entries,
        }
    }

    /// What the settings cannot mean: a relay that can never start a call or never accept a message.
    pub fn problems(&self) -> Vec<&'static str> {
        let mut problems = Vec::new();
        if self.max_concurrent == 0 {
            problems.push("maxConcurrent must be at least 1");
        }
        if self.max_in_flight_per_user == 0 {
            problems.push("maxInFlightPerUser must be at least 1");
        }
        if self.max_message_bytes < 256 {
            problems.push("maxMessageBytes must be at least 256");
        }
        if self.max_answer_bytes < 256 {
            problems.push("maxAnswerBytes must be at least 256");
        }
        if self.max_call_ms == 0 {
            problems.push("maxCallMs must be above 0");
        }
        problems
    }

    /// An upper bound of the bytes the relay's state can reach with these settings: queued questions at the
    /// message cap, open calls with a full answer, stored answers, and the per-user rate logs. The relay's
    /// [`super::Relay::approx_bytes`] stays below it (checked by the memory tests).
    pub fn max_bytes(&self) -> usize {
        const USER_OVERHEAD: usize = 256;
        let per_user = USER_OVERHEAD
            + (self.requests_per_minute.next_power_of_two()
                + self.error_replies_per_second.next_power_of_two())
                * std::mem::size_of::<u64>()
            + 64;
        let queued = self.max_queued_total * (self.max_message_bytes + 256);
        let calls_open =
            self.max_concurrent.max(1) * (self.max_answer_bytes + self.max_message_bytes + 512);
        queued + calls_open + self.resume_max_bytes + self.max_users * per_user
    }
}
