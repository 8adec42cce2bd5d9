//! Drives the sans-IO [`ProviderChain`] on the browser's event loop: each `Command::Send` becomes a fetch task,
//! each `Command::Abort` an `AbortController.abort()`, the chain's next deadline one `setTimeout`, and its events
//! calls of the asker's `onEvent` and the resolution of its promise.
//!
//! Re-entrancy: JS callbacks may call back into the session (Stop inside `onEvent`), so no `RefCell` borrow is held
//! while JS code runs — [`Driver::pump`] drains the chain under a borrow, then acts with the borrow released.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use familiar_chat::citations::with_names;
use familiar_chat::{
    Answer, AskEvent, AskId, Command, History, HttpRequest, ProviderChain, RequestId,
};
use familiar_transport::TransportError;
use gloo_timers::future::TimeoutFuture;
use js_sys::Function;
use wasm_bindgen::JsValue;
use web_sys::AbortController;

use super::fetch::{self, BodyStep};
use super::{answer_js, done_event_js, event_js, now_ms};

/// An ask waiting for its answer.
pub struct Pending {
    pub question: String,
    /// Characters of the prompt sent, to learn the provider's token counting from its `usage`.
    pub prompt_chars: usize,
    pub on_event: Option<Function>,
    pub resolve: Function,
}

pub struct Driver {
    pub chain: RefCell<ProviderChain>,
    pub history: RefCell<History>,
    asks: RefCell<BTreeMap<AskId, Pending>>,
    /// Open fetches; a request leaves when its body ends, fails or is aborted.
    requests: RefCell<BTreeMap<RequestId, AbortController>>,
    /// The deadline the pending timer wakes up for.
    timer_at: Cell<Option<u64>>,
}

impl Driver {
    pub fn new(chain: ProviderChain, history: History) -> Rc<Driver> {
        Rc::new(Driver {
            chain: RefCell::new(chain),
            history: RefCell::new(history),
            asks: RefCell::new(BTreeMap::new()),
            requests: RefCell::new(BTreeMap::new()),
            timer_at: Cell::new(None),
        })
    }

    pub fn add_ask(&self, id: AskId, pending: Pending) {
        self.asks.borrow_mut().insert(id, pending);
    }

    pub fn open_requests(&self) -> usize {
        self.requests.borrow().len()
    }

    pub fn ask_ids(&self) -> Vec<AskId> {
        self.asks.borrow().keys().copied().collect()
    }

    /// Stops an ask: aborts its fetch and resolves its promise with `null`. Unknown or finished asks are ignored.
    pub fn cancel(self: &Rc<Self>, id: AskId) -> bool {
        let Some(pending) = self.asks.borrow_mut().remove(&id) else {
            return false;
        };
        self.chain.borrow_mut().cancel(id, now_ms());
        self.pump();
        // Ignored: a throwing resolve function is not ours to report.
        let _ = pending.resolve.call1(&JsValue::NULL, &JsValue::NULL);
        true
    }

    /// Sends what the chain asks for and delivers its events until it is quiet, then sets the next timer.
    pub fn pump(self: &Rc<Self>) {
        loop {
            let (commands, events) = {
                let mut chain = self.chain.borrow_mut();
                let commands: Vec<Command> = std::iter::from_fn(|| chain.poll_command()).collect();
                let events: Vec<(AskId, AskEvent)> =
                    std::iter::from_fn(|| chain.poll_event()).collect();
                while let Some(observation) = chain.poll_observation() {
                    crate::health::record(observation);
                }
                (commands, events)
            };
            if commands.is_empty() && events.is_empty() {
                break;
            }
            for command in commands {
                match command {
                    Command::Send { request, http, .. } => self.send(request, http),
                    Command::Abort { request } => {
                        if let Some(controller) = self.requests.borrow_mut().remove(&request) {
                            controller.abort();
                        }
                    }
                }
            }
            for (id, event) in events {
                self.deliver(id, event);
            }
        }
        self.schedule();
    }

