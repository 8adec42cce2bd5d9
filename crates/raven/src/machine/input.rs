//! Input on the raven and its panel: clicks, keys, hover and focus, drags with any pointer, tabs, the Ask form.

use super::{finite, valid_viewport, Drag, Raven, Work};
use crate::effects::{Effect, Ignored};
use crate::events::{Key, KeyTarget, PointerKind};
use crate::keys;
use crate::placement::{Point, Rect};
use crate::views::ViewId;

/// How far an arrow key moves the raven; with Shift, `BIG_STEP`.
pub const STEP: f64 = 10.0;
pub const BIG_STEP: f64 = 50.0;

impl Raven {
    pub(super) fn click(
        &mut self,
        after_drag: bool,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        self.require_visible()?;
        if self.drag.is_some() {
            return Err(Ignored::Dragging);
        }
        if after_drag {
            return Err(Ignored::ClickAfterDrag);
        }
        self.toggle(effects);
        Ok(())
    }

    fn toggle(&mut self, effects: &mut Vec<Effect>) {
        if self.panel.is_some() {
            self.close();
        } else if let Some(view) = self.preferred_view() {
            self.open(view);
            effects.push(Effect::FocusPanel);
        }
    }

    pub(super) fn key(
        &mut self,
        key: Key,
        shift: bool,
        target: KeyTarget,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        self.require_visible()?;
        match (key, target) {
            (Key::Escape, _) if self.drag.is_some() => self.drag_cancel(),
            (Key::Escape, _) => self.close_panel(effects),
            (Key::Enter | Key::Space, KeyTarget::Raven) => {
                if self.drag.is_some() {
                    return Err(Ignored::Dragging);
                }
                self.toggle(effects);
                Ok(())
            }
            (
                Key::ArrowUp | Key::ArrowDown | Key::ArrowLeft | Key::ArrowRight,
                KeyTarget::Raven,
            ) => {
                if self.drag.is_some() {
                    return Err(Ignored::Dragging);
                }
                let step = if shift { BIG_STEP } else { STEP };
                let (dx, dy) = match key {
                    Key::ArrowUp => (0.0, -step),
                    Key::ArrowDown => (0.0, step),
                    Key::ArrowLeft => (-step, 0.0),
                    _ => (step, 0.0),
                };
                self.position = self.clamp(Point {
                    x: self.position.x + dx,
                    y: self.position.y + dy,
                });
                self.remember_position();
                Ok(())
            }
            _ => Err(Ignored::UnhandledKey),
        }
    }

    pub(super) fn set_attention(
        &mut self,
        hover: Option<bool>,
        focus: Option<bool>,
    ) -> Result<(), Ignored> {
        self.require_visible()?;
        let flag = match (hover, focus) {
            (Some(value), _) => (&mut self.hovered, value),
            (None, Some(value)) => (&mut self.focused, value),
            (None, None) => return Err(Ignored::AlreadyInState),
        };
        if *flag.0 == flag.1 {
            return Err(Ignored::AlreadyInState);
        }
        *flag.0 = flag.1;
        Ok(())
    }

    pub(super) fn drag_start(
        &mut self,
        pointer_at: Point,
        pointer: PointerKind,
    ) -> Result<(), Ignored> {
        self.require_visible()?;
        if self.drag.is_some() {
            return Err(Ignored::Dragging);
        }
        if !finite(pointer_at) {
            return Err(Ignored::InvalidPoint);
        }
        self.drag = Some(Drag {
            pointer,
            grab: Point {
                x: pointer_at.x - self.position.x,
                y: pointer_at.y - self.position.y,
            },
            press: pointer_at,
            origin: self.position,
            moving: false,
            interrupted: false,
        });
        Ok(())
    }

    pub(super) fn drag_move(&mut self, pointer_at: Point) -> Result<(), Ignored> {
        let Some(mut drag) = self.drag.filter(|drag| !drag.interrupted) else {
            return Err(Ignored::NotDragging);
        };
        if !finite(pointer_at) {
            return Err(Ignored::InvalidPoint);
        }
        let travelled = (pointer_at.x - drag.press.x).hypot(pointer_at.y - drag.press.y);
        if !drag.moving && travelled < drag.pointer.drag_threshold() {
            return Ok(());
        }
        drag.moving = true;
        self.drag = Some(drag);
        self.position = self.clamp(Point {
            x: pointer_at.x - drag.grab.x,
            y: pointer_at.y - drag.grab.y,
        });
        Ok(())
    }

