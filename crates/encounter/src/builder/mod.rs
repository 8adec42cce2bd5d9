//! The creature builder: Gamemastery Guide tables, road maps, elite/weak, and pf2e NPC documents.

pub mod dice;
pub mod tables;
