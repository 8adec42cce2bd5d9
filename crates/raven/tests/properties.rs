//! Random event sequences, as a clumsy user, a flaky network and a restless Foundry would send them: the invariants
//! hold after every step, ignored events leave no trace, and the saved prefs always reload to the same raven.

mod common;

use common::{check_invariants, step};
use familiar_raven::{
    ErrorKind, Event, Key, KeyTarget, PointerKind, Prefs, Raven, RavenOptions, Rect,
    SentenceBuffer, State, ViewId,
};
use proptest::prelude::*;

fn view_id() -> impl Strategy<Value = ViewId> {
    prop::sample::select(ViewId::ALL.to_vec())
}

fn views() -> impl Strategy<Value = Vec<ViewId>> {
    prop::collection::vec(view_id(), 0..6)
}

fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -500.0..3000.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ]
}

fn viewport() -> impl Strategy<Value = Rect> {
    prop_oneof![
        9 => (-50.0..50.0f64, -50.0..50.0f64, 0.0..2600.0f64, 0.0..1500.0f64)
            .prop_map(|(x, y, width, height)| Rect { x, y, width, height }),
        1 => Just(Rect { x: 0.0, y: 0.0, width: f64::NAN, height: 10.0 }),
    ]
}

fn key() -> impl Strategy<Value = Key> {
    prop::sample::select(vec![
        Key::Enter,
        Key::Space,
        Key::Escape,
        Key::ArrowUp,
        Key::ArrowDown,
        Key::ArrowLeft,
        Key::ArrowRight,
        Key::Other,
    ])
}

fn pointer() -> impl Strategy<Value = PointerKind> {
    prop::sample::select(vec![
        PointerKind::Mouse,
        PointerKind::Touch,
        PointerKind::Pen,
    ])
}

fn error_kind() -> impl Strategy<Value = ErrorKind> {
    prop::sample::select(vec![
        ErrorKind::Network,
        ErrorKind::RateLimited,
        ErrorKind::Auth,
        ErrorKind::Budget,
        ErrorKind::Server,
        ErrorKind::Unknown,
    ])
}

fn event() -> impl Strategy<Value = Event> {
    let id = 0..5u32;
    prop_oneof![
        4 => Just(Event::Click),
        4 => (key(), any::<bool>(), any::<bool>()).prop_map(|(key, shift, panel)| Event::Key {
            key,
            shift,
            target: if panel { KeyTarget::Panel } else { KeyTarget::Raven },
        }),
        1 => Just(Event::HoverIn),
        1 => Just(Event::HoverOut),
        1 => Just(Event::FocusIn),
        1 => Just(Event::FocusOut),
        2 => (coordinate(), coordinate(), pointer()).prop_map(|(x, y, pointer)| Event::DragStart { x, y, pointer }),
        3 => (coordinate(), coordinate()).prop_map(|(x, y)| Event::DragMove { x, y }),
        2 => (coordinate(), coordinate()).prop_map(|(x, y)| Event::DragEnd { x, y }),
        1 => Just(Event::DragCancel),
        3 => view_id().prop_map(|view| Event::SelectView { view }),
        1 => Just(Event::ClosePanel),
        3 => prop::sample::select(vec!["", "  ", "flanking?", "How much XP is a level 3 foe?"])
            .prop_map(|question| Event::Submit { question: question.to_string() }),
        1 => Just(Event::CancelWork { id: None }),
        1 => any::<bool>().prop_map(|enabled| Event::SetAnimation { enabled }),
        2 => viewport().prop_map(|viewport| Event::ViewportResize { viewport }),
        4 => (id.clone(), prop::sample::select(vec!["Fl", "anking. ", "It ", "helps!\n", "e.g. ", "3.5 gp. A"]))
            .prop_map(|(id, text)| Event::AnswerChunk { id, text: text.to_string() }),
        2 => id.clone().prop_map(|id| Event::AnswerDone { id }),
        1 => (id, error_kind()).prop_map(|(id, kind)| Event::ProviderError { id, kind }),
        1 => Just(Event::GmOffline),
        1 => Just(Event::GmOnline),
        1 => (0..200u32, 0..200u32).prop_map(|(done, total)| Event::IndexBuilding { done, total }),
        1 => (0..200u32).prop_map(|documents| Event::IndexReady { documents }),
        2 => (viewport(), prop::collection::vec(viewport(), 0..3))
            .prop_map(|(viewport, obstacles)| Event::Ready { viewport, obstacles }),
        1 => Just(Event::CanvasReady),
        1 => Just(Event::CanvasTeardown),
        1 => (any::<bool>(), views()).prop_map(|(is_gm, allowed_views)| Event::UserChange { is_gm, allowed_views }),
        1 => views().prop_map(|allowed_views| Event::PermissionChange { allowed_views }),
    ]
}

