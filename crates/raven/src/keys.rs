//! Every user-facing string the raven refers to, as a lang key (the adapter localises; Rust never holds English).
//! `ALL` lists them so a test on the JS side can hold `lang/*.json` to the same set.

pub const LABEL: &str = "FAMILIAR.Raven.Label";
/// The raven's accessible name while an answer waits behind the notification dot.
pub const LABEL_UNREAD: &str = "FAMILIAR.Raven.LabelUnread";

pub const POSE_IDLE: &str = "FAMILIAR.Raven.Pose.Idle";
pub const POSE_LISTENING: &str = "FAMILIAR.Raven.Pose.Listening";
pub const POSE_THINKING: &str = "FAMILIAR.Raven.Pose.Thinking";
pub const POSE_SPEAKING: &str = "FAMILIAR.Raven.Pose.Speaking";

pub const VIEW_ASK: &str = "FAMILIAR.Raven.View.Ask";
pub const VIEW_ENCOUNTER: &str = "FAMILIAR.Raven.View.Encounter";
pub const VIEW_MONSTER: &str = "FAMILIAR.Raven.View.Monster";
pub const VIEW_STATUS: &str = "FAMILIAR.Raven.View.Status";
pub const VIEW_ART: &str = "FAMILIAR.Raven.View.Art";

pub const WORK_THINKING: &str = "FAMILIAR.Raven.Work.Thinking";
pub const WORK_STREAMING: &str = "FAMILIAR.Raven.Work.Streaming";
pub const WORK_ANSWER_READY: &str = "FAMILIAR.Raven.Work.AnswerReady";
pub const WORK_CANCELLED: &str = "FAMILIAR.Raven.Work.Cancelled";
/// Players reach the providers through the GM's client; this says the GM is gone.
pub const WORK_OFFLINE: &str = "FAMILIAR.Raven.Work.Offline";
pub const WORK_ONLINE: &str = "FAMILIAR.Raven.Work.Online";

pub const ERROR_NETWORK: &str = "FAMILIAR.Raven.Error.Network";
pub const ERROR_RATE_LIMITED: &str = "FAMILIAR.Raven.Error.RateLimited";
pub const ERROR_AUTH: &str = "FAMILIAR.Raven.Error.Auth";
pub const ERROR_BUDGET: &str = "FAMILIAR.Raven.Error.Budget";
pub const ERROR_SERVER: &str = "FAMILIAR.Raven.Error.Server";
pub const ERROR_UNKNOWN: &str = "FAMILIAR.Raven.Error.Unknown";

/// A tab's badge, visually hidden text read as part of the tab's name: an answer waits there, or its question failed.
pub const BADGE_ANSWER: &str = "FAMILIAR.Raven.Badge.Answer";
pub const BADGE_PROBLEM: &str = "FAMILIAR.Raven.Badge.Problem";

/// `{done}` and `{total}` documents indexed so far.
pub const INDEX_BUILDING: &str = "FAMILIAR.Raven.Index.Building";
/// `{documents}` in the ready index.
pub const INDEX_READY: &str = "FAMILIAR.Raven.Index.Ready";

pub const ALL: [&str; 27] = [
    LABEL,
    LABEL_UNREAD,
    POSE_IDLE,
    POSE_LISTENING,
    POSE_THINKING,
    POSE_SPEAKING,
    VIEW_ASK,
    VIEW_ENCOUNTER,
    VIEW_MONSTER,
    VIEW_STATUS,
    VIEW_ART,
    WORK_THINKING,
    WORK_STREAMING,
    WORK_ANSWER_READY,
    WORK_CANCELLED,
    WORK_OFFLINE,
    WORK_ONLINE,
    ERROR_NETWORK,
    ERROR_RATE_LIMITED,
    ERROR_AUTH,
    ERROR_BUDGET,
    ERROR_SERVER,
    ERROR_UNKNOWN,
    BADGE_ANSWER,
    BADGE_PROBLEM,
    INDEX_BUILDING,
    INDEX_READY,
];

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_unique_and_namespaced() {
        let mut keys = super::ALL.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), super::ALL.len());
        assert!(keys.iter().all(|key| key.starts_with("FAMILIAR.Raven.")));
    }
}
