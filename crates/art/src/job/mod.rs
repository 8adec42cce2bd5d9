//! The [`Studio`]: every art job of the session as one state machine, driven like quinn-proto. Feed it the time,
//! responses and transport errors; poll it for requests to send, the next wake-up and events. Per provider it
//! keeps a queue with a concurrency limit; per image a budget on each provider, per-step timeouts, retries with
//! backoff and failover down the GM's chain; per job the safety report and the attempt log.

mod backoff;
mod task;
mod types;

use std::collections::{HashMap, VecDeque};

use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::error::{ConfigError, ProviderError, TransportError};
use crate::http::{HttpResponse, Millis};
use crate::providers::{self, ApiKind, ModerationVerdict, ProviderConfig};
use crate::safety::{self, LayerVerdict, SafetyReport};

use task::{Task, TaskState};
pub use types::*;

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
    events: VecDeque<Event>,
    next_request: u64,
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
            events: VecDeque::new(),
            next_request: 0,
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
                    why: "the image classifier runs in the browser".into(),
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
                if let TaskState::InFlight { request, .. } = task.state {
                    self.in_flight.remove(&request);
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
            Some(Ok(response)) => providers::read_moderation(&response).ok(),
            _ => None,
        };
        // An unreachable moderation endpoint doesn't stop the job: the provider's own filter is still on.
        if let Some(ModerationVerdict::Flagged { categories }) = verdict {
            let reason = format!("blocked by OpenAI moderation: {}", categories.join(", "));
            let job = &mut self.jobs[index];
            job.report.blocked = true;
            job.report.reason = Some(reason.clone());
            job.report.safety.provider_filter = LayerVerdict::Blocked { reason };
            for task in &mut job.tasks {
                task.finish(false);
            }
            self.finish_jobs();
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

impl Studio {
    /// Starts ready tasks where a provider has a free slot and sends waiting requests that are due.
    fn advance(&mut self, now: Millis) {
        for j in 0..self.jobs.len() {
            if self.jobs[j].moderating.is_some() {
                continue;
            }
            for t in 0..self.jobs[j].tasks.len() {
                self.step_task(j, t, now);
            }
        }
        self.finish_jobs();
    }

    fn step_task(&mut self, j: usize, t: usize, now: Millis) {
        let job_id = self.jobs[j].id;
        match &self.jobs[j].tasks[t].state {
            TaskState::Ready => {
                let provider = self.jobs[j].tasks[t].provider;
                let limit = self.chain[provider]
                    .concurrency
                    .unwrap_or(self.settings.default_concurrency)
                    .max(1);
                if self.busy[provider] >= limit {
                    return;
                }
                let random = self.random();
                let settings = providers::FlowSettings {
                    poll_interval_ms: self.settings.poll_interval_ms,
                    random,
                };
                let config = self.chain[provider].clone();
                let started = self.jobs[j].tasks[t].start(&config, settings, now);
                match started {
                    Ok(request) => {
                        self.busy[provider] += 1;
                        self.jobs[j].tasks[t].holds_slot = true;
                        let deadline = self.step_deadline(j, t, now);
                        let id = self.send(
                            job_id,
                            Target::Task {
                                job: job_id,
                                task: t,
                            },
                            request,
                            deadline,
                        );
                        self.jobs[j].tasks[t].state = TaskState::InFlight {
                            request: id,
                            deadline,
                        };
                        self.emit_progress(j, Stage::Submitted);
                    }
                    Err(error) => self.task_failed(job_id, t, error, now),
                }
            }
            TaskState::Waiting { until, .. } if *until <= now => {
                if self.jobs[j].tasks[t].budget_end(self.settings.image_budget_ms) <= now {
                    let error = ProviderError::BudgetExhausted {
                        budget_ms: self.settings.image_budget_ms,
                    };
                    self.task_failed(job_id, t, error, now);
                    return;
                }
                let TaskState::Waiting { request, .. } =
                    std::mem::replace(&mut self.jobs[j].tasks[t].state, TaskState::Ready)
                else {
                    return;
                };
                let deadline = self.step_deadline(j, t, now);
                let id = self.send(
                    job_id,
                    Target::Task {
                        job: job_id,
                        task: t,
                    },
                    request,
                    deadline,
                );
                self.jobs[j].tasks[t].state = TaskState::InFlight {
                    request: id,
                    deadline,
                };
            }
            _ => {}
        }
    }

    fn step_deadline(&self, j: usize, t: usize, now: Millis) -> Millis {
        let budget_end = self.jobs[j].tasks[t].budget_end(self.settings.image_budget_ms);
        (now + self.settings.step_timeout_ms)
            .min(budget_end)
            .max(now + 1)
    }

    fn task_response(
        &mut self,
        job: JobId,
        t: usize,
        request: RequestId,
        answer: Result<HttpResponse, TransportError>,
        now: Millis,
    ) {
        let Some(j) = self.job_index(job) else { return };
        if !matches!(self.jobs[j].tasks[t].state, TaskState::InFlight { request: r, .. } if r == request)
        {
            return;
        }
        let outcome = match answer {
            Ok(response) => self.jobs[j].tasks[t].on_response(response),
            Err(error) => Err(ProviderError::Transport(error)),
        };
        match outcome {
            Ok(providers::Next::Send(request)) => {
                let deadline = self.step_deadline(j, t, now);
                let id = self.send(job, Target::Task { job, task: t }, request, deadline);
                self.jobs[j].tasks[t].state = TaskState::InFlight {
                    request: id,
                    deadline,
                };
            }
            Ok(providers::Next::Poll { after_ms, request }) => {
                self.jobs[j].tasks[t].state = TaskState::Waiting {
                    until: now + after_ms,
                    request,
                };
                self.emit_progress(j, Stage::Generating);
            }
            Ok(providers::Next::Image(bytes)) => {
                let provider = self.chain[self.jobs[j].tasks[t].provider].name.clone();
                let settings = self.settings.clone();
                let safety = self.jobs[j].report.safety.clone();
                match self.jobs[j].tasks[t].finish_image(&bytes, &provider, &settings, safety) {
                    Ok(image) => self.image_saved(j, t, image),
                    Err(error) => self.task_failed(job, t, error, now),
                }
            }
            Err(error) => self.task_failed(job, t, error, now),
        }
        self.advance(now);
    }

    fn image_saved(&mut self, j: usize, t: usize, image: ArtImage) {
        let provider = image.provider.clone();
        self.release_slot(j, t);
        let job = &mut self.jobs[j];
        job.tasks[t].finish(true);
        job.report.images += 1;
        job.report.scores.push(image.score.overall);
        job.report.provider = Some(provider.clone());
        job.report.attempts.push(Attempt {
            provider,
            status: AttemptStatus::Ok,
            error: None,
        });
        let id = job.id;
        self.events.push_back(Event::Image {
            job: id,
            image: Box::new(image),
        });
        self.emit_progress(j, Stage::ImageDone);
    }

    fn release_slot(&mut self, j: usize, t: usize) {
        let task = &mut self.jobs[j].tasks[t];
        if task.holds_slot {
            task.holds_slot = false;
            self.busy[task.provider] = self.busy[task.provider].saturating_sub(1);
        }
    }

    /// Decides retry, failover or stop for a failed step.
    fn task_failed(&mut self, job: JobId, t: usize, error: ProviderError, now: Millis) {
        let Some(j) = self.job_index(job) else { return };
        if let TaskState::InFlight { request, .. } = self.jobs[j].tasks[t].state {
            self.in_flight.remove(&request);
        }
        let provider_index = self.jobs[j].tasks[t].provider;
        let provider = self.chain[provider_index].name.clone();
        let message = Some(error.to_string());
        // Only work that may still be running on the provider is worth a cancel request.
        let still_running = matches!(
            error,
            ProviderError::StepTimeout { .. } | ProviderError::BudgetExhausted { .. }
        );
        let recovery = self.jobs[j].tasks[t].recovery_for(&error, self.settings.max_retries);
        match recovery {
            task::Decision::Retry { retry } => {
                let delay = backoff::delay(
                    retry,
                    self.settings.backoff_base_ms,
                    self.settings.backoff_max_ms,
                    error.retry_after_ms(),
                    &mut self.rng,
                );
                let budget_end = self.jobs[j].tasks[t].budget_end(self.settings.image_budget_ms);
                if now + delay < budget_end {
                    let random = self.random();
                    let request = self.jobs[j].tasks[t].restart(random);
                    self.jobs[j].tasks[t].state = TaskState::Waiting {
                        until: now + delay,
                        request,
                    };
                    self.jobs[j].report.attempts.push(Attempt {
                        provider,
                        status: AttemptStatus::Retry,
                        error: message,
                    });
                    self.emit_progress(j, Stage::Retrying);
                    return;
                }
                self.fail_over(j, t, provider, message, still_running, now);
            }
            task::Decision::Failover => self.fail_over(j, t, provider, message, still_running, now),
            task::Decision::Stop => {
                self.release_slot(j, t);
                let job = &mut self.jobs[j];
                let reason = format!("{provider}: {error}");
                job.report.safety.provider_filter = LayerVerdict::Blocked { reason };
                job.report.attempts.push(Attempt {
                    provider,
                    status: AttemptStatus::Filtered,
                    error: message,
                });
                job.tasks[t].finish(false);
            }
        }
    }

    fn fail_over(
        &mut self,
        j: usize,
        t: usize,
        provider: String,
        message: Option<String>,
        still_running: bool,
        now: Millis,
    ) {
        if still_running {
            self.cancel_provider_work(j, t, now);
        }
        self.release_slot(j, t);
        let last = self.jobs[j].tasks[t].provider + 1 >= self.chain.len();
        let status = if last {
            AttemptStatus::GaveUp
        } else {
            AttemptStatus::Failover
        };
        let job = &mut self.jobs[j];
        job.report.attempts.push(Attempt {
            provider,
            status,
            error: message,
        });
        if last {
            job.report.failed += 1;
            job.tasks[t].finish(false);
        } else {
            job.tasks[t].next_provider();
        }
    }

    fn cancel_provider_work(&mut self, j: usize, t: usize, now: Millis) {
        let job = self.jobs[j].id;
        let requests = self.jobs[j].tasks[t]
            .flow
            .as_ref()
            .map(|flow| flow.cancel())
            .unwrap_or_default();
        for request in requests {
            self.send(
                job,
                Target::Cancel,
                request,
                now + self.settings.step_timeout_ms,
            );
        }
    }

    fn emit_progress(&mut self, j: usize, stage: Stage) {
        let job = &self.jobs[j];
        let finished = job.tasks.iter().filter(|t| t.is_done()).count();
        self.events.push_back(Event::Progress {
            job: job.id,
            finished,
            total: job.tasks.len(),
            stage,
        });
    }

    /// Reports and drops every job whose tasks are all done.
    fn finish_jobs(&mut self) {
        let mut index = 0;
        while index < self.jobs.len() {
            if self.jobs[index].moderating.is_none()
                && self.jobs[index].tasks.iter().all(Task::is_done)
            {
                let mut job = self.jobs.remove(index);
                let filtered = matches!(
                    job.report.safety.provider_filter,
                    LayerVerdict::Blocked { .. }
                );
                if job.report.images == 0 && filtered && !job.report.blocked {
                    job.report.blocked = true;
                    job.report.reason = job.report.safety.blocked_reason().map(str::to_string);
                }
                self.events.push_back(Event::Finished {
                    job: job.id,
                    report: job.report,
                });
            } else {
                index += 1;
            }
        }
    }
}
