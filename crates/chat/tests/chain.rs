//! The failover state machine with a fake clock: retries, Retry-After, failover, mid-stream drops, timeouts,
//! circuit breaker, offline answers and cancellation, all in milliseconds of test time.

use familiar_chat::{
    Answer, Api, AskEvent, AskId, AskInput, BreakerConfig, ChainConfig, Command, FailureKind,
    Message, OfflineReason, Passage, Prompt, ProviderChain, ProviderConfig, RequestId, RetryPolicy,
    Role, Timeouts, TransportError,
};

fn provider(name: &str, api: Api) -> ProviderConfig {
    ProviderConfig {
        name: name.into(),
        api,
        base_url: format!("http://{name}.test/v1"),
        model: "m".into(),
        api_key: Some("sk-secret".into()),
        max_output_tokens: None,
        context_tokens: None,
    }
}

fn passages() -> Vec<Passage> {
    vec![
        Passage {
            uuid: "Compendium.home.conditions.Item.grab".into(),
            anchor: None,
            name: "Grabbed".into(),
            text: "You are held in place and off-guard.".into(),
        },
        Passage {
            uuid: "Compendium.home.actions.Item.step".into(),
            anchor: None,
            name: "Step".into(),
            text: "You carefully move 5 feet.".into(),
        },
    ]
}

fn input() -> AskInput {
    AskInput {
        prompt: Prompt {
            system: "system".into(),
            messages: vec![Message {
                role: Role::User,
                content: "Can I Step while grabbed?".into(),
            }],
        },
        passages: passages(),
    }
}

fn config() -> ChainConfig {
    ChainConfig {
        retry: RetryPolicy::default(),
        timeouts: Timeouts {
            first_byte_ms: 10_000,
            idle_ms: 5_000,
        },
        breaker: BreakerConfig::default(),
        seed: 7,
        withheld_for_consent: 0,
    }
}

fn openai_body(text: &str) -> String {
    format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}\n\n\
         data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}]}}\n\ndata: [DONE]\n\n",
        serde_json::to_string(text).unwrap()
    )
}

fn partial_body(text: &str) -> String {
    format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}\n\n",
        serde_json::to_string(text).unwrap()
    )
}

/// The chain plus a fake clock and everything it asked for.
/// The usual failover pair, "primary" then "backup", with the test config.
fn primary_and_backup(primary: Api, backup: Api) -> Harness {
    Harness::new(
        vec![provider("primary", primary), provider("backup", backup)],
        config(),
    )
}

struct Harness {
    chain: ProviderChain,
    now: u64,
    sent: Vec<(RequestId, String)>,
    aborted: Vec<RequestId>,
    events: Vec<(AskId, AskEvent)>,
}

impl Harness {
    fn new(providers: Vec<ProviderConfig>, config: ChainConfig) -> Harness {
        Harness {
            chain: ProviderChain::new(providers, config),
            now: 1_000_000,
            sent: Vec::new(),
            aborted: Vec::new(),
            events: Vec::new(),
        }
    }

    fn pump(&mut self) {
        while let Some(command) = self.chain.poll_command() {
            match command {
                Command::Send { request, http, .. } => self.sent.push((request, http.url)),
                Command::Abort { request } => self.aborted.push(request),
            }
        }
        while let Some(event) = self.chain.poll_event() {
            self.events.push(event);
        }
    }

    fn start(&mut self) -> AskId {
        let id = self.chain.start(input(), self.now);
        self.pump();
        id
    }

    fn last_request(&self) -> RequestId {
        self.sent.last().expect("a request was sent").0
    }

    fn respond(&mut self, status: u16, headers: &[(&str, &str)], body: &str) {
        let request = self.last_request();
        let headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.chain.handle_head(request, status, headers, self.now);
        self.chain.handle_data(request, body.as_bytes(), self.now);
        self.chain.handle_end(request, self.now);
        self.pump();
    }

    fn data(&mut self, body: &str) {
        let request = self.last_request();
        self.chain.handle_data(request, body.as_bytes(), self.now);
        self.pump();
    }

    fn head_ok(&mut self) {
        let request = self.last_request();
        self.chain.handle_head(request, 200, vec![], self.now);
        self.pump();
    }

