//! Players' art requests through the GM relay. Players hold no provider key: a request goes over the relay's
//! sealed transport to the active GM's client, whose [`ArtRelay`] decides (the GM's switch, a rate limit, one
//! request at a time per player, a daily image budget per player, the prompt filter) and asks the adapter to run
//! the job through the GM's own Studio. The adapter hands the job's outcome back ([`ArtOutcome`]) and forwards the
//! reply the relay builds; a flagged image never reaches the player, only the count of discarded ones.
//!
//! A player whose page reloads (or closes and comes back) while the GM's client paints sends a resume for the
//! request it saved: the relay answers with the outcome it kept ([`AnswerStore`], the shared relay's), or `accepted`
//! while the job still runs. The job is charged once, when it ends, whatever the resumes.
//!
//! Sans-IO like the rest of the crate: raw messages in with the sender id and the time, [`ArtAction`]s out. The
//! envelope, the UTC-day counter and the sliding window are the shared relay core's (`familiar_relay`).

mod controls;
pub mod wire;

use std::collections::HashMap;

use familiar_relay::calls::Calls;
use familiar_relay::envelope::{decode, encode};
use familiar_relay::ids::{is_request_id, is_user_id};
use familiar_relay::limits::{DayUsage, SlidingWindow};
use familiar_relay::resume::{AnswerStore, ResumeConfig};
use serde::{Deserialize, Serialize};

use crate::job::AttemptStatus;
use crate::prompt::Preset;
use crate::safety::{check_prompt, Strictness};

pub use controls::{ArtUsage, SavedArtUsage};
pub use wire::{ArtRelayError, ArtToGm, ArtToPlayer, AttemptSummary, RelayedImage, RelayedSafety};

const MINUTE_MS: u64 = 60_000;

/// Outcomes kept for a resume: half an hour, and small (a reply names saved files, never bytes).
const KEPT_OUTCOMES: ResumeConfig = ResumeConfig {
    ttl_ms: 30 * MINUTE_MS,
    max_bytes: 1024 * 1024,
    max_entries: 512,
};

/// The GM's settings for players' art; camelCase keys for the adapter, unknown keys refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ArtRelayConfig {
    /// The GM's switch (`playersMayRequestArt`); off by default.
    pub players_may_request: bool,
    /// Images a player may have made per UTC day, unless the GM set that player's own; `None`: no limit.
    pub daily_images: Option<u64>,
    /// The GM's strictness, for the prompt filter run before anything is started.
    pub strictness: Strictness,
    pub requests_per_minute: usize,
    /// Requests of one player running at once.
    pub max_running_per_user: usize,
    pub max_variants: u32,
    pub max_prompt_chars: usize,
    pub max_message_bytes: usize,
    /// A job still running this long after it started is cancelled and refused as timed out.
    pub timeout_ms: u64,
    /// Players with figures kept; a new player past this is refused.
    pub max_users: usize,
}

impl Default for ArtRelayConfig {
    fn default() -> Self {
        ArtRelayConfig {
            players_may_request: false,
            daily_images: Some(10),
            strictness: Strictness::Strict,
            requests_per_minute: 6,
            max_running_per_user: 1,
            max_variants: 4,
            max_prompt_chars: 1_000,
            max_message_bytes: 8 * 1024,
            timeout_ms: 180_000,
            max_users: 512,
        }
    }
}

impl ArtRelayConfig {
    /// What is wrong with these settings; empty when they are usable.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.requests_per_minute == 0 {
            problems.push("requestsPerMinute must be at least 1".to_string());
        }
        if self.max_running_per_user == 0 {
            problems.push("maxRunningPerUser must be at least 1".to_string());
        }
        if !(1..=16).contains(&self.max_variants) {
            problems.push("maxVariants must be 1 to 16".to_string());
        }
        if self.max_prompt_chars == 0 || self.max_message_bytes < 256 {
            problems.push(
                "maxPromptChars must be at least 1 and maxMessageBytes at least 256".to_string(),
            );
        }
        if self.timeout_ms == 0 || self.max_users == 0 {
            problems.push("timeoutMs and maxUsers must be at least 1".to_string());
        }
        problems
    }
}

pub use familiar_relay::calls::CallId;

/// What the adapter does next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ArtAction {
    /// Forward `message` to `user_id` (sealed for them), without reading it.
    Send { user_id: String, message: String },
    /// Run this job through the GM's Studio, then call [`ArtRelay::on_outcome`] with `call`.
    Start {
        call: CallId,
        user_id: String,
        prompt: String,
        presets: Vec<Preset>,
        variants: u32,
    },
    /// Cancel the job of `call` (the player cancelled, left, or it timed out); its outcome is ignored.
    Cancel { call: CallId },
    /// A refused message, for the GM's log.
    Rejected {
        user_id: String,
        error: ArtRelayError,
    },
}

