//! Work transitions: sentences for the live region, the notification dot, errors, stale requests, the GM offline.

mod common;

use common::*;
use familiar_raven::{keys, Effect, ErrorKind, Event, Ignored, State, ViewId};

#[test]
fn an_answer_streams_as_whole_sentences_on_the_ask_view() {
    let mut raven = ready_gm();
    run(&mut raven, &[Event::Click]);
    let asked = step(&mut raven, submit("  What is flanking?  "));
    assert!(asked.effects.contains(&Effect::StartWork {
        id: 1,
        question: "What is flanking?".into()
    }));
    assert!(asked.effects.contains(&Effect::AnnounceKey {
        key: keys::WORK_THINKING
    }));
    assert_eq!(raven.state(), State::Thinking);
    assert_eq!(raven.view().pose_key, keys::POSE_THINKING);
    let mut spoken = Vec::new();
    for token in [
        "Flank",
        "ing makes",
        " a foe off",
        "-guard. You",
        " need an ally",
        " opposite. Both",
        " must",
    ] {
        let transition = step(&mut raven, chunk(1, token));
        assert!(
            announced(&transition.effects).len() <= 1,
            "never token by token"
        );
        spoken.extend(announced(&transition.effects));
    }
    assert_eq!(raven.state(), State::Streaming);
    assert_eq!(raven.view().pose_key, keys::POSE_SPEAKING);
    let done = step(&mut raven, Event::AnswerDone { id: 1 });
    spoken.extend(announced(&done.effects));
    assert_eq!(
        spoken,
        [
            "Flanking makes a foe off-guard.",
            "You need an ally opposite.",
            "Both must"
        ]
    );
    assert_eq!(raven.state(), State::AnswerReady);
    assert_eq!(raven.view().aria.live_text.as_deref(), Some("Both must"));
    assert!(!raven.view().dot, "the user watched the answer arrive");
}

#[test]
fn a_new_question_cancels_the_old_and_late_chunks_are_stale() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[Event::Click, submit("one"), chunk(1, "Half an ans")],
    );
    let second = step(&mut raven, submit("two"));
    assert!(second.effects.contains(&Effect::CancelWork { id: 1 }));
    assert!(second.effects.contains(&Effect::StartWork {
        id: 2,
        question: "two".into()
    }));
    assert_eq!(
        step(&mut raven, chunk(1, "wer.")).ignored,
        Some(Ignored::StaleWork { id: 1 })
    );
    let next = step(&mut raven, chunk(2, "Fresh. Start"));
    assert_eq!(
        announced(&next.effects),
        ["Fresh."],
        "nothing of the first answer leaks"
    );
    assert_eq!(
        step(&mut raven, Event::CancelWork { id: Some(1) }).ignored,
        Some(Ignored::StaleWork { id: 1 }),
        "the first request's late stop leaves the second running"
    );
    let cancel = step(&mut raven, Event::CancelWork { id: Some(2) });
    assert!(cancel.effects.contains(&Effect::CancelWork { id: 2 }));
    assert_eq!(raven.state(), State::Open { view: ViewId::Ask });
    assert_eq!(
        step(&mut raven, Event::AnswerDone { id: 2 }).ignored,
        Some(Ignored::NoWork)
    );
    assert_eq!(
        step(&mut raven, submit("   ")).ignored,
        Some(Ignored::EmptyQuestion)
    );
}

