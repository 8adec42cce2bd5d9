//! The Studio's public data: what is ordered, what comes out, and how it went.

use serde::{Deserialize, Serialize};

use image::RgbaImage;

use crate::http::{HttpRequest, Millis};
use crate::image_check::QualityScore;
use crate::prompt::{Preset, Subject};
use crate::safety::classifier::Unclassified;
use crate::safety::{SafetyReport, Strictness};
use crate::token::TokenStyle;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JobId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub u64);

/// A decode, classify or encode step handed to the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkId(pub u64);

/// Knobs the GM (or a test) sets; the defaults are the issue's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StudioSettings {
    pub strictness: Strictness,
    /// Time one image may spend on one provider before the job moves down the chain.
    pub image_budget_ms: Millis,
    /// Longest wait for any single response.
    pub step_timeout_ms: Millis,
    /// How often asynchronous providers (Horde, ComfyUI) are polled.
    pub poll_interval_ms: Millis,
    /// Retries of a transient failure on one provider before failing over.
    pub max_retries: u32,
    pub backoff_base_ms: Millis,
    pub backoff_max_ms: Millis,
    /// Requests in flight per provider when its config doesn't say.
    pub default_concurrency: usize,
    pub max_variants: u32,
    pub portrait_max_side: u32,
    pub token_style: TokenStyle,
    /// Ask OpenAI's moderation endpoint first when an OpenAI provider with a key is in the chain.
    pub openai_moderation: bool,
    /// Longest wait for the driver's decode, classify or encode answer (the first classify loads the model).
    pub work_timeout_ms: Millis,
    /// What happens to an image the classifier did not see (strict discards it by default).
    pub unclassified: Unclassified,
}

impl Default for StudioSettings {
    fn default() -> Self {
        StudioSettings {
            strictness: Strictness::Strict,
            image_budget_ms: 30_000,
            step_timeout_ms: 20_000,
            poll_interval_ms: 2_000,
            max_retries: 2,
            backoff_base_ms: 500,
            backoff_max_ms: 8_000,
            default_concurrency: 2,
            max_variants: 8,
            portrait_max_side: 768,
            token_style: TokenStyle::default(),
            openai_moderation: true,
            work_timeout_ms: 15_000,
            unclassified: Unclassified::ByStrictness,
        }
    }
}

/// One click: a subject, the presets wanted (a portrait and a token together, say) and variants of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtOrder {
    pub subject: Subject,
    pub presets: Vec<Preset>,
    #[serde(default = "one")]
    pub variants: u32,
}

fn one() -> u32 {
    1
}

/// A request for the transport. Abort it at `deadline` (the core also times it out on its own clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transmit {
    pub id: RequestId,
    pub job: JobId,
    pub request: HttpRequest,
    pub deadline: Millis,
}

/// Work for the driver: decode a provider's bytes, classify pixels for safety, or encode finished pixels. Answer it
/// with [`super::Studio::handle_decoded`], [`super::Studio::handle_classified`] or
/// [`super::Studio::handle_encoded`] before `deadline` (the core times it out on its own clock).
#[derive(Debug, Clone, PartialEq)]
pub struct Work {
    pub id: WorkId,
    pub job: JobId,
    pub deadline: Millis,
    pub step: WorkStep,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WorkStep {
    /// PNG, JPEG or WebP bytes → RGBA pixels.
    Decode { bytes: Vec<u8> },
    /// Checked pixels → the classifier's class probabilities, or "not run".
    Classify { pixels: RgbaImage },
    /// The portrait or token → WebP bytes (`lossless` for the token's crisp ring and alpha edge).
    Encode { pixels: RgbaImage, lossless: bool },
}

/// A finished, checked, encoded image, ready to upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtImage {
    pub preset: Preset,
    pub variant: u32,
    pub provider: String,
    /// Pixels of the encoded file.
    pub width: u32,
    pub height: u32,
    pub score: QualityScore,
    /// The encoded bytes: WebP (a round token with alpha for the token preset), or PNG where the browser cannot
    /// encode WebP (Safari); `mime` and `extension` say which, read from the bytes themselves.
    pub webp: Vec<u8>,
    pub mime: String,
    pub extension: String,
    /// For [`crate::naming::unique_name`]: the subject's title and a suffix such as `-token`.
    pub title: String,
    pub name_suffix: String,
    pub safety: SafetyReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// An image came back and passed the checks.
    Ok,
    /// The image classifier flagged the image (or could not look at it at strict): discarded, not shopped around.
    Discarded,
    /// A transient failure; tried again on the same provider.
    Retry,
    /// This provider could not do it; the job moved down the chain.
    Failover,
    /// The provider's own filter refused it; the job does not shop it to another provider.
    Filtered,
    /// The last provider failed too.
    GaveUp,
    Cancelled,
}

/// One line of the job's log: a provider, what happened, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub provider: String,
    pub status: AttemptStatus,
    pub error: Option<String>,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobReport {
    pub blocked: bool,
    pub reason: Option<String>,
    pub safety: SafetyReport,
    pub images: usize,
    pub failed: usize,
    /// The provider of the last image saved.
    pub provider: Option<String>,
    pub scores: Vec<f32>,
    pub attempts: Vec<Attempt>,
    pub cancelled: bool,
}

/// What happened, for the view (progress bar, gallery) or the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Progress {
        job: JobId,
        finished: usize,
        total: usize,
        stage: Stage,
    },
    Image {
        job: JobId,
        image: Box<ArtImage>,
    },
    Finished {
        job: JobId,
        report: JobReport,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Moderating,
    Submitted,
    Generating,
    Retrying,
    /// Decoding and checking an image that came back.
    Checking,
    Classifying,
    Encoding,
    ImageDone,
}
