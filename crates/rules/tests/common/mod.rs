//! A small home-made compendium (written for these tests, no Paizo text) in the pf2e document shapes.

use serde_json::{json, Value};

pub fn item(pack: &str, id: &str, kind: &str, name: &str, html: &str, traits: &[&str]) -> Value {
    json!({
        "_id": id, "name": name, "type": kind, "pack": pack,
        "uuid": format!("Compendium.{pack}.Item.{id}"),
        "system": {"description": {"value": html}, "traits": {"value": traits, "rarity": "common"},
                   "level": {"value": 1}},
        "_stats": {"modifiedTime": 1}
    })
}

pub fn corpus() -> Vec<Value> {
    vec![
        item("home.conditions", "c1", "condition", "Flat-Footed",
             "<p>You can't defend well. You take a –2 circumstance penalty to AC.</p>", &[]),
        item("home.conditions", "c2", "condition", "Sickened",
             "<p>Your stomach churns. You take a status penalty to checks and can't drink willingly. Spend an action retching to try to recover.</p>", &[]),
        item("home.conditions", "c3", "condition", "Prone",
             "<p>You lie on the ground. You take a penalty to attack rolls; getting up takes the Stand action.</p>", &[]),
        item("home.actions", "a1", "action", "Stand",
             "<p>You rise from @UUID[Compendium.home.conditions.Item.c3]{Prone} to your feet.</p>", &["move"]),
        item("home.actions", "a2", "action", "Pick a Lock",
             "<p><strong>Requirements</strong> You hold thieves' tools.</p><p>You open a lock with a Thievery check; @Check[type:thievery|dc:20] for a simple one.</p>", &["manipulate"]),
        item("home.actions", "a3", "action", "Shove",
             "<p>You push a creature away from you with an Athletics check against its Fortitude DC.</p>", &["attack"]),
        item("home.spells", "s1", "spell", "Magic Missile",
             "<p>Darts of force fly from your hand, each dealing [[/r 1d4+1 #force]] damage.</p>", &["force", "evocation"]),
        item("home.spells", "s2", "spell", "Ember Shield",
             "<p>A shield of embers grants fire resistance for a minute.</p>", &["fire"]),
        item("home.feats", "f1", "feat", "Ember Shield Adept",
             "<p>Your Ember Shield spell lasts longer and burns attackers.</p>", &["wizard"]),
        item("home.classfeatures", "k1", "feat", "Weapon Mastery",
             "<p>You become a master with your chosen weapon group.</p>", &["fighter"]),
        item("home.classfeatures", "k2", "feat", "Weapon Mastery (Level 13)",
             "<p>You become a master with your chosen weapon group.</p>", &["fighter"]),
        item("home.feats", "f2", "feat", "Quick Repair",
             "<p>You Repair items in a fraction of the time.</p>", &["general", "skill"]),
        item("home.actions", "a4", "action", "Repair",
             "<p>You spend 10 minutes fixing a damaged item or shield, restoring Hit Points with a Crafting check.</p>", &["manipulate"]),
        json!({
            "name": "Gazetteer", "pack": "home.lore", "uuid": "Compendium.home.lore.JournalEntry.j1",
            "pages": [{"_id": "p1", "name": "Saltmarsh Harbor",
                       "text": {"content": "<h1>Saltmarsh Harbor</h1><p>A windy port town known for its smoked eels and lighthouse.</p>"}}]
        }),
    ]
}
