//! The panel's views and who may see them: the GM sees what exists, a player only what the GM's world setting allows.

use serde::{Deserialize, Serialize};

use crate::keys;

/// One view of the panel. The order of `ALL` is the order of the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ViewId {
    Ask,
    Encounter,
    Monster,
    Status,
    Art,
}

impl ViewId {
    pub const ALL: [ViewId; 5] = [
        ViewId::Ask,
        ViewId::Encounter,
        ViewId::Monster,
        ViewId::Status,
        ViewId::Art,
    ];

    /// Status shows every user's budget and each provider's health: no world setting opens it to players.
    pub fn gm_only(self) -> bool {
        self == ViewId::Status
    }

    pub fn title_key(self) -> &'static str {
        match self {
            ViewId::Ask => keys::VIEW_ASK,
            ViewId::Encounter => keys::VIEW_ENCOUNTER,
            ViewId::Monster => keys::VIEW_MONSTER,
            ViewId::Status => keys::VIEW_STATUS,
            ViewId::Art => keys::VIEW_ART,
        }
    }
}

/// What the current user may open, as the adapter reads it from Foundry (`game.user.isGM` and the world setting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    #[serde(rename = "isGM")]
    pub is_gm: bool,
    pub allowed_views: Vec<ViewId>,
}

impl Permissions {
    /// Tab order, no duplicates, and GM-only views removed for players whatever the adapter passed.
    pub fn normalized(is_gm: bool, views: &[ViewId]) -> Self {
        let allowed_views = ViewId::ALL
            .into_iter()
            .filter(|view| views.contains(view) && (is_gm || !view.gm_only()))
            .collect();
        Permissions {
            is_gm,
            allowed_views,
        }
    }

    pub fn allows(&self, view: ViewId) -> bool {
        self.allowed_views.contains(&view)
    }
}

impl Default for Permissions {
    /// A player who may only ask: the safe assumption until Foundry says otherwise.
    fn default() -> Self {
        Permissions::normalized(false, &[ViewId::Ask])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn players_never_get_gm_only_views_and_order_is_fixed() {
        let player = Permissions::normalized(
            false,
            &[ViewId::Status, ViewId::Monster, ViewId::Ask, ViewId::Ask],
        );
        assert_eq!(player.allowed_views, vec![ViewId::Ask, ViewId::Monster]);
        let gm = Permissions::normalized(true, &[ViewId::Status, ViewId::Ask]);
        assert_eq!(gm.allowed_views, vec![ViewId::Ask, ViewId::Status]);
    }

    #[test]
    fn permissions_read_the_adapter_shape() {
        let permissions: Permissions =
            serde_json::from_str(r#"{"isGM": true, "allowedViews": ["ask", "encounter"]}"#)
                .unwrap();
        assert!(permissions.is_gm);
        assert!(permissions.allows(ViewId::Encounter));
        assert!(
            serde_json::from_str::<Permissions>(r#"{"isGM": true, "allowedViews": ["chat"]}"#)
                .is_err()
        );
    }
}
