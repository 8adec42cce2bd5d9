//! The raven's read-only tools ([`familiar_chat::tools`]) run by Familiar's own engines, for every caller: the CLI
//! natively and the browser facade alike, so the two never compute differently.
//!
//! - [`rules`]: `search_rules` and `read_rule` over the rules index, with the asker's packs.
//! - [`encounters`]: `rate_encounter` exactly as `familiar xp` and `generate_encounter` from the bestiaries the asker
//!   may open.
//! - [`creatures`]: `build_creature`, the stat block the Monster view previews.
//! - [`Engines`]: all of them behind [`ToolExecutor`]; world-changing tools are the browser's to run (Foundry).

pub mod creatures;
pub mod encounters;
pub mod rules;

use familiar_chat::tools::{ToolArgs, ToolCall, ToolExecutor, ToolOutput};
use familiar_encounter::PoolEntry;
use familiar_rules::RulesIndex;

/// The engines one asker's calls run on. `packs` are the packs the asker may open (`None` for the GM, who sees
/// all): the rules index and the bestiary pool are both limited to them.
pub struct Engines<'a> {
    pub rules: Option<&'a mut RulesIndex>,
    pub pool: &'a [PoolEntry],
    pub packs: Option<&'a [String]>,
    /// Seeds the encounter generator (the same seed proposes the same encounters).
    pub seed: u64,
}

impl ToolExecutor for Engines<'_> {
    fn execute(&mut self, call: &ToolCall) -> ToolOutput {
        let result = match &call.args {
            ToolArgs::SearchRules(args) => match self.rules.as_deref_mut() {
                Some(index) => rules::search(index, args, self.packs),
                None => Err(rules::NOT_READY.to_string()),
            },
            ToolArgs::ReadRule(args) => match self.rules.as_deref() {
                Some(index) => rules::read(index, args, self.packs),
                None => Err(rules::NOT_READY.to_string()),
            },
            ToolArgs::RateEncounter(args) => {
                encounters::rate(args).map_err(|error| error.to_string())
            }
            ToolArgs::GenerateEncounter(args) => {
                encounters::generate(args, self.pool, self.packs, self.seed)
            }
            ToolArgs::BuildCreature(args) => {
                creatures::build(args).map_err(|error| error.to_string())
            }
            ToolArgs::CreateActor(_) | ToolArgs::StartCombat(_) | ToolArgs::PostToChat(_) => {
                Err(format!(
                    "{} changes the world and runs only in Foundry, after the GM confirms it",
                    call.tool
                ))
            }
        };
        match result {
            Ok(value) => ToolOutput::ok(value),
            Err(message) => ToolOutput::error(message),
        }
    }
}

/// The pack of a compendium uuid (`Compendium.<pack>.<Kind>.<id>`, the pack being `<package>.<name>`).
pub fn pack_of(uuid: &str) -> Option<&str> {
    let rest = uuid.strip_prefix("Compendium.")?;
    let mut dots = rest.match_indices('.').map(|(at, _)| at);
    let _package = dots.next()?;
    let end = dots.next()?;
    Some(&rest[..end])
}
