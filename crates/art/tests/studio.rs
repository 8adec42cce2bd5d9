//! The Studio driven by hand with a fake clock: every fault the issue lists, answered byte for byte, with the
//! decode/classify/encode steps answered by the native codecs (classifier not run, as the CLI) unless a test
//! answers them itself.

use base64::Engine as _;
use familiar_art::codecs;
use familiar_art::job::Stage;
use familiar_art::{
    ApiKind, ArtOrder, AttemptStatus, Event, HttpResponse, JobReport, LayerVerdict, Method, Preset,
    ProviderConfig, RequestId, Studio, StudioSettings, Subject, Transmit, TransportError,
    Unclassified,
};
use image::{Rgba, RgbaImage};
use serde_json::json;

fn png(width: u32, height: u32, black: bool) -> Vec<u8> {
    let picture = RgbaImage::from_fn(width, height, |x, y| {
        if black {
            return Rgba([0, 0, 0, 255]);
        }
        let checker = if (x / 8 + y / 8) % 2 == 0 { 60 } else { 0 };
        Rgba([
            (x * 200 / width) as u8 + checker / 2,
            (y * 200 / height) as u8,
            90 + checker,
            255,
        ])
    });
    codecs::encode_png(&picture)
}

fn a1111_ok(width: u32, height: u32, black: bool) -> HttpResponse {
    let b64 = base64::engine::general_purpose::STANDARD.encode(png(width, height, black));
    HttpResponse::new(200, serde_json::to_vec(&json!({"images": [b64]})).unwrap())
}

fn provider(name: &str, api: ApiKind) -> ProviderConfig {
    ProviderConfig {
        name: name.into(),
        api,
        base_url: format!("http://{name}.test"),
        model: None,
        api_key: Some("key".into()),
        concurrency: None,
    }
}

fn settings() -> StudioSettings {
    StudioSettings {
        poll_interval_ms: 100,
        // The native driver has no classifier; tests of the classifier layer set this back.
        unclassified: Unclassified::Keep,
        ..StudioSettings::default()
    }
}

/// A provider's answer, then every codec step it leads to, answered natively.
fn respond(studio: &mut Studio, id: RequestId, response: HttpResponse, now: u64) {
    studio.handle_response(id, response, now);
    codecs::serve_all(studio, now);
}

fn order(text: &str) -> ArtOrder {
    ArtOrder {
        subject: Subject::Text { text: text.into() },
        presets: vec![Preset::Portrait],
        variants: 1,
    }
}

fn drain(studio: &mut Studio, now: u64) -> Vec<Transmit> {
    std::iter::from_fn(|| studio.poll_transmit(now)).collect()
}

fn finished(studio: &mut Studio) -> Option<JobReport> {
    std::iter::from_fn(|| studio.poll_event()).find_map(|event| match event {
        Event::Finished { report, .. } => Some(report),
        _ => None,
    })
}

fn statuses(report: &JobReport) -> Vec<AttemptStatus> {
    report.attempts.iter().map(|a| a.status).collect()
}

