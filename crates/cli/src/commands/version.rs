//! `familiar version`

use super::CliError;

pub fn run() -> Result<(), CliError> {
    let info = serde_json::json!({
        "name": "familiar",
        "version": env!("CARGO_PKG_VERSION"),
    });
    println!("{info}");
    Ok(())
}
