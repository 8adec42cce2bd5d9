//! The raven's UI state machine. Built by a later issue.
