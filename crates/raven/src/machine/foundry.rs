//! Events from Foundry: `ready` puts the raven on its perch, a scene change ends a drag but nothing else, and a
//! change of the user's role or of the GM's setting redraws what may be opened.

use super::{valid_viewport, Raven, Work};
use crate::effects::{Effect, Ignored};
use crate::keys;
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

    /// The raven lives in Foundry's interface, not on the canvas: it stays usable while a scene is torn down and
    /// drawn again (or while no scene is shown at all). Only a drag in progress ends, put back where it began, since
    /// the layout it was measured against is being replaced; the pointer's release then ends it without a click.
    pub(super) fn canvas_teardown(&mut self) -> Result<(), Ignored> {
        if !self.canvas {
            return Err(Ignored::AlreadyInState);
        }
        self.canvas = false;
        if let Some(drag) = self.drag.as_mut().filter(|drag| !drag.interrupted) {
            drag.moving = false;
            drag.interrupted = true;
            let origin = drag.origin;
            self.position = self.clamp(origin);
        }
        Ok(())
    }

    pub(super) fn canvas_ready(&mut self) -> Result<(), Ignored> {
        if self.canvas {
            return Err(Ignored::AlreadyInState);
        }
        self.canvas = true;
        Ok(())
    }

    /// The current user's role changed (Foundry's `updateUser` for this client's user): what they may open is
    /// redrawn, while their request, answer and prefs stay theirs. `settle` closes a view no longer allowed and
    /// cancels a request whose Ask view went away. A GM does not go offline, so becoming one ends an offline state.
    pub(super) fn user_change(
        &mut self,
        permissions: Permissions,
        effects: &mut Vec<Effect>,
    ) -> Result<(), Ignored> {
        if self.permissions == permissions {
            return Err(Ignored::AlreadyInState);
        }
        if permissions.is_gm && self.offline {
            self.offline = false;
            if self.work == Work::Offline {
                self.work = Work::Idle;
            }
            effects.push(Effect::AnnounceKey {
                key: keys::WORK_ONLINE,
            });
        }
        self.permissions = permissions;
        Ok(())
    }

    /// The GM changed the world setting of what players may open (the adapter passes this user's views).
    pub(super) fn permission_change(&mut self, permissions: Permissions) -> Result<(), Ignored> {
        if self.permissions == permissions {
            return Err(Ignored::AlreadyInState);
        }
        self.permissions = permissions;
        Ok(())
    }
}
