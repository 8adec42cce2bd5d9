//! Shared by the raven's integration tests: ravens in each canonical state, the sample events, and the invariants
//! every step must keep.
#![allow(dead_code)]

use familiar_raven::{
    clamp_into_viewport, Effect, ErrorKind, Event, Key, KeyTarget, PointerKind, Prefs, Raven,
    RavenOptions, Rect, State, Transition, ViewId, WorkStatus,
};

pub const VIEWPORT: Rect = Rect {
    x: 0.0,
    y: 0.0,
    width: 1920.0,
    height: 1080.0,
};

pub fn gm() -> Raven {
    Raven::new(
        "",
        &RavenOptions {
            is_gm: true,
            allowed_views: ViewId::ALL.to_vec(),
            size: None,
        },
    )
}

pub fn player() -> Raven {
    Raven::new(
        "",
        &RavenOptions {
            is_gm: false,
            allowed_views: vec![ViewId::Ask],
            size: None,
        },
    )
}

pub fn ready_event() -> Event {
    Event::Ready {
        viewport: VIEWPORT,
        obstacles: vec![],
    }
}

pub fn key(key: Key) -> Event {
    Event::Key {
        key,
        shift: false,
        target: KeyTarget::Raven,
    }
}

pub fn panel_key(key: Key) -> Event {
    Event::Key {
        key,
        shift: false,
        target: KeyTarget::Panel,
    }
}

pub fn submit(question: &str) -> Event {
    Event::Submit {
        question: question.to_string(),
    }
}

pub fn chunk(id: u32, text: &str) -> Event {
    Event::AnswerChunk {
        id,
        text: text.to_string(),
    }
}

/// Dispatches events that must all apply, checking the step invariants on the way.
pub fn run(raven: &mut Raven, events: &[Event]) -> Vec<Transition> {
    events
        .iter()
        .map(|event| {
            let transition = step(raven, event.clone());
            assert_eq!(
                transition.ignored,
                None,
                "{event:?} was ignored in {:?}",
                raven.state()
            );
            transition
        })
        .collect()
}

/// One dispatch with every check that holds for any event in any state.
pub fn step(raven: &mut Raven, event: Event) -> Transition {
    let before = raven.clone();
    let transition = raven.dispatch(event.clone());
    check_transition(&before, raven, &transition, &event);
    check_invariants(raven);
    transition
}

pub fn check_transition(before: &Raven, after: &Raven, transition: &Transition, event: &Event) {
    if transition.ignored.is_some() {
        assert!(!transition.changed, "{event:?}: ignored but changed");
        assert!(
            transition.effects.is_empty(),
            "{event:?}: ignored with effects"
        );
        assert_eq!(
            before.view(),
            after.view(),
            "{event:?}: ignored but the view changed"
        );
        assert_eq!(before.prefs(), after.prefs());
        assert_eq!(before.work(), after.work());
        assert_eq!(before.unread(), after.unread());
    }
    let count = |wanted: fn(&Effect) -> bool| {
        transition
            .effects
            .iter()
            .filter(|effect| wanted(effect))
            .count()
    };
    let shows = count(|effect| matches!(effect, Effect::ShowNotificationDot));
    let clears = count(|effect| matches!(effect, Effect::ClearNotificationDot));
    assert_eq!(
        shows,
        usize::from(!before.dot() && after.dot()),
        "{event:?}: dot shown"
    );
    assert_eq!(
        clears,
        usize::from(before.dot() && !after.dot()),
        "{event:?}: dot cleared"
    );
    let persisted: Vec<&String> = transition
        .effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::PersistPrefs { json } => Some(json),
            _ => None,
        })
        .collect();
    if before.prefs() == after.prefs() {
        assert!(persisted.is_empty(), "{event:?}: persisted unchanged prefs");
    } else {
        assert_eq!(
            persisted,
            vec![&after.prefs_json()],
            "{event:?}: prefs changed without being persisted"
        );
    }
    if transition
        .effects
        .iter()
        .any(|effect| matches!(effect, Effect::FocusPanel))
    {
        assert!(
            after.panel().is_some(),
            "{event:?}: focus sent to a closed panel"
        );
    }
    for effect in &transition.effects {
        if let Effect::AnnounceSentence { text } = effect {
            assert!(
                !text.trim().is_empty() && text.trim() == text,
                "{event:?}: announced {text:?}"
            );
        }
    }
}

