//! The allow-list that every piece of HTML passes before Familiar shows it. HTML is tokenized by `html5gum` (the
//! WHATWG tokenizer the rules index already uses to read compendium text) and written out again from the tokens:
//! allow-listed tags with allow-listed attributes, every text and attribute value escaped, every element closed.
//! The output never depends on how a browser would have parsed the input, only on what this writer emits, and it
//! emits no element a browser parses specially (no raw-text, foreign, form or embedding element).

use html5gum::{DefaultEmitter, HtmlString, StartTag, Token, Tokenizer};

/// Elements kept (their attributes filtered). Everything else is dropped, its text kept.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "kbd",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
];

/// Elements without content or an end tag.
const VOID_TAGS: &[&str] = &["br", "hr"];

/// Elements dropped together with everything inside them (their text would be code, not prose).
const DROPPED_WITH_CONTENT: &[&str] = &["script", "style"];

/// URL schemes a link may use; relative links are dropped (there is no base a chat answer could be relative to).
const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Every link opens without handing the opener or the referrer over, and earns no search credit.
const LINK_REL: &str = "noopener noreferrer nofollow";

/// The one class a link may carry: Foundry's content links.
const LINK_CLASS: &str = "content-link";

/// HTML from any source → HTML made only of the allow-list.
pub fn clean(html: &str) -> String {
    let mut emitter = DefaultEmitter::default();
    // Switch to raw text after <script>, <style>, <textarea>... as a browser's tree builder would, so their
    // contents are read as the text they are rather than as markup.
    emitter.naively_switch_states(true);
    let mut writer = Writer::default();
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => writer.start(&tag),
            Token::EndTag(tag) => writer.end(&lossy(&tag.name)),
            Token::String(text) => writer.text(&lossy(&text)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    writer.finish()
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Allow-listed elements open in the output, innermost last.
    open: Vec<&'static str>,
    /// Inside a dropped-with-content element: its name, until its end tag.
    dropping: Option<String>,
}

impl Writer {
    fn start(&mut self, tag: &StartTag<()>) {
        let name = lossy(&tag.name);
        if self.dropping.is_some() {
            return;
        }
        if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
            if !tag.self_closing {
                self.dropping = Some(name);
            }
            return;
        }
        let Some(&name) = ALLOWED_TAGS.iter().find(|allowed| **allowed == name) else {
            return;
        };
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes(name, tag) {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, &value);
            self.out.push('"');
        }
        self.out.push('>');
        if !VOID_TAGS.contains(&name) {
            self.open.push(name);
        }
    }

    fn end(&mut self, name: &str) {
        if let Some(dropping) = &self.dropping {
            if dropping == name {
                self.dropping = None;
            }
            return;
        }
        // Close up to the matching open element; an end tag with nothing open to match is dropped.
        if let Some(depth) = self.open.iter().rposition(|open| *open == name) {
            while self.open.len() > depth {
                self.close_innermost();
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.dropping.is_none() {
            escape_into(&mut self.out, text);
        }
    }

    fn close_innermost(&mut self) {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close_innermost();
        }
        self.out
    }
}

/// The attributes `name` keeps, in a fixed order, with links checked and `rel` set.
fn attributes(name: &str, tag: &StartTag<()>) -> Vec<(&'static str, String)> {
    let get = |key: &str| tag.attributes.get(key.as_bytes()).map(|value| lossy(value));
    let mut kept = Vec::new();
    match name {
        "a" => {
            if let Some(href) = get("href").and_then(|href| allowed_url(&href)) {
                kept.push(("href", href));
            }
            if get("class")
                .is_some_and(|class| class.split_ascii_whitespace().any(|c| c == LINK_CLASS))
            {
                kept.push(("class", LINK_CLASS.to_string()));
            }
            for key in ["draggable", "data-link", "data-uuid", "title"] {
                if let Some(value) = get(key) {
                    kept.push((key, value));
                }
            }
            kept.push(("rel", LINK_REL.to_string()));
        }
        "ol" => {
            if let Some(start) = get("start").filter(|start| start.trim().parse::<i64>().is_ok()) {
                kept.push(("start", start.trim().to_string()));
            }
        }
        _ => {}
    }
    kept
}

/// The URL as a browser would read it (tabs and newlines removed, surrounding controls and spaces trimmed), if it
/// is absolute with an allowed scheme.
fn allowed_url(value: &str) -> Option<String> {
    let url: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let allowed = is_scheme
        && URL_SCHEMES
            .iter()
            .any(|allowed| scheme.eq_ignore_ascii_case(allowed));
    allowed.then_some(url)
}

fn lossy(bytes: &HtmlString) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Escapes text for both element content and double-quoted attribute values; NUL never reaches the output.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => {}
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn keeps_the_allow_list_and_escapes_the_rest() {
        assert_eq!(
            clean("<p>a <b>b</b> &lt;c&gt; <x-y>d</x-y></p>"),
            "<p>a <b>b</b> &lt;c&gt; d</p>"
        );
    }

    #[test]
    fn drops_scripts_and_styles_with_their_content() {
        assert_eq!(
            clean("a<script>if (x<y) alert('</p>')</script>b<style>p{}</style>c"),
            "abc"
        );
    }

    #[test]
    fn closes_what_it_opens_and_drops_unmatched_end_tags() {
        assert_eq!(clean("<ul><li>x<li>y"), "<ul><li>x<li>y</li></li></ul>");
        assert_eq!(clean("</p>x</strong>"), "x");
        assert_eq!(clean("<em><strong>x</em>y"), "<em><strong>x</strong></em>y");
    }

    #[test]
    fn links_keep_only_safe_urls_and_the_content_link_class() {
        assert_eq!(
            clean("<a href=\" HTTPS://e.test/a?b=1&amp;c=2\" class=\"x content-link\" onclick=\"y\">z</a>"),
            "<a href=\"HTTPS://e.test/a?b=1&amp;c=2\" class=\"content-link\" rel=\"noopener noreferrer nofollow\">z</a>"
        );
        for href in [
            "java\tscript:alert(1)",
            "/relative",
            "data:text/html,x",
            "//evil.test",
        ] {
            assert!(
                !clean(&format!("<a href=\"{href}\">z</a>")).contains("href"),
                "{href}"
            );
        }
    }

    #[test]
    fn ordered_lists_keep_a_numeric_start() {
        assert_eq!(clean("<ol start=\"3\">"), "<ol start=\"3\"></ol>");
        assert_eq!(clean("<ol start=\"x\">"), "<ol></ol>");
    }
}
