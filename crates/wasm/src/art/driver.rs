//! Drives the sans-IO art [`Studio`] on the browser's event loop: each `Transmit` becomes a fetch (the chat's
//! transport) aborted at its deadline, each `Work` a call of the host's `decode`, `classify` or `encodeWebp`, the
//! Studio's next deadline one `setTimeout`, and its events calls of the job's `onEvent` and the resolution of its
//! promise.
//!
//! Re-entrancy: host functions and listeners may call back (cancel inside `onEvent`), so no `RefCell` borrow is held
//! while JS code runs — [`ArtDriver::pump`] drains the Studio under a borrow, then acts with the borrow released.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use familiar_art::{
    Classification, DecodeError, EncodeError, Event, JobId, Method, RequestId, RgbaImage, Studio,
    Transmit, TransportError, Work, WorkStep,
};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use super::{event_js, report_js, Host};
use crate::chat::fetch;
use crate::chat::now_ms;

/// A job waiting for its report.
pub struct PendingJob {
    pub on_event: Option<Function>,
    pub resolve: Function,
}

pub struct ArtDriver {
    pub studio: RefCell<Studio>,
    host: Host,
    jobs: RefCell<BTreeMap<JobId, PendingJob>>,
    /// Open fetches, by request, with the job they serve (aborted when it is cancelled).
    requests: RefCell<BTreeMap<RequestId, (JobId, AbortController)>>,
    timer_at: Cell<Option<u64>>,
}

impl ArtDriver {
    pub fn new(studio: Studio, host: Host) -> Rc<ArtDriver> {
        Rc::new(ArtDriver {
            studio: RefCell::new(studio),
            host,
            jobs: RefCell::new(BTreeMap::new()),
            requests: RefCell::new(BTreeMap::new()),
            timer_at: Cell::new(None),
        })
    }

    pub fn add_job(&self, id: JobId, pending: PendingJob) {
        self.jobs.borrow_mut().insert(id, pending);
    }

    pub fn open_requests(&self) -> usize {
        self.requests.borrow().len()
    }

    pub fn job_ids(&self) -> Vec<JobId> {
        self.jobs.borrow().keys().copied().collect()
    }

    /// Stops a job: its fetches are aborted, providers get the Studio's cancel requests, and its promise
    /// resolves with the cancelled report. `false` for a job that is unknown or already finished.
    pub fn cancel(self: &Rc<Self>, job: JobId) -> bool {
        if !self.jobs.borrow().contains_key(&job) {
            return false;
        }
        let aborted: Vec<AbortController> = {
            let mut requests = self.requests.borrow_mut();
            let ids: Vec<RequestId> = requests
                .iter()
                .filter(|(_, (owner, _))| *owner == job)
                .map(|(id, _)| *id)
                .collect();
            ids.iter()
                .filter_map(|id| requests.remove(id).map(|(_, c)| c))
                .collect()
        };
        for controller in aborted {
            controller.abort();
        }
        self.studio.borrow_mut().cancel(job, now_ms());
        self.pump();
        true
    }

    /// Sends, hands out work and delivers events until the Studio is quiet, then sets the next timer.
    pub fn pump(self: &Rc<Self>) {
        loop {
            let (transmits, works, events) = {
                let mut studio = self.studio.borrow_mut();
                let now = now_ms();
                let transmits: Vec<Transmit> =
                    std::iter::from_fn(|| studio.poll_transmit(now)).collect();
                let works: Vec<Work> = std::iter::from_fn(|| studio.poll_work()).collect();
                let events: Vec<Event> = std::iter::from_fn(|| studio.poll_event()).collect();
                (transmits, works, events)
            };
            if transmits.is_empty() && works.is_empty() && events.is_empty() {
                break;
            }
            for transmit in transmits {
                self.send(transmit);
            }
            for work in works {
                self.work(work);
            }
            for event in events {
                self.deliver(event);
            }
        }
        self.schedule();
    }

    fn deliver(&self, event: Event) {
        let job = match &event {
            Event::Progress { job, .. }
            | Event::Image { job, .. }
            | Event::Finished { job, .. } => *job,
        };
        let finished = matches!(event, Event::Finished { .. });
        let pending = match finished {
            true => self.jobs.borrow_mut().remove(&job),
            false => None,
        };
        let on_event = match &pending {
            Some(pending) => pending.on_event.clone(),
            None => self
                .jobs
                .borrow()
                .get(&job)
                .and_then(|p| p.on_event.clone()),
        };
        if let (Some(on_event), Ok(value)) = (on_event, event_js(&event)) {
            // A throwing listener must not stop the job: its error is the caller's.
            let _ = on_event.call1(&JsValue::NULL, &value);
        }
        if let (Some(pending), Event::Finished { job, report }) = (pending, &event) {
            let value = report_js(*job, report).unwrap_or(JsValue::NULL);
            let _ = pending.resolve.call1(&JsValue::NULL, &value);
        }
    }

