//! Shared helpers for the integration tests: where the PF2e reference data lives, if it is present.

use std::path::PathBuf;

/// `../shared/pf2e` relative to the repository root (or `FAMILIAR_SHARED`), when it exists.
#[allow(dead_code)] // each test file uses a different subset
pub fn shared_file(name: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("FAMILIAR_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pf2e"),
    };
    let path = dir.join(name);
    if path.is_file() {
        Some(path)
    } else {
        println!("skipped: ../shared/pf2e not present ({name} missing)");
        None
    }
}