/// How a started job ended on the GM's client: the images saved in the world's files (already through every
/// safety layer), how many the classifier discarded, a block by the prompt filter, the attempts' log.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ArtOutcome {
    pub images: Vec<RelayedImage>,
    pub discarded: u32,
    pub blocked: Option<String>,
    pub attempts: Vec<AttemptSummary>,
    /// The GM's chain was empty: nothing was sent.
    pub no_providers: bool,
    /// The GM has providers, but none the world and this player both agreed to for art: nothing was sent.
    pub no_consent: bool,
    /// The job could not run at all (an exception on the GM's client; the GM's log has the detail).
    pub failed: bool,
}

#[derive(Debug, Clone)]
struct UserState {
    rate: SlidingWindow,
    day: DayUsage,
    /// The GM's budget for this user; `None`: the world's.
    own_budget: Option<u64>,
}

/// What the relay keeps about a running job (whose and for which request: [`Calls`]).
#[derive(Debug, Clone)]
struct Job {
    /// Images this job may make, held against the budget until it ends.
    reserved: u64,
    deadline_ms: u64,
}

/// The GM's side of players' art requests.
#[derive(Debug, Clone)]
pub struct ArtRelay {
    config: ArtRelayConfig,
    users: HashMap<String, UserState>,
    calls: Calls<Job>,
    /// Each request's last reply by (user, request id), for a resume.
    outcomes: AnswerStore,
}

impl ArtRelay {
    pub fn new(config: ArtRelayConfig) -> ArtRelay {
        ArtRelay {
            config,
            users: HashMap::new(),
            calls: Calls::new(),
            outcomes: AnswerStore::new(KEPT_OUTCOMES),
        }
    }

    /// One raw message from `sender` (the user the transport proved sent it).
    pub fn receive(&mut self, sender: &str, raw: &[u8], now_ms: u64) -> Vec<ArtAction> {
        if !is_user_id(sender) {
            return vec![ArtAction::Rejected {
                user_id: sender.chars().take(64).collect(),
                error: ArtRelayError::BadSender,
            }];
        }
        self.outcomes.expire(now_ms);
        let message: ArtToGm = match decode(raw, self.config.max_message_bytes) {
            Ok(message) => message,
            Err((error, request_id)) => {
                return refuse(sender, request_id, ArtRelayError::from_decode(&error))
            }
        };
        match message {
            ArtToGm::Request {
                request_id,
                user_id,
                prompt,
                presets,
                variants,
            } => {
                if !is_request_id(&request_id) {
                    return refuse(sender, None, ArtRelayError::BadRequestId);
                }
                if user_id != sender {
                    return refuse(sender, Some(request_id), ArtRelayError::WrongSender);
                }
                match self.admit(sender, &request_id, &prompt, &presets, variants, now_ms) {
                    Ok(reserved) => self.start(
                        sender, request_id, prompt, presets, variants, reserved, now_ms,
                    ),
                    // Kept for a resume, unless it would replace the first request's outcome.
                    Err(ArtRelayError::DuplicateRequest) => {
                        refuse(sender, Some(request_id), ArtRelayError::DuplicateRequest)
                    }
                    Err(error) => self.refuse_kept(sender, request_id, error, now_ms),
                }
            }
            ArtToGm::Cancel { request_id } => match self.calls.find(sender, &request_id) {
                Some(call) => {
                    self.calls.remove(call);
                    vec![ArtAction::Cancel { call }]
                }
                None => Vec::new(),
            },
            ArtToGm::Resume { request_id } => self.resume(sender, &request_id, now_ms),
        }
    }

    /// A reloaded page asks again: the kept outcome, `accepted` while the job runs, else an unknown request.
    /// Resumes count against the rate like requests (each makes the GM's client seal a reply).
    fn resume(&mut self, sender: &str, request_id: &str, now_ms: u64) -> Vec<ArtAction> {
        let Some(state) = self.users.get_mut(sender) else {
            return refuse(
                sender,
                Some(request_id.to_string()),
                ArtRelayError::UnknownRequest,
            );
        };
        if let Err(retry_after_ms) = state.rate.try_hit(now_ms) {
            let error = ArtRelayError::RateLimited { retry_after_ms };
            return refuse(sender, Some(request_id.to_string()), error);
        }
        if let Some(message) = self.outcomes.get(sender, request_id, now_ms) {
            return vec![ArtAction::Send {
                user_id: sender.to_string(),
                message: message.to_string(),
            }];
        }
        if self.calls.find(sender, request_id).is_some() {
            let accepted = ArtToPlayer::Accepted {
                request_id: request_id.to_string(),
            };
            return vec![send(sender, &accepted)];
        }
        refuse(
            sender,
            Some(request_id.to_string()),
            ArtRelayError::UnknownRequest,
        )
    }

