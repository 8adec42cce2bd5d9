//! The [`Studio`]: every art job of the session as one state machine, driven like quinn-proto. Feed it the time,
//! responses and transport errors; poll it for requests to send, the next wake-up and events. Per provider it
//! keeps a queue with a concurrency limit; per image a budget on each provider, per-step timeouts, retries with
//! backoff and failover down the GM's chain; per job the safety report and the attempt log.
//!
//! The codecs and the image classifier are the driver's too, as request/answer pairs like the network: poll
//! [`Studio::poll_work`] and answer each [`Work`] (decode the provider's bytes, classify the checked pixels,
//! encode the portrait or token). The browser uses its own codecs and `nsfwjs`; [`crate::codecs`] (feature
//! `codecs`) answers natively for the CLI.

mod backoff;
mod steps;
mod task;
mod types;
mod work;

use std::collections::{HashMap, VecDeque};

use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::error::{ConfigError, ProviderError, TransportError};
use crate::http::{HttpResponse, Millis};
use crate::providers::{self, ApiKind, ModerationVerdict, ProviderConfig};
use crate::safety::{self, LayerVerdict, SafetyReport};

use task::{Task, TaskState};
pub use types::*;
use work::WorkTarget;

/// What an in-flight request belongs to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Task {
        job: JobId,
        task: usize,
    },
    Moderation,
    /// Fire-and-forget cancellation; its answer is ignored.
    Cancel,
}

struct Job {
    id: JobId,
    tasks: Vec<Task>,
    report: JobReport,
    /// Set while OpenAI's moderation endpoint is being asked; tasks wait for it.
    moderating: Option<RequestId>,
    moderation_deadline: Millis,
}

pub struct Studio {
    chain: Vec<ProviderConfig>,
    busy: Vec<usize>,
    settings: StudioSettings,
    rng: StdRng,
    jobs: Vec<Job>,
    in_flight: HashMap<RequestId, Target>,
    outbox: VecDeque<Transmit>,
    works: HashMap<WorkId, WorkTarget>,
    work_outbox: VecDeque<Work>,
    events: VecDeque<Event>,
    next_request: u64,
    next_work: u64,
    next_job: u64,
}

