//! The one path from untrusted text (model answers, player questions, compendium HTML) to HTML: Markdown through
//! `pulldown-cmark` with every raw HTML fragment demoted to text, `@UUID[...]{...}` turned into Foundry content-link
//! anchors, and the result through the allow-list in `sanitize` that knows no script, style, event handler, form,
//! frame, SVG, MathML, image or non-http(s)/mailto URL, and no content link outside the answer's [`LinkScope`] (those
//! show as their label). Nothing else in Familiar may put untrusted text into the DOM.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::links::LinkScope;
use crate::sanitize;

/// Markdown with no live content links (an answer still streaming, one that broke off) → safe HTML.
pub fn render_markdown(markdown: &str) -> String {
    render_answer(markdown, &LinkScope::none())
}

/// An answer's Markdown → safe HTML whose content links are only those `scope` allows.
pub fn render_answer(markdown: &str, scope: &LinkScope) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options) {
        match event {
            // Raw HTML from the author is shown as text, never interpreted.
            Event::Text(part) | Event::Html(part) | Event::InlineHtml(part) => text.push_str(&part),
            // Images could fetch from anywhere (tracking, CSRF through GET): their alt text stays.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            other => {
                flush_text(&mut text, &mut events);
                events.push(other);
            }
        }
    }
    flush_text(&mut text, &mut events);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize::clean(&html, scope)
}

/// HTML from a compendium or another module → safe HTML through the same allow-list, without content links.
pub fn sanitize_html(html: &str) -> String {
    sanitize::clean(html, &LinkScope::none())
}

/// Text with its content links as anchor events, the rest as text events (escaped by the HTML writer).
fn flush_text(text: &mut String, events: &mut Vec<Event<'_>>) {
    if text.is_empty() {
        return;
    }
    let mut rest = text.as_str();
    while let Some(start) = rest.find("@UUID[") {
        match parse_content_link(&rest[start..]) {
            Some((consumed, anchor)) => {
                if start > 0 {
                    events.push(Event::Text(CowStr::from(rest[..start].to_string())));
                }
                events.push(Event::InlineHtml(CowStr::from(anchor)));
                rest = &rest[start + consumed..];
            }
            None => {
                let keep = start + "@UUID[".len();
                events.push(Event::Text(CowStr::from(rest[..keep].to_string())));
                rest = &rest[keep..];
            }
        }
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest.to_string())));
    }
    text.clear();
}

/// `@UUID[Compendium.pack.Item.id#anchor]{Label}` → Foundry's content-link anchor (the sanitiser writes its
/// attributes out in full, or drops it when its document is out of scope).
fn parse_content_link(text: &str) -> Option<(usize, String)> {
    let (consumed, target, label) = content_link(text)?;
    let anchor = format!(
        "<a class=\"content-link\" data-uuid=\"{}\">{}</a>",
        escape(target),
        escape(label)
    );
    Some((consumed, anchor))
}

/// The content link `text` starts with, as `(bytes consumed, target, label)`. Targets are restricted to the
/// characters Foundry document UUIDs use, so nothing odd reaches an attribute; without `{Label}` the label is the
/// target's last part.
pub(crate) fn content_link(text: &str) -> Option<(usize, &str, &str)> {
    let body = text.strip_prefix("@UUID[")?;
    let close = body.find(']')?;
    let target = &body[..close];
    if !is_link_target(target) {
        return None;
    }
    let after = &body[close + 1..];
    let (label, label_len) = match after.strip_prefix('{') {
        Some(braced) => {
            let end = braced.find('}')?;
            (&braced[..end], end + 2)
        }
        None => (target.rsplit(['.', '#']).next().unwrap_or(target), 0),
    };
    Some(("@UUID[".len() + close + 1 + label_len, target, label))
}

/// Whether `target` may be a content link's target: a Foundry document UUID, with an optional `#anchor`.
pub(crate) fn is_link_target(target: &str) -> bool {
    !target.is_empty()
        && target.len() <= 200
        && target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '#'))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    sanitize::escape_into(&mut out, text);
    out
}
