//! HTML → clean text in blocks (headings, paragraphs, list items), through html5gum's WHATWG tokenizer so broken
//! markup, entities and stray `</span>`s read the way a browser shows them.

use html5gum::{Token, Tokenizer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `<h1>`..`<h6>`, with its level.
    Heading(u8),
    Paragraph,
    /// A list item, with its nesting depth (1 for a top-level list).
    ListItem(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

/// Splits HTML into its readable blocks; markup never reaches the text.
pub fn to_blocks(html: &str) -> Vec<Block> {
    let mut builder = Builder::default();
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => builder.start(&tag.name),
            Token::EndTag(tag) => builder.end(&tag.name),
            Token::String(text) => builder.text(&String::from_utf8_lossy(&text)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    builder.flush();
    builder.blocks
}

/// The blocks as plain text: headings and paragraphs on their own lines, list items as `- ` lines.
pub fn to_text(html: &str) -> String {
    blocks_to_text(&to_blocks(html))
}

pub fn blocks_to_text(blocks: &[Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        if !text.is_empty() {
            text.push('\n');
        }
        if let BlockKind::ListItem(depth) = block.kind {
            for _ in 1..depth {
                text.push_str("  ");
            }
            text.push_str("- ");
        }
        text.push_str(&block.text);
    }
    text
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    current: String,
    kind: Option<BlockKind>,
    list_depth: u8,
    /// Inside `<script>`/`<style>`: their text is not content.
    hidden: u32,
}

impl Builder {
    fn start(&mut self, name: &[u8]) {
        match name {
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => {
                self.flush();
                self.kind = Some(BlockKind::Heading(name[1] - b'0'));
            }
            b"ul" | b"ol" => {
                self.flush();
                self.list_depth = self.list_depth.saturating_add(1);
            }
            b"li" => {
                self.flush();
                self.kind = Some(BlockKind::ListItem(self.list_depth.max(1)));
            }
            b"p" | b"div" | b"section" | b"article" | b"blockquote" | b"table" | b"tr" | b"dd"
            | b"dt" | b"hr" | b"header" | b"footer" | b"aside" | b"figure" | b"pre" => self.flush(),
            b"br" | b"td" | b"th" => self.space(),
            b"script" | b"style" | b"template" => self.hidden += 1,
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"li" | b"p" | b"div" | b"section"
            | b"article" | b"blockquote" | b"table" | b"tr" | b"dd" | b"dt" | b"pre" => {
                self.flush()
            }
            b"ul" | b"ol" => {
                self.flush();
                self.list_depth = self.list_depth.saturating_sub(1);
            }
            b"td" | b"th" => self.space(),
            b"script" | b"style" | b"template" => self.hidden = self.hidden.saturating_sub(1),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.hidden > 0 {
            return;
        }
        for ch in text.chars() {
            if ch.is_whitespace() || ch.is_control() {
                self.space();
            } else {
                self.current.push(ch);
            }
        }
    }

    fn space(&mut self) {
        if !self.current.is_empty() && !self.current.ends_with(' ') {
            self.current.push(' ');
        }
    }

    fn flush(&mut self) {
        let text = self.current.trim_end();
        if !text.is_empty() {
            self.blocks.push(Block {
                kind: self.kind.unwrap_or(BlockKind::Paragraph),
                text: text.to_string(),
            });
        }
        self.current.clear();
        self.kind = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_lists_stay_apart() {
        let blocks = to_blocks(
            "<h2>Dragon Lore</h2><p>Dragons <strong>hoard</strong>&nbsp;gold.</p><ul><li>Red</li><li>Blue<ul><li>Sky</li></ul></li></ul>",
        );
        assert_eq!(blocks[0].kind, BlockKind::Heading(2));
        assert_eq!(blocks[0].text, "Dragon Lore");
        assert_eq!(blocks[1].text, "Dragons hoard gold.");
        assert_eq!(blocks[2].kind, BlockKind::ListItem(1));
        assert_eq!(blocks[4].kind, BlockKind::ListItem(2));
        assert_eq!(
            blocks_to_text(&blocks),
            "Dragon Lore\nDragons hoard gold.\n- Red\n- Blue\n  - Sky"
        );
    }

    #[test]
    fn entities_decode_and_broken_markup_is_tolerated() {
        assert_eq!(
            to_text("<p>Fish &amp; chips</span></p></p><p>x &lt; y"),
            "Fish & chips\nx < y"
        );
        assert_eq!(to_text("<p>a<script>alert(1)</script>b</p>"), "ab");
        assert_eq!(
            to_text("<p>one<br>two</p><hr /><p>three</p>"),
            "one two\nthree"
        );
        assert_eq!(to_text("no markup at all"), "no markup at all");
        assert_eq!(to_text("<p>  </p><div></div>"), "");
    }
}
