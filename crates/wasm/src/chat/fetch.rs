//! The browser side of the wire: the chat core's [`HttpRequest`] (and the art core's, through [`send_parts`])
//! through `fetch` (gloo-net) with an abort signal, the response body read chunk by chunk (wasm-streams), and the
//! `GET /models` call of the settings form.

use std::cell::Cell;
use std::rc::Rc;

use familiar_chat::provider::{models_request, parse_models};
use familiar_chat::retry::classify_status;
use familiar_chat::{HttpRequest, Method, ModelInfo, ProviderConfig};
use familiar_transport::TransportError;
use gloo_net::http::{Headers, RequestBuilder, Response};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, AbortSignal};

/// What the body reader saw, one step at a time.
pub enum BodyStep {
    Data(Vec<u8>),
    End,
    Failed(TransportError),
}

/// Sends a chat request.
pub async fn send(http: &HttpRequest, signal: &AbortSignal) -> Result<Response, TransportError> {
    let method = match http.method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
    };
    let body = http.body.as_deref().map(JsValue::from_str);
    send_parts(method, &http.url, &http.headers, body, signal).await
}

/// The one fetch of the bundle, for the chat's and the art core's requests alike.
pub async fn send_parts(
    method: gloo_net::http::Method,
    url: &str,
    header_list: &[(String, String)],
    body: Option<JsValue>,
    signal: &AbortSignal,
) -> Result<Response, TransportError> {
    let headers = web_sys::Headers::new()
        .map_err(|error| TransportError::InvalidRequest(js_message(&error)))?;
    for (name, value) in header_list {
        // The browser refuses values with line breaks or non-Latin-1 characters (a badly pasted key): say which
        // header, never its value.
        headers
            .set(name, value)
            .map_err(|_| TransportError::BadHeader { name: name.clone() })?;
    }
    let builder = RequestBuilder::new(url)
        .method(method)
        .headers(Headers::from_raw(headers))
        .abort_signal(Some(signal));
    let request = match body {
        Some(body) => builder.body(body),
        None => builder.build(),
    }
    .map_err(|error| TransportError::InvalidRequest(error.to_string()))?;
    request
        .send()
        .await
        .map_err(|error| fetch_error(error, signal))
}

/// A rejected `fetch`: an abort (its signal says so), or a network error. The browser gives a CORS refusal the
/// same `TypeError` as a refused connection, so both are [`TransportError::Network`].
fn fetch_error(error: gloo_net::Error, signal: &AbortSignal) -> TransportError {
    match signal.aborted() {
        true => TransportError::Aborted,
        false => TransportError::Network(format!(
            "{error} (the server is unreachable, or it does not allow this page's origin: CORS)"
        )),
    }
}

/// Status and headers as the core wants them (only CORS-exposed headers are visible to the page).
pub fn head(response: &Response) -> (u16, Vec<(String, String)>) {
    (response.status(), response.headers().entries().collect())
}

/// Reads `response`'s body, handing each step to `on_step` until it returns `false`, the body ends or fails.
pub async fn read_body(response: &Response, mut on_step: impl FnMut(BodyStep) -> bool) {
    let Some(body) = response.body() else {
        on_step(BodyStep::End);
        return;
    };
    let mut stream = wasm_streams::ReadableStream::from_raw(body);
    let mut reader = match stream.try_get_reader() {
        Ok(reader) => reader,
        Err(error) => {
            on_step(BodyStep::Failed(TransportError::Body(String::from(
                error.message(),
            ))));
            return;
        }
    };
    loop {
        let step = match reader.read().await {
            Ok(Some(chunk)) => BodyStep::Data(js_sys::Uint8Array::new(&chunk).to_vec()),
            Ok(None) => BodyStep::End,
            Err(error) => BodyStep::Failed(TransportError::Body(js_message(&error))),
        };
        let last = !matches!(step, BodyStep::Data(_));
        if !on_step(step) || last {
            return;
        }
    }
}

/// Why `GET /models` did not give a list.
pub struct ModelsFailure {
    pub status: Option<u16>,
    pub message: String,
}

/// `GET {base}/models` with the provider's authentication, given up after `timeout_ms`.
pub async fn list_models(
    provider: &ProviderConfig,
    timeout_ms: u32,
) -> Result<Vec<ModelInfo>, ModelsFailure> {
    let failure = |status, message: String| ModelsFailure { status, message };
    let controller = AbortController::new().map_err(|error| failure(None, js_message(&error)))?;
    let finished = Rc::new(Cell::new(false));
    let watchdog = {
        let (controller, finished) = (controller.clone(), finished.clone());
        async move {
            TimeoutFuture::new(timeout_ms).await;
            if !finished.get() {
                controller.abort();
            }
        }
    };
    wasm_bindgen_futures::spawn_local(watchdog);
    let result = fetch_models(provider, &controller.signal()).await;
    finished.set(true);
    result.map_err(|(status, message)| match controller.signal().aborted() {
        true => failure(
            None,
            format!("no answer within {} s", timeout_ms.div_ceil(1000)),
        ),
        false => failure(status, message),
    })
}

async fn fetch_models(
    provider: &ProviderConfig,
    signal: &AbortSignal,
) -> Result<Vec<ModelInfo>, (Option<u16>, String)> {
    let response = send(&models_request(provider), signal)
        .await
        .map_err(|error| (None, format!("connection failed: {error}")))?;
    let (status, headers) = head(&response);
    let body = response
        .text()
        .await
        .map_err(|error| (Some(status), format!("the response broke: {error}")))?;
    if !(200..300).contains(&status) {
        let failure = classify_status(status, &headers, &body, super::now_ms());
        return Err((Some(status), failure.message));
    }
    parse_models(&body).map_err(|error| (Some(status), error.to_string()))
}

/// The message of a JS error value (`Error`, `DOMException`, a thrown string).
pub fn js_message(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value
        .as_string()
        .unwrap_or_else(|| "an unknown browser error".to_string())
}
