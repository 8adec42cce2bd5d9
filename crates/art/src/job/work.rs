//! The Studio's codec and classifier steps, asked of the driver like network requests: decode the provider's
//! bytes, check the pixels here, classify them (the GM's thresholds applied here), make the portrait or token
//! here, encode it. Each step has a deadline on the Studio's clock; a late answer is ignored.

use image::RgbaImage;

use crate::error::{DecodeError, EncodeError, ProviderError};
use crate::http::Millis;
use crate::image_check::ImageDefect;
use crate::safety::classifier::{self, Classification};
use crate::safety::LayerVerdict;

use super::task::{Encoded, FileFormat, TaskState};
use super::{Attempt, AttemptStatus, JobId, Stage, Studio, Work, WorkId, WorkStep};

/// What a step in the driver's hands belongs to.
#[derive(Debug, Clone, Copy)]
pub(super) struct WorkTarget {
    job: JobId,
    task: usize,
    kind: WorkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WorkKind {
    Decode,
    Classify,
    Encode { width: u32, height: u32 },
}

impl Studio {
    /// The driver decoded a [`WorkStep::Decode`] (or could not: the image counts as undecodable).
    pub fn handle_decoded(
        &mut self,
        id: WorkId,
        decoded: Result<RgbaImage, DecodeError>,
        now: Millis,
    ) {
        let Some((j, t, WorkKind::Decode)) = self.take_work(id) else {
            return;
        };
        let job = self.jobs[j].id;
        let checked = decoded
            .map_err(|error| ImageDefect::Undecodable {
                detail: error.detail,
            })
            .and_then(|pixels| {
                let score = self.jobs[j].tasks[t].check(&pixels)?;
                Ok((pixels, score))
            });
        match checked {
            Ok((pixels, score)) => {
                self.jobs[j].tasks[t].checked = Some((pixels.clone(), score));
                self.start_work(j, t, WorkStep::Classify { pixels }, now);
            }
            Err(defect) => self.task_failed(job, t, ProviderError::Defect(defect), now),
        }
        self.advance(now);
    }

    /// The driver's classifier answered a [`WorkStep::Classify`] (or did not run).
    pub fn handle_classified(&mut self, id: WorkId, classification: Classification, now: Millis) {
        let Some((j, t, WorkKind::Classify)) = self.take_work(id) else {
            return;
        };
        let verdict = classifier::judge(
            &classification,
            self.settings.strictness,
            self.settings.unclassified,
        );
        let job = &mut self.jobs[j];
        let layer = &mut job.report.safety.image_classifier;
        if !matches!(layer, LayerVerdict::Blocked { .. }) {
            *layer = verdict.clone();
        }
        if let LayerVerdict::Blocked { reason } = verdict {
            self.discard(j, t, reason);
            self.finish_jobs();
            self.advance(now);
            return;
        }
        let Some((pixels, _)) = &self.jobs[j].tasks[t].checked else {
            return;
        };
        let (output, lossless) = self.jobs[j].tasks[t].output(pixels, &self.settings);
        self.start_work(
            j,
            t,
            WorkStep::Encode {
                pixels: output,
                lossless,
            },
            now,
        );
        self.jobs[j].tasks[t].classifier = Some(verdict);
    }

    /// The driver encoded a [`WorkStep::Encode`]. Bytes that are neither WebP nor PNG are an encoder failure.
    pub fn handle_encoded(
        &mut self,
        id: WorkId,
        encoded: Result<Vec<u8>, EncodeError>,
        now: Millis,
    ) {
        let Some((j, t, WorkKind::Encode { width, height })) = self.take_work(id) else {
            return;
        };
        let encoded = encoded.and_then(|bytes| match FileFormat::sniff(&bytes) {
            Some(format) => Ok(Encoded {
                bytes,
                format,
                width,
                height,
            }),
            None => Err(EncodeError {
                detail: "the encoder returned neither WebP nor PNG".into(),
            }),
        });
        match encoded {
            Ok(encoded) => {
                let task = &mut self.jobs[j].tasks[t];
                let score = task.checked.take().map(|(_, score)| score);
                let verdict = task.classifier.take().unwrap_or(LayerVerdict::Passed);
                let provider = self.chain[task.provider].name.clone();
                let mut safety = self.jobs[j].report.safety.clone();
                safety.image_classifier = verdict;
                let task = &self.jobs[j].tasks[t];
                match score {
                    Some(score) => {
                        let image = task.image(encoded, &provider, score, safety);
                        self.image_saved(j, t, image);
                    }
                    None => self.encode_failed(
                        j,
                        t,
                        EncodeError {
                            detail: "the checked image was lost".into(),
                        },
                    ),
                }
            }
            Err(error) => self.encode_failed(j, t, error),
        }
        self.finish_jobs();
        self.advance(now);
    }