    /// Advances the fake clock to the chain's next deadline and handles it; returns the wait.
    fn wait_for_deadline(&mut self) -> u64 {
        let deadline = self.chain.poll_timeout().expect("a deadline");
        let waited = deadline.saturating_sub(self.now);
        self.now = deadline.max(self.now);
        self.chain.handle_timeout(self.now);
        self.pump();
        waited
    }

    fn answer(&self, ask: AskId) -> &Answer {
        self.events
            .iter()
            .find_map(|(id, event)| match event {
                AskEvent::Done { answer } if *id == ask => Some(answer.as_ref()),
                _ => None,
            })
            .expect("the ask finished")
    }

    fn started(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|(_, event)| match event {
                AskEvent::Started { provider } => Some(provider.clone()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn a_streamed_answer_with_linked_citations() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let ask = h.start();
    assert_eq!(h.sent[0].1, "http://primary.test/v1/chat/completions");
    h.head_ok();
    h.data(&openai_body(
        "No: grabbed means you can't Step [2], see [1] and [7].",
    ));
    let deltas: Vec<_> = h
        .events
        .iter()
        .filter(|(_, e)| matches!(e, AskEvent::Delta { .. }))
        .collect();
    assert_eq!(deltas.len(), 1);
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("primary"));
    assert!(answer.offline.is_none() && answer.attempts.is_empty());
    assert_eq!(
        answer.text,
        "No: grabbed means you can't Step @UUID[Compendium.home.actions.Item.step]{Step}, see \
         @UUID[Compendium.home.conditions.Item.grab]{Grabbed}."
    );
    let names: Vec<_> = answer.citations.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Step", "Grabbed"]);
    // `[DONE]` came before the body closed: the transport is told to stop reading.
    assert_eq!(h.aborted, vec![h.last_request()]);
    assert_eq!(h.chain.active_asks(), 0);
    assert_eq!(h.chain.poll_timeout(), None);
}

#[test]
fn a_header_the_browser_refuses_fails_over_at_once_and_is_not_retried() {
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    let ask = h.start();
    let refused = TransportError::BadHeader {
        name: "authorization".into(),
    };
    h.chain.handle_error(h.last_request(), &refused, h.now);
    h.pump();
    assert_eq!(h.sent.len(), 2, "straight to the next provider, no backoff");
    assert_eq!(h.sent[1].1, "http://backup.test/v1/chat/completions");
    h.respond(200, &[], &openai_body("Yes [1]."));
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("backup"));
    assert_eq!(answer.attempts.len(), 1);
    assert_eq!(answer.attempts[0].kind, Some(FailureKind::InvalidRequest));
    assert!(answer.attempts[0].error.contains("authorization header"));
}

#[test]
fn a_refused_connection_is_retried_on_the_same_provider() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let ask = h.start();
    let refused = TransportError::Network("connection refused".into());
    h.chain.handle_error(h.last_request(), &refused, h.now);
    h.pump();
    assert_eq!(h.sent.len(), 1, "a backoff first");
    h.wait_for_deadline();
    assert_eq!(h.sent.len(), 2);
    h.respond(200, &[], &openai_body("Yes [1]."));
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("primary"));
    assert_eq!(answer.attempts[0].kind, Some(FailureKind::Connection));
    assert!(answer.attempts[0].error.contains("connection refused"));
}

#[test]
fn server_error_is_retried_with_backoff_then_succeeds() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let ask = h.start();
    h.respond(500, &[], "{\"error\":{\"message\":\"boom\"}}");
    let first_wait = h.wait_for_deadline();
    assert!(
        (375..=500).contains(&first_wait),
        "0.5 s less up to 25 % jitter, got {first_wait}"
    );
    h.respond(502, &[], "");
    let second_wait = h.wait_for_deadline();
    assert!(
        (750..=1000).contains(&second_wait),
        "1 s less jitter, got {second_wait}"
    );
    h.respond(200, &[], &openai_body("Yes [1]."));
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("primary"));
    let statuses: Vec<_> = answer.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(502)]);
    assert!(answer.attempts[0].error.contains("boom"));
}

