//! Foundry text enrichers (`@UUID[..]{label}`, `@Check[..]`, `@Damage[..]`, `@Template[..]`, `[[/r ..]]`,
//! `[[/act ..]]`, `@Localize[..]`) turned into the words a reader sees, so the index matches what the player reads and
//! never raw syntax. Link targets are kept for citations. Both the pre-remaster forms (`type:reflex`, `basic:true`) and
//! pf2e 8's (`reflex|dc:20|basic`, `cone|distance:40`, names in the id slot of `@UUID`) are read.

/// Answers what the enrichers refer to outside the text: `game.i18n` strings and the names of linked documents.
pub trait Resolver {
    /// The translation of a `@Localize[key]`, which may itself hold HTML and enrichers.
    fn localize(&self, key: &str) -> Option<String>;
    /// The name of a linked document, for `@UUID[..]` links written without a label.
    fn document_name(&self, uuid: &str) -> Option<String>;
}

/// Resolves nothing: `@Localize` reads as its key's words and unlabelled links as the name in their id slot, if any.
pub struct NoResolver;

impl Resolver for NoResolver {
    fn localize(&self, _key: &str) -> Option<String> {
        None
    }
    fn document_name(&self, _uuid: &str) -> Option<String> {
        None
    }
}

/// A `@UUID`/`@Compendium` link found in the text: where it points and the words it showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    pub label: String,
}

/// The text with every enricher replaced by its reading, and the links it held.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Enriched {
    pub text: String,
    pub links: Vec<Link>,
}

/// Localized strings may hold enrichers themselves; this bounds the recursion on hostile or cyclic data.
const MAX_DEPTH: usize = 3;

pub fn resolve(source: &str, resolver: &dyn Resolver) -> Enriched {
    let mut out = Enriched::default();
    resolve_into(source, resolver, 0, &mut out);
    out
}

fn resolve_into(source: &str, resolver: &dyn Resolver, depth: usize, out: &mut Enriched) {
    let bytes = source.as_bytes();
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let parsed = match bytes[at] {
            b'@' => parse_at_enricher(source, at, resolver, depth, out),
            b'[' if source[at..].starts_with("[[/") => parse_inline_roll(source, at),
            _ => None,
        };
        match parsed {
            Some((reading, end)) => {
                out.text.push_str(&source[copied..at]);
                out.text.push_str(&reading);
                at = end;
                copied = end;
            }
            None => at += 1,
        }
    }
    out.text.push_str(&source[copied..]);
}

/// `@Kind[params]{label}` starting at `at`; returns the reading and the byte offset after it.
fn parse_at_enricher(
    source: &str,
    at: usize,
    resolver: &dyn Resolver,
    depth: usize,
    out: &mut Enriched,
) -> Option<(String, usize)> {
    let rest = &source[at + 1..];
    let kind_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if kind_len == 0 || !rest[kind_len..].starts_with('[') {
        return None;
    }
    let kind = &rest[..kind_len];
    let params_start = at + 1 + kind_len;
    let params_end = balanced_end(source, params_start, b'[', b']')?;
    let params = &source[params_start + 1..params_end - 1];
    let (label, end) = match source[params_end..].starts_with('{') {
        true => match balanced_end(source, params_end, b'{', b'}') {
            Some(label_end) => (Some(&source[params_end + 1..label_end - 1]), label_end),
            None => (None, params_end),
        },
        false => (None, params_end),
    };
    let reading = match kind {
        "UUID" | "Compendium" => {
            let label = label
                .map(str::to_string)
                .or_else(|| resolver.document_name(params))
                .or_else(|| name_in_uuid(params).map(str::to_string))
                .unwrap_or_default();
            out.links.push(Link {
                target: params.to_string(),
                label: label.clone(),
            });
            label
        }
        "Localize" => match (label, resolver.localize(params)) {
            (Some(label), _) => label.to_string(),
            (None, Some(text)) if depth < MAX_DEPTH => {
                let mut inner = Enriched::default();
                resolve_into(&text, resolver, depth + 1, &mut inner);
                out.links.extend(inner.links);
                inner.text
            }
            _ => key_words(params),
        },
        "Check" => label.map_or_else(|| check_reading(params), str::to_string),
        "Template" => label.map_or_else(|| template_reading(params), str::to_string),
        "Damage" => label.map_or_else(|| damage_reading(params), str::to_string),
        _ => label.unwrap_or_default().to_string(),
    };
    Some((reading, end))
}

