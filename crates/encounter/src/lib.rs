//! Encounter XP math, the encounter generator and the creature builder.