#[test]
fn an_answer_finished_behind_a_closed_panel_lights_the_dot_until_ask_is_opened() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[
            Event::Click,
            submit("cover?"),
            Event::Click,
            chunk(1, "Cover. Gives"),
        ],
    );
    assert_eq!(raven.state(), State::Perched);
    assert_eq!(
        raven.view().pose_key,
        keys::POSE_SPEAKING,
        "the raven still answers while closed"
    );
    let done = step(&mut raven, Event::AnswerDone { id: 1 });
    assert!(
        announced(&done.effects).is_empty(),
        "no sentences for a closed panel"
    );
    assert!(done.effects.contains(&Effect::ShowNotificationDot));
    assert!(done.effects.contains(&Effect::AnnounceKey {
        key: keys::WORK_ANSWER_READY
    }));
    let view = raven.view();
    assert!(view.dot);
    assert_eq!(view.aria.label_key, keys::LABEL_UNREAD);

    let other = step(
        &mut raven,
        Event::SelectView {
            view: ViewId::Encounter,
        },
    );
    assert!(
        other.effects.contains(&Effect::ClearNotificationDot),
        "no dot on an open panel"
    );
    let panel = raven.view().panel.expect("open");
    assert!(
        panel
            .tabs
            .iter()
            .any(|tab| tab.view == ViewId::Ask && tab.badge == Some(keys::BADGE_ANSWER)),
        "the Ask tab keeps a badge"
    );
    let closed = step(&mut raven, Event::ClosePanel);
    assert!(
        closed.effects.contains(&Effect::ShowNotificationDot),
        "still unread"
    );
    let ask = step(&mut raven, Event::SelectView { view: ViewId::Ask });
    assert!(ask.effects.contains(&Effect::ClearNotificationDot));
    assert_eq!(raven.state(), State::AnswerReady);
    run(&mut raven, &[Event::ClosePanel]);
    assert!(!raven.view().dot, "read answers leave no dot");
}

#[test]
fn a_provider_error_shows_its_key_and_a_retry_starts_over() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[Event::Click, submit("q"), chunk(1, "Part of it. More")],
    );
    let failed = step(
        &mut raven,
        Event::ProviderError {
            id: 1,
            kind: ErrorKind::Budget,
        },
    );
    assert!(failed.effects.contains(&Effect::AnnounceKey {
        key: keys::ERROR_BUDGET
    }));
    assert_eq!(raven.state(), State::Error);
    let work = raven.view().panel.expect("open").work;
    assert_eq!(
        (work.status_key, work.error),
        (Some(keys::ERROR_BUDGET), Some(ErrorKind::Budget))
    );
    let retry = step(&mut raven, submit("q"));
    assert!(retry.effects.contains(&Effect::StartWork {
        id: 2,
        question: "q".into()
    }));
    assert_eq!(raven.state(), State::Thinking);
}

#[test]
fn a_player_without_the_gm_is_offline_until_the_gm_returns() {
    let mut raven = player();
    run(&mut raven, &[ready_event(), Event::Click, submit("q")]);
    let offline = step(&mut raven, Event::GmOffline);
    assert!(offline.effects.contains(&Effect::CancelWork { id: 1 }));
    assert_eq!(raven.state(), State::Offline);
    assert!(!raven.view().panel.expect("open").can_submit);
    assert_eq!(
        step(&mut raven, Event::CancelWork { id: None }).ignored,
        Some(Ignored::NoWork),
        "already cancelled"
    );
    let online = step(&mut raven, Event::GmOnline);
    assert!(online.effects.contains(&Effect::AnnounceKey {
        key: keys::WORK_ONLINE
    }));
    assert_eq!(raven.state(), State::Open { view: ViewId::Ask });
    run(&mut raven, &[Event::GmOffline, submit("again?")]);
    assert_eq!(
        raven.state(),
        State::Offline,
        "asking while offline says so instead of starting work"
    );
    let mut raven = ready_gm();
    assert_eq!(
        step(&mut raven, Event::GmOffline).ignored,
        Some(Ignored::NotForGm)
    );
}

#[test]
fn the_index_progress_is_shown_with_its_keys() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[Event::IndexBuilding {
            done: 150,
            total: 100,
        }],
    );
    let index = raven.view().index;
    assert_eq!(
        (index.done, index.total, index.key),
        (100, 100, Some(keys::INDEX_BUILDING)),
        "done never exceeds total"
    );
    run(&mut raven, &[Event::IndexReady { documents: 4200 }]);
    assert_eq!(raven.view().index.key, Some(keys::INDEX_READY));
    assert_eq!(
        step(&mut raven, Event::IndexReady { documents: 4200 }).ignored,
        Some(Ignored::AlreadyInState)
    );
}