#[test]
fn retry_after_seconds_and_http_date_are_honoured() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    h.start();
    h.respond(429, &[("Retry-After", "3")], "");
    assert_eq!(h.wait_for_deadline(), 3_000);
    // An HTTP date 7 s ahead of the fake clock (which is Unix milliseconds).
    h.now = 1_700_000_000_000;
    h.respond(429, &[("retry-after", "Tue, 14 Nov 2023 22:13:27 GMT")], "");
    assert_eq!(h.chain.poll_timeout(), Some(1_700_000_007_000));
}

#[test]
fn retry_after_of_a_minute_or_more_falls_back_to_backoff() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    h.start();
    h.respond(429, &[("retry-after", "600")], "");
    assert!(h.wait_for_deadline() <= 500);
}

#[test]
fn overloaded_529_exhausts_retries_then_fails_over() {
    let mut h = Harness::new(
        vec![
            provider("claude", Api::Anthropic),
            provider("backup", Api::OpenAi),
        ],
        config(),
    );
    let ask = h.start();
    assert_eq!(h.sent[0].1, "http://claude.test/v1/messages");
    for _ in 0..2 {
        h.respond(529, &[], "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        h.wait_for_deadline();
    }
    h.respond(529, &[], "");
    // Failover is immediate: no wait before the next provider.
    assert_eq!(
        h.sent.last().unwrap().1,
        "http://backup.test/v1/chat/completions"
    );
    h.respond(200, &[], &openai_body("Answer [1]."));
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("backup"));
    assert_eq!(answer.attempts.len(), 3);
    assert!(answer
        .attempts
        .iter()
        .all(|a| a.kind == Some(FailureKind::Overloaded)));
}

#[test]
fn a_refused_key_inside_the_stream_is_not_retried_but_a_stream_api_error_is() {
    let mut h = primary_and_backup(Api::Anthropic, Api::Anthropic);
    let ask = h.start();
    // A proxy answers 200 and reports the refused key as the stream's first event.
    let refused = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}\n\n";
    h.respond(200, &[], refused);
    assert_eq!(h.sent.len(), 2, "straight to the next provider");
    assert_eq!(h.sent[1].1, "http://backup.test/v1/messages");
    let api_error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"internal\"}}\n\n";
    h.respond(200, &[], api_error);
    h.wait_for_deadline();
    assert_eq!(
        h.sent.len(),
        3,
        "an api_error in the stream is retried on the same provider"
    );
    assert_eq!(h.sent[2].1, "http://backup.test/v1/messages");
    let done = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    h.respond(200, &[], done);
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("backup"));
    assert_eq!(answer.attempts[0].kind, Some(FailureKind::BadKey));
    assert_eq!(answer.attempts[1].kind, Some(FailureKind::StreamError));
}

#[test]
fn bad_key_is_never_retried_and_says_so() {
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    let ask = h.start();
    h.respond(
        401,
        &[],
        "{\"error\":{\"message\":\"Incorrect API key provided\"}}",
    );
    assert_eq!(h.sent.len(), 2);
    assert_eq!(h.sent[1].1, "http://backup.test/v1/chat/completions");
    h.respond(200, &[], &openai_body("ok"));
    let attempt = &h.answer(ask).attempts[0];
    assert_eq!(attempt.status, Some(401));
    assert_eq!(attempt.kind, Some(FailureKind::BadKey));
    assert!(
        attempt.error.starts_with("bad API key"),
        "{}",
        attempt.error
    );
}

