//! Input transitions and what they ask of the adapter: focus, saved prefs, drags with any pointer, keyboard moves.

mod common;

use common::*;
use familiar_raven::{
    default_perch, Effect, Event, Ignored, Key, KeyTarget, Point, PointerKind, Raven, RavenOptions,
    Rect, State, ViewId,
};

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
    for cancel in [key(Key::Escape), Event::DragCancel] {
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
