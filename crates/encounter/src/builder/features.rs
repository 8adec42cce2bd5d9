//! What a GM adds to a built creature beyond the road map's numbers: traits, size, senses, immunities,
//! weaknesses, resistances, languages and other speeds. `npc.rs` writes them where the running pf2e keeps them.
//!
//! The command line spells them `type[:acuity][:range]` (senses), `type:value` (weaknesses, resistances, speeds);
//! the `buildCreature` export takes the same as objects.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::BuildError;

/// How precisely a sense perceives (`SenseAcuity` in the system).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Acuity {
    Precise,
    Imprecise,
    Vague,
}

impl Acuity {
    pub fn key(self) -> &'static str {
        match self {
            Acuity::Precise => "precise",
            Acuity::Imprecise => "imprecise",
            Acuity::Vague => "vague",
        }
    }

    fn parse(text: &str) -> Option<Acuity> {
        [Acuity::Precise, Acuity::Imprecise, Acuity::Vague]
            .into_iter()
            .find(|acuity| acuity.key() == text)
    }
}

/// A special sense: `{type: "darkvision"}`, `{type: "scent", acuity: "imprecise", range: 30}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sense {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acuity: Option<Acuity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<u32>,
}

impl Sense {
    /// The pre-5.12 sense text, e.g. `scent (imprecise) 30 feet` or `low-light vision`.
    pub fn legacy_text(&self) -> String {
        let mut text = match self.kind.as_str() {
            "low-light-vision" => "low-light vision".to_string(),
            kind => kind.replace('-', " "),
        };
        if let Some(acuity) = self.acuity {
            text.push_str(&format!(" ({})", acuity.key()));
        }
        if let Some(range) = self.range {
            text.push_str(&format!(" {range} feet"));
        }
        text
    }
}

impl FromStr for Sense {
    type Err = BuildError;

    /// `darkvision`, `scent:imprecise:30`, `tremorsense:imprecise:60`.
    fn from_str(text: &str) -> Result<Sense, BuildError> {
        let mut parts = text.split(':').map(str::trim);
        let kind = slug("sense", parts.next().unwrap_or_default())?;
        let mut sense = Sense {
            kind,
            acuity: None,
            range: None,
        };
        for part in parts {
            if let Some(acuity) = Acuity::parse(part) {
                sense.acuity = Some(acuity);
            } else {
                sense.range = Some(number("sense range", part)?);
            }
        }
        Ok(sense)
    }
}

/// A weakness or resistance: `{type: "fire", value: 10}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iwr {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: u32,
}

impl FromStr for Iwr {
    type Err = BuildError;

    /// `fire:10`.
    fn from_str(text: &str) -> Result<Iwr, BuildError> {
        let (kind, value) = pair("weakness or resistance", text)?;
        Ok(Iwr {
            kind: slug("weakness or resistance", kind)?,
            value: number("weakness or resistance value", value)?,
        })
    }
}

/// A speed other than the land speed: `{type: "fly", value: 60}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherSpeed {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: u32,
}

/// The movement types an NPC's `otherSpeeds` may hold (the land speed is the creature's `speed`).
pub const OTHER_SPEEDS: [&str; 4] = ["burrow", "climb", "fly", "swim"];

impl FromStr for OtherSpeed {
    type Err = BuildError;

    /// `fly:60`.
    fn from_str(text: &str) -> Result<OtherSpeed, BuildError> {
        let (kind, value) = pair("speed", text)?;
        Ok(OtherSpeed {
            kind: kind.to_string(),
            value: number("speed", value)?,
        })
    }
}

/// Everything `npc.rs` writes besides the creature's numbers, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Features {
    pub traits: Vec<String>,
    pub size: String,
    pub senses: Vec<Sense>,
    pub immunities: Vec<String>,
    pub weaknesses: Vec<Iwr>,
    pub resistances: Vec<Iwr>,
    pub languages: Vec<String>,
    pub speeds: Vec<OtherSpeed>,
}