impl Studio {
    /// `seed` feeds backoff jitter, provider seeds and multipart boundaries (pass real randomness in production).
    pub fn new(
        chain: Vec<ProviderConfig>,
        settings: StudioSettings,
        seed: u64,
    ) -> Result<Self, ConfigError> {
        if chain.is_empty() {
            return Err(ConfigError::NoProviders);
        }
        for provider in &chain {
            let url = provider.base_url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::BadBaseUrl {
                    name: provider.name.clone(),
                    url: provider.base_url.clone(),
                });
            }
        }
        Ok(Studio {
            busy: vec![0; chain.len()],
            chain,
            settings,
            rng: StdRng::seed_from_u64(seed),
            jobs: Vec::new(),
            in_flight: HashMap::new(),
            outbox: VecDeque::new(),
            works: HashMap::new(),
            work_outbox: VecDeque::new(),
            events: VecDeque::new(),
            next_request: 0,
            next_work: 0,
            next_job: 0,
        })
    }

    pub fn settings(&self) -> &StudioSettings {
        &self.settings
    }

    /// Queues an order. The prompt filter runs here: a blocked prompt finishes at once and sends nothing.
    pub fn submit(&mut self, order: ArtOrder, now: Millis) -> Result<JobId, ConfigError> {
        let max = self.settings.max_variants;
        if order.variants == 0 || order.variants > max {
            return Err(ConfigError::BadVariants {
                got: order.variants,
                max,
            });
        }
        let id = JobId(self.next_job);
        self.next_job += 1;
        let verdict = safety::check_prompt(&order.subject.all_text(), self.settings.strictness);
        let prompt_filter = match &verdict.reason {
            None => LayerVerdict::Passed,
            Some(reason) => LayerVerdict::Blocked {
                reason: reason.clone(),
            },
        };
        let report = JobReport {
            blocked: !verdict.allowed,
            reason: verdict.reason.clone(),
            safety: SafetyReport {
                prompt_filter,
                provider_filter: LayerVerdict::Passed,
                image_classifier: LayerVerdict::NotRun {
                    why: "no image reached the classifier".into(),
                },
            },
            images: 0,
            failed: 0,
            provider: None,
            scores: Vec::new(),
            attempts: Vec::new(),
            cancelled: false,
        };
        let presets = if order.presets.is_empty() {
            vec![Default::default()]
        } else {
            order.presets.clone()
        };
        let tasks = presets
            .iter()
            .flat_map(|preset| (0..order.variants).map(move |variant| (*preset, variant)))
            .map(|(preset, variant)| Task::new(&order.subject, preset, variant))
            .collect();
        let mut job = Job {
            id,
            tasks,
            report,
            moderating: None,
            moderation_deadline: 0,
        };
        if !verdict.allowed {
            self.events.push_back(Event::Finished {
                job: id,
                report: job.report,
            });
            return Ok(id);
        }
        if self.settings.openai_moderation {
            if let Some(provider) = self
                .chain
                .iter()
                .find(|p| p.api == ApiKind::Openai && p.api_key.is_some())
            {
                let key = provider.api_key.clone().unwrap_or_default();
                let request = providers::moderation_request(
                    &provider.base_url,
                    &key,
                    &order.subject.all_text(),
                );
                let deadline = now + self.settings.step_timeout_ms;
                let request_id = self.send(id, Target::Moderation, request, deadline);
                job.moderating = Some(request_id);
                job.moderation_deadline = deadline;
                let total = job.tasks.len();
                self.events.push_back(Event::Progress {
                    job: id,
                    finished: 0,
                    total,
                    stage: Stage::Moderating,
                });
            }
        }
        self.jobs.push(job);
        Ok(id)
    }

    /// The next request to send, if any.
    pub fn poll_transmit(&mut self, now: Millis) -> Option<Transmit> {
        self.advance(now);
        self.outbox.pop_front()
    }

    /// The next decode, classify or encode step for the driver, if any.
    pub fn poll_work(&mut self) -> Option<Work> {
        self.work_outbox.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call [`Studio::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.jobs
            .iter()
            .flat_map(|job| {
                let moderation = job.moderating.map(|_| job.moderation_deadline);
                job.tasks.iter().filter_map(Task::wake_at).chain(moderation)
            })
            .min()
    }

    /// Time moved on: time out overdue steps and wake waiting ones.
    pub fn handle_timeout(&mut self, now: Millis) {
        let late_work: Vec<WorkId> = self
            .jobs
            .iter()
            .flat_map(|job| &job.tasks)
            .filter_map(|task| match task.state {
                TaskState::Working { work, deadline } if deadline <= now => Some(work),
                _ => None,
            })
            .collect();
        for work in late_work {
            self.work_timed_out(work, now);
        }
        let mut overdue = Vec::new();
        for job in &self.jobs {
            if let Some(request) = job.moderating.filter(|_| job.moderation_deadline <= now) {
                overdue.push((request, None));
            }
            for (index, task) in job.tasks.iter().enumerate() {
                if let TaskState::InFlight { request, deadline } = task.state {
                    if deadline <= now {
                        overdue.push((request, Some((job.id, index))));
                    }
                }
            }
        }
        for (request, task) in overdue {
            self.in_flight.remove(&request);
            match task {
                None => self.moderation_done(request, None, now),
                Some((job, index)) => {
                    let error = self.timeout_error(job, index, now);
                    self.task_failed(job, index, error, now);
                }
            }
        }
        self.advance(now);
    }

    /// The answer to a request from [`Studio::poll_transmit`].
    pub fn handle_response(&mut self, id: RequestId, response: HttpResponse, now: Millis) {
        match self.in_flight.remove(&id) {
            Some(Target::Task { job, task }) => {
                self.task_response(job, task, id, Ok(response), now)
            }
            Some(Target::Moderation) => self.moderation_done(id, Some(Ok(response)), now),
            Some(Target::Cancel) | None => {}
        }
    }

    /// The transport could not complete a request.
    pub fn handle_transport_error(&mut self, id: RequestId, error: TransportError, now: Millis) {
        match self.in_flight.remove(&id) {
            Some(Target::Task { job, task }) => self.task_response(job, task, id, Err(error), now),
            Some(Target::Moderation) => self.moderation_done(id, Some(Err(error)), now),
            Some(Target::Cancel) | None => {}
        }
    }

    /// Stops a job: its requests are forgotten, providers get best-effort cancel requests, and it finishes.
    pub fn cancel(&mut self, job: JobId, now: Millis) {
        let Some(position) = self.jobs.iter().position(|j| j.id == job) else {
            return;
        };
        let mut cancels = Vec::new();
        let tasks = std::mem::take(&mut self.jobs[position].tasks);
        let mut kept = Vec::with_capacity(tasks.len());
        for mut task in tasks {
            if !task.is_done() {
                match task.state {
                    TaskState::InFlight { request, .. } => {
                        self.in_flight.remove(&request);
                    }
                    TaskState::Working { work, .. } => {
                        self.works.remove(&work);
                    }
                    _ => {}
                }
                if let Some(flow) = &task.flow {
                    cancels.extend(flow.cancel());
                }
                if task.holds_slot {
                    self.busy[task.provider] = self.busy[task.provider].saturating_sub(1);
                    task.holds_slot = false;
                }
                let provider = self
                    .chain
                    .get(task.provider)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                self.jobs[position].report.attempts.push(Attempt {
                    provider,
                    status: AttemptStatus::Cancelled,
                    error: None,
                });
                task.finish(false);
            }
            kept.push(task);
        }
        self.jobs[position].tasks = kept;
        self.work_outbox.retain(|work| work.job != job);
        if let Some(request) = self.jobs[position].moderating.take() {
            self.in_flight.remove(&request);
        }
        self.jobs[position].report.cancelled = true;
        for request in cancels {
            self.send(
                job,
                Target::Cancel,
                request,
                now + self.settings.step_timeout_ms,
            );
        }
        self.finish_jobs();
    }

    /// Jobs still running.
    pub fn active_jobs(&self) -> usize {
        self.jobs.len()
    }

    fn send(
        &mut self,
        job: JobId,
        target: Target,
        request: crate::http::HttpRequest,
        deadline: Millis,
    ) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        self.in_flight.insert(id, target);
        self.outbox.push_back(Transmit {
            id,
            job,
            request,
            deadline,
        });
        id
    }

    fn job_index(&self, job: JobId) -> Option<usize> {
        self.jobs.iter().position(|j| j.id == job)
    }

    fn moderation_done(
        &mut self,
        request: RequestId,
        answer: Option<Result<HttpResponse, TransportError>>,
        now: Millis,
    ) {
        let Some(index) = self.jobs.iter().position(|j| j.moderating == Some(request)) else {
            return;
        };
        self.jobs[index].moderating = None;
        let verdict = match answer {
            Some(Ok(response)) => providers::read_moderation(&response).map_err(|e| e.to_string()),
            Some(Err(error)) => Err(error.to_string()),
            None => Err(format!(
                "no answer within {} ms",
                self.settings.step_timeout_ms
            )),
        };
        let job = &mut self.jobs[index];
        match verdict {
            Ok(ModerationVerdict::Passed) => {}
            Ok(ModerationVerdict::Flagged { categories }) => {
                let reason = format!("blocked by OpenAI moderation: {}", categories.join(", "));
                job.report.blocked = true;
                job.report.reason = Some(reason.clone());
                job.report.safety.provider_filter = LayerVerdict::Blocked { reason };
                for task in &mut job.tasks {
                    task.finish(false);
                }
                self.finish_jobs();
            }
            // Unreachable or failing, moderation doesn't stop the job: our prompt filter has already passed the
            // prompt and the provider's own filter still runs. The GM is told the second gate was missing.
            Err(why) => {
                job.report.safety.provider_filter = LayerVerdict::Partial {
                    why: format!(
                        "OpenAI moderation unavailable ({why}): the prompt filter decided alone; the provider's \
                         own filter still applies"
                    ),
                };
            }
        }
        self.advance(now);
    }

    fn timeout_error(&self, job: JobId, index: usize, now: Millis) -> ProviderError {
        let task = self.job_index(job).map(|j| &self.jobs[j].tasks[index]);
        match task {
            Some(task) if task.budget_end(self.settings.image_budget_ms) <= now => {
                ProviderError::BudgetExhausted {
                    budget_ms: self.settings.image_budget_ms,
                }
            }
            _ => ProviderError::StepTimeout {
                timeout_ms: self.settings.step_timeout_ms,
            },
        }
    }

    fn random(&mut self) -> u64 {
        self.rng.random()
    }
}
