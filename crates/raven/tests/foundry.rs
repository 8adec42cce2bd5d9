//! Foundry transitions (permissions, user, canvas, reload) and the view's JSON shape and lang keys.

mod common;

use common::*;
use familiar_raven::{
    default_perch, keys, Effect, Event, Ignored, Key, PointerKind, Raven, RavenOptions, State,
    ViewId,
};

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
fn a_role_change_redraws_the_tabs_but_keeps_the_users_answer() {
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
    assert_eq!(
        step(
            &mut raven,
            Event::UserChange {
                is_gm: true,
                allowed_views: ViewId::ALL.to_vec(),
            },
        )
        .ignored,
        Some(Ignored::AlreadyInState),
        "an update of this user that left the role alone changes nothing"
    );

    run(
        &mut raven,
        &[Event::SelectView {
            view: ViewId::Status,
        }],
    );
    let demoted = step(
        &mut raven,
        Event::UserChange {
            is_gm: false,
            allowed_views: vec![ViewId::Ask, ViewId::Status, ViewId::Monster],
        },
    );
    assert!(
        demoted.effects.contains(&Effect::FocusRaven),
        "the Status view vanished under the focus"
    );
    assert_eq!(raven.state(), State::Perched);
    assert_eq!(
        raven.permissions().allowed_views,
        [ViewId::Ask, ViewId::Monster],
        "a player never gets Status"
    );
    run(&mut raven, &[Event::Click]);
    let tabs: Vec<ViewId> = raven
        .view()
        .panel
        .expect("open")
        .tabs
        .iter()
        .map(|tab| tab.view)
        .collect();
    assert_eq!(tabs, [ViewId::Ask, ViewId::Monster], "the tabs are redrawn");
    assert_eq!(
        raven.state(),
        State::AnswerReady,
        "the answer is still theirs"
    );

    // A request in flight survives a role change that keeps Ask, and goes when Ask goes.
    run(&mut raven, &[submit("r")]);
    let promoted = step(
        &mut raven,
        Event::UserChange {
            is_gm: true,
            allowed_views: ViewId::ALL.to_vec(),
        },
    );
    assert!(!promoted
        .effects
        .iter()
        .any(|effect| matches!(effect, Effect::CancelWork { .. })));
    assert_eq!(raven.state(), State::Thinking);
    let no_ask = step(
        &mut raven,
        Event::UserChange {
            is_gm: false,
            allowed_views: vec![ViewId::Encounter],
        },
    );
    assert!(no_ask.effects.contains(&Effect::CancelWork { id: 2 }));
    assert!(no_ask.effects.contains(&Effect::FocusRaven));
    assert_eq!(raven.state(), State::Perched);
    assert_eq!(raven.view().pose_key, keys::POSE_IDLE);
}

#[test]
fn a_player_made_gm_is_no_longer_offline() {
    let mut raven = player();
    run(
        &mut raven,
        &[ready_event(), Event::Click, Event::GmOffline, submit("q")],
    );
    assert_eq!(raven.state(), State::Offline);
    let promoted = step(
        &mut raven,
        Event::UserChange {
            is_gm: true,
            allowed_views: ViewId::ALL.to_vec(),
        },
    );
    assert!(promoted.effects.contains(&Effect::AnnounceKey {
        key: keys::WORK_ONLINE
    }));
    assert_eq!(raven.state(), State::Open { view: ViewId::Ask });
    assert!(raven.view().panel.expect("open").can_submit);
    assert_eq!(
        step(&mut raven, Event::GmOffline).ignored,
        Some(Ignored::NotForGm)
    );
}

#[test]
fn a_narrowed_permission_closes_the_view_and_redraws_the_tabs() {
    let mut raven = Raven::new(
        "",
        &RavenOptions {
            is_gm: false,
            allowed_views: vec![ViewId::Ask, ViewId::Encounter, ViewId::Monster],
            size: None,
        },
    );
    run(
        &mut raven,
        &[
            ready_event(),
            Event::SelectView {
                view: ViewId::Monster,
            },
        ],
    );
    let narrowed = step(
        &mut raven,
        Event::PermissionChange {
            allowed_views: vec![ViewId::Ask, ViewId::Encounter],
        },
    );
    assert!(narrowed.effects.contains(&Effect::FocusRaven));
    assert_eq!(raven.state(), State::Perched);
    run(&mut raven, &[Event::Click]);
    assert_eq!(
        raven.state(),
        State::Open { view: ViewId::Ask },
        "the last view is gone: the first allowed opens"
    );
    let widened = step(
        &mut raven,
        Event::PermissionChange {
            allowed_views: vec![ViewId::Ask, ViewId::Encounter, ViewId::Monster],
        },
    );
    assert!(widened.changed && !widened.effects.contains(&Effect::FocusRaven));
    assert_eq!(
        raven.state(),
        State::Open { view: ViewId::Ask },
        "an open view stays open"
    );
    assert_eq!(raven.view().panel.expect("open").tabs.len(), 3);
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
fn the_raven_stays_usable_across_a_scene_change() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[
            Event::SelectView {
                view: ViewId::Encounter,
            },
            Event::HoverIn,
        ],
    );
    let teardown = step(&mut raven, Event::CanvasTeardown);
    assert!(
        teardown.effects.is_empty(),
        "no focus moves, nothing closes"
    );
    assert_eq!(
        raven.state(),
        State::Open {
            view: ViewId::Encounter
        }
    );
    assert!(raven.attentive());
    // No scene at all (canvasReady never comes): the panel still works.
    run(
        &mut raven,
        &[
            Event::SelectView { view: ViewId::Ask },
            submit("q"),
            chunk(1, "Yes."),
        ],
    );
    assert_eq!(
        step(&mut raven, Event::CanvasTeardown).ignored,
        Some(Ignored::AlreadyInState)
    );
    run(
        &mut raven,
        &[Event::CanvasReady, Event::AnswerDone { id: 1 }],
    );
    assert_eq!(raven.state(), State::AnswerReady);
    assert_eq!(
        step(&mut raven, Event::CanvasReady).ignored,
        Some(Ignored::AlreadyInState)
    );
}

