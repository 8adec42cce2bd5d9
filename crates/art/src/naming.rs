//! File names that never overwrite: a slug of the subject, then `-2`, `-3`, … against the names the caller says
//! already exist (the folder's listing from `FilePicker.browse`, or the CLI's directory).

/// The longest slug we keep, so names stay readable in Foundry's file picker.
const MAX_SLUG: usize = 48;

/// `Goblin Warchanter (Elite)!` → `goblin-warchanter-elite`; never empty (falls back to `art`).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_SLUG {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "art".to_string()
    } else {
        trimmed.to_string()
    }
}

/// `{slug}{suffix}.{extension}`, or with the first free counter; names compare case-insensitively because the
/// world's data may sit on a case-insensitive file system.
pub fn unique_name<'a>(
    subject: &str,
    suffix: &str,
    extension: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> String {
    let taken: std::collections::HashSet<String> =
        existing.into_iter().map(str::to_lowercase).collect();
    let base = format!("{}{suffix}", slug(subject));
    let candidate = |counter: usize| match counter {
        1 => format!("{base}.{extension}"),
        n => format!("{base}-{n}.{extension}"),
    };
    (1..)
        .map(candidate)
        .find(|name| !taken.contains(&name.to_lowercase()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_with_dashes() {
        assert_eq!(
            slug("Goblin Warchanter (Elite)!"),
            "goblin-warchanter-elite"
        );
        assert_eq!(slug("  Ça déjà vu  "), "ca-deja-vu");
        assert_eq!(slug("???"), "art");
        assert!(slug(&"long ".repeat(40)).len() <= MAX_SLUG);
    }

    #[test]
    fn counters_skip_every_existing_name_case_insensitively() {
        let existing = ["orc.webp", "ORC-2.webp", "orc-token.webp"];
        assert_eq!(unique_name("Orc", "", "webp", existing), "orc-3.webp");
        assert_eq!(
            unique_name("Orc", "-token", "webp", existing),
            "orc-token-2.webp"
        );
        assert_eq!(unique_name("Orc", "", "png", existing), "orc.png");
    }
}
