//! What this bundle is: the version Foundry's manifest must match, and how it was built.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::interop;

/// Build facts shown in the raven's panel and in diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub git_commit: &'static str,
    pub rustc: &'static str,
    pub profile: &'static str,
    pub target: &'static str,
}

impl BuildInfo {
    pub fn current() -> Self {
        BuildInfo {
            name: "pf2e-familiar",
            version: env!("CARGO_PKG_VERSION"),
            git_commit: env!("FAMILIAR_GIT_COMMIT"),
            rustc: env!("FAMILIAR_RUSTC_VERSION"),
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            target: if cfg!(target_arch = "wasm32") {
                "wasm32"
            } else {
                std::env::consts::ARCH
            },
        }
    }
}

/// `buildInfo()` in JS: the version and build of the running bundle.
#[wasm_bindgen(js_name = buildInfo)]
pub fn build_info() -> Result<JsValue, JsValue> {
    interop::to_js(&BuildInfo::current())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_workspace_version() {
        let info = BuildInfo::current();
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(info.name, "pf2e-familiar");
        assert!(!info.rustc.is_empty());
    }
}
