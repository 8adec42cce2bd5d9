//! The raven's state machine. One `Raven` per client; the adapter feeds it every event and renders `view()`.
//! Three things vary independently — where the raven is (hidden, perched, hovered, dragged), which view the panel
//! shows, and how the current request is doing — so they are three fields; `State` names the combination the user
//! sees. Handlers check before they change anything, so an ignored event leaves the machine exactly as it was.

mod foundry;
mod input;
mod work;

use serde::{Deserialize, Serialize};

use crate::effects::{Effect, Ignored, Transition};
use crate::events::{ErrorKind, Event, PointerKind};
use crate::placement::{clamp_into_viewport, Point, Rect};
use crate::prefs::{Prefs, PrefsProblem};
use crate::sentences::SentenceBuffer;
use crate::views::{Permissions, ViewId};

/// The raven's size in CSS pixels unless the adapter says otherwise (scripts/core/constants.mjs `RAVEN_SIZE`).
pub const DEFAULT_SIZE: f64 = 64.0;

/// What the adapter knows when it creates the raven.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RavenOptions {
    #[serde(rename = "isGM")]
    pub is_gm: bool,
    pub allowed_views: Vec<ViewId>,
    #[serde(default)]
    pub size: Option<f64>,
}

/// The state the user sees, named as in the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "name", rename_all = "camelCase")]
pub enum State {
    Hidden,
    Perched,
    /// Hovered or focused, panel closed.
    Attentive,
    Dragging,
    /// The panel is open and idle on a view.
    Open {
        view: ViewId,
    },
    /// The Ask view waits for the first words of the answer.
    Thinking,
    Streaming,
    AnswerReady,
    Offline,
    Error,
}

/// The current request. Its id travels with `StartWork` and comes back with every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Idle,
    Thinking {
        id: u32,
    },
    Streaming {
        id: u32,
    },
    Done,
    /// Asked while the GM (who relays players' requests) is offline, or cut off when they left.
    Offline,
    Failed {
        kind: ErrorKind,
    },
}

impl Work {
    pub fn running(self) -> Option<u32> {
        match self {
            Work::Thinking { id } | Work::Streaming { id } => Some(id),
            _ => None,
        }
    }
}

