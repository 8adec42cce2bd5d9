//! `familiar xp`: XP, threat and rewards for one encounter from flags, or for many as JSON lines on stdin.

use std::io::{BufRead, Write};

use clap::Args;
use familiar_encounter::error::InputError;
use familiar_encounter::xp::{rate_request, HazardRequest, XpRequest, MAX_ENTITIES};

use super::CliError;

#[derive(Debug, Args)]
pub struct XpArgs {
    /// The party's level (1 to 20).
    #[arg(long, allow_negative_numbers = true, required_unless_present = "jsonl")]
    party_level: Option<f64>,
    /// How many characters are in the party.
    #[arg(long, default_value_t = 4.0, allow_negative_numbers = true)]
    party_size: f64,
    /// A creature's level; repeat the flag, or write LEVELxCOUNT (e.g. `2x3`) for several of one level.
    #[arg(
        long = "creature",
        value_name = "LEVEL[xCOUNT]",
        allow_hyphen_values = true
    )]
    creatures: Vec<String>,
    /// A hazard as LEVEL:simple or LEVEL:complex (simple when the kind is left out).
    #[arg(
        long = "hazard",
        value_name = "LEVEL[:simple|complex]",
        allow_hyphen_values = true
    )]
    hazards: Vec<String>,
    /// Use the proficiency-without-level variant XP table.
    #[arg(long)]
    pwl: bool,
    /// Read one JSON request a line from stdin (the pf2e argument names) and write one result a line.
    #[arg(long, conflicts_with_all = ["party_level", "creatures", "hazards", "pwl"])]
    jsonl: bool,
}

pub fn run(args: XpArgs) -> Result<(), CliError> {
    if args.jsonl {
        return run_jsonl(std::io::stdin().lock(), &mut std::io::stdout().lock());
    }
    let request = XpRequest {
        party_level: args.party_level.unwrap_or(f64::NAN),
        party_size: args.party_size,
        npc_levels: parse_creatures(&args.creatures)?,
        hazards: args
            .hazards
            .iter()
            .map(|text| parse_hazard(text))
            .collect::<Result<_, _>>()?,
        proficiency_without_level: args.pwl,
    };
    let result = rate_request(&request)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &result).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// One result or `{"error": ...}` per input line; a bad line never stops the rest.
pub fn run_jsonl(input: impl BufRead, out: &mut impl Write) -> Result<(), CliError> {
    for (number, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<XpRequest>(&line) {
            Err(error) => Err(format!("line {}: {error}", number + 1)),
            Ok(request) => {
                rate_request(&request).map_err(|error| format!("line {}: {error}", number + 1))
            }
        };
        match answer {
            Ok(result) => serde_json::to_writer(&mut *out, &result),
            Err(message) => {
                serde_json::to_writer(&mut *out, &serde_json::json!({ "error": message }))
            }
        }
        .map_err(std::io::Error::from)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

fn number(flag: &'static str, text: &str) -> Result<f64, CliError> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| CliError::BadArgument {
            flag,
            value: text.to_string(),
            expected: "a number",
        })
}

fn parse_creatures(texts: &[String]) -> Result<Vec<f64>, CliError> {
    let mut levels = Vec::new();
    for text in texts {
        let (level, count) = match text.split_once(['x', 'X', '*']) {
            Some((level, count)) => (level, number("--creature", count)?),
            None => (text.as_str(), 1.0),
        };
        let level = number("--creature", level)?;
        let count = familiar_encounter::xp::whole("creature count", count)?;
        if count < 0 || levels.len() as i64 + count > MAX_ENTITIES as i64 {
            return Err(InputError::TooManyEntities {
                count: (levels.len() as i64 + count.max(0)) as usize,
                max: MAX_ENTITIES,
            }
            .into());
        }
        levels.extend(std::iter::repeat_n(level, count as usize));
    }
    Ok(levels)
}

fn parse_hazard(text: &str) -> Result<HazardRequest, CliError> {
    let (level, kind) = text.split_once(':').unwrap_or((text, "simple"));
    let is_complex = match kind.trim().to_ascii_lowercase().as_str() {
        "simple" | "s" => false,
        "complex" | "c" => true,
        _ => {
            return Err(CliError::BadArgument {
                flag: "--hazard",
                value: text.to_string(),
                expected: "LEVEL:simple or LEVEL:complex",
            })
        }
    };
    Ok(HazardRequest {
        level: number("--hazard", level)?,
        is_complex,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jsonl(input: &str) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        run_jsonl(input.as_bytes(), &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[test]
    fn jsonl_answers_each_line_and_survives_bad_ones() {
        let lines = jsonl(concat!(
            r#"{"partyLevel": 4, "partySize": 4, "npcLevels": [2, 2], "hazards": [{"level": 4, "isComplex": false}]}"#,
            "\n",
            "not json\n",
            "\n",
            r#"{"partyLevel": 0, "partySize": 4}"#,
            "\n",
            r#"{"partyLevel": 1, "partySize": 3, "npcLevels": [3], "proficiencyWithoutLevel": true}"#,
            "\n",
        ));
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["totalXP"], 48);
        assert_eq!(lines[0]["rating"], "low");
        assert!(lines[1]["error"].as_str().unwrap().starts_with("line 2"));
        assert!(lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("outside 1 to 20"));
        assert_eq!(lines[3]["totalXP"], 60);
        assert_eq!(lines[3]["xpPerPlayer"], 80);
    }

    #[test]
    fn creature_and_hazard_flags_parse() {
        assert_eq!(
            parse_creatures(&["2".into(), "-1x3".into()]).unwrap(),
            vec![2.0, -1.0, -1.0, -1.0]
        );
        assert!(parse_creatures(&["2x100000000".into()]).is_err());
        assert!(parse_creatures(&["two".into()]).is_err());
        assert!(parse_hazard("4:complex").unwrap().is_complex);
        assert!(!parse_hazard("-1").unwrap().is_complex);
        assert!(parse_hazard("4:tricky").is_err());
    }
}