#[test]
fn unknown_model_on_the_only_provider_gives_an_offline_answer() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let ask = h.start();
    h.respond(
        404,
        &[],
        "{\"error\":{\"message\":\"The model `m` does not exist\"}}",
    );
    assert_eq!(h.sent.len(), 1, "404 is not retried");
    let answer = h.answer(ask);
    assert_eq!(answer.provider, None);
    match &answer.offline {
        Some(OfflineReason::AllFailed { last_error }) => {
            assert!(last_error.contains("unknown model"), "{last_error}")
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
    assert!(answer.text.starts_with("**Offline answer**"));
    assert!(answer
        .text
        .contains("@UUID[Compendium.home.conditions.Item.grab]{Grabbed}"));
    assert_eq!(answer.citations.len(), 2);
}

#[test]
fn a_stream_dropping_mid_answer_resets_and_fails_over_cleanly() {
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    let ask = h.start();
    h.head_ok();
    h.data(&partial_body("The first provider says half of"));
    let request = h.last_request();
    h.chain.handle_error(
        request,
        &TransportError::Network("connection reset".into()),
        h.now,
    );
    h.pump();
    assert_eq!(h.sent.len(), 2, "failover without waiting");
    // Bytes arriving late for the dead request are ignored.
    h.chain
        .handle_data(request, partial_body("stale").as_bytes(), h.now);
    h.pump();
    h.respond(200, &[], &openai_body("A clean answer [2]."));
    let kinds: Vec<&str> = h
        .events
        .iter()
        .map(|(_, e)| match e {
            AskEvent::Started { .. } => "started",
            AskEvent::Delta { .. } => "delta",
            AskEvent::Reset { .. } => "reset",
            AskEvent::Done { .. } => "done",
        })
        .collect();
    assert_eq!(
        kinds,
        ["started", "delta", "reset", "started", "delta", "done"]
    );
    let answer = h.answer(ask);
    assert_eq!(answer.raw_text, "A clean answer [2].");
    assert_eq!(answer.attempts[0].kind, Some(FailureKind::StreamDropped));
}

#[test]
fn a_body_that_ends_early_on_the_last_provider_is_retried_there() {
    let mut h = Harness::new(vec![provider("only", Api::OpenAi)], config());
    let ask = h.start();
    h.respond(200, &[], &partial_body("half"));
    assert!(h
        .events
        .iter()
        .any(|(_, e)| matches!(e, AskEvent::Reset { .. })));
    h.wait_for_deadline();
    h.respond(200, &[], &openai_body("whole"));
    assert_eq!(h.answer(ask).raw_text, "whole");
}

#[test]
fn first_byte_timeout_aborts_and_retries() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let ask = h.start();
    let first = h.last_request();
    assert_eq!(h.wait_for_deadline(), 10_000);
    assert!(h.aborted.contains(&first));
    h.wait_for_deadline();
    assert_eq!(h.sent.len(), 2);
    h.respond(200, &[], &openai_body("late but fine"));
    assert_eq!(
        h.answer(ask).attempts[0].kind,
        Some(FailureKind::FirstByteTimeout)
    );
}

#[test]
fn silence_between_chunks_times_out_and_keep_alives_do_not() {
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    let ask = h.start();
    h.head_ok();
    h.data(&partial_body("Some"));
    for _ in 0..3 {
        h.now += 4_000;
        h.data(": keep-alive\n\n");
    }
    assert_eq!(h.chain.poll_timeout(), Some(h.now + 5_000));
    assert_eq!(h.wait_for_deadline(), 5_000);
    assert_eq!(h.sent.len(), 2);
    h.respond(200, &[], &openai_body("Backup answer."));
    let answer = h.answer(ask);
    assert_eq!(answer.attempts[0].kind, Some(FailureKind::IdleTimeout));
    assert_eq!(answer.raw_text, "Backup answer.");
}

#[test]
fn malformed_chunk_fails_over() {
    let mut h = primary_and_backup(Api::OpenAi, Api::Anthropic);
    let ask = h.start();
    h.respond(200, &[], "data: {\"choices\": [oops\n\n");
    h.wait_for_deadline();
    h.respond(200, &[], "data: {\"choices\": [oops\n\n");
    h.wait_for_deadline();
    h.respond(200, &[], "data: {\"choices\": [oops\n\n");
    let body = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Fine.\"}}\n\n\
                event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    h.respond(200, &[], body);
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("backup"));
    assert!(answer
        .attempts
        .iter()
        .all(|a| a.kind == Some(FailureKind::Malformed)));
}

