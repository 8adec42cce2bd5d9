//! The third safety layer's rule: the browser's `nsfwjs` (or any classifier with its five classes) scores each
//! image on the GM's machine; the thresholds for the GM's strictness are applied here, in Rust, so the adapter
//! holds no safety decision. A classifier that did not run is a decision too: at strict (and under
//! [`Unclassified::Discard`]) such an image is never shown.

use serde::{Deserialize, Serialize};

use super::{LayerVerdict, Strictness};

/// `nsfwjs`'s class probabilities (each 0..=1; they sum to about 1).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NsfwScores {
    pub drawing: f32,
    pub hentai: f32,
    pub neutral: f32,
    pub porn: f32,
    pub sexy: f32,
}

/// The driver's answer to a classify step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Classification {
    Scores(NsfwScores),
    /// No classifier here (the CLI), or it failed to load or to answer.
    NotRun {
        why: String,
    },
}

/// What happens to an image no classifier looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unclassified {
    /// Discarded at strict, kept (marked not run) at standard and relaxed. The browser's setting.
    #[default]
    ByStrictness,
    /// Kept, marked not run: for drivers that have no classifier at all (the native CLI).
    Keep,
    Discard,
}

/// The highest probability of each flagged class an image may have at a strictness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageLimits {
    pub porn: f32,
    pub hentai: f32,
    pub sexy: f32,
}

impl Strictness {
    pub fn image_limits(self) -> ImageLimits {
        match self {
            // Calibrated on 80 safe images (tests/bench/classifier.mjs): porn reached 0.201 on a flesh-toned
            // plasma pattern, hentai 0.045, sexy 0.005; 0.2 discarded that one (1.3 %), 0.25 none.
            Strictness::Strict => ImageLimits {
                porn: 0.25,
                hentai: 0.25,
                sexy: 0.35,
            },
            Strictness::Standard => ImageLimits {
                porn: 0.4,
                hentai: 0.4,
                sexy: 0.6,
            },
            Strictness::Relaxed => ImageLimits {
                porn: 0.6,
                hentai: 0.6,
                sexy: 0.85,
            },
        }
    }

    fn name(self) -> &'static str {
        match self {
            Strictness::Strict => "strict",
            Strictness::Standard => "standard",
            Strictness::Relaxed => "relaxed",
        }
    }
}

/// The classifier layer's verdict on one image: `Blocked` discards it.
pub fn judge(
    classification: &Classification,
    strictness: Strictness,
    unclassified: Unclassified,
) -> LayerVerdict {
    let scores = match classification {
        Classification::Scores(scores) => scores,
        Classification::NotRun { why } => {
            let discard = match unclassified {
                Unclassified::ByStrictness => strictness == Strictness::Strict,
                Unclassified::Keep => false,
                Unclassified::Discard => true,
            };
            return match discard {
                true => LayerVerdict::Blocked {
                    reason: format!("classifier unavailable ({why}): images are shown only after it has seen them"),
                },
                false => LayerVerdict::NotRun { why: why.clone() },
            };
        }
    };
    let limits = strictness.image_limits();
    let over = [
        ("porn", scores.porn, limits.porn),
        ("hentai", scores.hentai, limits.hentai),
        ("sexy", scores.sexy, limits.sexy),
    ]
    .into_iter()
    // A NaN score is no evidence of safety.
    .filter(|(_, score, limit)| score.is_nan() || score > limit)
    .max_by(|a, b| (a.1 - a.2).total_cmp(&(b.1 - b.2)));
    match over {
        None => LayerVerdict::Passed,
        Some((class, score, limit)) => LayerVerdict::Blocked {
            reason: format!(
                "flagged by the image classifier: {class} {score:.2} (the limit at {} is {limit:.2})",
                strictness.name()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(porn: f32, hentai: f32, sexy: f32) -> Classification {
        Classification::Scores(NsfwScores {
            drawing: 0.5,
            neutral: (1.0 - porn - hentai - sexy - 0.5).max(0.0),
            porn,
            hentai,
            sexy,
        })
    }

    #[test]
    fn a_drawing_passes_and_a_flagged_class_is_named() {
        assert_eq!(
            judge(
                &scores(0.01, 0.05, 0.02),
                Strictness::Strict,
                Unclassified::ByStrictness
            ),
            LayerVerdict::Passed
        );
        let LayerVerdict::Blocked { reason } = judge(
            &scores(0.05, 0.1, 0.5),
            Strictness::Strict,
            Unclassified::ByStrictness,
        ) else {
            panic!("a sexy 0.5 is over the strict limit")
        };
        assert!(
            reason.contains("sexy 0.50") && reason.contains("strict"),
            "{reason}"
        );
    }

    #[test]
    fn strictness_moves_the_limits() {
        let borderline = scores(0.3, 0.0, 0.0);
        assert!(matches!(
            judge(&borderline, Strictness::Strict, Unclassified::Keep),
            LayerVerdict::Blocked { .. }
        ));
        assert_eq!(
            judge(&borderline, Strictness::Standard, Unclassified::Keep),
            LayerVerdict::Passed
        );
        assert!(matches!(
            judge(
                &scores(0.7, 0.0, 0.0),
                Strictness::Relaxed,
                Unclassified::Keep
            ),
            LayerVerdict::Blocked { .. }
        ));
        assert!(matches!(
            judge(
                &scores(f32::NAN, 0.0, 0.0),
                Strictness::Relaxed,
                Unclassified::Keep
            ),
            LayerVerdict::Blocked { .. }
        ));
    }

    #[test]
    fn an_unavailable_classifier_blocks_at_strict_unless_the_driver_has_none() {
        let missing = Classification::NotRun {
            why: "the model did not load".into(),
        };
        let LayerVerdict::Blocked { reason } =
            judge(&missing, Strictness::Strict, Unclassified::ByStrictness)
        else {
            panic!("strict never shows an unclassified image")
        };
        assert!(reason.starts_with("classifier unavailable"), "{reason}");
        assert!(matches!(
            judge(&missing, Strictness::Standard, Unclassified::ByStrictness),
            LayerVerdict::NotRun { .. }
        ));
        assert!(matches!(
            judge(&missing, Strictness::Strict, Unclassified::Keep),
            LayerVerdict::NotRun { .. }
        ));
        assert!(matches!(
            judge(&missing, Strictness::Relaxed, Unclassified::Discard),
            LayerVerdict::Blocked { .. }
        ));
    }
}