#[test]
fn a_clean_answer_becomes_a_checked_webp_portrait() {
    let mut studio = Studio::new(vec![provider("a1111", ApiKind::A1111)], settings(), 1).unwrap();
    let job = studio.submit(order("an orc with a bloody axe"), 0).unwrap();
    let sent = drain(&mut studio, 0);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request.url, "http://a1111.test/sdapi/v1/txt2img");
    assert_eq!(sent[0].job, job);
    respond(&mut studio, sent[0].id, a1111_ok(512, 512, false), 50);
    let events: Vec<Event> = std::iter::from_fn(|| studio.poll_event()).collect();
    let image = events
        .iter()
        .find_map(|e| match e {
            Event::Image { image, .. } => Some(image.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((image.width, image.height), (512, 512));
    assert!(image.webp.starts_with(b"RIFF"));
    assert!(image.score.overall > 40.0);
    assert!(matches!(
        image.safety.image_classifier,
        LayerVerdict::NotRun { .. }
    ));
    let report = events.iter().find_map(|e| match e {
        Event::Finished { report, .. } => Some(report.clone()),
        _ => None,
    });
    let report = report.unwrap();
    assert_eq!(
        (report.images, report.blocked, report.provider.as_deref()),
        (1, false, Some("a1111"))
    );
    assert_eq!(statuses(&report), [AttemptStatus::Ok]);
    assert_eq!(studio.active_jobs(), 0);
}

#[test]
fn a_500_is_retried_after_a_backoff_and_429_waits_for_retry_after() {
    let mut studio = Studio::new(vec![provider("a1111", ApiKind::A1111)], settings(), 2).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let first = drain(&mut studio, 0).remove(0);
    respond(
        &mut studio,
        first.id,
        HttpResponse::new(500, b"boom".to_vec()),
        10,
    );
    assert!(drain(&mut studio, 10).is_empty(), "waits before retrying");
    let wake = studio.poll_timeout().unwrap();
    assert!((10 + 250..=10 + 500).contains(&wake), "{wake}");
    studio.handle_timeout(wake);
    let second = drain(&mut studio, wake).remove(0);
    let limited = HttpResponse::new(429, vec![]).with_header("Retry-After", "3");
    respond(&mut studio, second.id, limited, wake);
    assert!(studio.poll_timeout().unwrap() >= wake + 3000);
    studio.handle_timeout(wake + 3000);
    let third = drain(&mut studio, wake + 3000).remove(0);
    respond(
        &mut studio,
        third.id,
        a1111_ok(512, 512, false),
        wake + 3100,
    );
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        statuses(&report),
        [
            AttemptStatus::Retry,
            AttemptStatus::Retry,
            AttemptStatus::Ok
        ]
    );
    assert!(report.attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("HTTP 500"));
}

#[test]
fn a_401_fails_over_down_the_chain() {
    let chain = vec![
        provider("openai", ApiKind::Openai),
        provider("local", ApiKind::A1111),
    ];
    let mut studio = Studio::new(
        chain,
        StudioSettings {
            openai_moderation: false,
            ..settings()
        },
        3,
    )
    .unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let first = drain(&mut studio, 0).remove(0);
    assert!(first.request.url.ends_with("/images/generations"));
    let denied = HttpResponse::new(
        401,
        serde_json::to_vec(&json!({"error": {"message": "bad key"}})).unwrap(),
    );
    respond(&mut studio, first.id, denied, 5);
    let second = drain(&mut studio, 5).remove(0);
    assert!(second.request.url.ends_with("/sdapi/v1/txt2img"));
    respond(&mut studio, second.id, a1111_ok(512, 512, false), 9);
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        statuses(&report),
        [AttemptStatus::Failover, AttemptStatus::Ok]
    );
    assert_eq!(
        report.attempts[0].error.as_deref(),
        Some("HTTP 401: bad key")
    );
}

#[test]
fn a_provider_content_filter_blocks_without_shopping_around() {
    let chain = vec![
        provider("stability", ApiKind::Stability),
        provider("local", ApiKind::A1111),
    ];
    let mut studio = Studio::new(chain, settings(), 4).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let first = drain(&mut studio, 0).remove(0);
    assert!(first
        .request
        .url
        .ends_with("/v2beta/stable-image/generate/core"));
    let filtered = HttpResponse::new(200, png(1024, 1024, false))
        .with_header("finish-reason", "CONTENT_FILTERED");
    respond(&mut studio, first.id, filtered, 5);
    assert!(
        drain(&mut studio, 5).is_empty(),
        "never sent to the next provider"
    );
    let report = finished(&mut studio).unwrap();
    assert!(report.blocked);
    assert!(matches!(
        report.safety.provider_filter,
        LayerVerdict::Blocked { .. }
    ));
    assert_eq!(report.safety.prompt_filter, LayerVerdict::Passed);
    assert_eq!(statuses(&report), [AttemptStatus::Filtered]);
}