#[test]
fn breaker_skips_a_failing_provider_until_a_probe_succeeds() {
    let mut h = Harness::new(
        vec![
            provider("primary", Api::OpenAi),
            provider("backup", Api::OpenAi),
        ],
        ChainConfig {
            retry: RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            },
            ..config()
        },
    );
    let first = h.start();
    h.respond(503, &[], "");
    h.respond(200, &[], &openai_body("from backup"));
    assert_eq!(h.answer(first).provider.as_deref(), Some("backup"));

    // Within the cool-down the primary is skipped without a request.
    h.now += 1_000;
    let second = h.start();
    assert_eq!(
        h.sent.last().unwrap().1,
        "http://backup.test/v1/chat/completions"
    );
    h.respond(200, &[], &openai_body("backup again"));
    let skipped = &h.answer(second).attempts[0];
    assert_eq!(
        (skipped.provider.as_str(), skipped.status),
        ("primary", None)
    );
    assert!(skipped.error.contains("circuit breaker"));

    // After the cool-down one probe goes to the primary; its success closes the breaker.
    h.now += 15_000;
    let third = h.start();
    assert_eq!(
        h.sent.last().unwrap().1,
        "http://primary.test/v1/chat/completions"
    );
    h.respond(200, &[], &openai_body("primary is back"));
    assert_eq!(h.answer(third).provider.as_deref(), Some("primary"));
    let fourth = h.start();
    assert_eq!(
        h.sent.last().unwrap().1,
        "http://primary.test/v1/chat/completions"
    );
    h.respond(200, &[], &openai_body("still fine"));
    assert!(h.answer(fourth).attempts.is_empty());
}

#[test]
fn breaker_opens_above_five_percent_over_a_minute() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    // 40 successes, then 2 retried failures in the same minute: 2/44 ≈ 4.5 % keeps it closed; a third opens it.
    for _ in 0..40 {
        h.start();
        h.respond(200, &[], &openai_body("ok"));
        h.now += 1_000;
    }
    let states = |h: &Harness| format!("{:?}", h.chain.providers().next().unwrap().1.state());
    for _ in 0..2 {
        h.start();
        h.respond(500, &[], "");
        h.wait_for_deadline();
        h.respond(200, &[], &openai_body("ok"));
    }
    assert_eq!(states(&h), "Closed");
    h.start();
    h.respond(500, &[], "");
    assert!(states(&h).starts_with("Open"), "{}", states(&h));
}

#[test]
fn with_every_provider_open_one_probe_is_forced_then_offline() {
    let mut h = Harness::new(vec![provider("only", Api::OpenAi)], config());
    let first = h.start();
    for _ in 0..2 {
        h.respond(500, &[], "");
        h.wait_for_deadline();
    }
    h.respond(500, &[], "");
    assert!(h.answer(first).offline.is_some());
    let sent_before = h.sent.len();
    let second = h.start();
    assert_eq!(h.sent.len(), sent_before + 1, "one forced probe");
    h.respond(500, &[], "");
    assert_eq!(
        h.sent.len(),
        sent_before + 1,
        "a failed probe is not retried"
    );
    assert!(matches!(
        h.answer(second).offline,
        Some(OfflineReason::AllFailed { .. })
    ));
}

#[test]
fn no_providers_means_an_offline_answer_at_once() {
    let mut h = Harness::new(vec![], config());
    let ask = h.start();
    assert!(h.sent.is_empty());
    let answer = h.answer(ask);
    assert_eq!(answer.offline, Some(OfflineReason::NoProviders));
    assert!(answer.text.contains("no AI provider is configured"));
}

#[test]
fn cancel_aborts_and_silences_the_ask() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let ask = h.start();
    h.head_ok();
    h.data(&partial_body("partial"));
    let request = h.last_request();
    h.chain.cancel(ask, h.now);
    h.pump();
    assert!(h.aborted.contains(&request));
    let events_before = h.events.len();
    h.data(&openai_body("more"));
    assert_eq!(h.events.len(), events_before);
    assert_eq!(h.chain.poll_timeout(), None);
    assert_eq!(h.chain.active_asks(), 0);
}

#[test]
fn many_asks_in_flight_are_independent() {
    let mut h = Harness::new(vec![provider("primary", Api::OpenAi)], config());
    let asks: Vec<AskId> = (0..50).map(|_| h.start()).collect();
    let requests: Vec<RequestId> = h.sent.iter().map(|(r, _)| *r).collect();
    for (index, request) in requests.iter().enumerate().rev() {
        h.chain.handle_head(*request, 200, vec![], h.now);
        h.chain.handle_data(
            *request,
            openai_body(&format!("answer {index}")).as_bytes(),
            h.now,
        );
    }
    h.pump();
    for (index, ask) in asks.iter().enumerate() {
        assert_eq!(h.answer(*ask).raw_text, format!("answer {index}"));
    }
    assert_eq!(h.started().len(), 50);
}

