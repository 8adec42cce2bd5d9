//! The player relay's shared core. Players hold no provider key: their chat questions and their art orders go
//! over the module socket to the active GM's client, which decides and runs them. Both payloads travel the same
//! way and meet the same hostile-input rules, so that part lives here once, and `familiar-chat` and
//! `familiar-art` each bring only their payload (what a question or an order holds, and what it costs).
//!
//! Pure and sans-IO: bytes and the time in, values out; no clock, no socket.
//!
//! - [`envelope`]: `{"v": 1, "type": ...}` JSON text, size checked before parsing, version before shape.
//! - [`tagged`]: the `type`-tagged messages read without serde's buffering of internally tagged enums.
//! - [`ids`]: request and user id checks.
//! - [`limits`]: a sliding-window rate limit and a UTC-day counter, per user.
//! - [`scheduler`]: bounded calls, per-user queues served round-robin.
//! - [`calls`]: the calls in flight on the GM's client, by number and by (user, request id).
//! - [`resume`]: finished outcomes kept for a reloaded page (LRU, bounded in bytes, count and age).

pub mod calls;
pub mod envelope;
pub mod ids;
pub mod limits;
pub mod resume;
pub mod scheduler;
pub mod tagged;

pub use calls::{CallId, Calls, Open};
pub use envelope::{decode, encode, DecodeError, PROTOCOL_VERSION};
pub use ids::{is_request_id, is_user_id};
pub use limits::{DayUsage, SlidingWindow, DAY_MS};
pub use resume::{AnswerStore, ResumeConfig};
pub use scheduler::{FairQueue, QueueFull, SchedulerConfig};
