//! One image of a job: its place in the provider chain, its provider flow, retries and budget, and the checks,
//! portrait or token once the driver has decoded the bytes.

use crate::error::{ProviderError, Recovery};
use crate::http::{HttpRequest, HttpResponse, Millis};
use image::RgbaImage;

use crate::image_check::{self, ExpectedSize, ImageDefect, QualityScore};
use crate::prompt::{self, Preset, Subject};
use crate::providers::{self, FlowSettings, ImageSpec, Next, ProviderConfig, ProviderFlow};
use crate::safety::{LayerVerdict, SafetyReport};
use crate::token;

use super::types::{ArtImage, RequestId, StudioSettings, WorkId};

pub(crate) enum TaskState {
    /// Waiting for a slot on its provider.
    Ready,
    /// Backoff before a retry, or the pause between polls.
    Waiting {
        until: Millis,
        request: HttpRequest,
    },
    InFlight {
        request: RequestId,
        deadline: Millis,
    },
    /// The driver is decoding, classifying or encoding this image.
    Working {
        work: WorkId,
        deadline: Millis,
    },
    Done,
}

pub(crate) enum Decision {
    Retry { retry: u32 },
    Failover,
    Stop,
}

pub(crate) struct Task {
    subject: Subject,
    preset: Preset,
    variant: u32,
    pub provider: usize,
    pub holds_slot: bool,
    pub flow: Option<Box<dyn ProviderFlow>>,
    pub state: TaskState,
    config: Option<ProviderConfig>,
    expected: ExpectedSize,
    poll_interval_ms: Millis,
    retries_here: u32,
    defect_retry_used: bool,
    provider_started: Millis,
    /// Between the classify and encode steps: the checked pixels and their score.
    pub checked: Option<(RgbaImage, QualityScore)>,
    /// Between the classify and encode steps: what the classifier layer said of this image.
    pub classifier: Option<LayerVerdict>,
}

impl Task {
    pub fn new(subject: &Subject, preset: Preset, variant: u32) -> Self {
        Task {
            subject: subject.clone(),
            preset,
            variant,
            provider: 0,
            holds_slot: false,
            flow: None,
            state: TaskState::Ready,
            config: None,
            expected: ExpectedSize::Exact {
                width: 0,
                height: 0,
            },
            poll_interval_ms: 0,
            retries_here: 0,
            defect_retry_used: false,
            provider_started: 0,
            checked: None,
            classifier: None,
        }
    }

    /// Begins this image on `config` (the task's current provider) and returns the first request.
    pub fn start(
        &mut self,
        config: &ProviderConfig,
        settings: FlowSettings,
        now: Millis,
    ) -> Result<HttpRequest, ProviderError> {
        self.provider_started = now;
        self.retries_here = 0;
        self.defect_retry_used = false;
        self.poll_interval_ms = settings.poll_interval_ms;
        self.config = Some(config.clone());
        let mut flow = self.build_flow(config, settings)?;
        let request = flow.start();
        self.flow = Some(flow);
        Ok(request)
    }

    fn build_flow(
        &mut self,
        config: &ProviderConfig,
        settings: FlowSettings,
    ) -> Result<Box<dyn ProviderFlow>, ProviderError> {
        let built = prompt::build(&self.subject, self.preset, config.api);
        let ((width, height), expected) =
            prompt::dimensions(self.preset, config.api, config.model.as_deref());
        self.expected = expected;
        let spec = ImageSpec {
            prompt: built.positive,
            negative_prompt: built.negative,
            width,
            height,
            seed: (settings.random >> 32) as u32,
        };
        providers::start_flow(config, &spec, settings)
    }

    /// A fresh flow (new seed) on the same provider, for a retry.
    pub fn restart(&mut self, random: u64) -> HttpRequest {
        let settings = FlowSettings {
            poll_interval_ms: self.poll_interval_ms,
            random,
        };
        if let Some(config) = self.config.clone() {
            if let Ok(mut flow) = self.build_flow(&config, settings) {
                let request = flow.start();
                self.flow = Some(flow);
                return request;
            }
        }
        match &mut self.flow {
            Some(flow) => flow.start(),
            None => HttpRequest::get(String::new()),
        }
    }