#[test]
fn each_call_is_observed_for_the_health_rules_except_configuration_errors() {
    use familiar_health::HealthEvent;
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    h.start();
    h.now += 700;
    h.respond(500, &[], "{\"error\": {\"message\": \"boom\"}}");
    // The retry goes out after its backoff; its first text comes 6 s after it was sent.
    h.wait_for_deadline();
    h.head_ok();
    h.now += 6_000;
    h.data(&partial_body("Yes, "));
    h.data(&openai_body("you can."));
    let observed: Vec<_> = std::iter::from_fn(|| h.chain.poll_observation()).collect();
    assert_eq!(
        observed,
        vec![
            HealthEvent::ProviderResponse {
                provider: "primary".into(),
                latency_ms: 700,
                ok: false
            },
            HealthEvent::ProviderResponse {
                provider: "primary".into(),
                latency_ms: 6_000,
                ok: true
            },
        ]
    );
    // A refused key is the GM's to fix: no observation.
    h.start();
    h.respond(401, &[], "{\"error\": {\"message\": \"bad key\"}}");
    assert_eq!(h.chain.poll_observation(), None);
}

/// Three answers over 5 s from the primary, as the health monitor measures them on a fake clock: it is marked
/// degraded, the next ask goes to the backup without trying it, and once the mark is lifted it is first again.
#[test]
fn a_provider_the_health_rules_mark_degraded_is_passed_over_for_the_next() {
    let mut monitor = familiar_health::Monitor::new();
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    for _ in 0..3 {
        h.chain.set_degraded(|name| monitor.is_degraded(name));
        let ask = h.start();
        h.head_ok();
        h.now += 5_001;
        h.data(&openai_body("Slowly, yes."));
        assert_eq!(h.answer(ask).provider.as_deref(), Some("primary"));
        while let Some(observation) = h.chain.poll_observation() {
            monitor.record(observation, h.now);
        }
    }
    assert!(monitor.is_degraded("primary"));
    assert!(!monitor.is_degraded("backup"));

    h.chain.set_degraded(|name| monitor.is_degraded(name));
    let sent_before = h.sent.len();
    let ask = h.start();
    assert_eq!(
        h.sent[sent_before].1,
        "http://backup.test/v1/chat/completions"
    );
    h.respond(200, &[], &openai_body("Quickly, yes."));
    let answer = h.answer(ask);
    assert_eq!(answer.provider.as_deref(), Some("backup"));
    assert_eq!(answer.attempts[0].provider, "primary");
    assert!(answer.attempts[0].error.contains("degraded"));

    // The slow-provider rule lifts the mark after its window; the primary is first again.
    h.now += familiar_health::RuleId::SlowProvider.rule().window_ms;
    monitor.tick(h.now);
    h.chain.set_degraded(|name| monitor.is_degraded(name));
    let sent_before = h.sent.len();
    h.start();
    assert_eq!(
        h.sent[sent_before].1,
        "http://primary.test/v1/chat/completions"
    );
}

#[test]
fn a_degraded_provider_is_still_used_when_nothing_healthier_comes_after_it() {
    let mut h = primary_and_backup(Api::OpenAi, Api::OpenAi);
    h.chain.set_degraded(|_| true);
    let ask = h.start();
    assert_eq!(h.sent[0].1, "http://primary.test/v1/chat/completions");
    h.respond(200, &[], &openai_body("Slow but here."));
    assert_eq!(h.answer(ask).provider.as_deref(), Some("primary"));

    h.chain.set_degraded(|name| name == "backup");
    h.start();
    assert_eq!(h.sent[1].1, "http://primary.test/v1/chat/completions");
}

#[test]
fn a_chain_emptied_for_want_of_consent_says_so_offline() {
    let mut h = Harness::new(
        Vec::new(),
        ChainConfig {
            withheld_for_consent: 2,
            ..config()
        },
    );
    let ask = h.start();
    assert!(h.sent.is_empty());
    assert_eq!(h.answer(ask).offline, Some(OfflineReason::NoConsent));
    let mut none = Harness::new(Vec::new(), config());
    let ask = none.start();
    assert_eq!(none.answer(ask).offline, Some(OfflineReason::NoProviders));
}
