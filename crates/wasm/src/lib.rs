//! The WebAssembly facade of Familiar. Every `#[wasm_bindgen]` export lives in this crate, one module per
//! capability; `interop` is the one place where JS values become Rust values and back. The logic itself lives in
//! the pure crates (`familiar-rules`, `familiar-encounter`, ...), which test natively.

mod info;
mod interop;
mod raven;

pub use info::{build_info, BuildInfo};