#[test]
fn a_black_placeholder_is_retried_once_then_the_chain_moves_on() {
    let chain = vec![provider("a", ApiKind::A1111), provider("b", ApiKind::A1111)];
    let mut studio = Studio::new(chain, settings(), 5).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let first = drain(&mut studio, 0).remove(0);
    respond(&mut studio, first.id, a1111_ok(512, 512, true), 0);
    let now = studio.poll_timeout().unwrap();
    studio.handle_timeout(now);
    let retry = drain(&mut studio, now).remove(0);
    assert!(retry.request.url.starts_with("http://a.test"));
    respond(&mut studio, retry.id, a1111_ok(512, 512, true), now);
    let sent = drain(&mut studio, now);
    assert_eq!(sent.len(), 1, "a finished request is not interrupted");
    let third = &sent[0];
    assert!(third.request.url.starts_with("http://b.test"));
    respond(&mut studio, third.id, a1111_ok(512, 256, false), now);
    let wake = studio.poll_timeout().unwrap();
    studio.handle_timeout(wake);
    let fourth = drain(&mut studio, wake).remove(0);
    respond(&mut studio, fourth.id, a1111_ok(512, 512, false), wake);
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        statuses(&report),
        [
            AttemptStatus::Retry,
            AttemptStatus::Failover,
            AttemptStatus::Retry,
            AttemptStatus::Ok
        ]
    );
    assert!(report.attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("black placeholder"));
    assert!(
        report.attempts[2]
            .error
            .as_deref()
            .unwrap()
            .contains("512×256"),
        "{:?}",
        report.attempts
    );
}

#[test]
fn a_stalled_horde_job_uses_up_its_budget_is_cancelled_and_fails_over() {
    let mut horde = provider("horde", ApiKind::Horde);
    horde.api_key = None;
    let chain = vec![horde, provider("local", ApiKind::A1111)];
    let short = StudioSettings {
        image_budget_ms: 1_000,
        poll_interval_ms: 200,
        ..settings()
    };
    let mut studio = Studio::new(chain, short, 6).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let submit = drain(&mut studio, 0).remove(0);
    assert_eq!(submit.request.header_value("apikey"), Some("0000000000"));
    let accepted = HttpResponse::new(202, serde_json::to_vec(&json!({"id": "job-1"})).unwrap());
    respond(&mut studio, submit.id, accepted, 10);
    let mut now;
    let mut checks = 0;
    let local =
        loop {
            now = studio.poll_timeout().unwrap();
            studio.handle_timeout(now);
            let sent = drain(&mut studio, now);
            if let Some(local) = sent
                .iter()
                .find(|t| t.request.url.starts_with("http://local.test"))
            {
                assert!(sent.iter().any(|t| t.request.method == Method::Delete
                    && t.request.url.ends_with("/status/job-1")));
                break local.clone();
            }
            for check in sent {
                checks += 1;
                let waiting = json!({"done": false, "is_possible": true, "wait_time": 60});
                respond(
                    &mut studio,
                    check.id,
                    HttpResponse::new(200, serde_json::to_vec(&waiting).unwrap()),
                    now,
                );
            }
        };
    assert!(now >= 1_000 && checks >= 3, "{now} {checks}");
    respond(&mut studio, local.id, a1111_ok(512, 512, false), now);
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        statuses(&report),
        [AttemptStatus::Failover, AttemptStatus::Ok]
    );
    assert!(report.attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("gave up after 1000 ms"));
}

#[test]
fn step_timeouts_and_network_errors_are_retried() {
    let quick = StudioSettings {
        step_timeout_ms: 500,
        ..settings()
    };
    let mut studio = Studio::new(vec![provider("a", ApiKind::A1111)], quick, 7).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let first = drain(&mut studio, 0).remove(0);
    assert_eq!(first.deadline, 500);
    studio.handle_timeout(500);
    // The late answer to the timed-out request is ignored.
    respond(&mut studio, first.id, a1111_ok(512, 512, false), 600);
    let wake = studio.poll_timeout().unwrap();
    studio.handle_timeout(wake);
    let second = drain(&mut studio, wake).remove(0);
    studio.handle_transport_error(
        second.id,
        TransportError::Network("refused".into()),
        wake + 1,
    );
    let wake = studio.poll_timeout().unwrap();
    studio.handle_timeout(wake);
    let third = drain(&mut studio, wake).remove(0);
    respond(&mut studio, third.id, a1111_ok(512, 512, false), wake + 1);
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        statuses(&report),
        [
            AttemptStatus::Retry,
            AttemptStatus::Retry,
            AttemptStatus::Ok
        ]
    );
    assert!(report.attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("no answer within 500 ms"));
}