    pub(super) fn drag_end(&mut self, pointer_at: Point) -> Result<(), Ignored> {
        let Some(drag) = self.drag else {
            return Err(Ignored::NotDragging);
        };
        if drag.interrupted {
            self.drag = None;
            self.after_drag = true;
            return Ok(());
        }
        if finite(pointer_at) {
            self.drag_move(pointer_at)?;
        }
        if let Some(drag) = self.drag.take() {
            if drag.moving {
                self.remember_position();
                self.after_drag = true;
            }
        }
        Ok(())
    }

    pub(super) fn drag_cancel(&mut self) -> Result<(), Ignored> {
        let drag = self.drag.take().ok_or(Ignored::NotDragging)?;
        // The viewport may have shrunk since the press.
        self.position = self.clamp(drag.origin);
        Ok(())
    }

    pub(super) fn select_view(
        &mut self,
        view: ViewId,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        self.require_visible()?;
        if !self.permissions.allows(view) {
            return Err(Ignored::ViewNotAllowed { view });
        }
        if self.panel == Some(view) {
            return Err(Ignored::AlreadyInState);
        }
        if self.panel.is_none() {
            effects.push(Effect::FocusPanel);
        }
        self.open(view);
        Ok(())
    }

    /// The close button and Escape: focus goes back to the raven so keyboard users are not lost.
    pub(super) fn close_panel(&mut self, effects: &mut Vec<Effect>) -> Result<(), Ignored> {
        self.require_visible()?;
        if self.panel.is_none() {
            return Err(Ignored::NothingToClose);
        }
        self.close();
        effects.push(Effect::FocusRaven);
        Ok(())
    }

    pub(super) fn submit(
        &mut self,
        question: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        self.require_visible()?;
        if self.panel != Some(ViewId::Ask) {
            return Err(Ignored::NotOnAsk);
        }
        let question = question.trim();
        if question.is_empty() {
            return Err(Ignored::EmptyQuestion);
        }
        if self.offline {
            if self.work == Work::Offline {
                return Err(Ignored::AlreadyInState);
            }
            self.work = Work::Offline;
            effects.push(Effect::AnnounceKey {
                key: keys::WORK_OFFLINE,
            });
            return Ok(());
        }
        // A new question replaces the one still running.
        if let Some(id) = self.work.running() {
            effects.push(Effect::CancelWork { id });
        }
        self.last_id = self.last_id.wrapping_add(1).max(1);
        self.work = Work::Thinking { id: self.last_id };
        self.sentences.clear();
        effects.push(Effect::StartWork {
            id: self.last_id,
            question: question.to_string(),
        });
        effects.push(Effect::AnnounceKey {
            key: keys::WORK_THINKING,
        });
        Ok(())
    }

    pub(super) fn cancel_work(
        &mut self,
        only: Option<u32>,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        let id = self.work.running().ok_or(Ignored::NoWork)?;
        if only.is_some_and(|only| only != id) {
            return Err(Ignored::StaleWork {
                id: only.unwrap_or(id),
            });
        }
        effects.push(Effect::CancelWork { id });
        effects.push(Effect::AnnounceKey {
            key: keys::WORK_CANCELLED,
        });
        self.work = Work::Idle;
        self.sentences.clear();
        Ok(())
    }

    pub(super) fn set_animation(&mut self, enabled: bool) -> Result<(), Ignored> {
        if self.prefs.animation == enabled {
            return Err(Ignored::AlreadyInState);
        }
        self.prefs.animation = enabled;
        Ok(())
    }

    /// A resize pulls the raven back on screen but does not save that spot: the user's own spot returns on a
    /// larger window.
    pub(super) fn resize(&mut self, viewport: Rect) -> Result<(), Ignored> {
        if !valid_viewport(viewport) {
            return Err(Ignored::InvalidViewport);
        }
        if self.viewport == Some(viewport) {
            return Err(Ignored::AlreadyInState);
        }
        self.viewport = Some(viewport);
        if self.ready {
            let wanted = match (self.drag, self.prefs.position) {
                (None, Some(saved)) => saved,
                _ => self.position,
            };
            self.position = self.clamp(wanted);
        }
        Ok(())
    }
}
