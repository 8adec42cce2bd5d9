//! The Studio's inner steps: starting tasks within each provider's slots, reading answers, and deciding retry,
//! failover or stop after a failure.

use crate::error::{ProviderError, TransportError};
use crate::http::{HttpRequest, HttpResponse, Millis};
use crate::providers;
use crate::safety::LayerVerdict;

use super::task::{self, Task, TaskState};
use super::{
    backoff, ArtImage, Attempt, AttemptStatus, Event, JobId, RequestId, Stage, Studio, Target,
    WorkStep,
};

impl Studio {
    /// Starts ready tasks where a provider has a free slot and sends waiting requests that are due.
    pub(super) fn advance(&mut self, now: Millis) {
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

    pub(super) fn step_task(&mut self, j: usize, t: usize, now: Millis) {
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
                        self.send_task_request(j, t, request, now);
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
                self.send_task_request(j, t, request, now);
            }
            _ => {}
        }
    }

    /// Sends a task's next request with this step's deadline and marks the task in flight.
    fn send_task_request(&mut self, j: usize, t: usize, request: HttpRequest, now: Millis) {
        let job = self.jobs[j].id;
        let deadline = self.step_deadline(j, t, now);
        let id = self.send(job, Target::Task { job, task: t }, request, deadline);
        self.jobs[j].tasks[t].state = TaskState::InFlight {
            request: id,
            deadline,
        };
    }

    pub(super) fn step_deadline(&self, j: usize, t: usize, now: Millis) -> Millis {
        let budget_end = self.jobs[j].tasks[t].budget_end(self.settings.image_budget_ms);
        (now + self.settings.step_timeout_ms)
            .min(budget_end)
            .max(now + 1)
    }

    pub(super) fn task_response(
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
                // The provider's part is over: nothing of it is left to cancel.
                self.jobs[j].tasks[t].flow = None;
                self.start_work(j, t, WorkStep::Decode { bytes }, now);
            }
            Err(error) => self.task_failed(job, t, error, now),
        }
        self.advance(now);
    }

    pub(super) fn image_saved(&mut self, j: usize, t: usize, image: ArtImage) {
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

    pub(super) fn release_slot(&mut self, j: usize, t: usize) {
        let task = &mut self.jobs[j].tasks[t];
        if task.holds_slot {
            task.holds_slot = false;
            self.busy[task.provider] = self.busy[task.provider].saturating_sub(1);
        }
    }

    /// Decides retry, failover or stop for a failed step.
    pub(super) fn task_failed(&mut self, job: JobId, t: usize, error: ProviderError, now: Millis) {
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

    pub(super) fn fail_over(
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

    pub(super) fn cancel_provider_work(&mut self, j: usize, t: usize, now: Millis) {
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

    pub(super) fn emit_progress(&mut self, j: usize, stage: Stage) {
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
    pub(super) fn finish_jobs(&mut self) {
        let mut index = 0;
        while index < self.jobs.len() {
            if self.jobs[index].moderating.is_none()
                && self.jobs[index].tasks.iter().all(Task::is_done)
            {
                let mut job = self.jobs.remove(index);
                let safety = &job.report.safety;
                let filtered = matches!(safety.provider_filter, LayerVerdict::Blocked { .. })
                    || matches!(safety.image_classifier, LayerVerdict::Blocked { .. });
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