#[test]
fn a_blocked_prompt_sends_nothing() {
    let mut studio = Studio::new(vec![provider("a", ApiKind::A1111)], settings(), 8).unwrap();
    studio.submit(order("a nude elf"), 0).unwrap();
    assert!(drain(&mut studio, 0).is_empty());
    let report = finished(&mut studio).unwrap();
    assert!(report.blocked);
    assert!(report.reason.unwrap().contains("sexual content"));
    assert!(report.attempts.is_empty());
}

#[test]
fn the_queue_keeps_to_the_concurrency_limit_and_batches_portrait_and_token() {
    let mut local = provider("a", ApiKind::A1111);
    local.concurrency = Some(2);
    let mut studio = Studio::new(vec![local], settings(), 9).unwrap();
    let batch = ArtOrder {
        subject: Subject::Text {
            text: "a kobold".into(),
        },
        presets: vec![Preset::Portrait, Preset::Token],
        variants: 2,
    };
    studio.submit(batch, 0).unwrap();
    let mut served = 0;
    let mut now = 0;
    loop {
        let sent = drain(&mut studio, now);
        if sent.is_empty() {
            break;
        }
        assert!(sent.len() <= 2, "at most two in flight");
        for transmit in sent {
            respond(&mut studio, transmit.id, a1111_ok(512, 512, false), now);
            served += 1;
        }
        now += 10;
    }
    assert_eq!(served, 4);
    let events: Vec<Event> = std::iter::from_fn(|| studio.poll_event()).collect();
    let images: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Image { image, .. } => Some(image),
            _ => None,
        })
        .collect();
    assert_eq!(images.len(), 4);
    let token = images.iter().find(|i| i.preset == Preset::Token).unwrap();
    assert_eq!(
        (token.width, token.height, token.name_suffix.as_str()),
        (400, 400, "-token")
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Progress {
            finished: 4,
            total: 4,
            stage: Stage::ImageDone,
            ..
        }
    )));
}

#[test]
fn cancel_finishes_the_job_and_frees_provider_work() {
    let mut studio =
        Studio::new(vec![provider("comfy", ApiKind::Comfyui)], settings(), 10).unwrap();
    let job = studio.submit(order("a goblin"), 0).unwrap();
    let submit = drain(&mut studio, 0).remove(0);
    let queued = json!({"prompt_id": "p-9", "number": 1, "node_errors": {}});
    respond(
        &mut studio,
        submit.id,
        HttpResponse::new(200, serde_json::to_vec(&queued).unwrap()),
        5,
    );
    studio.cancel(job, 6);
    let cancels = drain(&mut studio, 6);
    assert!(cancels.iter().any(|t| t.request.url.ends_with("/queue")));
    assert!(cancels
        .iter()
        .any(|t| t.request.url.ends_with("/interrupt")));
    let report = finished(&mut studio).unwrap();
    assert!(report.cancelled);
    assert_eq!(statuses(&report), [AttemptStatus::Cancelled]);
    assert_eq!(studio.poll_timeout(), None);
}

#[test]
fn openai_moderation_runs_first_and_can_block() {
    let chain = vec![provider("openai", ApiKind::Openai)];
    let mut studio = Studio::new(chain, settings(), 11).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let sent = drain(&mut studio, 0);
    assert_eq!(sent.len(), 1, "images wait for the moderation answer");
    assert!(sent[0].request.url.ends_with("/moderations"));
    let flagged = json!({"results": [{"flagged": true, "categories": {"sexual": true}}]});
    respond(
        &mut studio,
        sent[0].id,
        HttpResponse::new(200, serde_json::to_vec(&flagged).unwrap()),
        3,
    );
    assert!(drain(&mut studio, 3).is_empty());
    let report = finished(&mut studio).unwrap();
    assert!(report.blocked);
    assert!(report.reason.unwrap().contains("OpenAI moderation: sexual"));
}

