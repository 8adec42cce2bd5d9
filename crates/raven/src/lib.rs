//! The raven's UI logic, free of any browser: where it perches and (in a later issue) its state machine.

mod placement;

pub use placement::{clamp_into_viewport, default_perch, Point, Rect};