#[test]
fn a_scene_change_ends_a_drag_where_it_began() {
    let mut raven = ready_gm();
    let at = raven.position();
    run(
        &mut raven,
        &[
            Event::DragStart {
                x: at.x + 5.0,
                y: at.y + 5.0,
                pointer: PointerKind::Touch,
            },
            Event::DragMove { x: 300.0, y: 200.0 },
        ],
    );
    assert_eq!(raven.state(), State::Dragging);
    run(&mut raven, &[Event::CanvasTeardown]);
    assert_eq!(raven.state(), State::Perched);
    assert_eq!(raven.position(), at);
    assert_eq!(
        step(&mut raven, Event::DragMove { x: 10.0, y: 10.0 }).ignored,
        Some(Ignored::NotDragging)
    );
    // The pointer is still down: its release ends the drag, and the click the browser fires after it is no click.
    run(
        &mut raven,
        &[Event::CanvasReady, Event::DragEnd { x: 300.0, y: 200.0 }],
    );
    assert_eq!(raven.position(), at, "the release does not move it either");
    assert_eq!(raven.prefs().position, None);
    assert_eq!(
        step(&mut raven, Event::Click).ignored,
        Some(Ignored::ClickAfterDrag)
    );
    run(&mut raven, &[Event::Click]);
    assert_eq!(raven.state(), State::Open { view: ViewId::Ask });
}

#[test]
fn a_badge_marks_the_ask_tab_until_the_ask_view_is_opened() {
    let mut raven = ready_gm();
    run(
        &mut raven,
        &[
            Event::Click,
            submit("q"),
            Event::SelectView {
                view: ViewId::Monster,
            },
        ],
    );
    let badges = |raven: &Raven| -> Vec<(ViewId, Option<&'static str>)> {
        raven
            .view()
            .panel
            .map(|panel| panel.tabs.iter().map(|tab| (tab.view, tab.badge)).collect())
            .unwrap_or_default()
    };
    assert!(badges(&raven).iter().all(|(_, badge)| badge.is_none()));
    run(&mut raven, &[Event::AnswerDone { id: 1 }]);
    assert_eq!(badges(&raven)[0], (ViewId::Ask, Some(keys::BADGE_ANSWER)));
    assert!(
        badges(&raven)[1..].iter().all(|(_, badge)| badge.is_none()),
        "only the view where something finished"
    );
    assert!(!raven.view().dot, "the panel is open: a badge, not the dot");
    run(&mut raven, &[Event::ClosePanel]);
    assert!(raven.view().dot);
    run(&mut raven, &[Event::Click]);
    assert_eq!(
        raven.state(),
        State::Open {
            view: ViewId::Monster
        },
        "reopened on the last view, the badge still there"
    );
    assert_eq!(badges(&raven)[0].1, Some(keys::BADGE_ANSWER));
    run(&mut raven, &[Event::SelectView { view: ViewId::Ask }]);
    assert!(badges(&raven).iter().all(|(_, badge)| badge.is_none()));

    // A failure out of sight badges too, with its own words, and never lights the dot.
    run(
        &mut raven,
        &[
            submit("r"),
            Event::SelectView {
                view: ViewId::Encounter,
            },
            Event::ProviderError {
                id: 2,
                kind: familiar_raven::ErrorKind::Server,
            },
            Event::ClosePanel,
        ],
    );
    assert!(!raven.view().dot);
    run(&mut raven, &[Event::Click]);
    assert_eq!(badges(&raven)[0].1, Some(keys::BADGE_PROBLEM));
    // Watched, nothing is news.
    run(
        &mut raven,
        &[Event::SelectView { view: ViewId::Ask }, submit("s")],
    );
    run(&mut raven, &[Event::AnswerDone { id: 3 }]);
    assert!(badges(&raven).iter().all(|(_, badge)| badge.is_none()));
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
                seen.extend(panel.tabs.iter().filter_map(|tab| tab.badge));
                seen.extend(panel.work.status_key);
            }
        }
    }
    for key in &seen {
        assert!(keys::ALL.contains(key), "{key} is missing from keys::ALL");
    }
    assert!(seen.len() >= 15, "the sweep reached most keys: {seen:?}");
}