    fn send(self: &Rc<Self>, transmit: Transmit) {
        let Transmit {
            id,
            job,
            request,
            deadline,
        } = transmit;
        let controller = match AbortController::new() {
            Ok(controller) => controller,
            Err(error) => {
                let error = TransportError::InvalidRequest(fetch::js_message(&error));
                self.studio
                    .borrow_mut()
                    .handle_transport_error(id, error, now_ms());
                return;
            }
        };
        let signal = controller.signal();
        self.requests
            .borrow_mut()
            .insert(id, (job, controller.clone()));
        // The Studio times the step out on its own clock; the abort frees the connection.
        let wait = deadline.saturating_sub(now_ms()).min(i32::MAX as u64) as u32;
        wasm_bindgen_futures::spawn_local(async move {
            TimeoutFuture::new(wait).await;
            controller.abort();
        });
        let driver = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let method = match request.method {
                Method::Get => gloo_net::http::Method::GET,
                Method::Post => gloo_net::http::Method::POST,
                Method::Delete => gloo_net::http::Method::DELETE,
            };
            let body = (!request.body.is_empty())
                .then(|| JsValue::from(Uint8Array::from(request.body.as_slice())));
            let sent =
                fetch::send_parts(method, &request.url, &request.headers, body, &signal).await;
            let answer = match sent {
                Ok(response) => {
                    let (status, headers) = fetch::head(&response);
                    match response.binary().await {
                        Ok(body) => Ok(familiar_art::HttpResponse {
                            status,
                            headers,
                            body,
                        }),
                        Err(error) => Err(TransportError::Body(error.to_string())),
                    }
                }
                Err(error) => Err(error),
            };
            let Some(driver) = driver.upgrade() else {
                return;
            };
            if driver.requests.borrow_mut().remove(&id).is_none() {
                return; // cancelled: the Studio has forgotten it
            }
            let now = now_ms();
            match answer {
                Ok(response) => driver
                    .studio
                    .borrow_mut()
                    .handle_response(id, response, now),
                Err(error) => {
                    // The Studio's deadline is the only abort of an art request: that is a timeout to it.
                    let error = match signal.aborted() {
                        true => TransportError::Timeout,
                        false => error,
                    };
                    driver
                        .studio
                        .borrow_mut()
                        .handle_transport_error(id, error, now);
                }
            }
            driver.pump();
        });
    }

    /// Hands one step to the host and feeds its answer back when the promise settles.
    fn work(self: &Rc<Self>, work: Work) {
        let Work { id, step, .. } = work;
        let (kind, called) = match &step {
            WorkStep::Decode { bytes } => (
                StepKind::Decode,
                self.host
                    .decode
                    .call1(&self.host.this, &Uint8Array::from(bytes.as_slice())),
            ),
            WorkStep::Classify { pixels } => (
                StepKind::Classify,
                self.host
                    .classify
                    .call1(&self.host.this, &pixels_js(pixels)),
            ),
            WorkStep::Encode { pixels, lossless } => {
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&options, &"lossless".into(), &(*lossless).into());
                (
                    StepKind::Encode,
                    self.host
                        .encode
                        .call2(&self.host.this, &pixels_js(pixels), &options),
                )
            }
        };
        drop(step);
        let driver = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            // A host that throws, or returns a plain value, is handled like one that rejects or resolves.
            let settled = match called {
                Ok(value) => JsFuture::from(Promise::resolve(&value)).await,
                Err(error) => Err(error),
            };
            let Some(driver) = driver.upgrade() else {
                return;
            };
            let now = now_ms();
            {
                let mut studio = driver.studio.borrow_mut();
                match kind {
                    StepKind::Decode => studio.handle_decoded(id, decoded(settled), now),
                    StepKind::Classify => studio.handle_classified(id, classified(settled), now),
                    StepKind::Encode => studio.handle_encoded(id, encoded(settled), now),
                }
            }
            driver.pump();
        });
    }

    /// One timer for the Studio's earliest deadline (a later deadline keeps the earlier timer).
    fn schedule(self: &Rc<Self>) {
        let Some(deadline) = self.studio.borrow().poll_timeout() else {
            return;
        };
        if self.timer_at.get().is_some_and(|at| at <= deadline) {
            return;
        }
        self.timer_at.set(Some(deadline));
        let wait = deadline.saturating_sub(now_ms()).min(i32::MAX as u64) as u32;
        let driver: Weak<ArtDriver> = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            TimeoutFuture::new(wait).await;
            let Some(driver) = driver.upgrade() else {
                return;
            };
            if driver.timer_at.get() != Some(deadline) {
                return; // an earlier timer replaced this one
            }
            driver.timer_at.set(None);
            driver.studio.borrow_mut().handle_timeout(now_ms());
            driver.pump();
        });
    }
}

