//! Per-user prefs kept in client storage: where the raven sits, the last view, whether the panel was closed, and
//! animation. Saved JSON may be old, hand-edited or corrupt: each field that does not read falls back on its own.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::placement::Point;
use crate::views::ViewId;

const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prefs {
    /// Where the user put the raven; `None` means the default perch.
    pub position: Option<Point>,
    pub last_view: Option<ViewId>,
    /// The panel was closed when last seen (reopened on reload otherwise).
    pub collapsed: bool,
    pub animation: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            position: None,
            last_view: None,
            collapsed: true,
            animation: true,
        }
    }
}

/// A part of the saved prefs that was dropped in favour of its default.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(
    tag = "problem",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PrefsProblem {
    #[error("saved raven prefs are not JSON: {message}")]
    NotJson { message: String },
    #[error("saved raven prefs are not an object")]
    NotAnObject,
    #[error("saved raven prefs have an unreadable `{field}`")]
    BadField { field: &'static str },
}

/// Prefs read from storage, with what had to be dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    pub prefs: Prefs,
    pub problems: Vec<PrefsProblem>,
}

#[derive(Serialize)]
struct Saved<'a> {
    version: u32,
    #[serde(flatten)]
    prefs: &'a Prefs,
}

impl Prefs {
    pub fn to_json(&self) -> String {
        // Plain data with finite numbers only (positions are clamped): serialising cannot fail.
        serde_json::to_string(&Saved {
            version: VERSION,
            prefs: self,
        })
        .unwrap_or_default()
    }

    /// Reads saved prefs; an empty string (nothing saved yet) gives the defaults without a problem.
    pub fn restore(json: &str) -> Restored {
        let mut restored = Restored {
            prefs: Prefs::default(),
            problems: Vec::new(),
        };
        if json.trim().is_empty() {
            return restored;
        }
        let value: Value = match serde_json::from_str(json) {
            Ok(value) => value,
            Err(error) => {
                restored.problems.push(PrefsProblem::NotJson {
                    message: error.to_string(),
                });
                return restored;
            }
        };
        let Some(object) = value.as_object() else {
            restored.problems.push(PrefsProblem::NotAnObject);
            return restored;
        };
        let prefs = &mut restored.prefs;
        let problems = &mut restored.problems;
        let mut field = |name: &'static str, read: &mut dyn FnMut(&Value) -> bool| {
            if let Some(value) = object.get(name) {
                if !read(value) {
                    problems.push(PrefsProblem::BadField { field: name });
                }
            }
        };
        field("position", &mut |value| match value {
            Value::Null => true,
            _ => match serde_json::from_value::<Point>(value.clone()) {
                Ok(point) if point.x.is_finite() && point.y.is_finite() => {
                    prefs.position = Some(point);
                    true
                }
                _ => false,
            },
        });
        field("lastView", &mut |value| match value {
            Value::Null => true,
            _ => match serde_json::from_value::<ViewId>(value.clone()) {
                Ok(view) => {
                    prefs.last_view = Some(view);
                    true
                }
                Err(_) => false,
            },
        });
        field("collapsed", &mut |value| match value.as_bool() {
            Some(collapsed) => {
                prefs.collapsed = collapsed;
                true
            }
            None => false,
        });
        field("animation", &mut |value| match value.as_bool() {
            Some(animation) => {
                prefs.animation = animation;
                true
            }
            None => false,
        });
        restored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_round_trip_through_json() {
        let prefs = Prefs {
            position: Some(Point { x: 12.5, y: 300.0 }),
            last_view: Some(ViewId::Monster),
            collapsed: false,
            animation: false,
        };
        let json = prefs.to_json();
        assert!(json.contains(r#""version":1"#), "{json}");
        assert_eq!(
            Prefs::restore(&json),
            Restored {
                prefs,
                problems: vec![]
            }
        );
        let defaults = Prefs::default();
        assert_eq!(Prefs::restore(&defaults.to_json()).prefs, defaults);
    }

    #[test]
    fn nothing_saved_is_the_defaults_without_complaint() {
        for json in ["", "   "] {
            assert_eq!(
                Prefs::restore(json),
                Restored {
                    prefs: Prefs::default(),
                    problems: vec![]
                }
            );
        }
    }

    #[test]
    fn malformed_json_falls_back_to_defaults_and_says_why() {
        for (json, problem) in [
            ("{not json", "NotJson"),
            ("[1, 2]", "NotAnObject"),
            ("null", "NotAnObject"),
            ("42", "NotAnObject"),
        ] {
            let restored = Prefs::restore(json);
            assert_eq!(restored.prefs, Prefs::default(), "{json}");
            assert_eq!(restored.problems.len(), 1, "{json}");
            assert!(
                format!("{:?}", restored.problems[0]).starts_with(problem),
                "{json}"
            );
        }
    }

    #[test]
    fn each_bad_field_falls_back_alone() {
        let restored = Prefs::restore(
            r#"{"position": {"x": "left", "y": 3}, "lastView": "chat", "collapsed": false, "animation": "yes", "extra": 1}"#,
        );
        assert_eq!(
            restored.prefs,
            Prefs {
                collapsed: false,
                ..Prefs::default()
            }
        );
        assert_eq!(
            restored.problems,
            vec![
                PrefsProblem::BadField { field: "position" },
                PrefsProblem::BadField { field: "lastView" },
                PrefsProblem::BadField { field: "animation" },
            ]
        );
        let restored = Prefs::restore(r#"{"position": 5, "lastView": null}"#);
        assert_eq!(restored.prefs.position, None);
        assert_eq!(
            restored.problems,
            vec![PrefsProblem::BadField { field: "position" }]
        );
    }

    #[test]
    fn older_saves_without_a_version_still_read() {
        let restored = Prefs::restore(r#"{"position": {"x": 5, "y": 6}}"#);
        assert_eq!(restored.prefs.position, Some(Point { x: 5.0, y: 6.0 }));
        assert!(restored.problems.is_empty());
    }
}
