//! Each transition with what it must do for the adapter: focus, announcements, the dot, saved prefs, work.

mod common;

use common::*;
use familiar_raven::{
    default_perch, keys, Effect, ErrorKind, Event, Ignored, Key, KeyTarget, Point, PointerKind,
    Raven, RavenOptions, Rect, State, ViewId,
};

fn ready_gm() -> Raven {
    let mut raven = gm();
    run(&mut raven, &[ready_event()]);
    raven
}

fn announced(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::AnnounceSentence { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn persisted(raven: &Raven, effects: &[Effect]) -> bool {
    effects.contains(&Effect::PersistPrefs {
        json: raven.prefs_json(),
    })
}

#[test]
fn ready_perches_clear_of_foundry_ui_or_where_the_user_left_it() {
    let sidebar = Rect {
        x: 1620.0,
        y: 0.0,
        width: 300.0,
        height: 1080.0,
    };
    let mut raven = gm();
    run(
        &mut raven,
        &[Event::Ready {
            viewport: VIEWPORT,
            obstacles: vec![sidebar],
        }],
    );
    assert_eq!(raven.position(), default_perch(VIEWPORT, &[sidebar], 64.0));
    assert_eq!(raven.state(), State::Perched);

    let saved = r#"{"position": {"x": 5000, "y": 20}, "collapsed": true}"#;
    let options = RavenOptions {
        is_gm: false,
        allowed_views: vec![ViewId::Ask],
        size: Some(48.0),
    };
    let mut raven = Raven::new(saved, &options);
    run(&mut raven, &[ready_event()]);
    assert_eq!(
        raven.position(),
        Point {
            x: 1920.0 - 48.0,
            y: 20.0
        },
        "a saved spot off screen is pulled back"
    );
    assert_eq!(raven.view().size, 48.0);
}

#[test]
fn a_click_opens_the_last_view_with_focus_and_a_second_click_closes() {
    let mut raven = ready_gm();
    let open = step(&mut raven, Event::Click);
    assert_eq!(
        raven.state(),
        State::Open { view: ViewId::Ask },
        "first allowed view when nothing was saved"
    );
    assert!(open.effects.contains(&Effect::FocusPanel));
    assert!(persisted(&raven, &open.effects));
    assert!(!raven.prefs().collapsed);
    run(
        &mut raven,
        &[Event::SelectView {
            view: ViewId::Monster,
        }],
    );
    let close = step(&mut raven, Event::Click);
    assert_eq!(raven.state(), State::Perched);
    assert!(
        !close.effects.contains(&Effect::FocusRaven),
        "the clicked raven already has focus"
    );
    assert!(raven.prefs().collapsed);
    run(&mut raven, &[Event::Click]);
    assert_eq!(
        raven.state(),
        State::Open {
            view: ViewId::Monster
        },
        "reopens on the last view"
    );
}

#[test]
fn escape_closes_the_panel_and_returns_focus_to_the_raven() {
    for target in [KeyTarget::Raven, KeyTarget::Panel] {
        let mut raven = ready_gm();
        run(&mut raven, &[Event::Click]);
        let escape = step(
            &mut raven,
            Event::Key {
                key: Key::Escape,
                shift: false,
                target,
            },
        );
        assert_eq!(raven.state(), State::Perched);
        assert!(escape.effects.contains(&Effect::FocusRaven));
        let again = step(
            &mut raven,
            Event::Key {
                key: Key::Escape,
                shift: false,
                target,
            },
        );
        assert_eq!(again.ignored, Some(Ignored::NothingToClose));
    }
    let mut raven = ready_gm();
    run(&mut raven, &[Event::Click]);
    let close = step(&mut raven, Event::ClosePanel);
    assert!(close.effects.contains(&Effect::FocusRaven));
}

#[test]
fn enter_and_space_toggle_like_a_button_other_keys_pass_through() {
    for pressed in [Key::Enter, Key::Space] {
        let mut raven = ready_gm();
        assert!(step(&mut raven, key(pressed))
            .effects
            .contains(&Effect::FocusPanel));
        assert_eq!(raven.state(), State::Open { view: ViewId::Ask });
        run(&mut raven, &[key(pressed)]);
        assert_eq!(raven.state(), State::Perched);
    }
    let mut raven = ready_gm();
    assert_eq!(
        step(&mut raven, key(Key::Other)).ignored,
        Some(Ignored::UnhandledKey)
    );
    run(&mut raven, &[Event::Click]);
    // Typing in the Ask box must not move the raven or close anything.
    for pressed in [Key::Enter, Key::Space, Key::ArrowLeft] {
        assert_eq!(
            step(&mut raven, panel_key(pressed)).ignored,
            Some(Ignored::UnhandledKey)
        );
    }
}

#[test]
fn arrow_keys_move_by_a_step_shift_by_more_and_never_off_screen() {
    let mut raven = ready_gm();
    let start = raven.position();
    let moved = step(&mut raven, key(Key::ArrowLeft));
    assert_eq!(
        raven.position(),
        Point {
            x: start.x - 10.0,
            y: start.y
        }
    );
    assert!(persisted(&raven, &moved.effects));
    run(
        &mut raven,
        &[Event::Key {
            key: Key::ArrowUp,
            shift: true,
            target: KeyTarget::Raven,
        }],
    );
    assert_eq!(
        raven.position(),
        Point {
            x: start.x - 10.0,
            y: start.y - 50.0
        }
    );
    for _ in 0..100 {
        step(
            &mut raven,
            Event::Key {
                key: Key::ArrowDown,
                shift: true,
                target: KeyTarget::Raven,
            },
        );
        step(
            &mut raven,
            Event::Key {
                key: Key::ArrowRight,
                shift: true,
                target: KeyTarget::Raven,
            },
        );
    }
    assert_eq!(
        raven.position(),
        Point {
            x: 1920.0 - 64.0,
            y: 1080.0 - 64.0
        }
    );
    let at_edge = step(&mut raven, key(Key::ArrowRight));
    assert_eq!(
        (at_edge.ignored, at_edge.changed),
        (None, false),
        "accepted, nothing to move"
    );
}

#[test]
fn a_press_that_barely_moves_is_a_click_a_longer_one_a_drag() {
    let mut raven = ready_gm();
    let at = raven.position();
    run(
        &mut raven,
        &[
            Event::DragStart {
                x: at.x + 20.0,
                y: at.y + 20.0,
                pointer: PointerKind::Mouse,
            },
            Event::DragMove {
                x: at.x + 22.0,
                y: at.y + 21.0,
            },
            Event::DragEnd {
                x: at.x + 22.0,
                y: at.y + 21.0,
            },
        ],
    );
    assert_eq!(raven.position(), at, "under the threshold nothing moves");
    run(&mut raven, &[Event::Click]);
    assert_eq!(
        raven.state(),
        State::Open { view: ViewId::Ask },
        "and the click still opens the panel"
    );
}

#[test]
fn dragging_follows_the_grab_point_clamps_and_saves_on_release() {
    for pointer in [PointerKind::Mouse, PointerKind::Touch, PointerKind::Pen] {
        let mut raven = ready_gm();
        let at = raven.position();
        run(
            &mut raven,
            &[
                Event::DragStart {
                    x: at.x + 20.0,
                    y: at.y + 30.0,
                    pointer,
                },
                Event::DragMove { x: 500.0, y: 400.0 },
            ],
        );
        assert_eq!(raven.state(), State::Dragging);
        assert_eq!(raven.view().dragging, Some(pointer));
        assert_eq!(
            raven.position(),
            Point { x: 480.0, y: 370.0 },
            "the raven keeps its offset to the pointer"
        );
        assert_eq!(raven.prefs().position, None, "nothing saved mid-drag");
        run(
            &mut raven,
            &[Event::DragMove {
                x: -900.0,
                y: 5000.0,
            }],
        );
        assert_eq!(
            raven.position(),
            Point {
                x: 0.0,
                y: 1080.0 - 64.0
            }
        );
        let end = step(&mut raven, Event::DragEnd { x: 300.0, y: 300.0 });
        assert_eq!(raven.position(), Point { x: 280.0, y: 270.0 });
        assert_eq!(raven.prefs().position, Some(raven.position()));
        assert!(persisted(&raven, &end.effects));
        assert_eq!(raven.state(), State::Perched);
        assert_eq!(
            step(&mut raven, Event::Click).ignored,
            Some(Ignored::ClickAfterDrag),
            "{pointer:?}"
        );
        run(&mut raven, &[Event::Click]);
        assert!(
            raven.panel().is_some(),
            "only the click that ended the drag is swallowed"
        );
    }
}

#[test]
fn fingers_need_a_longer_move_than_a_mouse() {
    let wobble = |pointer| {
        let mut raven = ready_gm();
        let at = raven.position();
        run(
            &mut raven,
            &[
                Event::DragStart {
                    x: at.x,
                    y: at.y,
                    pointer,
                },
                Event::DragMove {
                    x: at.x + 6.0,
                    y: at.y,
                },
            ],
        );
        raven.state()
    };
    assert_eq!(wobble(PointerKind::Mouse), State::Dragging);
    assert_eq!(wobble(PointerKind::Touch), State::Perched);
    assert_eq!(wobble(PointerKind::Pen), State::Perched);
}

#[test]
fn escape_or_a_cancelled_pointer_puts_the_raven_back() {
    for cancel in [key(Key::Escape), Event::DragCancel, Event::CanvasTeardown] {
        let mut raven = ready_gm();
        let at = raven.position();
        run(
            &mut raven,
            &[
                Event::DragStart {
                    x: at.x,
                    y: at.y,
                    pointer: PointerKind::Pen,
                },
                Event::DragMove { x: 100.0, y: 100.0 },
                cancel.clone(),
            ],
        );
        assert_eq!(raven.position(), at, "{cancel:?}");
        assert_eq!(raven.prefs().position, None);
        assert_eq!(
            step(&mut raven, Event::DragEnd { x: 0.0, y: 0.0 }).ignored,
            Some(Ignored::NotDragging)
        );
    }
}

#[test]
fn resizing_reclamps_without_forgetting_the_users_spot() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[Event::DragStart {
            x: 10.0,
            y: 10.0,
            pointer: PointerKind::Mouse,
        }],
    );
    let at = raven.position();
    let grab = Point {
        x: 10.0 - at.x,
        y: 10.0 - at.y,
    };
    run(
        &mut raven,
        &[
            Event::DragMove {
                x: 1700.0 + grab.x,
                y: 900.0 + grab.y,
            },
            Event::DragEnd {
                x: 1700.0 + grab.x,
                y: 900.0 + grab.y,
            },
        ],
    );
    assert_eq!(
        raven.position(),
        Point {
            x: 1700.0,
            y: 900.0
        }
    );
    let small = Rect {
        x: 0.0,
        y: 0.0,
        width: 800.0,
        height: 600.0,
    };
    let shrink = step(&mut raven, Event::ViewportResize { viewport: small });
    assert_eq!(raven.position(), Point { x: 736.0, y: 536.0 });
    assert!(!shrink
        .effects
        .iter()
        .any(|effect| matches!(effect, Effect::PersistPrefs { .. })));
    run(&mut raven, &[Event::ViewportResize { viewport: VIEWPORT }]);
    assert_eq!(
        raven.position(),
        Point {
            x: 1700.0,
            y: 900.0
        },
        "back where the user put it"
    );
    let broken = Rect {
        x: 0.0,
        y: 0.0,
        width: f64::NAN,
        height: 600.0,
    };
    assert_eq!(
        step(&mut raven, Event::ViewportResize { viewport: broken }).ignored,
        Some(Ignored::InvalidViewport)
    );
}

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
    let cancel = step(&mut raven, Event::CancelWork);
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
            .any(|tab| tab.view == ViewId::Ask && tab.badge),
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
        step(&mut raven, Event::CancelWork).ignored,
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
fn players_never_reach_views_the_gm_did_not_allow() {
    let options = RavenOptions {
        is_gm: false,
        allowed_views: vec![ViewId::Ask, ViewId::Status, ViewId::Encounter],
        size: None,
    };
    let mut raven = Raven::new("", &options);
    run(&mut raven, &[ready_event()]);
    assert_eq!(
        raven.permissions().allowed_views,
        [ViewId::Ask, ViewId::Encounter],
        "Status is the GM's"
    );
    let status = step(
        &mut raven,
        Event::SelectView {
            view: ViewId::Status,
        },
    );
    assert_eq!(
        status.ignored,
        Some(Ignored::ViewNotAllowed {
            view: ViewId::Status
        })
    );
    run(
        &mut raven,
        &[Event::SelectView {
            view: ViewId::Encounter,
        }],
    );
    let revoked = step(
        &mut raven,
        Event::PermissionChange {
            allowed_views: vec![ViewId::Ask],
        },
    );
    assert_eq!(raven.state(), State::Perched, "the open view went away");
    assert!(revoked.effects.contains(&Effect::FocusRaven));
    run(&mut raven, &[Event::Click, submit("q")]);
    let no_ask = step(
        &mut raven,
        Event::PermissionChange {
            allowed_views: vec![],
        },
    );
    assert!(no_ask.effects.contains(&Effect::CancelWork { id: 1 }));
    assert_eq!(raven.state(), State::Hidden, "nothing to open: no raven");
    assert_eq!(
        step(&mut raven, Event::Click).ignored,
        Some(Ignored::NotVisible)
    );
}