/// `[[/r 1d6 #fire]]{label}` (also `/br`, `/gmr`, ...): the label, or the formula as dice text.
fn parse_inline_roll(source: &str, at: usize) -> Option<(String, usize)> {
    let outer_end = balanced_end(source, at, b'[', b']')?;
    let inner = source.get(at + 2..outer_end.checked_sub(2)?)?;
    if !source[..outer_end].ends_with("]]") {
        return None;
    }
    let (label, end) = match source[outer_end..].starts_with('{') {
        true => match balanced_end(source, outer_end, b'{', b'}') {
            Some(label_end) => (Some(&source[outer_end + 1..label_end - 1]), label_end),
            None => (None, outer_end),
        },
        false => (None, outer_end),
    };
    let command_len = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let reading = match label {
        Some(label) => label.to_string(),
        None if &inner[..command_len] == "/act" => action_reading(&inner[command_len..]),
        None => {
            let formula = inner[command_len..].trim();
            let (formula, flavor) = match formula.split_once('#') {
                Some((formula, flavor)) => (formula.trim(), flavor.trim()),
                None => (formula, ""),
            };
            let dice = dice_reading(formula);
            match flavor.is_empty() {
                true => dice,
                false => format!("{dice} {flavor}"),
            }
        }
    };
    Some((reading, end))
}

/// The byte offset just after the bracket that closes the one at `open_at`, counting nesting.
fn balanced_end(source: &str, open_at: usize, open: u8, close: u8) -> Option<usize> {
    let bytes = source.as_bytes();
    if bytes.get(open_at) != Some(&open) {
        return None;
    }
    let mut depth = 0usize;
    for (offset, &byte) in bytes[open_at..].iter().enumerate() {
        if byte == open {
            depth += 1;
        } else if byte == close {
            depth -= 1;
            if depth == 0 {
                return Some(open_at + offset + 1);
            }
        } else if byte == b'\n' && open == b'[' && depth > 2 {
            // Runaway brackets in broken text: give up rather than swallow the rest of the page.
            return None;
        }
    }
    None
}