    pub(super) fn start_work(&mut self, j: usize, t: usize, step: WorkStep, now: Millis) {
        let id = WorkId(self.next_work);
        self.next_work += 1;
        let (kind, stage) = match &step {
            WorkStep::Decode { .. } => (WorkKind::Decode, Stage::Checking),
            WorkStep::Classify { .. } => (WorkKind::Classify, Stage::Classifying),
            WorkStep::Encode { pixels, .. } => (
                WorkKind::Encode {
                    width: pixels.width(),
                    height: pixels.height(),
                },
                Stage::Encoding,
            ),
        };
        let job = self.jobs[j].id;
        let deadline = now + self.settings.work_timeout_ms.max(1);
        self.works.insert(id, WorkTarget { job, task: t, kind });
        self.jobs[j].tasks[t].state = TaskState::Working { work: id, deadline };
        self.work_outbox.push_back(Work {
            id,
            job,
            deadline,
            step,
        });
        self.emit_progress(j, stage);
    }

    /// A step the driver did not answer in time is answered as its failure.
    pub(super) fn work_timed_out(&mut self, id: WorkId, now: Millis) {
        let Some(target) = self.works.get(&id).copied() else {
            return;
        };
        let late = format!("no answer within {} ms", self.settings.work_timeout_ms);
        match target.kind {
            WorkKind::Decode => self.handle_decoded(
                id,
                Err(DecodeError {
                    detail: format!("the decoder gave {late}"),
                }),
                now,
            ),
            WorkKind::Classify => self.handle_classified(
                id,
                Classification::NotRun {
                    why: format!("the classifier gave {late}"),
                },
                now,
            ),
            WorkKind::Encode { .. } => self.handle_encoded(
                id,
                Err(EncodeError {
                    detail: format!("the encoder gave {late}"),
                }),
                now,
            ),
        }
    }

    /// The step's job and task, if it is still the one that task waits for.
    fn take_work(&mut self, id: WorkId) -> Option<(usize, usize, WorkKind)> {
        let target = self.works.remove(&id)?;
        let j = self.job_index(target.job)?;
        let current = matches!(
            self.jobs[j].tasks.get(target.task)?.state,
            TaskState::Working { work, .. } if work == id
        );
        current.then_some((j, target.task, target.kind))
    }

    /// A flagged image is gone for good: like a provider's filter, it is not shopped to another provider.
    fn discard(&mut self, j: usize, t: usize, reason: String) {
        self.release_slot(j, t);
        let provider = self.chain[self.jobs[j].tasks[t].provider].name.clone();
        let job = &mut self.jobs[j];
        job.report.attempts.push(Attempt {
            provider,
            status: AttemptStatus::Discarded,
            error: Some(reason),
        });
        job.tasks[t].finish(false);
        self.emit_progress(j, Stage::ImageDone);
    }

    /// Our encoder failed on a good image: another provider's image would meet the same encoder, so the image is
    /// given up rather than generated again.
    fn encode_failed(&mut self, j: usize, t: usize, error: EncodeError) {
        self.release_slot(j, t);
        let provider = self.chain[self.jobs[j].tasks[t].provider].name.clone();
        let job = &mut self.jobs[j];
        job.report.failed += 1;
        job.report.attempts.push(Attempt {
            provider,
            status: AttemptStatus::GaveUp,
            error: Some(error.to_string()),
        });
        job.tasks[t].finish(false);
        self.emit_progress(j, Stage::ImageDone);
    }
}