pub fn check_invariants(raven: &Raven) {
    let view = raven.view();
    let permissions = raven.permissions();
    if view.visible {
        let viewport = raven
            .viewport()
            .expect("a visible raven knows its viewport");
        assert_eq!(
            clamp_into_viewport(view.position, viewport, view.size),
            view.position,
            "the raven left the viewport {viewport:?}"
        );
    } else {
        assert_eq!(view.state, State::Hidden);
        assert!(view.panel.is_none() && !view.dot && view.dragging.is_none());
    }
    if !permissions.is_gm {
        assert!(permissions.allowed_views.iter().all(|view| !view.gm_only()));
    }
    if let Some(panel) = &view.panel {
        assert!(
            permissions.allows(panel.view),
            "{:?} is not allowed",
            panel.view
        );
        assert_eq!(
            panel.tabs.iter().filter(|tab| tab.selected).count(),
            1,
            "one open view"
        );
        assert_eq!(panel.tabs.len(), permissions.allowed_views.len());
        assert_eq!(panel.can_cancel, view.busy);
    }
    assert!(
        !view.dot || view.panel.is_none(),
        "the dot shows only while the panel is closed"
    );
    assert_eq!(view.aria.expanded, view.panel.is_some());
    assert_eq!(
        view.busy,
        matches!(
            view.pose,
            familiar_raven::Pose::Thinking | familiar_raven::Pose::Speaking
        )
    );
    assert_eq!(
        Prefs::restore(&raven.prefs_json()).prefs,
        *raven.prefs(),
        "prefs survive a reload"
    );
    let ask_status = view
        .panel
        .as_ref()
        .filter(|panel| panel.view == ViewId::Ask)
        .map(|panel| panel.work.status);
    match view.state {
        State::Open { view: open } => {
            assert_eq!(view.panel.as_ref().map(|panel| panel.view), Some(open))
        }
        State::Thinking => assert_eq!(ask_status, Some(WorkStatus::Thinking)),
        State::Streaming => assert_eq!(ask_status, Some(WorkStatus::Streaming)),
        State::AnswerReady => assert_eq!(ask_status, Some(WorkStatus::AnswerReady)),
        State::Offline => assert_eq!(ask_status, Some(WorkStatus::Offline)),
        State::Error => assert!(matches!(ask_status, Some(WorkStatus::Error))),
        State::Dragging => assert!(view.dragging.is_some()),
        State::Perched | State::Attentive => assert!(view.panel.is_none()),
        State::Hidden => assert!(!view.visible),
    }
}

/// The canonical ravens of the exhaustive table, by the letter the table uses.
pub fn canonical(letter: char) -> Raven {
    let mut raven = if letter == 'F' { player() } else { gm() };
    run(&mut raven, &[ready_event()]);
    let at = raven.position();
    let events: Vec<Event> = match letter {
        'H' => vec![Event::PermissionChange {
            allowed_views: vec![],
        }],
        'P' => vec![],
        'A' => vec![Event::HoverIn],
        'D' => vec![
            Event::DragStart {
                x: at.x + 10.0,
                y: at.y + 10.0,
                pointer: PointerKind::Mouse,
            },
            Event::DragMove {
                x: at.x - 190.0,
                y: at.y - 90.0,
            },
        ],
        'O' => vec![Event::Click],
        'E' => vec![Event::SelectView {
            view: ViewId::Encounter,
        }],
        'T' => vec![Event::Click, submit("How does flanking work?")],
        'S' => vec![
            Event::Click,
            submit("How does flanking work?"),
            chunk(1, "Flanking helps."),
        ],
        'R' => vec![
            Event::Click,
            submit("How does flanking work?"),
            chunk(1, "Flanking helps."),
            Event::AnswerDone { id: 1 },
        ],
        'F' => vec![
            Event::Click,
            Event::GmOffline,
            submit("How does flanking work?"),
        ],
        'X' => vec![
            Event::Click,
            submit("How does flanking work?"),
            Event::ProviderError {
                id: 1,
                kind: ErrorKind::RateLimited,
            },
        ],
        other => panic!("no canonical raven {other}"),
    };
    run(&mut raven, &events);
    raven
}

