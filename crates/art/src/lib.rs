//! Art: portraits and tokens from the GM's image providers, sans-IO like quinn-proto. The core builds every
//! request (method, URL, headers, body) and consumes responses, the current time and seeded randomness; the
//! browser (fetch) and the CLI (ureq) move the bytes.
//!
//! - [`job`]: the [`Studio`] — per-provider queues, budgets, retries, failover, batches, progress and cancel.
//! - [`providers`]: OpenAI Images, Stability v2beta, AI Horde, AUTOMATIC1111/Forge and ComfyUI protocols.
//! - [`prompt`]: prompts from a creature or free text, presets, negative prompts, length limits.
//! - [`safety`]: the prompt filter with strictness levels and the per-layer safety report.
//! - [`image_check`]: size, blank/placeholder checks and the quality score on decoded pixels.
//! - [`resize`]: RGBA resize, shrink and crop of our own (smaller in wasm than `image`'s generic imageops).
//! - [`token`]: portraits and round tokens with a border, on RGBA pixels.
//! - [`codecs`] (feature `codecs`): the native decode/encode driver; the browser uses its own codecs.
//! - [`relay`]: players' art requests through the GM's client, within a per-player daily image budget.
//! - [`naming`]: file names that never overwrite.
//! - [`http`]: the request/response vocabulary shared with the transports.

#[cfg(feature = "codecs")]
pub mod codecs;
pub mod error;
pub mod http;
pub mod image_check;
pub mod job;
pub mod naming;
pub mod prompt;
pub mod providers;
pub mod relay;
pub mod resize;
pub mod safety;
pub mod token;

pub use error::{ConfigError, DecodeError, EncodeError, ProviderError, TransportError};
pub use http::{HttpRequest, HttpResponse, Method, Millis};
/// The pixel type of the codec and classifier steps.
pub use image::RgbaImage;
pub use job::{
    ArtImage, ArtOrder, Attempt, AttemptStatus, Event, JobId, JobReport, RequestId, Studio,
    StudioSettings, Transmit, Work, WorkId, WorkStep,
};
pub use prompt::{Creature, Preset, Subject};
pub use providers::{ApiKind, ProviderConfig};
pub use safety::classifier::{Classification, NsfwScores, Unclassified};
pub use safety::{check_prompt, LayerVerdict, SafetyReport, Strictness};
