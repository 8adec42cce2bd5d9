//! The Studio driven by hand with a fake clock: every fault the issue lists, answered byte for byte.

use base64::Engine as _;
use familiar_art::job::Stage;
use familiar_art::{
    ApiKind, ArtOrder, AttemptStatus, Event, HttpResponse, JobReport, LayerVerdict, Method, Preset,
    ProviderConfig, Studio, StudioSettings, Subject, Transmit, TransportError,
};
use image::{ImageEncoder, Rgba, RgbaImage};
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
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
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
        ..StudioSettings::default()
    }
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
    studio.handle_response(sent[0].id, a1111_ok(512, 512, false), 50);
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
    studio.handle_response(first.id, HttpResponse::new(500, b"boom".to_vec()), 10);
    assert!(drain(&mut studio, 10).is_empty(), "waits before retrying");
    let wake = studio.poll_timeout().unwrap();
    assert!((10 + 250..=10 + 500).contains(&wake), "{wake}");
    studio.handle_timeout(wake);
    let second = drain(&mut studio, wake).remove(0);
    let limited = HttpResponse::new(429, vec![]).with_header("Retry-After", "3");
    studio.handle_response(second.id, limited, wake);
    assert!(studio.poll_timeout().unwrap() >= wake + 3000);
    studio.handle_timeout(wake + 3000);
    let third = drain(&mut studio, wake + 3000).remove(0);
    studio.handle_response(third.id, a1111_ok(512, 512, false), wake + 3100);
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
    studio.handle_response(first.id, denied, 5);
    let second = drain(&mut studio, 5).remove(0);
    assert!(second.request.url.ends_with("/sdapi/v1/txt2img"));
    studio.handle_response(second.id, a1111_ok(512, 512, false), 9);
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
    studio.handle_response(first.id, filtered, 5);
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
    studio.handle_response(first.id, a1111_ok(512, 512, true), 0);
    let now = studio.poll_timeout().unwrap();
    studio.handle_timeout(now);
    let retry = drain(&mut studio, now).remove(0);
    assert!(retry.request.url.starts_with("http://a.test"));
    studio.handle_response(retry.id, a1111_ok(512, 512, true), now);
    let sent = drain(&mut studio, now);
    assert_eq!(sent.len(), 1, "a finished request is not interrupted");
    let third = &sent[0];
    assert!(third.request.url.starts_with("http://b.test"));
    studio.handle_response(third.id, a1111_ok(512, 256, false), now);
    let wake = studio.poll_timeout().unwrap();
    studio.handle_timeout(wake);
    let fourth = drain(&mut studio, wake).remove(0);
    studio.handle_response(fourth.id, a1111_ok(512, 512, false), wake);
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
    studio.handle_response(submit.id, accepted, 10);
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
                studio.handle_response(
                    check.id,
                    HttpResponse::new(200, serde_json::to_vec(&waiting).unwrap()),
                    now,
                );
            }
        };
    assert!(now >= 1_000 && checks >= 3, "{now} {checks}");
    studio.handle_response(local.id, a1111_ok(512, 512, false), now);
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
    studio.handle_response(first.id, a1111_ok(512, 512, false), 600);
    let wake = studio.poll_timeout().unwrap();
    studio.handle_timeout(wake);
    let second = drain(&mut studio, wake).remove(0);
    studio.handle_transport_error(
        second.id,
        TransportError::Connect("refused".into()),
        wake + 1,
    );
    let wake = studio.poll_timeout().unwrap();
    studio.handle_timeout(wake);
    let third = drain(&mut studio, wake).remove(0);
    studio.handle_response(third.id, a1111_ok(512, 512, false), wake + 1);
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
            studio.handle_response(transmit.id, a1111_ok(512, 512, false), now);
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
    studio.handle_response(
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
    studio.handle_response(
        sent[0].id,
        HttpResponse::new(200, serde_json::to_vec(&flagged).unwrap()),
        3,
    );
    assert!(drain(&mut studio, 3).is_empty());
    let report = finished(&mut studio).unwrap();
    assert!(report.blocked);
    assert!(report.reason.unwrap().contains("OpenAI moderation: sexual"));
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