fn start() -> impl Strategy<Value = Raven> {
    (
        any::<bool>(),
        views(),
        prop::sample::select(vec![
            "",
            "{}",
            "{bad",
            r#"{"position": {"x": 9999, "y": -3}, "collapsed": false, "lastView": "status"}"#,
        ]),
    )
        .prop_map(|(is_gm, allowed_views, saved)| {
            Raven::new(
                saved,
                &RavenOptions {
                    is_gm,
                    allowed_views,
                    size: None,
                },
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_every_invariant(mut raven in start(), events in prop::collection::vec(event(), 1..80)) {
        check_invariants(&raven);
        for event in events {
            // `step` checks: inside the viewport, one open view, no forbidden view, dot only when closed, dot and
            // prefs effects matching the change, ignored events without a trace.
            step(&mut raven, event);
            if !raven.permissions().is_gm {
                prop_assert!(raven.panel() != Some(ViewId::Status));
            }
        }
    }

    #[test]
    fn saved_prefs_reload_to_the_same_spot_and_view(mut raven in start(), events in prop::collection::vec(event(), 1..60)) {
        for event in events {
            step(&mut raven, event);
        }
        let options = RavenOptions {
            is_gm: raven.permissions().is_gm,
            allowed_views: raven.permissions().allowed_views.clone(),
            size: None,
        };
        let Some(viewport) = raven.viewport() else { return Ok(()) };
        let mut reloaded = Raven::new(&raven.prefs_json(), &options);
        prop_assert!(reloaded.prefs_problems().is_empty());
        prop_assert_eq!(reloaded.prefs(), raven.prefs());
        reloaded.dispatch(Event::Ready { viewport, obstacles: vec![] });
        if let Some(saved) = raven.prefs().position {
            prop_assert_eq!(reloaded.position(), familiar_raven::clamp_into_viewport(saved, viewport, 64.0));
        }
        let expected_panel = raven.prefs().last_view.filter(|view| !raven.prefs().collapsed && options.allowed_views.contains(view));
        prop_assert_eq!(reloaded.panel(), expected_panel.filter(|_| reloaded.visible()));
        prop_assert_eq!(reloaded.state() == State::Hidden, !reloaded.visible());
    }

    #[test]
    fn any_saved_text_restores_without_panicking(saved in ".{0,200}") {
        let restored = Prefs::restore(&saved);
        prop_assert_eq!(Prefs::restore(&restored.prefs.to_json()).prefs, restored.prefs);
    }

    #[test]
    fn sentences_do_not_depend_on_how_the_stream_was_cut(
        words in prop::collection::vec(prop::sample::select(vec!["Roll", "a", "d20.", "Then", "add", "3.5", "e.g.", "it!", "Why?", "-", "**bold**", "\n", "vs.", "DC"]), 0..40),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let text = words.join(" ");
        let whole = {
            let mut buffer = SentenceBuffer::default();
            let mut out = buffer.push(&text);
            out.extend(buffer.finish());
            out
        };
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let mut at: Vec<usize> = cuts.iter().map(|cut| *cut.get(&boundaries)).collect();
        at.sort_unstable();
        let mut buffer = SentenceBuffer::default();
        let mut pieces = Vec::new();
        let mut from = 0;
        for to in at.into_iter().chain([text.len()]) {
            pieces.extend(buffer.push(&text[from..to]));
            from = to;
        }
        pieces.extend(buffer.finish());
        prop_assert_eq!(&pieces, &whole);
        let spoken: String = pieces.concat().split_whitespace().collect();
        let written: String = text.split_whitespace().collect::<String>().replace(['*', '-'], "");
        prop_assert_eq!(spoken.replace('-', ""), written, "no word lost or repeated");
    }
}
