//! Every cell of our creature-building tables against `../shared/pf2e/creature-building.json` when it is present.

mod common;

use familiar_encounter::builder::tables::{self, Tier, MAX_LEVEL, MIN_LEVEL};
use serde_json::Value;

/// One integer column reader of [`tables`].
type Column = fn(i32, Tier) -> Option<i32>;

fn tier(name: &str) -> Tier {
    match name {
        "extreme" => Tier::Extreme,
        "high" => Tier::High,
        "moderate" => Tier::Moderate,
        "low" => Tier::Low,
        "terrible" => Tier::Terrible,
        other => panic!("unexpected column {other}"),
    }
}

#[test]
fn every_cell_matches_the_shared_transcription() {
    let Some(path) = common::shared_file("creature-building.json") else {
        return;
    };
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut mismatches = Vec::new();
    let mut cells = 0;
    let mut check = |table: &str, level: i32, column: &str, ours: Value, theirs: &Value| {
        cells += 1;
        if &ours != theirs {
            mismatches.push(format!(
                "{table} level {level} {column}: ours {ours}, shared {theirs}"
            ));
        }
    };
    let int_tables: [(&str, Column); 8] = [
        ("ability_modifier", tables::ability_modifier),
        ("perception", tables::perception),
        ("skills", tables::skill),
        ("armor_class", tables::armor_class),
        ("saving_throws", tables::saving_throw),
        ("strike_attack_bonus", tables::strike_attack),
        ("spell_dc", tables::spell_dc),
        ("spell_attack_bonus", tables::spell_attack),
    ];
    for level in MIN_LEVEL..=MAX_LEVEL {
        let key = level.to_string();
        for (name, table) in int_tables {
            for (column, theirs) in data[name][&key].as_object().unwrap() {
                check(
                    name,
                    level,
                    column,
                    serde_json::to_value(table(level, tier(column))).unwrap(),
                    theirs,
                );
            }
        }
        for (column, theirs) in data["hit_points"][&key].as_object().unwrap() {
            let (min, max) = tables::hit_points(level, tier(column)).unwrap();
            check(
                "hit_points",
                level,
                column,
                serde_json::json!(min),
                &theirs["min"],
            );
            check(
                "hit_points",
                level,
                column,
                serde_json::json!(max),
                &theirs["max"],
            );
        }
        let (min, max) = tables::resistance(level).unwrap();
        check(
            "resistance_weakness",
            level,
            "min",
            serde_json::json!(min),
            &data["resistance_weakness"][&key]["min"],
        );
        check(
            "resistance_weakness",
            level,
            "max",
            serde_json::json!(max),
            &data["resistance_weakness"][&key]["max"],
        );
        for (column, theirs) in data["strike_damage"][&key].as_object().unwrap() {
            let ours = tables::strike_damage(level, tier(column)).unwrap();
            check(
                "strike_damage",
                level,
                column,
                serde_json::json!(ours.formula),
                &theirs["formula"],
            );
            check(
                "strike_damage",
                level,
                column,
                serde_json::json!(ours.mean),
                &theirs["mean"],
            );
        }
        for (column, limited) in [("unlimited", false), ("limited", true)] {
            let ours = tables::area_damage(level, limited).unwrap();
            let theirs = &data["area_damage"][&key][column];
            check(
                "area_damage",
                level,
                column,
                serde_json::json!(ours.formula),
                &theirs["formula"],
            );
            check(
                "area_damage",
                level,
                column,
                serde_json::json!(ours.mean),
                &theirs["mean"],
            );
        }
    }
    println!("compared {cells} cells");
    assert!(
        cells >= 1378,
        "the shared file lost columns: only {cells} cells"
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