    pub fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError> {
        match &mut self.flow {
            Some(flow) => flow.on_response(response),
            None => Err(ProviderError::malformed(
                "a response arrived for a finished step",
            )),
        }
    }

    pub fn recovery_for(&mut self, error: &ProviderError, max_retries: u32) -> Decision {
        match error.recovery() {
            Recovery::Stop => Decision::Stop,
            Recovery::Failover => Decision::Failover,
            // A clearly broken image is retried once, whatever the retry allowance.
            Recovery::Retry if matches!(error, ProviderError::Defect(_)) => {
                if self.defect_retry_used {
                    Decision::Failover
                } else {
                    self.defect_retry_used = true;
                    Decision::Retry {
                        retry: self.retries_here,
                    }
                }
            }
            Recovery::Retry if self.retries_here < max_retries => {
                self.retries_here += 1;
                Decision::Retry {
                    retry: self.retries_here - 1,
                }
            }
            Recovery::Retry => Decision::Failover,
        }
    }

    pub fn budget_end(&self, budget_ms: Millis) -> Millis {
        self.provider_started.saturating_add(budget_ms)
    }

    pub fn wake_at(&self) -> Option<Millis> {
        match self.state {
            TaskState::Waiting { until, .. } => Some(until),
            TaskState::InFlight { deadline, .. } | TaskState::Working { deadline, .. } => {
                Some(deadline)
            }
            _ => None,
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self.state, TaskState::Done)
    }

    pub fn finish(&mut self, _saved: bool) {
        self.state = TaskState::Done;
        self.flow = None;
        self.checked = None;
        self.classifier = None;
    }

    pub fn next_provider(&mut self) {
        self.provider += 1;
        self.state = TaskState::Ready;
        self.flow = None;
        self.checked = None;
        self.classifier = None;
    }

    /// The checks on the decoded pixels: size against this provider's request, blank, placeholder, quality.
    pub fn check(&self, pixels: &RgbaImage) -> Result<QualityScore, ImageDefect> {
        image_check::check(pixels, self.expected)
    }

    /// What goes into the world for this preset, and whether to encode it losslessly.
    pub fn output(&self, pixels: &RgbaImage, settings: &StudioSettings) -> (RgbaImage, bool) {
        match self.preset {
            Preset::Token => (token::round_token(pixels, &settings.token_style), true),
            Preset::Portrait | Preset::Scene => {
                (token::portrait(pixels, settings.portrait_max_side), false)
            }
        }
    }

    /// The finished image around the encoder's bytes.
    pub fn image(
        &self,
        encoded: Encoded,
        provider: &str,
        score: QualityScore,
        safety: SafetyReport,
    ) -> ArtImage {
        let name_suffix = match self.preset {
            Preset::Portrait => "",
            Preset::Token => "-token",
            Preset::Scene => "-scene",
        };
        ArtImage {
            preset: self.preset,
            variant: self.variant,
            provider: provider.to_string(),
            width: encoded.width,
            height: encoded.height,
            score,
            webp: encoded.bytes,
            mime: encoded.format.mime().to_string(),
            extension: encoded.format.extension().to_string(),
            title: self.subject.title(),
            name_suffix: name_suffix.to_string(),
            safety,
        }
    }
}

/// The encoder's answer with the size of the pixels it was given.
pub(crate) struct Encoded {
    pub bytes: Vec<u8>,
    pub format: FileFormat,
    pub width: u32,
    pub height: u32,
}

/// What an encoder produced, read from the bytes: a browser without a WebP encoder hands back PNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileFormat {
    Webp,
    Png,
}

impl FileFormat {
    pub fn sniff(bytes: &[u8]) -> Option<FileFormat> {
        if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(FileFormat::Webp)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileFormat::Png)
        } else {
            None
        }
    }

    fn mime(self) -> &'static str {
        match self {
            FileFormat::Webp => "image/webp",
            FileFormat::Png => "image/png",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            FileFormat::Webp => "webp",
            FileFormat::Png => "png",
        }
    }
}