/// Moderation as the second gate, failing: a timeout or a 5xx lets the job go on (our prompt filter has decided
/// already) and the report tells the GM that moderation was unavailable.
#[test]
fn unavailable_moderation_leaves_the_decision_to_the_prompt_filter_and_says_so() {
    let chain = vec![
        provider("openai", ApiKind::Openai),
        provider("a1111", ApiKind::A1111),
    ];
    // A 503 from the endpoint.
    let mut studio = Studio::new(chain.clone(), settings(), 12).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let moderation = drain(&mut studio, 0).remove(0);
    respond(
        &mut studio,
        moderation.id,
        HttpResponse::new(503, b"busy".to_vec()),
        3,
    );
    let sent = drain(&mut studio, 3);
    assert_eq!(sent.len(), 1, "the image is asked for after all");
    assert!(!sent[0].request.url.ends_with("/moderations"));
    let finish_with_a1111 = |studio: &mut Studio, transmit: Transmit, now| {
        // The OpenAI provider is first; fail it over to A1111 so the job ends with an image.
        studio.handle_transport_error(transmit.id, TransportError::Network("down".into()), now);
        for retry in 1..=3u64 {
            for t in drain(studio, now + retry * 10_000) {
                if t.request.url.contains("a1111") {
                    respond(
                        studio,
                        t.id,
                        a1111_ok(512, 512, false),
                        now + retry * 10_000,
                    );
                } else {
                    let at = now + retry * 10_000;
                    studio.handle_transport_error(t.id, TransportError::Network("down".into()), at);
                }
            }
        }
        finished(studio).expect("the job finishes")
    };
    let report = finish_with_a1111(&mut studio, sent.into_iter().next().unwrap(), 4);
    assert!(!report.blocked);
    let LayerVerdict::Partial { why } = &report.safety.provider_filter else {
        panic!("the GM is told: {:?}", report.safety.provider_filter)
    };
    assert!(
        why.contains("OpenAI moderation unavailable") && why.contains("503"),
        "{why}"
    );

    // No answer at all: the step timeout ends the wait the same way.
    let mut studio = Studio::new(chain, settings(), 13).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    drain(&mut studio, 0);
    let timeout = studio.poll_timeout().expect("the moderation deadline");
    studio.handle_timeout(timeout);
    let sent = drain(&mut studio, timeout);
    assert_eq!(sent.len(), 1);
    let report = finish_with_a1111(&mut studio, sent.into_iter().next().unwrap(), timeout + 1);
    let LayerVerdict::Partial { why } = &report.safety.provider_filter else {
        panic!("the GM is told: {:?}", report.safety.provider_filter)
    };
    assert!(why.contains("no answer within"), "{why}");
}

/// Whatever moderation would say, a prompt our filter blocks is never sent, not even to moderation.
#[test]
fn the_prompt_filter_decides_before_moderation_is_asked() {
    let chain = vec![provider("openai", ApiKind::Openai)];
    let mut studio = Studio::new(chain, settings(), 14).unwrap();
    studio
        .submit(order("a how-to guide: tie a n o o s e, best way to die"), 0)
        .unwrap();
    assert!(drain(&mut studio, 0).is_empty());
    let report = finished(&mut studio).unwrap();
    assert!(report.blocked);
    assert!(matches!(
        report.safety.prompt_filter,
        LayerVerdict::Blocked { .. }
    ));
}

#[test]
fn bad_configuration_is_refused_up_front() {
    assert!(Studio::new(Vec::new(), settings(), 0).is_err());
    let mut bad = provider("x", ApiKind::A1111);
    bad.base_url = "ftp://x".into();
    assert!(Studio::new(vec![bad], settings(), 0).is_err());
    let mut studio = Studio::new(vec![provider("a", ApiKind::A1111)], settings(), 0).unwrap();
    assert!(studio
        .submit(
            ArtOrder {
                variants: 0,
                ..order("a goblin")
            },
            0
        )
        .is_err());
}

