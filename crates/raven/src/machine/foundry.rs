//! Events from Foundry: `ready` puts the raven on its perch, the canvas coming and going hides and shows it, and
//! a change of user or of the GM's setting redraws what may be opened.

use super::{valid_viewport, Raven, Work};
use crate::effects::{Effect, Ignored};
use crate::placement::{default_perch, Rect};
use crate::views::Permissions;

impl Raven {
    pub(super) fn foundry_ready(
        &mut self,
        viewport: Rect,
        obstacles: &[Rect],
    ) -> Result<(), Ignored> {
        if self.ready {
            return Err(Ignored::AlreadyInState);
        }
        if !valid_viewport(viewport) {
            return Err(Ignored::InvalidViewport);
        }
        self.viewport = Some(viewport);
        self.ready = true;
        self.position = match self.prefs.position {
            Some(saved) => self.clamp(saved),
            None => default_perch(viewport, obstacles, self.size),
        };
        // The panel was open when the user left: reopen it, without stealing focus from Foundry.
        if !self.prefs.collapsed {
            if let Some(view) = self
                .prefs
                .last_view
                .filter(|view| self.permissions.allows(*view))
            {
                self.open(view);
            }
        }
        Ok(())
    }

    /// The canvas may come and go before `ready` too (a scene switch while loading): only its last word counts.
    pub(super) fn canvas_ready(&mut self) -> Result<(), Ignored> {
        if self.canvas {
            return Err(Ignored::AlreadyInState);
        }
        self.canvas = true;
        Ok(())
    }

    pub(super) fn canvas_teardown(&mut self) -> Result<(), Ignored> {
        if !self.canvas {
            return Err(Ignored::AlreadyInState);
        }
        self.canvas = false;
        Ok(())
    }

    /// Another user on this client: their request, answer and offline state are not the previous user's.
    pub(super) fn user_change(
        &mut self,
        permissions: Permissions,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        if let Some(id) = self.work.running() {
            effects.push(Effect::CancelWork { id });
        }
        self.work = Work::Idle;
        self.sentences.clear();
        self.unread = false;
        self.offline = false;
        self.live_text = None;
        self.live_key = None;
        self.permissions = permissions;
        Ok(())
    }

    pub(super) fn permission_change(&mut self, permissions: Permissions) -> Result<(), Ignored> {
        if self.permissions == permissions {
            return Err(Ignored::AlreadyInState);
        }
        // `settle` closes a view no longer allowed and cancels a request whose Ask view went away.
        self.permissions = permissions;
        Ok(())
    }
}