pub fn letter(state: State) -> char {
    match state {
        State::Hidden => 'H',
        State::Perched => 'P',
        State::Attentive => 'A',
        State::Dragging => 'D',
        State::Open { view: ViewId::Ask } => 'O',
        State::Open {
            view: ViewId::Encounter,
        } => 'E',
        State::Open {
            view: ViewId::Monster,
        } => 'M',
        State::Open {
            view: ViewId::Status,
        } => 'U',
        State::Open { view: ViewId::Art } => 'W',
        State::Thinking => 'T',
        State::Streaming => 'S',
        State::AnswerReady => 'R',
        State::Offline => 'F',
        State::Error => 'X',
    }
}

/// One event of every kind, in the order of the table's columns.
pub fn sample_events(raven: &Raven) -> Vec<(&'static str, Event)> {
    let at = raven.position();
    vec![
        ("click", Event::Click),
        ("enter", key(Key::Enter)),
        ("escape", key(Key::Escape)),
        ("arrowLeft", key(Key::ArrowLeft)),
        ("otherKey", key(Key::Other)),
        ("escapeInPanel", panel_key(Key::Escape)),
        ("hoverIn", Event::HoverIn),
        ("hoverOut", Event::HoverOut),
        ("focusIn", Event::FocusIn),
        ("focusOut", Event::FocusOut),
        (
            "dragStart",
            Event::DragStart {
                x: at.x + 10.0,
                y: at.y + 10.0,
                pointer: PointerKind::Mouse,
            },
        ),
        (
            "dragMove",
            Event::DragMove {
                x: at.x - 100.0,
                y: at.y - 100.0,
            },
        ),
        (
            "dragEnd",
            Event::DragEnd {
                x: at.x - 100.0,
                y: at.y - 100.0,
            },
        ),
        ("dragCancel", Event::DragCancel),
        (
            "selectEncounter",
            Event::SelectView {
                view: ViewId::Encounter,
            },
        ),
        ("closePanel", Event::ClosePanel),
        ("submit", submit("And cover?")),
        ("cancelWork", Event::CancelWork { id: None }),
        ("animationOff", Event::SetAnimation { enabled: false }),
        (
            "resize",
            Event::ViewportResize {
                viewport: Rect {
                    x: 0.0,
                    y: 0.0,
                    width: 1280.0,
                    height: 720.0,
                },
            },
        ),
        ("chunk", chunk(1, "More. Text")),
        ("done", Event::AnswerDone { id: 1 }),
        (
            "providerError",
            Event::ProviderError {
                id: 1,
                kind: ErrorKind::Network,
            },
        ),
        ("gmOffline", Event::GmOffline),
        ("gmOnline", Event::GmOnline),
        (
            "indexBuilding",
            Event::IndexBuilding {
                done: 10,
                total: 100,
            },
        ),
        ("indexReady", Event::IndexReady { documents: 100 }),
        ("ready", ready_event()),
        ("canvasReady", Event::CanvasReady),
        ("canvasTeardown", Event::CanvasTeardown),
        (
            "userChange",
            Event::UserChange {
                is_gm: false,
                allowed_views: vec![ViewId::Ask],
            },
        ),
        (
            "permissionChange",
            Event::PermissionChange {
                allowed_views: vec![ViewId::Ask],
            },
        ),
    ]
}

pub fn ready_gm() -> Raven {
    let mut raven = gm();
    run(&mut raven, &[ready_event()]);
    raven
}

pub fn announced(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::AnnounceSentence { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

pub fn persisted(raven: &Raven, effects: &[Effect]) -> bool {
    effects.contains(&Effect::PersistPrefs {
        json: raven.prefs_json(),
    })
}