    fn deliver(&self, id: AskId, event: AskEvent) {
        let AskEvent::Done { answer } = event else {
            let on_event = self
                .asks
                .borrow()
                .get(&id)
                .and_then(|pending| pending.on_event.clone());
            if let (Some(on_event), Some(value)) = (on_event, event_js(id, &event)) {
                // A throwing listener must not stop the answer: its error is the caller's.
                let _ = on_event.call1(&JsValue::NULL, &value);
            }
            return;
        };
        let Some(pending) = self.asks.borrow_mut().remove(&id) else {
            return;
        };
        self.remember(&pending, &answer);
        let value = answer_js(id, &answer).unwrap_or(JsValue::NULL);
        if let Some(on_event) = &pending.on_event {
            let _ = on_event.call1(&JsValue::NULL, &done_event_js(id, &value));
        }
        let _ = pending.resolve.call1(&JsValue::NULL, &value);
    }

    /// Online answers become history (with citations as names); the provider's token count tunes the estimate.
    fn remember(&self, pending: &Pending, answer: &Answer) {
        if answer.offline.is_some() {
            return;
        }
        let mut history = self.history.borrow_mut();
        history.push(&pending.question, &with_names(&answer.text));
        if let Some(input) = answer.usage.and_then(|usage| usage.input_tokens) {
            history.record_usage(pending.prompt_chars, input);
        }
    }

    fn send(self: &Rc<Self>, request: RequestId, http: HttpRequest) {
        let controller = match AbortController::new() {
            Ok(controller) => controller,
            Err(error) => {
                let error = TransportError::InvalidRequest(fetch::js_message(&error));
                self.chain
                    .borrow_mut()
                    .handle_error(request, &error, now_ms());
                return;
            }
        };
        let signal = controller.signal();
        self.requests.borrow_mut().insert(request, controller);
        let driver = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let response = match fetch::send(&http, &signal).await {
                Ok(response) => response,
                Err(error) => {
                    feed(&driver, request, true, |chain, now| {
                        chain.handle_error(request, &error, now)
                    });
                    return;
                }
            };
            let (status, headers) = fetch::head(&response);
            if !feed(&driver, request, false, |chain, now| {
                chain.handle_head(request, status, headers, now)
            }) {
                return;
            }
            fetch::read_body(&response, |step| match step {
                BodyStep::Data(bytes) => feed(&driver, request, false, |chain, now| {
                    chain.handle_data(request, &bytes, now)
                }),
                BodyStep::End => feed(&driver, request, true, |chain, now| {
                    chain.handle_end(request, now)
                }),
                BodyStep::Failed(error) => feed(&driver, request, true, |chain, now| {
                    chain.handle_error(request, &error, now)
                }),
            })
            .await;
        });
    }

    /// One timer for the chain's earliest deadline. A later deadline keeps the earlier timer (it wakes, finds
    /// nothing due, and sets the next), so a streaming answer does not re-arm a timer on every chunk.
    fn schedule(self: &Rc<Self>) {
        let Some(deadline) = self.chain.borrow().poll_timeout() else {
            return;
        };
        if self.timer_at.get().is_some_and(|at| at <= deadline) {
            return;
        }
        self.timer_at.set(Some(deadline));
        // setTimeout takes a signed 32-bit delay.
        let wait = deadline.saturating_sub(now_ms()).min(i32::MAX as u64) as u32;
        let driver = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            TimeoutFuture::new(wait).await;
            let Some(driver) = driver.upgrade() else {
                return;
            };
            if driver.timer_at.get() != Some(deadline) {
                return; // an earlier timer replaced this one
            }
            driver.timer_at.set(None);
            driver.chain.borrow_mut().handle_timeout(now_ms());
            driver.pump();
        });
    }
}

/// Hands what a fetch saw to the chain and pumps. `false` when the request is no longer wanted (aborted, or the
/// session is gone), so the reader stops. `last` retires the request.
fn feed(
    driver: &Weak<Driver>,
    request: RequestId,
    last: bool,
    step: impl FnOnce(&mut ProviderChain, u64),
) -> bool {
    let Some(driver) = driver.upgrade() else {
        return false;
    };
    let open = match last {
        true => driver.requests.borrow_mut().remove(&request).is_some(),
        false => driver.requests.borrow().contains_key(&request),
    };
    if !open {
        return false;
    }
    step(&mut driver.chain.borrow_mut(), now_ms());
    driver.pump();
    // The chain may have let go of the request meanwhile (an answer finished before its body closed).
    !last && driver.requests.borrow().contains_key(&request)
}
