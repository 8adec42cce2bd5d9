//! Privacy for the adapter: which providers a request may go to (`consentPlan`, the rules in
//! `familiar_chat::consent`), what the consent dialog says for each purpose (`consentDisclosure`) and the "Copy diagnostics" report (`diagnosticsReport`, secrets taken out by
//! `familiar_health::redact_settings`).

use familiar_chat::consent::{disclosure, plan_for, Purpose, PurposeDecisions, Scope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::interop::{from_js_strict, to_js};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PlanInput {
    /// What the request is for: `"chat"` (the default) or `"art"`.
    #[serde(default)]
    purpose: Purpose,
    /// The chain's providers by origin, in order.
    origins: Vec<String>,
    /// The world's decisions by purpose: `{chat: {origin: bool}, art: {...}}`.
    #[serde(default)]
    world: PurposeDecisions,
    /// The asker's decisions by purpose; absent for the GM's own requests.
    #[serde(default)]
    user: Option<PurposeDecisions>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanJs {
    #[serde(flatten)]
    plan: familiar_chat::consent::ConsentPlan,
    withheld: usize,
}

/// `consentPlan({purpose?, origins, world, user?})` → `{allowed, askWorld, askUser, declined, withheld}` (origins).
#[wasm_bindgen(js_name = consentPlan)]
pub fn consent_plan(input: JsValue) -> Result<JsValue, JsValue> {
    let input: PlanInput = from_js_strict(&input, "consent plan")?;
    let plan = plan_for(
        input.purpose,
        &input.origins,
        &input.world,
        input.user.as_ref(),
    );
    to_js(&PlanJs {
        withheld: plan.withheld(),
        plan,
    })
}

/// `consentDisclosure({purpose, scope})` → `{title, intro, sent: [...], never, decline}`: keys under `FAMILIAR.Consent.`
/// for the dialog's text.
#[wasm_bindgen(js_name = consentDisclosure)]
pub fn consent_disclosure(input: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct DisclosureInput {
        purpose: Purpose,
        scope: Scope,
    }
    let input: DisclosureInput = from_js_strict(&input, "consent disclosure")?;
    to_js(&disclosure(input.purpose, input.scope))
}

/// `diagnosticsReport({versions, settings, errors})` → the report as pretty JSON text: the versions as given, the
/// settings with every secret redacted, this page's health rules, providers and rule history, and the recent
/// errors (kinds and places only: the adapter never passes a message text, which could quote a question).
#[wasm_bindgen(js_name = diagnosticsReport)]
pub fn diagnostics_report(input: JsValue) -> Result<String, JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct ReportInput {
        versions: Value,
        settings: Value,
        #[serde(default)]
        errors: Vec<ErrorEntry>,
    }
    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct ErrorEntry {
        at: f64,
        context: String,
        kind: String,
    }
    let input: ReportInput = from_js_strict(&input, "diagnostics report")?;
    let health = crate::health::report();
    let report = serde_json::json!({
        "versions": familiar_health::redact_settings(&input.versions),
        "settings": familiar_health::redact_settings(&input.settings),
        "health": health,
        "recentErrors": input.errors,
    });
    serde_json::to_string_pretty(&report)
        .map_err(|error| crate::interop::js_error(&error.to_string()))
}