#[test]
fn another_user_starts_clean() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[
            Event::Click,
            submit("q"),
            Event::Click,
            Event::AnswerDone { id: 1 },
        ],
    );
    assert!(raven.view().dot);
    let change = step(
        &mut raven,
        Event::UserChange {
            is_gm: true,
            allowed_views: ViewId::ALL.to_vec(),
        },
    );
    assert!(
        change.effects.contains(&Effect::ClearNotificationDot),
        "the answer was the previous user's"
    );
    assert!(raven.view().aria.live_key.is_none());

    run(&mut raven, &[Event::Click, submit("r")]);
    run(
        &mut raven,
        &[Event::SelectView {
            view: ViewId::Status,
        }],
    );
    let change = step(
        &mut raven,
        Event::UserChange {
            is_gm: false,
            allowed_views: vec![ViewId::Ask],
        },
    );
    assert!(change.effects.contains(&Effect::CancelWork { id: 2 }));
    assert!(
        change.effects.contains(&Effect::FocusRaven),
        "the Status view vanished under the focus"
    );
    assert_eq!(raven.state(), State::Perched);
    assert_eq!(raven.view().pose_key, keys::POSE_IDLE);
}

#[test]
fn prefs_reopen_the_panel_after_a_reload_but_never_a_forbidden_view() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[
            Event::SelectView {
                view: ViewId::Monster,
            },
            key(Key::ArrowUp),
            Event::SetAnimation { enabled: false },
        ],
    );
    let saved = raven.prefs_json();
    let mut reloaded = gm();
    let ready = step(&mut reloaded, ready_event());
    assert!(ready.effects.is_empty());
    let mut reloaded = Raven::new(
        &saved,
        &RavenOptions {
            is_gm: true,
            allowed_views: ViewId::ALL.to_vec(),
            size: None,
        },
    );
    let ready = step(&mut reloaded, ready_event());
    assert_eq!(
        reloaded.state(),
        State::Open {
            view: ViewId::Monster
        }
    );
    assert!(
        !ready.effects.contains(&Effect::FocusPanel),
        "a reload does not steal focus from Foundry"
    );
    assert_eq!(reloaded.position(), raven.position());
    assert!(!reloaded.view().animate);
    let mut as_player = Raven::new(
        &saved,
        &RavenOptions {
            is_gm: false,
            allowed_views: vec![ViewId::Ask],
            size: None,
        },
    );
    run(&mut as_player, &[ready_event()]);
    assert_eq!(as_player.state(), State::Perched);
    run(&mut as_player, &[Event::Click]);
    assert_eq!(as_player.state(), State::Open { view: ViewId::Ask });
}