/// `{1d6}[fire] + 2` → `1d6 fire + 2`: brace and parenthesis groups opened, bracketed flavours read as words.
fn dice_reading(formula: &str) -> String {
    let mut text = String::with_capacity(formula.len());
    for ch in formula.chars() {
        match ch {
            '{' | '}' | '(' | ')' => {}
            '[' | ']' | ',' => text.push(' '),
            _ => text.push(ch),
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `flat|dc:5`, `type:fortitude|dc:20|basic:true` or `reflex|dc:20|basic` → "DC 5 flat check", "DC 20 basic
/// Fortitude", "DC 20 basic Reflex": a save reads as its name, as pf2e labels its inline checks (the text around it
/// says "save").
fn check_reading(params: &str) -> String {
    let mut kind = String::new();
    let mut dc = String::new();
    let mut basic = false;
    for (index, part) in params.split('|').enumerate() {
        match part.split_once(':') {
            Some(("type", value)) => kind = value.trim().to_string(),
            Some(("dc", value)) => dc = value.trim().to_string(),
            Some(("basic", value)) => basic = value.trim() != "false",
            None if part.trim() == "basic" => basic = true,
            None if index == 0 => kind = part.trim().to_string(),
            _ => {}
        }
    }
    let noun = match kind.as_str() {
        "flat" => "flat check".to_string(),
        "" => "check".to_string(),
        _ => title_words(&kind),
    };
    let basic = if basic { "basic " } else { "" };
    let dc = dc
        .parse::<i64>()
        .map(|dc| format!("DC {dc} "))
        .unwrap_or_default();
    format!("{dc}{basic}{noun}")
}

/// `3d6[piercing]|options:area-damage` or `3d6[sonic],(2d8+4)[bludgeoning]` → "3d6 piercing",
/// "3d6 sonic plus 2d8+4 bludgeoning" (the text around it says "damage").
fn damage_reading(params: &str) -> String {
    let mut text = String::new();
    for formula in top_level(top_level(params, b'|')[0], b',') {
        let dice = dice_reading(formula);
        if !text.is_empty() && !dice.is_empty() {
            text.push_str(" plus ");
        }
        text.push_str(&dice);
    }
    text
}

/// `text` split at `separator` where it is outside brackets, braces and parentheses.
fn top_level(text: &str, separator: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b'[' | b'{' | b'(' => depth += 1,
            b']' | b'}' | b')' => depth -= 1,
            _ if byte == separator && depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// ` escape dc=18` or ` sense-direction skill=society` (after `/act`) → "Escape (DC 18)", "Sense Direction
/// (Society)": the action's name, with the DC or skill the roll uses.
fn action_reading(arguments: &str) -> String {
    let mut words = arguments.split_whitespace();
    let mut text = title_words(words.next().unwrap_or_default());
    let mut open = " (";
    for option in words {
        let (dc, detail) = match option.split_once('=') {
            Some(("dc", dc)) => ("DC ", dc.to_string()),
            Some(("skill" | "statistic" | "variant", value)) => ("", title_words(value)),
            _ => continue,
        };
        text.push_str(open);
        text.push_str(dc);
        text.push_str(&detail);
        open = ", ";
    }
    if open == ", " {
        text.push(')');
    }
    text
}

/// `PF2E.NPC.Abilities.Glossary.SwallowWhole` → "Swallow Whole"; `PF2E.condition.sickened.rules` → "sickened
/// rules" (a lower-case last segment says little alone). What an unresolved `@Localize` reads as.
fn key_words(key: &str) -> String {
    let (rest, last) = key.rsplit_once('.').unwrap_or(("", key));
    let mut words = String::new();
    if last.starts_with(|ch: char| ch.is_ascii_lowercase()) && !rest.is_empty() {
        words.push_str(rest.rsplit_once('.').map_or(rest, |(_, before)| before));
        words.push(' ');
    }
    let bytes = last.as_bytes();
    for (index, ch) in last.char_indices() {
        if index > 0 && ch.is_ascii_uppercase() && !bytes[index - 1].is_ascii_uppercase() {
            words.push(' ');
        }
        words.push(ch);
    }
    words
}

/// The name pf2e 8 writes in a compendium link's id slot (`Compendium.pf2e.conditionitems.Item.Off-Guard`), or
/// `None` when the slot holds a random document id.
fn name_in_uuid(uuid: &str) -> Option<&str> {
    // Compendium.<package>.<pack>.<Type>.<id or name, which may hold dots>
    let last = uuid.strip_prefix("Compendium.")?.splitn(4, '.').nth(3)?;
    let last = last.split(".JournalEntryPage.").last()?.trim();
    let is_random_id = last.len() == 16
        && last.bytes().all(|byte| byte.is_ascii_alphanumeric())
        && last
            .bytes()
            .skip(1)
            .any(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
    (!last.is_empty() && !is_random_id).then_some(last)
}

/// `sense-direction` → "Sense Direction".
fn title_words(slug: &str) -> String {
    let mut text = String::new();
    for word in slug.split('-') {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&capitalize(word));
    }
    text
}

/// `type:cone|distance:30` or `cone|distance:30` → "30-foot cone".
fn template_reading(params: &str) -> String {
    let mut shape = "";
    let mut distance = "";
    for (index, part) in params.split('|').enumerate() {
        match part.split_once(':') {
            Some(("type", value)) => shape = value.trim(),
            Some(("distance", value)) => distance = value.trim(),
            None if index == 0 => shape = part.trim(),
            _ => {}
        }
    }
    match distance.is_empty() {
        true => shape.to_string(),
        false => format!("{distance}-foot {shape}"),
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lang;
    impl Resolver for Lang {
        fn localize(&self, key: &str) -> Option<String> {
            match key {
                "Gloss.Wave" => {
                    Some("You <em>wave</em> at @UUID[Compendium.x.Item.b]{a friend}.".into())
                }
                "Loop" => Some("again @Localize[Loop]".into()),
                _ => None,
            }
        }
        fn document_name(&self, uuid: &str) -> Option<String> {
            (uuid == "Compendium.x.Item.named").then(|| "Named Thing".to_string())
        }
    }

    #[test]
    fn links_become_their_labels_and_are_kept() {
        let out = resolve(
            "You are @UUID[Compendium.pf.cond.Item.a1]{Prone} now.",
            &NoResolver,
        );
        assert_eq!(out.text, "You are Prone now.");
        assert_eq!(out.links[0].target, "Compendium.pf.cond.Item.a1");
        assert_eq!(out.links[0].label, "Prone");
    }

    #[test]
    fn unlabelled_links_use_the_resolver_or_vanish() {
        let out = resolve(
            "see @UUID[Compendium.x.Item.named] and @UUID[Other.y]",
            &Lang,
        );
        assert_eq!(out.text, "see Named Thing and ");
    }

    #[test]
    fn names_in_the_id_slot_are_the_label() {
        let out = resolve(
            "be @UUID[Compendium.pf2e.conditionitems.Item.Caught Napping], not \
             @UUID[Compendium.pf2e.spell-effects.Item.Spell Effect: Tiny.Big] or \
             @UUID[Compendium.pf2e.conditionitems.Item.q7RmZ0aXbC3dE9fG]",
            &NoResolver,
        );
        assert_eq!(
            out.text,
            "be Caught Napping, not Spell Effect: Tiny.Big or "
        );
        assert_eq!(out.links[0].label, "Caught Napping");
        assert_eq!(resolve("@UUID[Actor.Named.Item.x]", &NoResolver).text, "");
    }

    #[test]
    fn checks_read_as_rules_text() {
        assert_eq!(
            resolve("@Check[flat|dc:5]", &NoResolver).text,
            "DC 5 flat check"
        );
        assert_eq!(
            resolve("@Check[type:reflex|dc:22|basic:true]", &NoResolver).text,
            "DC 22 basic Reflex"
        );
        assert_eq!(
            resolve("@Check[type:athletics|dc:15]{Athletics}", &NoResolver).text,
            "Athletics"
        );
    }

    #[test]
    fn inline_rolls_read_as_dice() {
        assert_eq!(resolve("[[/r {2d6}[fire]]]", &NoResolver).text, "2d6 fire");
        assert_eq!(
            resolve("[[/r 1d4 #rounds]]", &NoResolver).text,
            "1d4 rounds"
        );
        assert_eq!(
            resolve("[[/br 1d4 #rounds]]{1d4 turns}", &NoResolver).text,
            "1d4 turns"
        );
    }

    #[test]
    fn localize_resolves_recursively_and_stops_on_cycles() {
        let out = resolve("<p>@Localize[Gloss.Wave]</p>", &Lang);
        assert_eq!(out.text, "<p>You <em>wave</em> at a friend.</p>");
        assert_eq!(out.links.len(), 1);
        let looped = resolve("@Localize[Loop]", &Lang);
        assert!(looped.text.starts_with("again again"));
        assert!(!looped.text.contains("@Localize"));
    }

    #[test]
    fn pf2e8_enrichers_read_as_rules_text() {
        for (source, reading) in [
            // @Localize without a translation: the key's words.
            ("@Localize[Book.Glossary.TailLash]", "Tail Lash"),
            ("@Localize[Book.condition.dazed.rules]", "dazed rules"),
            ("@Localize[Book.AC]", "AC"),
            ("@Localize[Book.Hidden]{Shown}", "Shown"),
            // @Check with the type first and a bare `basic`.
            (
                "a @Check[will|dc:31|basic|options:area-effect] save",
                "a DC 31 basic Will save",
            ),
            (
                "@Check[crafting|dc:19|name:Unjam|traits:action:repair]",
                "DC 19 Crafting",
            ),
            ("@Check[flat|showDC:all|dc:3]", "DC 3 flat check"),
            // @Damage: dice and types; the text says "damage".
            (
                "@Damage[2d8[slashing]|options:area-damage] damage",
                "2d8 slashing damage",
            ),
            ("@Damage[(2d12+7)[cold]]", "2d12+7 cold"),
            ("@Damage[5[persistent,acid]]", "5 persistent acid"),
            (
                "@Damage[1d4[fire],2d6[spirit]|traits:holy]",
                "1d4 fire plus 2d6 spirit",
            ),
            ("@Damage[4d4[healing]]{4d4 HP}", "4d4 HP"),
            // @Template with the shape first.
            (
                "a @Template[line|distance:90] of ice",
                "a 90-foot line of ice",
            ),
            ("@Template[burst|distance:5|traits:cold]", "5-foot burst"),
            // [[/act]]: the action's name with its DC or skill.
            ("[[/act force-open dc=25]]", "Force Open (DC 25)"),
            (
                "[[/act recall-knowledge skill=arcana]]",
                "Recall Knowledge (Arcana)",
            ),
            ("[[/act tumble-through]]{Acrobatics}", "Acrobatics"),
            (
                "[[/gmr 1d6 #Recharge Tail Sweep]]",
                "1d6 Recharge Tail Sweep",
            ),
        ] {
            assert_eq!(resolve(source, &NoResolver).text, reading, "{source}");
        }
    }

    #[test]
    fn unknown_enrichers_leave_their_label_or_nothing() {
        assert_eq!(
            resolve("a @Embed[x]{shown} b", &NoResolver).text,
            "a shown b"
        );
        assert_eq!(resolve("a @Embed[x] b", &NoResolver).text, "a  b");
        assert_eq!(
            resolve("@Template[type:cone|distance:30]", &NoResolver).text,
            "30-foot cone"
        );
    }

    #[test]
    fn broken_syntax_is_left_as_text() {
        assert_eq!(
            resolve("email@host and @UUID[open", &NoResolver).text,
            "email@host and @UUID[open"
        );
        assert_eq!(resolve("[[/r 1d6", &NoResolver).text, "[[/r 1d6");
    }
}
