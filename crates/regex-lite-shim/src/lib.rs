//! `regex` for tantivy, served by `regex-lite`: see Cargo.toml for why. Everything tantivy names is re-exported.
pub use regex_lite::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_facet_escaper_pattern_escapes_both_slashes() {
        // tantivy's schema::facet escapes a facet step with exactly this pattern and replacement.
        let slash = Regex::new(r"[\\/]").unwrap();
        assert_eq!(slash.replace_all(r"a/b\c", "\\/"), r"a\/b\/c");
        assert_eq!(slash.replace_all("plain", "\\/"), "plain");
    }

    #[test]
    fn escape_find_and_errors_behave_as_tantivy_expects() {
        let glob = format!("^{}$", escape("field.*").replace(r"\*", ".*"));
        assert!(Regex::new(&glob).unwrap().is_match("field.name"));
        assert_eq!(
            Regex::new("b+").unwrap().find("abbbc").unwrap().as_str(),
            "bbb"
        );
        let error = Regex::new("(").unwrap_err();
        assert!(!error.to_string().is_empty());
    }
}