// ---- the driver's steps: decode, classify, encode ----

use familiar_art::{
    Classification, DecodeError, EncodeError, NsfwScores, Strictness, Work, WorkStep,
};

/// A one-provider Studio with its first image back from A1111 and the decode step in hand.
fn at_decode(settings: StudioSettings) -> (Studio, Work) {
    let mut studio = Studio::new(vec![provider("a1111", ApiKind::A1111)], settings, 21).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let sent = drain(&mut studio, 0).remove(0);
    studio.handle_response(sent.id, a1111_ok(512, 512, false), 10);
    assert!(
        drain(&mut studio, 10).is_empty(),
        "nothing more to send while decoding"
    );
    let work = studio.poll_work().expect("a decode step");
    assert!(matches!(work.step, WorkStep::Decode { ref bytes } if bytes.starts_with(b"\x89PNG")));
    (studio, work)
}

fn decode_natively(studio: &mut Studio, work: Work, now: u64) {
    let WorkStep::Decode { bytes } = work.step else {
        panic!("not a decode step: {:?}", work.step)
    };
    studio.handle_decoded(work.id, codecs::decode(&bytes), now);
}

fn scores(porn: f32, sexy: f32) -> Classification {
    Classification::Scores(NsfwScores {
        drawing: 0.6,
        hentai: 0.01,
        neutral: (0.39 - porn - sexy).max(0.0),
        porn,
        sexy,
    })
}

