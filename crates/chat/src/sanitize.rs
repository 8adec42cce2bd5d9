//! The allow-list that every piece of HTML passes before Familiar shows it. HTML is tokenized by `html5gum` (the
//! WHATWG tokenizer the rules index already uses to read compendium text) and written out again from the tokens:
//! allow-listed tags with allow-listed attributes, every text and attribute value escaped, every element closed.
//! The output never depends on how a browser would have parsed the input, only on what this writer emits, and it
//! emits no element a browser parses specially (no raw-text, foreign, form or embedding element). A link is either a
//! content link to a document in the answer's [`LinkScope`] or an http(s)/mailto link; any other `<a>` is dropped,
//! its text kept.

use html5gum::{DefaultEmitter, HtmlString, StartTag, Token, Tokenizer};

use crate::links::LinkScope;

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

/// HTML from any source → HTML made only of the allow-list, content links only to documents in `scope`.
pub fn clean(html: &str, scope: &LinkScope) -> String {
    let mut emitter = DefaultEmitter::default();
    // Switch to raw text after <script>, <style>, <textarea>... as a browser's tree builder would, so their
    // contents are read as the text they are rather than as markup.
    emitter.naively_switch_states(true);
    let mut writer = Writer {
        scope,
        out: String::new(),
        open: Vec::new(),
        dropping: None,
    };
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

struct Writer<'a> {
    scope: &'a LinkScope,
    out: String,
    /// Allow-listed elements open in the output, innermost last.
    open: Vec<&'static str>,
    /// Inside a dropped-with-content element: its name, until its end tag.
    dropping: Option<String>,
}

impl Writer<'_> {
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
        let attributes = match name {
            "a" => match link(tag, self.scope) {
                Some(link) => link,
                None => return,
            },
            _ => attributes(name, tag),
        };
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
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

type Attributes = Vec<(&'static str, String)>;

fn get(tag: &StartTag<()>, key: &str) -> Option<String> {
    tag.attributes.get(key.as_bytes()).map(|value| lossy(value))
}

/// The attributes an element other than a link keeps.
fn attributes(name: &str, tag: &StartTag<()>) -> Attributes {
    match get(tag, "start").filter(|start| name == "ol" && start.trim().parse::<i64>().is_ok()) {
        Some(start) => vec![("start", start.trim().to_string())],
        None => Vec::new(),
    }
}

/// A link's attributes; `None` drops the `<a>` (its text stays): a content link to a document outside `scope`, or no
/// URL an answer may link to. Where a URL goes is shown beside its text where it is drawn (answer-card.mjs).
fn link(tag: &StartTag<()>, scope: &LinkScope) -> Option<Attributes> {
    let is_content_link = get(tag, "class")
        .is_some_and(|class| class.split_ascii_whitespace().any(|c| c == LINK_CLASS));
    if let Some(uuid) = get(tag, "data-uuid").filter(|uuid| is_content_link && scope.allows(uuid)) {
        return Some(vec![
            ("class", LINK_CLASS.to_string()),
            ("draggable", "true".to_string()),
            ("data-link", String::new()),
            ("data-uuid", uuid),
        ]);
    }
    let href = get(tag, "href").and_then(|href| allowed_url(&href))?;
    Some(vec![("href", href), ("rel", LINK_REL.to_string())])
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
    use super::*;
    use crate::links::Reader;

    fn clean(html: &str) -> String {
        super::clean(html, &LinkScope::none())
    }

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
    fn links_keep_only_safe_urls() {
        assert_eq!(
            clean("<a href=\" HTTPS://e.test/a?b=1&amp;c=2\" class=\"x\" onclick=\"y\" title=\"Rules\">z</a>"),
            "<a href=\"HTTPS://e.test/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\">z</a>"
        );
        for href in [
            "java\tscript:alert(1)",
            "/relative",
            "data:text/html,x",
            "//evil.test",
        ] {
            assert_eq!(clean(&format!("<a href=\"{href}\">z</a>")), "z", "{href}");
        }
    }

    #[test]
    fn content_links_only_to_documents_in_scope() {
        let rule = "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t";
        let reader = Reader {
            gm: false,
            packs: vec!["pf2e.actionspf2e".into()],
        };
        let scope = LinkScope::new([rule], &reader);
        let anchor = |uuid: &str| {
            format!("<a class=\"content-link x\" data-uuid=\"{uuid}\" title=\"t\">Grab</a>")
        };
        assert_eq!(
            super::clean(&anchor(rule), &scope),
            format!("<a class=\"content-link\" draggable=\"true\" data-link=\"\" data-uuid=\"{rule}\">Grab</a>")
        );
        for uuid in [
            "Macro.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e.Macro.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e.Item.AdQVjlOWB6rmBRVp",
        ] {
            assert_eq!(super::clean(&anchor(uuid), &scope), "Grab", "{uuid}");
        }
        assert_eq!(clean(&anchor(rule)), "Grab", "no scope, no content links");
        // A data-uuid without the class, or on an external link, is not a content link.
        assert_eq!(
            super::clean(
                &format!("<a data-uuid=\"{rule}\" href=\"https://e.test\">x</a>"),
                &scope
            ),
            "<a href=\"https://e.test\" rel=\"noopener noreferrer nofollow\">x</a>"
        );
    }

    #[test]
    fn ordered_lists_keep_a_numeric_start() {
        assert_eq!(clean("<ol start=\"3\">"), "<ol start=\"3\"></ol>");
        assert_eq!(clean("<ol start=\"x\">"), "<ol></ol>");
    }
}