/// How the Ask view's request ended while another view (or nothing) was on show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum News {
    Answer,
    /// It failed, or the GM who relays it went away.
    Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexState {
    Unknown,
    Building { done: u32, total: u32 },
    Ready { documents: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Drag {
    pointer: PointerKind,
    /// Pointer minus raven position at the press, so the raven does not jump under the pointer.
    grab: Point,
    press: Point,
    origin: Point,
    /// Past the threshold: a drag, not a click.
    moving: bool,
    /// Put back by a scene change while the pointer is still down: the release ends it, and is not a click.
    interrupted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Raven {
    prefs: Prefs,
    prefs_problems: Vec<PrefsProblem>,
    permissions: Permissions,
    size: f64,
    viewport: Option<Rect>,
    ready: bool,
    /// Whether Foundry's canvas is drawn. The raven does not depend on it; a teardown only ends a drag.
    canvas: bool,
    position: Point,
    hovered: bool,
    focused: bool,
    drag: Option<Drag>,
    panel: Option<ViewId>,
    work: Work,
    last_id: u32,
    /// What finished in the Ask view while nobody was looking at it: its tab's badge (and, for an answer, the dot).
    ask_news: Option<News>,
    offline: bool,
    index: IndexState,
    sentences: SentenceBuffer,
    live_text: Option<String>,
    live_key: Option<&'static str>,
    /// A drag just ended: the click the browser fires on release is not a click on the raven.
    after_drag: bool,
}

impl Raven {
    /// A raven from saved prefs (empty, malformed or partial JSON falls back field by field) and the user's rights.
    pub fn new(prefs_json: &str, options: &RavenOptions) -> Self {
        let restored = Prefs::restore(prefs_json);
        let size = options
            .size
            .filter(|size| size.is_finite() && *size > 0.0)
            .unwrap_or(DEFAULT_SIZE);
        Raven {
            position: restored.prefs.position.unwrap_or(Point { x: 0.0, y: 0.0 }),
            prefs: restored.prefs,
            prefs_problems: restored.problems,
            permissions: Permissions::normalized(options.is_gm, &options.allowed_views),
            size,
            viewport: None,
            ready: false,
            canvas: true,
            hovered: false,
            focused: false,
            drag: None,
            panel: None,
            work: Work::Idle,
            last_id: 0,
            ask_news: None,
            offline: false,
            index: IndexState::Unknown,
            sentences: SentenceBuffer::default(),
            live_text: None,
            live_key: None,
            after_drag: false,
        }
    }

    /// Applies one event. Never panics; an event that cannot happen now is ignored and says why.
    pub fn dispatch(&mut self, event: Event) -> Transition {
        let after_drag = std::mem::take(&mut self.after_drag);
        let before = self.clone();
        let mut effects = Vec::new();
        if let Err(reason) = self.apply(event, after_drag, &mut effects) {
            debug_assert!(*self == before, "an ignored event changed the raven");
            return Transition::ignored(reason);
        }
        self.settle(&mut effects);
        for effect in &effects {
            match effect {
                Effect::AnnounceSentence { text } => self.live_text = Some(text.clone()),
                Effect::AnnounceKey { key } => self.live_key = Some(key),
                _ => {}
            }
        }
        match (before.dot(), self.dot()) {
            (false, true) => effects.push(Effect::ShowNotificationDot),
            (true, false) => effects.push(Effect::ClearNotificationDot),
            _ => {}
        }
        if self.prefs != before.prefs {
            effects.push(Effect::PersistPrefs {
                json: self.prefs.to_json(),
            });
        }
        Transition {
            changed: *self != before,
            ignored: None,
            effects,
        }
    }

    fn apply(
        &mut self,
        event: Event,
        after_drag: bool,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        match event {
            Event::Click => self.click(after_drag, effects),
            Event::Key { key, shift, target } => self.key(key, shift, target, effects),
            Event::HoverIn => self.set_attention(Some(true), None),
            Event::HoverOut => self.set_attention(Some(false), None),
            Event::FocusIn => self.set_attention(None, Some(true)),
            Event::FocusOut => self.set_attention(None, Some(false)),
            Event::DragStart { x, y, pointer } => self.drag_start(Point { x, y }, pointer),
            Event::DragMove { x, y } => self.drag_move(Point { x, y }),
            Event::DragEnd { x, y } => self.drag_end(Point { x, y }),
            Event::DragCancel => self.drag_cancel(),
            Event::SelectView { view } => self.select_view(view, effects),
            Event::ClosePanel => self.close_panel(effects),
            Event::Submit { question } => self.submit(&question, effects),
            Event::CancelWork { id } => self.cancel_work(id, effects),
            Event::SetAnimation { enabled } => self.set_animation(enabled),
            Event::ViewportResize { viewport } => self.resize(viewport),
            Event::AnswerChunk { id, text } => self.chunk(id, &text, effects),
            Event::AnswerDone { id } => self.done(id, effects),
            Event::ProviderError { id, kind } => self.failed(id, kind, effects),
            Event::GmOffline => self.gm_offline(effects),
            Event::GmOnline => self.gm_online(effects),
            Event::IndexBuilding { done, total } => self.set_index(IndexState::Building {
                done: done.min(total),
                total,
            }),
            Event::IndexReady { documents } => self.set_index(IndexState::Ready { documents }),
            Event::Ready {
                viewport,
                obstacles,
            } => self.foundry_ready(viewport, &obstacles),
            Event::CanvasReady => self.canvas_ready(),
            Event::CanvasTeardown => self.canvas_teardown(),
            Event::UserChange {
                is_gm,
                allowed_views,
            } => self.user_change(Permissions::normalized(is_gm, &allowed_views), effects),
            Event::PermissionChange { allowed_views } => self.permission_change(
                Permissions::normalized(self.permissions.is_gm, &allowed_views),
            ),
        }
    }

    /// Keeps the invariants whatever happened: a raven off screen is neither dragged nor hovered, the panel shows
    /// only a view this user may open, and a request whose view vanished is cancelled.
    fn settle(&mut self, effects: &mut Vec<Effect>) {
        if !self.visible() {
            if let Some(drag) = self.drag.take() {
                self.position = self.clamp(drag.origin);
            }
            self.hovered = false;
            self.focused = false;
        }
        if self
            .panel
            .is_some_and(|view| !self.permissions.allows(view))
        {
            self.close();
            if self.visible() {
                effects.push(Effect::FocusRaven);
            }
        }
        if !self.permissions.allows(ViewId::Ask) {
            if let Some(id) = self.work.running() {
                effects.push(Effect::CancelWork { id });
                self.work = Work::Idle;
                self.sentences.clear();
            }
        }
    }

    // Shared helpers for the handler modules.

    fn require_visible(&self) -> Result<(), Ignored> {
        if self.visible() {
            Ok(())
        } else if !self.ready {
            Err(Ignored::NotReady)
        } else {
            Err(Ignored::NotVisible)
        }
    }

    fn clamp(&self, point: Point) -> Point {
        match self.viewport {
            Some(viewport) => clamp_into_viewport(point, viewport, self.size),
            None => point,
        }
    }

    fn open(&mut self, view: ViewId) {
        self.panel = Some(view);
        self.prefs.last_view = Some(view);
        self.prefs.collapsed = false;
        if view == ViewId::Ask {
            self.ask_news = None;
        }
    }

    fn close(&mut self) {
        self.panel = None;
        self.prefs.collapsed = true;
    }

    /// Saves where the user put the raven, in whole CSS pixels: they read back from JSON exactly, and nobody
    /// misses the fraction (the spot is clamped again when it is restored).
    fn remember_position(&mut self) {
        self.prefs.position = Some(Point {
            x: self.position.x.round(),
            y: self.position.y.round(),
        });
    }

    /// The view a click opens: the last one if this user may still open it, else the first allowed.
    fn preferred_view(&self) -> Option<ViewId> {
        self.prefs
            .last_view
            .filter(|view| self.permissions.allows(*view))
            .or_else(|| self.permissions.allowed_views.first().copied())
    }

    // Read access for the view model and tests.

    pub fn visible(&self) -> bool {
        self.ready && !self.permissions.allowed_views.is_empty()
    }

    /// The notification dot: an answer waits and the panel is closed.
    pub fn dot(&self) -> bool {
        self.unread() && self.visible() && self.panel.is_none()
    }

    pub fn state(&self) -> State {
        if !self.visible() {
            return State::Hidden;
        }
        if self.drag.is_some_and(|drag| drag.moving) {
            return State::Dragging;
        }
        match (self.panel, self.work) {
            (Some(ViewId::Ask), Work::Thinking { .. }) => State::Thinking,
            (Some(ViewId::Ask), Work::Streaming { .. }) => State::Streaming,
            (Some(ViewId::Ask), Work::Done) => State::AnswerReady,
            (Some(ViewId::Ask), Work::Offline) => State::Offline,
            (Some(ViewId::Ask), Work::Failed { .. }) => State::Error,
            (Some(view), _) => State::Open { view },
            (None, _) if self.hovered || self.focused => State::Attentive,
            (None, _) => State::Perched,
        }
    }

    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    pub fn prefs_json(&self) -> String {
        self.prefs.to_json()
    }

    /// What the saved prefs lost when they were read (for the adapter's debug log).
    pub fn prefs_problems(&self) -> &[PrefsProblem] {
        &self.prefs_problems
    }

    pub fn permissions(&self) -> &Permissions {
        &self.permissions
    }

    pub fn position(&self) -> Point {
        self.position
    }

    pub fn size(&self) -> f64 {
        self.size
    }

    pub fn viewport(&self) -> Option<Rect> {
        self.viewport
    }

    pub fn panel(&self) -> Option<ViewId> {
        self.panel.filter(|_| self.visible())
    }

    pub fn work(&self) -> Work {
        self.work
    }

    pub fn index(&self) -> IndexState {
        self.index
    }

    /// An answer finished while the Ask view was not on show and nobody has opened it since.
    pub fn unread(&self) -> bool {
        self.ask_news == Some(News::Answer)
    }

    pub fn ask_news(&self) -> Option<News> {
        self.ask_news
    }

    pub fn offline(&self) -> bool {
        self.offline
    }

    pub fn attentive(&self) -> bool {
        self.hovered || self.focused
    }

    /// The pointer kind of a drag past its threshold.
    pub fn dragging(&self) -> Option<PointerKind> {
        self.drag
            .filter(|drag| drag.moving)
            .map(|drag| drag.pointer)
    }

    pub fn live_text(&self) -> Option<&str> {
        self.live_text.as_deref()
    }

    pub fn live_key(&self) -> Option<&'static str> {
        self.live_key
    }
}

fn finite(point: Point) -> bool {
    point.x.is_finite() && point.y.is_finite()
}

fn valid_viewport(viewport: Rect) -> bool {
    [viewport.x, viewport.y, viewport.width, viewport.height]
        .iter()
        .all(|v| v.is_finite())
        && viewport.width > 0.0
        && viewport.height > 0.0
}