#[test]
fn each_step_is_asked_for_in_turn_with_a_deadline_and_the_classifier_sees_the_checked_pixels() {
    let (mut studio, decode) = at_decode(StudioSettings {
        strictness: Strictness::Strict,
        unclassified: Unclassified::ByStrictness,
        ..settings()
    });
    assert_eq!(decode.deadline, 10 + 15_000);
    assert_eq!(studio.poll_timeout(), Some(decode.deadline));
    decode_natively(&mut studio, decode, 20);
    let classify = studio.poll_work().unwrap();
    let WorkStep::Classify { pixels } = &classify.step else {
        panic!("{:?}", classify.step)
    };
    assert_eq!(pixels.dimensions(), (512, 512));
    studio.handle_classified(classify.id, scores(0.01, 0.02), 30);
    let encode = studio.poll_work().unwrap();
    let WorkStep::Encode { pixels, lossless } = encode.step else {
        panic!("{:?}", encode.step)
    };
    assert!(!lossless, "portraits may be lossy");
    assert!(studio.poll_work().is_none());
    studio.handle_encoded(encode.id, codecs::encode_webp(&pixels, false), 40);
    let events: Vec<Event> = std::iter::from_fn(|| studio.poll_event()).collect();
    let image = events
        .iter()
        .find_map(|e| match e {
            Event::Image { image, .. } => Some(image.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(image.safety.image_classifier, LayerVerdict::Passed);
    assert_eq!(
        (image.mime.as_str(), image.extension.as_str()),
        ("image/webp", "webp")
    );
    let stages: Vec<Stage> = events
        .iter()
        .filter_map(|e| match e {
            Event::Progress { stage, .. } => Some(*stage),
            _ => None,
        })
        .collect();
    assert_eq!(
        stages,
        [
            Stage::Submitted,
            Stage::Checking,
            Stage::Classifying,
            Stage::Encoding,
            Stage::ImageDone
        ]
    );
    let report = events.iter().find_map(|e| match e {
        Event::Finished { report, .. } => Some(report.clone()),
        _ => None,
    });
    assert_eq!(
        report.unwrap().safety.image_classifier,
        LayerVerdict::Passed
    );
}

#[test]
fn a_decode_error_is_an_undecodable_image_retried_once_then_failed_over() {
    let chain = vec![provider("a", ApiKind::A1111), provider("b", ApiKind::A1111)];
    let mut studio = Studio::new(chain, settings(), 22).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let mut now = 0;
    for expected in ["http://a.test", "http://a.test", "http://b.test"] {
        let mut sent = drain(&mut studio, now);
        if sent.is_empty() {
            // The retry waits for its backoff; the failover goes at once.
            now = studio.poll_timeout().unwrap();
            studio.handle_timeout(now);
            sent = drain(&mut studio, now);
        }
        let sent = sent.remove(0);
        assert!(
            sent.request.url.starts_with(expected),
            "{}",
            sent.request.url
        );
        studio.handle_response(sent.id, a1111_ok(512, 512, false), now);
        let work = studio.poll_work().unwrap();
        if expected == "http://b.test" {
            decode_natively(&mut studio, work, now);
            codecs::serve_all(&mut studio, now);
            break;
        }
        let broken = DecodeError {
            detail: "The source image cannot be decoded.".into(),
        };
        studio.handle_decoded(work.id, Err(broken), now);
    }
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        statuses(&report),
        [
            AttemptStatus::Retry,
            AttemptStatus::Failover,
            AttemptStatus::Ok
        ]
    );
    assert!(report.attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("not a PNG, JPEG or WebP image: The source image cannot be decoded."));
}

/// Runs one image to its classify step and answers it; the job's report.
fn classified(
    strictness: Strictness,
    unclassified: Unclassified,
    answer: Classification,
) -> (JobReport, Vec<Transmit>) {
    let chain = vec![provider("a", ApiKind::A1111), provider("b", ApiKind::A1111)];
    let custom = StudioSettings {
        strictness,
        unclassified,
        ..settings()
    };
    let mut studio = Studio::new(chain, custom, 23).unwrap();
    studio.submit(order("a goblin"), 0).unwrap();
    let sent = drain(&mut studio, 0).remove(0);
    studio.handle_response(sent.id, a1111_ok(512, 512, false), 5);
    let decode = studio.poll_work().unwrap();
    decode_natively(&mut studio, decode, 6);
    let classify = studio.poll_work().unwrap();
    studio.handle_classified(classify.id, answer, 7);
    codecs::serve_all(&mut studio, 8);
    let later = drain(&mut studio, 8);
    (finished(&mut studio).expect("the job finished"), later)
}

#[test]
fn a_flagged_image_is_discarded_at_strict_and_never_shopped_around() {
    let (report, later) = classified(
        Strictness::Strict,
        Unclassified::ByStrictness,
        scores(0.3, 0.1),
    );
    assert!(later.is_empty(), "not sent to the next provider");
    assert_eq!(report.images, 0);
    assert!(report.blocked);
    assert_eq!(statuses(&report), [AttemptStatus::Discarded]);
    let LayerVerdict::Blocked { reason } = &report.safety.image_classifier else {
        panic!("{:?}", report.safety)
    };
    assert!(reason.contains("porn 0.30"), "{reason}");
    assert_eq!(
        report.reason.as_deref(),
        Some(reason.as_str()),
        "the GM is told why"
    );
    assert_eq!(report.safety.provider_filter, LayerVerdict::Passed);
}

#[test]
fn the_same_scores_pass_when_the_gm_chose_relaxed() {
    let (report, _) = classified(
        Strictness::Relaxed,
        Unclassified::ByStrictness,
        scores(0.3, 0.1),
    );
    assert_eq!((report.images, report.blocked), (1, false));
    assert_eq!(report.safety.image_classifier, LayerVerdict::Passed);
}

#[test]
fn an_unavailable_classifier_blocks_the_image_at_strict_but_not_at_standard() {
    let missing = || Classification::NotRun {
        why: "nsfwjs did not load".into(),
    };
    let (report, _) = classified(Strictness::Strict, Unclassified::ByStrictness, missing());
    assert_eq!((report.images, report.blocked), (0, true));
    assert!(report
        .reason
        .as_deref()
        .unwrap()
        .starts_with("classifier unavailable (nsfwjs did not load)"));
    let (report, _) = classified(Strictness::Standard, Unclassified::ByStrictness, missing());
    assert_eq!((report.images, report.blocked), (1, false));
    assert_eq!(
        report.safety.image_classifier,
        LayerVerdict::NotRun {
            why: "nsfwjs did not load".into()
        }
    );
}

#[test]
fn an_encode_failure_gives_the_image_up_without_another_generation() {
    let (mut studio, decode) = at_decode(settings());
    decode_natively(&mut studio, decode, 20);
    let classify = studio.poll_work().unwrap();
    studio.handle_classified(classify.id, scores(0.0, 0.0), 21);
    let encode = studio.poll_work().unwrap();
    let failed = EncodeError {
        detail: "convertToBlob: out of memory".into(),
    };
    studio.handle_encoded(encode.id, Err(failed), 22);
    assert!(drain(&mut studio, 22).is_empty());
    let report = finished(&mut studio).unwrap();
    assert_eq!((report.images, report.failed), (0, 1));
    assert_eq!(statuses(&report), [AttemptStatus::GaveUp]);
    assert!(report.attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("out of memory"));
}

#[test]
fn png_from_a_browser_without_a_webp_encoder_is_named_png_and_garbage_is_refused() {
    for (bytes, outcome) in [
        (codecs::encode_png(&RgbaImage::new(4, 4)), Some("png")),
        (b"GIF89a....".to_vec(), None),
    ] {
        let (mut studio, decode) = at_decode(settings());
        decode_natively(&mut studio, decode, 20);
        let classify = studio.poll_work().unwrap();
        studio.handle_classified(classify.id, scores(0.0, 0.0), 21);
        let encode = studio.poll_work().unwrap();
        studio.handle_encoded(encode.id, Ok(bytes), 22);
        let events: Vec<Event> = std::iter::from_fn(|| studio.poll_event()).collect();
        let image = events.iter().find_map(|e| match e {
            Event::Image { image, .. } => Some(image.clone()),
            _ => None,
        });
        assert_eq!(image.map(|i| i.extension), outcome.map(str::to_string));
    }
}

#[test]
fn unanswered_steps_time_out_on_the_studio_clock() {
    let quick = StudioSettings {
        work_timeout_ms: 300,
        strictness: Strictness::Strict,
        unclassified: Unclassified::ByStrictness,
        ..settings()
    };
    // A decoder that never answers: the image counts as undecodable and is retried on the same provider.
    let (mut studio, decode) = at_decode(quick.clone());
    assert_eq!(studio.poll_timeout(), Some(310));
    studio.handle_timeout(310);
    let retry_at = studio.poll_timeout().unwrap();
    studio.handle_timeout(retry_at);
    assert_eq!(drain(&mut studio, retry_at).len(), 1, "a second generation");
    studio.handle_decoded(decode.id, codecs::decode(&[]), retry_at);
    // A classifier that never answers counts as not run: at strict the image is discarded.
    let (mut studio, decode) = at_decode(quick.clone());
    decode_natively(&mut studio, decode, 20);
    let classify = studio.poll_work().unwrap();
    studio.handle_timeout(classify.deadline);
    studio.handle_classified(classify.id, scores(0.0, 0.0), classify.deadline + 1);
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        (report.images, report.blocked),
        (0, true),
        "the late answer is ignored"
    );
    assert!(report.reason.unwrap().contains("no answer within 300 ms"));
    // An encoder that never answers: the image is given up.
    let (mut studio, decode) = at_decode(quick);
    decode_natively(&mut studio, decode, 20);
    let classify = studio.poll_work().unwrap();
    studio.handle_classified(classify.id, scores(0.0, 0.0), 21);
    let encode = studio.poll_work().unwrap();
    studio.handle_timeout(encode.deadline);
    let report = finished(&mut studio).unwrap();
    assert_eq!(
        (report.failed, statuses(&report)),
        (1, vec![AttemptStatus::GaveUp])
    );
    assert_eq!(studio.poll_timeout(), None);
}

#[test]
fn cancel_during_a_step_drops_its_work() {
    let (mut studio, decode) = at_decode(settings());
    studio.cancel(decode.job, 20);
    assert!(
        drain(&mut studio, 20).is_empty(),
        "no provider work left to cancel"
    );
    studio.handle_decoded(decode.id, codecs::decode(&[]), 21);
    let report = finished(&mut studio).unwrap();
    assert!(report.cancelled);
    assert!(studio.poll_work().is_none());
    assert_eq!(studio.poll_timeout(), None);
}