    /// The reply that ends `request_id`, kept for a resume, as the action that sends it.
    fn final_reply(
        &mut self,
        user_id: &str,
        request_id: &str,
        reply: &ArtToPlayer,
        now_ms: u64,
    ) -> ArtAction {
        let message = encode(reply);
        self.outcomes
            .insert(user_id, request_id, message.clone(), now_ms);
        ArtAction::Send {
            user_id: user_id.to_string(),
            message,
        }
    }

    /// A refusal that ends a request, kept for a resume, and its line for the GM's log.
    fn refuse_kept(
        &mut self,
        user_id: &str,
        request_id: String,
        error: ArtRelayError,
        now_ms: u64,
    ) -> Vec<ArtAction> {
        let reply = ArtToPlayer::Refused {
            request_id: Some(request_id.clone()),
            error: error.clone(),
        };
        vec![
            self.final_reply(user_id, &request_id, &reply, now_ms),
            ArtAction::Rejected {
                user_id: user_id.to_string(),
                error,
            },
        ]
    }

    /// The checks in the order a player is best told about them: the GM's switch, the order's shape, the rate,
    /// one running job, the budget, then the prompt filter. Returns the images to reserve.
    fn admit(
        &mut self,
        sender: &str,
        request_id: &str,
        prompt: &str,
        presets: &[Preset],
        variants: u32,
        now_ms: u64,
    ) -> Result<u64, ArtRelayError> {
        let config = self.config;
        if !config.players_may_request {
            return Err(ArtRelayError::NotAllowed);
        }
        let bad = |detail: String| ArtRelayError::BadOrder { detail };
        let prompt = prompt.trim();
        if prompt.is_empty() {
            return Err(bad("the prompt is empty".into()));
        }
        let chars = prompt.chars().count();
        if chars > config.max_prompt_chars {
            return Err(bad(format!(
                "the prompt has {chars} characters ({} at most)",
                config.max_prompt_chars
            )));
        }
        let unique = presets
            .iter()
            .enumerate()
            .all(|(i, preset)| !presets[..i].contains(preset));
        if presets.is_empty() || !unique {
            return Err(bad("give each preset once, at least one".into()));
        }
        if !(1..=config.max_variants).contains(&variants) {
            return Err(bad(format!(
                "variants must be 1 to {}",
                config.max_variants
            )));
        }
        if self
            .calls
            .iter()
            .any(|(_, open)| open.request_id == request_id)
            || self.outcomes.contains(sender, request_id, now_ms)
        {
            return Err(ArtRelayError::DuplicateRequest);
        }
        if !self.users.contains_key(sender) && self.users.len() >= config.max_users {
            return Err(ArtRelayError::TooManyUsers);
        }
        let running = self.calls.of_user(sender).count();
        let reserved_now: u64 = self
            .calls
            .of_user(sender)
            .map(|open| open.call.reserved)
            .sum();
        let state = self
            .users
            .entry(sender.to_string())
            .or_insert_with(|| UserState {
                rate: SlidingWindow::new(config.requests_per_minute, MINUTE_MS),
                day: DayUsage::default(),
                own_budget: None,
            });
        state
            .rate
            .try_hit(now_ms)
            .map_err(|retry_after_ms| ArtRelayError::RateLimited { retry_after_ms })?;
        if running >= config.max_running_per_user {
            return Err(ArtRelayError::Busy {
                limit: config.max_running_per_user as u64,
            });
        }
        let requested = presets.len() as u64 * u64::from(variants);
        if let Some(budget) = state.own_budget.or(config.daily_images) {
            let used = state.day.tokens_today(now_ms);
            if used + reserved_now + requested > budget {
                return Err(ArtRelayError::OverBudget {
                    used_images: used + reserved_now,
                    budget_images: budget,
                    requested_images: requested,
                    resets_at_ms: DayUsage::next_reset_ms(now_ms),
                });
            }
        }
        let verdict = check_prompt(prompt, config.strictness);
        if !verdict.allowed {
            return Err(ArtRelayError::Blocked {
                reason: verdict.reason.unwrap_or_default(),
                category: verdict.category,
            });
        }
        Ok(requested)
    }

    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        sender: &str,
        request_id: String,
        prompt: String,
        presets: Vec<Preset>,
        variants: u32,
        reserved: u64,
        now_ms: u64,
    ) -> Vec<ArtAction> {
        let job = Job {
            reserved,
            deadline_ms: now_ms.saturating_add(self.config.timeout_ms),
        };
        let call = self.calls.start(sender, &request_id, job);
        vec![
            send(sender, &ArtToPlayer::Accepted { request_id }),
            ArtAction::Start {
                call,
                user_id: sender.to_string(),
                prompt: prompt.trim().to_string(),
                presets,
                variants,
            },
        ]
    }

    /// A started job ended. Every image the providers made counts against the player's budget, the discarded ones
    /// too (the GM paid for them); the player gets the saved images, or the reason there are none.
    pub fn on_outcome(&mut self, call: CallId, outcome: ArtOutcome, now_ms: u64) -> Vec<ArtAction> {
        let Some(ended) = self.calls.remove(call) else {
            return Vec::new(); // cancelled or timed out: the player has had their answer
        };
        let made = outcome.images.len() as u64 + u64::from(outcome.discarded);
        if let Some(state) = self.users.get_mut(&ended.user_id) {
            state.day.add(now_ms, made);
        }
        let request_id = ended.request_id;
        let reply = if !outcome.images.is_empty() {
            ArtToPlayer::Finished {
                request_id: request_id.clone(),
                images: outcome.images,
                discarded: outcome.discarded,
            }
        } else {
            let error = if let Some(reason) = outcome.blocked {
                ArtRelayError::Blocked {
                    reason,
                    category: None,
                }
            } else if outcome.discarded > 0 {
                ArtRelayError::Discarded {
                    count: outcome.discarded,
                }
            } else if outcome.no_providers {
                ArtRelayError::NoProviders
            } else if outcome.no_consent {
                ArtRelayError::NoConsent
            } else if outcome.failed {
                ArtRelayError::Failed
            } else {
                ArtRelayError::AllFailed {
                    attempts: outcome
                        .attempts
                        .into_iter()
                        .filter(|attempt| attempt.status != AttemptStatus::Cancelled)
                        .collect(),
                }
            };
            ArtToPlayer::Refused {
                request_id: Some(request_id.clone()),
                error,
            }
        };
        vec![self.final_reply(&ended.user_id, &request_id, &reply, now_ms)]
    }

    /// Timeouts: call at [`ArtRelay::next_deadline`].
    pub fn tick(&mut self, now_ms: u64) -> Vec<ArtAction> {
        let late = self.calls.ids_where(|open| open.call.deadline_ms <= now_ms);
        let after_ms = self.config.timeout_ms;
        let mut out = Vec::new();
        for call in late {
            if let Some(ended) = self.calls.remove(call) {
                out.push(ArtAction::Cancel { call });
                out.extend(self.refuse_kept(
                    &ended.user_id,
                    ended.request_id,
                    ArtRelayError::TimedOut { after_ms },
                    now_ms,
                ));
            }
        }
        out
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.calls
            .iter()
            .map(|(_, open)| open.call.deadline_ms)
            .min()
    }

    /// The player left: their running jobs are cancelled (nobody waits for them).
    pub fn user_left(&mut self, user_id: &str) -> Vec<ArtAction> {
        let gone = self.calls.ids_where(|open| open.user_id == user_id);
        gone.into_iter()
            .map(|call| {
                self.calls.remove(call);
                ArtAction::Cancel { call }
            })
            .collect()
    }
}

