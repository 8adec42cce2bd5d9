//! The snapshot the adapter renders: everything on screen follows from it, every string is a lang key.

use serde::Serialize;

use crate::events::{ErrorKind, PointerKind};
use crate::keys;
use crate::machine::{IndexState, News, Raven, State, Work};
use crate::placement::Point;
use crate::views::ViewId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Pose {
    Idle,
    Listening,
    Thinking,
    Speaking,
}

impl Pose {
    pub fn key(self) -> &'static str {
        match self {
            Pose::Idle => keys::POSE_IDLE,
            Pose::Listening => keys::POSE_LISTENING,
            Pose::Thinking => keys::POSE_THINKING,
            Pose::Speaking => keys::POSE_SPEAKING,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RavenView {
    pub state: State,
    pub visible: bool,
    pub pose: Pose,
    pub pose_key: &'static str,
    /// Top-left corner in CSS pixels (`transform: translate(x, y)`).
    pub position: Point,
    pub size: f64,
    /// The user's setting; `prefers-reduced-motion` is left to CSS.
    pub animate: bool,
    /// Set while a drag is past its threshold, with the pointer that drags.
    pub dragging: Option<PointerKind>,
    pub dot: bool,
    pub busy: bool,
    pub offline: bool,
    /// Absent when the panel is closed or the raven hidden: not rendered at all, not hidden with CSS.
    pub panel: Option<PanelView>,
    pub index: IndexView,
    pub aria: AriaView,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelView {
    pub view: ViewId,
    pub title_key: &'static str,
    pub allowed_views: Vec<ViewId>,
    /// One tab per allowed view; the Ask tab carries a badge while what finished there is unseen.
    pub tabs: Vec<TabView>,
    pub work: WorkView,
    pub can_submit: bool,
    pub can_cancel: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TabView {
    pub view: ViewId,
    pub title_key: &'static str,
    pub selected: bool,
    /// The badge's lang key (its visually hidden text, part of the tab's accessible name); `None`: no badge.
    pub badge: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WorkStatus {
    Idle,
    Thinking,
    Streaming,
    AnswerReady,
    Offline,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkView {
    pub status: WorkStatus,
    /// What the Ask view says about its request; `None` when idle.
    pub status_key: Option<&'static str>,
    pub error: Option<ErrorKind>,
    /// The running request's id, to match the adapter's stream.
    pub id: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IndexStatus {
    Unknown,
    Building,
    Ready,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexView {
    pub status: IndexStatus,
    pub done: u32,
    pub total: u32,
    pub documents: u32,
    /// Formatted with `{done}`, `{total}` or `{documents}`.
    pub key: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AriaView {
    /// `aria-expanded` on the raven button.
    pub expanded: bool,
    /// The raven button's accessible name.
    pub label_key: &'static str,
    /// Its state (`aria-description`/title): the pose.
    pub state_key: &'static str,
    /// The last sentence announced in the polite live region (model text, already whole sentences).
    pub live_text: Option<String>,
    /// The last status announced there, as a lang key.
    pub live_key: Option<&'static str>,
}

impl News {
    pub fn badge_key(self) -> &'static str {
        match self {
            News::Answer => keys::BADGE_ANSWER,
            News::Problem => keys::BADGE_PROBLEM,
        }
    }
}

impl Raven {
    pub fn pose(&self) -> Pose {
        match self.work() {
            Work::Thinking { .. } => Pose::Thinking,
            Work::Streaming { .. } => Pose::Speaking,
            _ if self.attentive() || self.panel().is_some() || self.dragging().is_some() => {
                Pose::Listening
            }
            _ => Pose::Idle,
        }
    }

    pub fn view(&self) -> RavenView {
        let pose = self.pose();
        let panel = self.panel().map(|view| self.panel_view(view));
        RavenView {
            state: self.state(),
            visible: self.visible(),
            pose,
            pose_key: pose.key(),
            position: self.position(),
            size: self.size(),
            animate: self.prefs().animation,
            dragging: self.dragging(),
            dot: self.dot(),
            busy: self.work().running().is_some(),
            offline: self.offline(),
            aria: AriaView {
                expanded: panel.is_some(),
                label_key: if self.dot() {
                    keys::LABEL_UNREAD
                } else {
                    keys::LABEL
                },
                state_key: pose.key(),
                live_text: self.live_text().map(str::to_string),
                live_key: self.live_key(),
            },
            panel,
            index: self.index_view(),
        }
    }

    fn panel_view(&self, view: ViewId) -> PanelView {
        let allowed_views = self.permissions().allowed_views.clone();
        let tabs = allowed_views
            .iter()
            .map(|&tab| TabView {
                view: tab,
                title_key: tab.title_key(),
                selected: tab == view,
                badge: self
                    .ask_news()
                    .filter(|_| tab == ViewId::Ask)
                    .map(News::badge_key),
            })
            .collect();
        let work = self.work();
        PanelView {
            view,
            title_key: view.title_key(),
            allowed_views,
            tabs,
            work: work_view(work),
            can_submit: view == ViewId::Ask && !self.offline(),
            can_cancel: work.running().is_some(),
        }
    }

    fn index_view(&self) -> IndexView {
        match self.index() {
            IndexState::Unknown => IndexView {
                status: IndexStatus::Unknown,
                done: 0,
                total: 0,
                documents: 0,
                key: None,
            },
            IndexState::Building { done, total } => IndexView {
                status: IndexStatus::Building,
                done,
                total,
                documents: done,
                key: Some(keys::INDEX_BUILDING),
            },
            IndexState::Ready { documents } => IndexView {
                status: IndexStatus::Ready,
                done: documents,
                total: documents,
                documents,
                key: Some(keys::INDEX_READY),
            },
        }
    }
}

fn work_view(work: Work) -> WorkView {
    let (status, status_key, error) = match work {
        Work::Idle => (WorkStatus::Idle, None, None),
        Work::Thinking { .. } => (WorkStatus::Thinking, Some(keys::WORK_THINKING), None),
        Work::Streaming { .. } => (WorkStatus::Streaming, Some(keys::WORK_STREAMING), None),
        Work::Done => (WorkStatus::AnswerReady, Some(keys::WORK_ANSWER_READY), None),
        Work::Offline => (WorkStatus::Offline, Some(keys::WORK_OFFLINE), None),
        Work::Failed { kind } => (WorkStatus::Error, Some(kind.key()), Some(kind)),
    };
    WorkView {
        status,
        status_key,
        error,
        id: work.running(),
    }
}