#[test]
fn malformed_saved_prefs_fall_back_to_defaults() {
    for saved in ["{{{", "[]", r#"{"position": "top"}"#, "null"] {
        let mut raven = Raven::new(
            saved,
            &RavenOptions {
                is_gm: true,
                allowed_views: vec![ViewId::Ask],
                size: None,
            },
        );
        assert!(!raven.prefs_problems().is_empty(), "{saved}");
        run(&mut raven, &[ready_event()]);
        assert_eq!(
            raven.position(),
            default_perch(VIEWPORT, &[], 64.0),
            "{saved}"
        );
        assert_eq!(raven.state(), State::Perched);
    }
}

#[test]
fn the_canvas_going_away_hides_the_raven_until_it_returns() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[
            Event::SelectView {
                view: ViewId::Encounter,
            },
            Event::HoverIn,
            Event::CanvasTeardown,
        ],
    );
    let view = raven.view();
    assert!(!view.visible && view.panel.is_none());
    assert_eq!(
        step(&mut raven, Event::HoverIn).ignored,
        Some(Ignored::NotVisible)
    );
    run(&mut raven, &[Event::CanvasReady]);
    assert_eq!(
        raven.state(),
        State::Open {
            view: ViewId::Encounter
        },
        "the panel comes back as it was"
    );
    assert!(!raven.attentive(), "hover was lost with the canvas");
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