#[derive(Clone, Copy)]
enum StepKind {
    Decode,
    Classify,
    Encode,
}

/// `{width, height, rgba: Uint8Array}` for the host.
fn pixels_js(pixels: &RgbaImage) -> JsValue {
    let object = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&object, &key.into(), value);
    let _ = set("width", &pixels.width().into());
    let _ = set("height", &pixels.height().into());
    let _ = set("rgba", &Uint8Array::from(pixels.as_raw().as_slice()).into());
    object.into()
}

fn field(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn decoded(settled: Result<JsValue, JsValue>) -> Result<RgbaImage, DecodeError> {
    let failed = |detail: String| DecodeError { detail };
    let value = settled.map_err(|error| failed(fetch::js_message(&error)))?;
    let side = |key| {
        field(&value, key)
            .as_f64()
            .filter(|v| v.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(v))
            .map(|v| v as u32)
    };
    let (Some(width), Some(height)) = (side("width"), side("height")) else {
        return Err(failed("the decoder gave no width and height".into()));
    };
    if width.max(height) > familiar_art::image_check::MAX_SIDE {
        return Err(failed(format!("{width}×{height} is larger than we accept")));
    }
    let rgba = field(&value, "rgba");
    let bytes = match rgba.dyn_ref::<Uint8Array>() {
        Some(array) => array.to_vec(),
        // `ImageData.data` is a Uint8ClampedArray.
        None => match rgba.dyn_ref::<js_sys::Uint8ClampedArray>() {
            Some(array) => array.to_vec(),
            None => return Err(failed("the decoder gave no rgba bytes".into())),
        },
    };
    let expected = width as usize * height as usize * 4;
    if bytes.len() != expected {
        return Err(failed(format!(
            "{} rgba bytes for {width}×{height} (expected {expected})",
            bytes.len()
        )));
    }
    RgbaImage::from_raw(width, height, bytes).ok_or_else(|| failed("bad pixel buffer".into()))
}

fn classified(settled: Result<JsValue, JsValue>) -> Classification {
    let value = match settled {
        Ok(value) => value,
        Err(error) => {
            return Classification::NotRun {
                why: format!("the classifier failed: {}", fetch::js_message(&error)),
            }
        }
    };
    if value.is_null() || value.is_undefined() {
        return Classification::NotRun {
            why: "the classifier did not run".into(),
        };
    }
    // nsfwjs's own answer is `[{className: "Porn", probability}]`; `{porn, ...}` is the host's contract.
    let value = match value.dyn_ref::<js_sys::Array>() {
        Some(predictions) => {
            let scores = js_sys::Object::new();
            for prediction in predictions.iter() {
                let class = field(&prediction, "className")
                    .as_string()
                    .unwrap_or_default();
                let _ = js_sys::Reflect::set(
                    &scores,
                    &class.to_ascii_lowercase().into(),
                    &field(&prediction, "probability"),
                );
            }
            scores.into()
        }
        None => value,
    };
    match crate::interop::from_js_strict::<familiar_art::NsfwScores>(&value, "classify") {
        Ok(scores) if scores_are_probabilities(&scores) => Classification::Scores(scores),
        Ok(_) => Classification::NotRun {
            why: "the classifier gave no probabilities".into(),
        },
        Err(error) => Classification::NotRun {
            why: fetch::js_message(&error),
        },
    }
}

/// Every class in 0..=1 and at least one above 0: an empty `{}` is no classification.
fn scores_are_probabilities(scores: &familiar_art::NsfwScores) -> bool {
    let all = [
        scores.drawing,
        scores.hentai,
        scores.neutral,
        scores.porn,
        scores.sexy,
    ];
    all.iter().all(|p| (0.0..=1.0).contains(p)) && all.iter().any(|p| *p > 0.0)
}

fn encoded(settled: Result<JsValue, JsValue>) -> Result<Vec<u8>, EncodeError> {
    let failed = |detail: String| EncodeError { detail };
    let value = settled.map_err(|error| failed(fetch::js_message(&error)))?;
    // `Uint8Array`, or `{bytes, mime}` (the core reads the format from the bytes either way).
    let bytes = match value.dyn_ref::<Uint8Array>() {
        Some(array) => array.clone(),
        None => field(&value, "bytes")
            .dyn_into::<Uint8Array>()
            .map_err(|_| failed("the encoder gave no bytes".into()))?,
    };
    Ok(bytes.to_vec())
}
