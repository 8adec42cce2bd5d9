//! Foundry transitions (permissions, user, canvas, reload) and the view's JSON shape and lang keys.

mod common;

use common::*;
use familiar_raven::{
    default_perch, keys, Effect, Event, Ignored, Key, Raven, RavenOptions, State, ViewId,
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