#[test]
fn the_view_serialises_to_the_shape_the_adapter_reads() {
    let mut raven = ready_gm();
    run(&mut raven, &[Event::Click, submit("q")]);
    let json = serde_json::to_value(raven.view()).expect("serialisable");
    assert_eq!(json["state"], serde_json::json!({"name": "thinking"}));
    assert_eq!(json["pose"], "thinking");
    assert_eq!(json["poseKey"], keys::POSE_THINKING);
    assert_eq!(json["panel"]["view"], "ask");
    assert_eq!(
        json["panel"]["allowedViews"],
        serde_json::json!(["ask", "encounter", "monster", "status", "art"])
    );
    assert_eq!(json["panel"]["work"]["id"], 1);
    assert_eq!(json["aria"]["expanded"], true);
    assert_eq!(json["aria"]["labelKey"], keys::LABEL);
    run(&mut raven, &[Event::SelectView { view: ViewId::Art }]);
    let json = serde_json::to_value(raven.view()).expect("serialisable");
    assert_eq!(
        json["state"],
        serde_json::json!({"name": "open", "view": "art"})
    );
    let effects = serde_json::to_value(step(&mut raven, Event::ClosePanel)).expect("serialisable");
    assert_eq!(
        effects["effects"][0],
        serde_json::json!({"type": "focusRaven"})
    );
    let ignored = serde_json::to_value(step(&mut raven, Event::ClosePanel)).expect("serialisable");
    assert_eq!(
        ignored["ignored"],
        serde_json::json!({"reason": "nothingToClose"})
    );
}

/// Every lang key a view can carry is in `keys::ALL`, the list the adapter's lang test checks.
#[test]
fn every_key_in_a_view_is_listed() {
    let mut seen = std::collections::BTreeSet::new();
    for row in "HPADOETSRFX".chars() {
        let mut raven = canonical(row);
        for (_, event) in sample_events(&raven.clone()) {
            step(&mut raven, event);
            let view = raven.view();
            seen.extend([view.pose_key, view.aria.label_key, view.aria.state_key]);
            seen.extend(view.aria.live_key);
            seen.extend(view.index.key);
            if let Some(panel) = view.panel {
                seen.insert(panel.title_key);
                seen.extend(panel.tabs.iter().map(|tab| tab.title_key));
                seen.extend(panel.work.status_key);
            }
        }
    }
    for key in &seen {
        assert!(keys::ALL.contains(key), "{key} is missing from keys::ALL");
    }
    assert!(seen.len() >= 15, "the sweep reached most keys: {seen:?}");
}
