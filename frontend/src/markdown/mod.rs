//! The formatting people type in a message: a small, safe subset of
//! Markdown, read into a tree the list renders as elements.
//!
//! - `**bold**` (or `__bold__`), `*italic*` (or `_italic_`), `~~struck~~`,
//!   `` `code` ``;
//! - a line of three backticks opens a code block, kept exactly as typed
//!   until the next such line (or the end);
//! - lines starting with `>` are a quote;
//! - `[words](https://…)` is a link, and so is a bare `http://` or
//!   `https://` address.
//!
//! Nothing here makes markup: the tree holds text, and the renderer turns
//! each node into one element whose text is a text node. Only `http`,
//! `https` and `mailto` addresses become links; anything else (a
//! `javascript:` link, say) stays the text it was typed as. Delimiters only
//! count at word edges (`snake_case_name` and `2*3*4` stay as typed), as in
//! the chats people know. The stored message is the text as typed; this is
//! only how it is shown.

/// A block of a message: paragraphs, quotes and code blocks, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Consecutive lines of text, their line breaks kept.
    Paragraph(Vec<Inline>),
    /// Consecutive lines that started with `>`.
    Quote(Vec<Inline>),
    /// The lines between two lines of three backticks, as typed.
    Code(String),
}

/// A run of formatted text inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// A line break as typed.
    Break,
    /// `**…**`
    Strong(Vec<Inline>),
    /// `*…*`
    Emphasis(Vec<Inline>),
    /// `~~…~~`
    Strike(Vec<Inline>),
    /// `` `…` ``: shown as typed.
    Code(String),
    /// A link to a safe address.
    Link {
        /// The address: `http:`, `https:` or `mailto:` only.
        href: String,
        /// What it shows.
        children: Vec<Inline>,
    },
}

mod inline;
mod links;
#[cfg(test)]
mod tests;

pub use inline::inline;
pub use links::safe_href;

/// Reads a message's text into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().peekable();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut quote: Vec<&str> = Vec::new();
    let flush = |blocks: &mut Vec<Block>, paragraph: &mut Vec<&str>, quote: &mut Vec<&str>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inline(&paragraph.join("\n"))));
            paragraph.clear();
        }
        if !quote.is_empty() {
            blocks.push(Block::Quote(inline(&quote.join("\n"))));
            quote.clear();
        }
    };
    while let Some(line) = lines.next() {
        if is_fence(line) {
            flush(&mut blocks, &mut paragraph, &mut quote);
            let mut code: Vec<&str> = Vec::new();
            for inner in lines.by_ref() {
                if inner.trim() == "```" {
                    break;
                }
                code.push(inner);
            }
            blocks.push(Block::Code(code.join("\n")));
        } else if let Some(rest) = quoted(line) {
            if !paragraph.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut quote);
            }
            quote.push(rest);
        } else if line.trim().is_empty() {
            flush(&mut blocks, &mut paragraph, &mut quote);
        } else {
            if !quote.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut quote);
            }
            paragraph.push(line);
        }
    }
    flush(&mut blocks, &mut paragraph, &mut quote);
    blocks
}

/// Whether `line` opens a code block: three backticks, perhaps followed by
/// a language name, and nothing else (```` ```x``` ```` is code inside a
/// line, and ```` ``` for example ```` is words).
fn is_fence(line: &str) -> bool {
    line.trim().strip_prefix("```").is_some_and(|rest| {
        rest.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.' | '#'))
    })
}

/// The text of a quote line (`> text`, or a bare `>`), without its
/// marker. The space is required: `>_<` is a face, not a quote.
fn quoted(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('>')?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix(' ')
}

/// The words of `blocks` without their formatting: what a notification or
/// a preview shows.
pub fn plain(blocks: &[Block]) -> String {
    fn inlines(nodes: &[Inline], out: &mut String) {
        for node in nodes {
            match node {
                Inline::Text(text) | Inline::Code(text) => out.push_str(text),
                Inline::Break => out.push('\n'),
                Inline::Strong(children)
                | Inline::Emphasis(children)
                | Inline::Strike(children)
                | Inline::Link { children, .. } => inlines(children, out),
            }
        }
    }
    let mut out = String::new();
    for (index, block) in blocks.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        match block {
            Block::Paragraph(nodes) | Block::Quote(nodes) => inlines(nodes, &mut out),
            Block::Code(code) => out.push_str(code),
        }
    }
    out
}