fn send(user_id: &str, message: &ArtToPlayer) -> ArtAction {
    ArtAction::Send {
        user_id: user_id.to_string(),
        message: encode(message),
    }
}

/// A refusal: the error to the sender, and a line for the GM's log.
fn refuse(sender: &str, request_id: Option<String>, error: ArtRelayError) -> Vec<ArtAction> {
    vec![
        send(
            sender,
            &ArtToPlayer::Refused {
                request_id,
                error: error.clone(),
            },
        ),
        ArtAction::Rejected {
            user_id: sender.to_string(),
            error,
        },
    ]
}

/// A player's request, as their page sends it: `{"v":1,"type":"request",...}`.
pub fn request_message(
    request_id: &str,
    user_id: &str,
    prompt: &str,
    presets: Vec<Preset>,
    variants: u32,
) -> String {
    encode(&ArtToGm::Request {
        request_id: request_id.to_string(),
        user_id: user_id.to_string(),
        prompt: prompt.to_string(),
        presets,
        variants,
    })
}

pub fn cancel_message(request_id: &str) -> String {
    encode(&ArtToGm::Cancel {
        request_id: request_id.to_string(),
    })
}

/// After a reload: ask the GM's client for this request's outcome again.
pub fn resume_message(request_id: &str) -> String {
    encode(&ArtToGm::Resume {
        request_id: request_id.to_string(),
    })
}

/// The GM's reply as the player's page reads it; `None` for a message that is not one (it is dropped).
pub fn read_reply(raw: &[u8]) -> Option<ArtToPlayer> {
    decode(raw, 1 << 20).ok()
}

#[cfg(test)]
mod tests;
