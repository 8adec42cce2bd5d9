//! The blocking transport `familiar ask` feeds its sans-IO machines with: `ureq` on one thread per request reports
//! status, headers and body chunks over a channel, and the caller sleeps until the machine's next deadline.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use familiar_chat::{HttpRequest, Method, RequestId};
use familiar_transport::TransportError;

/// What a transport thread saw.
pub(crate) enum Seen {
    Head(u16, Vec<(String, String)>),
    Data(Vec<u8>),
    End,
    Failed(TransportError),
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// Performs one request on its own thread, reporting everything it sees until it ends or is aborted.
fn spawn_request(
    agent: ureq::Agent,
    request: RequestId,
    http: HttpRequest,
    abort: Arc<AtomicBool>,
    out: Sender<(RequestId, Seen)>,
) {
    std::thread::spawn(move || {
        let send = |seen: Seen| out.send((request, seen)).is_ok();
        let response = match http.method {
            Method::Get => {
                let mut builder = agent.get(&http.url);
                for (key, value) in &http.headers {
                    builder = builder.header(key, value);
                }
                builder.call()
            }
            Method::Post => {
                let mut builder = agent.post(&http.url);
                for (key, value) in &http.headers {
                    builder = builder.header(key, value);
                }
                builder.send(http.body.as_deref().unwrap_or(""))
            }
        };
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                send(Seen::Failed(super::super::transport_error(error)));
                return;
            }
        };
        let headers = response
            .headers()
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_str().unwrap_or("").to_string()))
            .collect();
        if !send(Seen::Head(response.status().as_u16(), headers)) {
            return;
        }
        let mut reader = response.into_body().into_reader();
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            if abort.load(Ordering::Relaxed) {
                return;
            }
            match reader.read(&mut buffer) {
                Ok(0) => {
                    send(Seen::End);
                    return;
                }
                Ok(read) => {
                    if !send(Seen::Data(buffer[..read].to_vec())) {
                        return;
                    }
                }
                Err(error) => {
                    send(Seen::Failed(TransportError::Body(error.to_string())));
                    return;
                }
            }
        }
    });
}

/// What woke the caller up.
pub(crate) enum Woke {
    Seen(RequestId, Seen),
    /// The deadline came (`now_ms`), or `u64::MAX` if no request can report anything any more.
    Timeout(u64),
}

/// Requests in flight and the channel their threads report on.
pub(crate) struct Transport {
    agent: ureq::Agent,
    sender: Sender<(RequestId, Seen)>,
    receiver: Receiver<(RequestId, Seen)>,
    aborts: HashMap<RequestId, Arc<AtomicBool>>,
}

impl Transport {
    pub(crate) fn new(first_byte_timeout_ms: u64) -> Transport {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_millis(first_byte_timeout_ms)))
            .max_idle_age(super::super::POOLED_CONNECTION_MAX_AGE)
            .build()
            .into();
        let (sender, receiver) = mpsc::channel::<(RequestId, Seen)>();
        Transport {
            agent,
            sender,
            receiver,
            aborts: HashMap::new(),
        }
    }

    pub(crate) fn send(&mut self, request: RequestId, http: HttpRequest) {
        let abort = Arc::new(AtomicBool::new(false));
        self.aborts.insert(request, abort.clone());
        spawn_request(
            self.agent.clone(),
            request,
            http,
            abort,
            self.sender.clone(),
        );
    }

    pub(crate) fn abort(&mut self, request: RequestId) {
        if let Some(abort) = self.aborts.remove(&request) {
            abort.store(true, Ordering::Relaxed);
        }
    }

    /// Sleeps until a request reports something or `deadline` (a minute when there is none) comes.
    pub(crate) fn wait(&self, deadline: Option<u64>) -> Woke {
        let wait = deadline.map_or(60_000, |deadline| deadline.saturating_sub(now_ms()));
        match self.receiver.recv_timeout(Duration::from_millis(wait)) {
            Ok((request, seen)) => Woke::Seen(request, seen),
            Err(RecvTimeoutError::Timeout) => Woke::Timeout(now_ms()),
            // Unreachable while `sender` lives in this struct; handled rather than assumed.
            Err(RecvTimeoutError::Disconnected) => Woke::Timeout(u64::MAX),
        }
    }
}
