//! Art: image providers, prompt safety and image checks (sans-IO). Built by a later issue.