impl Features {
    /// Refuses what the system would not read: a type that is not a slug, a speed type that is not a movement
    /// type, a zero value.
    pub fn check(&self) -> Result<(), BuildError> {
        for sense in &self.senses {
            slug("sense", &sense.kind)?;
        }
        for immunity in &self.immunities {
            slug("immunity", immunity)?;
        }
        for language in &self.languages {
            slug("language", language)?;
        }
        for iwr in self.weaknesses.iter().chain(&self.resistances) {
            slug("weakness or resistance", &iwr.kind)?;
            if iwr.value == 0 {
                return Err(malformed(
                    "weakness or resistance value",
                    format!("{} 0 has no effect", iwr.kind),
                ));
            }
        }
        for speed in &self.speeds {
            if !OTHER_SPEEDS.contains(&speed.kind.as_str()) {
                return Err(malformed(
                    "speed",
                    format!("{:?} is not one of {}", speed.kind, OTHER_SPEEDS.join(", ")),
                ));
            }
        }
        Ok(())
    }
}

fn malformed(what: &str, reason: String) -> BuildError {
    BuildError::Malformed {
        what: what.into(),
        reason,
    }
}

/// A pf2e slug: lowercase letters, digits and hyphens.
fn slug(what: &str, text: &str) -> Result<String, BuildError> {
    let valid = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(text.to_string())
    } else {
        Err(malformed(
            what,
            format!("{text:?} is not a pf2e slug (lowercase letters, digits and hyphens)"),
        ))
    }
}

fn number(what: &str, text: &str) -> Result<u32, BuildError> {
    text.parse().map_err(|_| {
        malformed(
            what,
            format!("{text:?} is not a whole number of feet or points"),
        )
    })
}

fn pair<'a>(what: &str, text: &'a str) -> Result<(&'a str, &'a str), BuildError> {
    text.split_once(':')
        .map(|(kind, value)| (kind.trim(), value.trim()))
        .ok_or_else(|| malformed(what, format!("{text:?} is not type:value, e.g. fire:10")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_forms_parse() {
        assert_eq!(
            "scent:imprecise:30".parse::<Sense>().unwrap(),
            Sense {
                kind: "scent".into(),
                acuity: Some(Acuity::Imprecise),
                range: Some(30)
            }
        );
        assert_eq!(
            "darkvision".parse::<Sense>().unwrap().legacy_text(),
            "darkvision"
        );
        assert_eq!(
            "scent:imprecise:30".parse::<Sense>().unwrap().legacy_text(),
            "scent (imprecise) 30 feet"
        );
        assert_eq!(
            "low-light-vision".parse::<Sense>().unwrap().legacy_text(),
            "low-light vision"
        );
        assert_eq!(
            "fire:10".parse::<Iwr>().unwrap(),
            Iwr {
                kind: "fire".into(),
                value: 10
            }
        );
        assert_eq!("fly:60".parse::<OtherSpeed>().unwrap().value, 60);
        assert!("Dark Vision".parse::<Sense>().is_err());
        assert!("scent:far".parse::<Sense>().is_err());
        assert!("fire".parse::<Iwr>().is_err());
        assert!("fire:ten".parse::<Iwr>().is_err());
    }

    #[test]
    fn checks_refuse_what_the_system_would_not_read() {
        let ok = Features {
            speeds: vec!["swim:30".parse().unwrap()],
            ..Features::default()
        };
        assert!(ok.check().is_ok());
        let land = Features {
            speeds: vec!["land:30".parse().unwrap()],
            ..Features::default()
        };
        assert!(land.check().unwrap_err().to_string().contains("burrow"));
        let zero = Features {
            weaknesses: vec!["fire:0".parse().unwrap()],
            ..Features::default()
        };
        assert!(zero.check().is_err());
        let immunity = Features {
            immunities: vec!["Fire".into()],
            ..Features::default()
        };
        assert!(immunity.check().is_err());
    }
}
