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

/// How deeply formatting may nest before the rest is taken as text: enough
/// for any real message, and a bound on the work a crafted one causes.
const MAX_DEPTH: usize = 6;

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

/// Reads formatting inside one block.
pub fn inline(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    let code_close = code_spans(&chars);
    let mut out = Vec::new();
    Reader {
        chars: &chars,
        code_close: &code_close,
        links: true,
    }
    .read(0, chars.len(), 0, &mut out);
    out
}

/// For each run of backticks that opens a code span, where its closing run
/// starts (the next run of the same length), found in one pass from the
/// end, so no run is searched for twice.
fn code_spans(chars: &[char]) -> Vec<Option<usize>> {
    let mut close = vec![None; chars.len()];
    let mut runs = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at] == '`' {
            let run = run_length(chars, at, chars.len(), '`');
            runs.push((at, run));
            at += run;
        } else {
            at += 1;
        }
    }
    // The nearest run of each length after the one looked at.
    let mut next_of_length: std::collections::HashMap<usize, usize> = Default::default();
    let mut paired = vec![false; runs.len()];
    let mut openers = Vec::new();
    for (index, &(start, run)) in runs.iter().enumerate().rev() {
        if let Some(&after) = next_of_length.get(&run) {
            openers.push((index, start, after));
        }
        next_of_length.insert(run, index);
    }
    // Left to right: a run closes the first open span of its length, and
    // a run used as a closer opens nothing.
    openers.reverse();
    for (index, start, after) in openers {
        if paired[index] || paired[after] {
            continue;
        }
        paired[index] = true;
        paired[after] = true;
        close[start] = Some(runs[after].0);
    }
    close
}

/// A reader over one block's characters.
struct Reader<'a> {
    chars: &'a [char],
    /// Where each code span's closing backticks are (see [`code_spans`]).
    code_close: &'a [Option<usize>],
    /// False inside a link's words: links do not nest.
    links: bool,
}

impl Reader<'_> {
    /// Reads `chars[from..to]` into `out`.
    fn read(&self, from: usize, to: usize, depth: usize, out: &mut Vec<Inline>) {
        let chars = self.chars;
        let mut at = from;
        while at < to {
            let c = chars[at];
            if c == '\\' && at + 1 < to && chars[at + 1].is_ascii_punctuation() {
                push_text(out, chars[at + 1]);
                at += 2;
                continue;
            }
            if c == '\n' {
                out.push(Inline::Break);
                at += 1;
                continue;
            }
            if c == '`' {
                let run = run_length(chars, at, to, '`');
                if let Some(close) = self.code_close[at].filter(|&close| close + run <= to) {
                    let code: String = chars[at + run..close].iter().collect();
                    out.push(Inline::Code(trim_one_space(&code)));
                    at = close + run;
                } else {
                    for _ in 0..run {
                        push_text(out, '`');
                    }
                    at += run;
                }
                continue;
            }
            if self.links
                && c == '['
                && let Some((end, href, words)) = self.link_at(at, to)
            {
                let mut children = Vec::new();
                let inner = Reader {
                    chars,
                    code_close: self.code_close,
                    links: false,
                };
                inner.read(words.0, words.1, depth + 1, &mut children);
                out.push(Inline::Link { href, children });
                at = end;
                continue;
            }
            if self.links
                && (c == 'h' || c == 'H')
                && opens_at(chars, at)
                && let Some(end) = bare_url_end(chars, at, to)
            {
                let href: String = chars[at..end].iter().collect();
                out.push(Inline::Link {
                    children: vec![Inline::Text(href.clone())],
                    href,
                });
                at = end;
                continue;
            }
            if matches!(c, '*' | '_' | '~')
                && depth < MAX_DEPTH
                && let Some((node, end)) = self.delimited(at, to, depth)
            {
                out.push(node);
                at = end;
                continue;
            }
            // A run of delimiters that formed nothing stays as typed, whole:
            // its second character must not open something on its own.
            let run = if matches!(c, '*' | '_' | '~') {
                run_length(chars, at, to, c)
            } else {
                1
            };
            for _ in 0..run {
                push_text(out, c);
            }
            at += run;
        }
    }

    /// `**x**`, `*x*`, `__x__`, `_x_`, `***x***` or `~~x~~` starting at
    /// `at`: the node and where it ends.
    fn delimited(&self, at: usize, to: usize, depth: usize) -> Option<(Inline, usize)> {
        let chars = self.chars;
        let mark = chars[at];
        let run = run_length(chars, at, to, mark);
        let usable = match mark {
            '~' => run == 2,
            _ => (1..=3).contains(&run),
        };
        if !usable || !opens_at(chars, at) || !starts_word(chars, at + run, to) {
            return None;
        }
        let close = self.find_closing(at + run, to, mark, run)?;
        let mut children = Vec::new();
        self.read(at + run, close, depth + 1, &mut children);
        let node = match (mark, run) {
            ('~', _) => Inline::Strike(children),
            (_, 1) => Inline::Emphasis(children),
            (_, 2) => Inline::Strong(children),
            _ => Inline::Strong(vec![Inline::Emphasis(children)]),
        };
        Some((node, close + run))
    }

    /// The position of the run of exactly `run` `mark`s that closes one
    /// opened before `from`, skipping escaped characters, code spans and
    /// addresses (a `*` inside an address does not close).
    fn find_closing(&self, from: usize, to: usize, mark: char, run: usize) -> Option<usize> {
        let chars = self.chars;
        let mut at = from;
        while at < to {
            match chars[at] {
                '\\' => at += 2,
                '`' => {
                    let ticks = run_length(chars, at, to, '`');
                    at = self.code_close[at]
                        .filter(|&close| close + ticks <= to)
                        .map_or(at + ticks, |close| close + ticks);
                }
                'h' | 'H' if opens_at(chars, at) => {
                    at = bare_url_end(chars, at, to).unwrap_or(at + 1);
                }
                c if c == mark => {
                    let length = run_length(chars, at, to, mark);
                    if length == run && at > from && closes_at(chars, at, run, to) {
                        return Some(at);
                    }
                    at += length;
                }
                _ => at += 1,
            }
        }
        None
    }

    /// `[words](address)` starting at `at`, with a safe address: where it
    /// ends, the address, and the span of its words.
    fn link_at(&self, at: usize, to: usize) -> Option<(usize, String, (usize, usize))> {
        let chars = self.chars;
        let close = (at + 1..to).find(|&i| chars[i] == ']' && chars[i - 1] != '\\')?;
        let words_show = chars[at + 1..close].iter().any(|c| !c.is_whitespace());
        if !words_show || chars.get(close + 1) != Some(&'(') {
            return None;
        }
        // The address runs to the `)` that balances its `(`s.
        let mut depth = 0usize;
        let mut end = None;
        for (i, &c) in chars.iter().enumerate().take(to).skip(close + 2) {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                ')' => depth -= 1,
                c if c.is_whitespace() => return None,
                _ => {}
            }
        }
        let end = end?;
        let href: String = chars[close + 2..end].iter().collect();
        safe_href(&href).then_some((end + 1, href, (at + 1, close)))
    }
}

/// Whether `href` may be a link: `http:` or `https:` with something after
/// it, or `mailto:` with an address and nothing more (no `?attach=`), and
/// no character a browser could read another way or that hides or reverses
/// text (see [`url_char`]).
pub fn safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    let allowed = if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        !rest.is_empty()
    } else if let Some(address) = lower.strip_prefix("mailto:") {
        address.contains('@') && !address.contains(['?', '&', '/'])
    } else {
        false
    };
    allowed && href.chars().all(url_char)
}

/// Whether `c` may be part of an address: not a space, a control, a quote,
/// an angle bracket, a backslash or a backtick, and none of the invisible
/// or direction-changing characters that make an address read as another.
fn url_char(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c, '"' | '<' | '>' | '\\' | '`')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
}

/// Where a bare address starting at `at` ends, if one does: `http://` or
/// `https://` and at least one more character, up to anything that cannot
/// be in an address, without the punctuation that ends a sentence around
/// it (or a `)` it did not open). One pass over the address.
fn bare_url_end(chars: &[char], at: usize, to: usize) -> Option<usize> {
    let scheme = ["https://", "http://"]
        .iter()
        .find(|scheme| {
            at + scheme.len() <= to
                && chars[at..at + scheme.len()]
                    .iter()
                    .zip(scheme.chars())
                    .all(|(c, s)| c.to_ascii_lowercase() == s)
        })?
        .len();
    let (mut end, mut opened, mut closed) = (at + scheme, 0usize, 0usize);
    while end < to && url_char(chars[end]) {
        match chars[end] {
            '(' => opened += 1,
            ')' => closed += 1,
            _ => {}
        }
        end += 1;
    }
    while end > at + scheme {
        match chars[end - 1] {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~' | ']' => end -= 1,
            ')' if closed > opened => {
                closed -= 1;
                end -= 1;
            }
            _ => break,
        }
    }
    (end > at + scheme).then_some(end)
}

/// How many `mark`s in a row start at `at`.
fn run_length(chars: &[char], at: usize, to: usize, mark: char) -> usize {
    chars[at..to].iter().take_while(|&&c| c == mark).count()
}

/// Whether something may open at `at`: at the start, or after anything
/// but a letter or digit (not inside a word).
fn opens_at(chars: &[char], at: usize) -> bool {
    at == 0 || !chars[at - 1].is_alphanumeric()
}

/// Whether the text after an opening mark starts a word (not a space).
fn starts_word(chars: &[char], at: usize, to: usize) -> bool {
    at < to && !chars[at].is_whitespace()
}

/// Whether a closing mark of `run` characters at `at` closes: after a
/// non-space, and at the end or before anything but a letter, a digit or
/// the same mark.
fn closes_at(chars: &[char], at: usize, run: usize, to: usize) -> bool {
    let after = at + run;
    !chars[at - 1].is_whitespace()
        && (after >= to || (!chars[after].is_alphanumeric() && chars[after] != chars[at]))
}

/// A code span's text: one space inside each backtick is padding
/// (`` `` `x` `` `` shows `` `x` ``).
fn trim_one_space(code: &str) -> String {
    match code
        .strip_prefix(' ')
        .and_then(|rest| rest.strip_suffix(' '))
    {
        Some(inner) if !inner.trim().is_empty() => inner.to_owned(),
        _ => code.to_owned(),
    }
}

fn push_text(out: &mut Vec<Inline>, c: char) {
    if let Some(Inline::Text(text)) = out.last_mut() {
        text.push(c);
    } else {
        out.push(Inline::Text(c.to_string()));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_owned())
    }

    fn one_paragraph(input: &str) -> Vec<Inline> {
        match parse(input).as_slice() {
            [Block::Paragraph(nodes)] => nodes.clone(),
            other => panic!("{input:?} gave {other:?}"),
        }
    }

    #[test]
    fn plain_words_stay_as_they_are() {
        assert_eq!(one_paragraph("hello there"), [text("hello there")]);
        assert_eq!(parse(""), []);
    }

    #[test]
    fn bold_italic_strike_and_code() {
        assert_eq!(
            one_paragraph("a **b** *c* ~~d~~ `e`"),
            [
                text("a "),
                Inline::Strong(vec![text("b")]),
                text(" "),
                Inline::Emphasis(vec![text("c")]),
                text(" "),
                Inline::Strike(vec![text("d")]),
                text(" "),
                Inline::Code("e".into()),
            ]
        );
        assert_eq!(
            one_paragraph("__b__ _i_"),
            [
                Inline::Strong(vec![text("b")]),
                text(" "),
                Inline::Emphasis(vec![text("i")])
            ]
        );
        assert_eq!(
            one_paragraph("***both***"),
            [Inline::Strong(vec![Inline::Emphasis(vec![text("both")])])]
        );
    }

    #[test]
    fn formatting_nests() {
        assert_eq!(
            one_paragraph("*a **b** c*"),
            [Inline::Emphasis(vec![
                text("a "),
                Inline::Strong(vec![text("b")]),
                text(" c")
            ])]
        );
    }

    #[test]
    fn marks_inside_words_or_unclosed_stay_as_typed() {
        for typed in [
            "snake_case_name",
            "2*3*4",
            "a * b * c",
            "**unclosed",
            "~single~",
            "* not a list",
            "****",
            "x** y**",
        ] {
            assert_eq!(one_paragraph(typed), [text(typed)], "{typed:?}");
        }
    }

    #[test]
    fn code_spans_keep_what_is_inside() {
        assert_eq!(
            one_paragraph("`*not bold*` and `<b>`"),
            [
                Inline::Code("*not bold*".into()),
                text(" and "),
                Inline::Code("<b>".into())
            ]
        );
        assert_eq!(
            one_paragraph("`` a `tick` ``"),
            [Inline::Code("a `tick`".into())]
        );
        assert_eq!(one_paragraph("a ` b"), [text("a ` b")]);
        // A closing mark inside a code span does not close.
        assert_eq!(
            one_paragraph("*a `*` b*"),
            [Inline::Emphasis(vec![
                text("a "),
                Inline::Code("*".into()),
                text(" b")
            ])]
        );
    }

    #[test]
    fn backslash_escapes_a_mark() {
        assert_eq!(one_paragraph(r"\*not\*"), [text("*not*")]);
        assert_eq!(one_paragraph(r"a\b"), [text(r"a\b")]);
    }

    #[test]
    fn line_breaks_are_kept() {
        assert_eq!(
            one_paragraph("one\ntwo"),
            [text("one"), Inline::Break, text("two")]
        );
    }

    #[test]
    fn blank_lines_part_paragraphs() {
        assert_eq!(
            parse("one\n\ntwo"),
            [
                Block::Paragraph(vec![text("one")]),
                Block::Paragraph(vec![text("two")])
            ]
        );
    }

    #[test]
    fn code_blocks_are_kept_as_typed() {
        assert_eq!(
            parse("look:\n```rust\nfn main() {\n    **x**;\n}\n```\nnice"),
            [
                Block::Paragraph(vec![text("look:")]),
                Block::Code("fn main() {\n    **x**;\n}".into()),
                Block::Paragraph(vec![text("nice")]),
            ]
        );
        // Unclosed: to the end.
        assert_eq!(parse("```\n<b>hi</b>"), [Block::Code("<b>hi</b>".into())]);
        // Backticks on one line are a code span.
        assert_eq!(
            parse("```x```"),
            [Block::Paragraph(vec![Inline::Code("x".into())])]
        );
    }

    #[test]
    fn quotes() {
        assert_eq!(
            parse("> she said\n> **this**\nand I said"),
            [
                Block::Quote(vec![
                    text("she said"),
                    Inline::Break,
                    Inline::Strong(vec![text("this")])
                ]),
                Block::Paragraph(vec![text("and I said")]),
            ]
        );
        assert_eq!(one_paragraph("a > b"), [text("a > b")]);
    }

    #[test]
    fn links_with_words() {
        assert_eq!(
            one_paragraph("see [the *docs*](https://example.com/a_(b)) now"),
            [
                text("see "),
                Inline::Link {
                    href: "https://example.com/a_(b)".into(),
                    children: vec![text("the "), Inline::Emphasis(vec![text("docs")])],
                },
                text(" now"),
            ]
        );
        assert_eq!(
            one_paragraph("[mail me](mailto:ada@example.com)"),
            [Inline::Link {
                href: "mailto:ada@example.com".into(),
                children: vec![text("mail me")],
            }]
        );
    }

    #[test]
    fn bare_addresses_become_links_without_the_sentences_punctuation() {
        let link = |href: &str| Inline::Link {
            href: href.into(),
            children: vec![text(href)],
        };
        assert_eq!(
            one_paragraph("go to https://example.com/x?y=1."),
            [text("go to "), link("https://example.com/x?y=1"), text(".")]
        );
        assert_eq!(
            one_paragraph("(see http://example.com/wiki/A_(b))"),
            [
                text("("),
                text("see "),
                link("http://example.com/wiki/A_(b)"),
                text(")")
            ]
            .into_iter()
            .fold(Vec::new(), |mut merged: Vec<Inline>, node| {
                match (merged.last_mut(), &node) {
                    (Some(Inline::Text(last)), Inline::Text(more)) => last.push_str(more),
                    _ => merged.push(node),
                }
                merged
            })
        );
        assert_eq!(one_paragraph("http://"), [text("http://")]);
        assert_eq!(one_paragraph("xhttps://a.b"), [text("xhttps://a.b")]);
        // Inside a link's words an address is only words.
        assert_eq!(
            one_paragraph("[https://a.example](https://b.example)"),
            [Inline::Link {
                href: "https://b.example".into(),
                children: vec![text("https://a.example")],
            }]
        );
    }

    #[test]
    fn unsafe_addresses_stay_text() {
        for typed in [
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](data:text/html,<script>alert(1)</script>)",
            "[click](vbscript:msgbox)",
            "[click](//evil.example)",
            "[click](/relative)",
            "[click](file:///etc/passwd)",
            "[click](mailto:a@b.example?attach=/etc/passwd)",
        ] {
            let nodes = one_paragraph(typed);
            assert!(
                !nodes.iter().any(|node| matches!(node, Inline::Link { .. })),
                "{typed:?} made {nodes:?}"
            );
            assert_eq!(plain(&parse(typed)), typed, "shown as typed: {typed:?}");
        }
        // A quote or a space ends the address, and a link must show
        // something: what is left is text, and the address a plain link.
        for typed in [
            "[click](https://a.example\"onmouseover=\"x)",
            "[click]( https://a.example)",
            "[ ](https://a.example)",
        ] {
            for node in one_paragraph(typed) {
                if let Inline::Link { href, .. } = node {
                    assert_eq!(href, "https://a.example", "{typed:?}");
                }
            }
            assert_eq!(plain(&parse(typed)), typed);
        }
        assert!(!safe_href("https://x.example/\u{202E}txt.exe"));
        assert!(!safe_href("javascript:alert(1)"));
        assert!(!safe_href("https://"));
        assert!(!safe_href("https://a b"));
        assert!(safe_href("HTTPS://A.EXAMPLE"));
    }

    #[test]
    fn markup_is_only_ever_text() {
        let typed = "<img src=x onerror=alert(1)> **<script>alert(2)</script>**";
        assert_eq!(
            one_paragraph(typed),
            [
                text("<img src=x onerror=alert(1)> "),
                Inline::Strong(vec![text("<script>alert(2)</script>")]),
            ]
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let typed = "*_".repeat(400) + "x" + &"_*".repeat(400);
        // Parses without running out of stack, and keeps the words.
        let shown = plain(&parse(&typed));
        assert!(shown.contains('x'), "{shown}");
        assert!(shown.len() <= typed.len());
    }

    #[test]
    fn faces_emoji_and_words_after_backticks_stay_words() {
        assert_eq!(
            parse(">_< oops\n>:("),
            [Block::Paragraph(vec![
                text(">_< oops"),
                Inline::Break,
                text(">:(")
            ])]
        );
        assert_eq!(
            one_paragraph("**done**✅ “*so*”"),
            [
                Inline::Strong(vec![text("done")]),
                text("✅ “"),
                Inline::Emphasis(vec![text("so")]),
                text("”"),
            ]
        );
        assert_eq!(one_paragraph("``` for example"), [text("``` for example")]);
        // A mark inside an address does not close one outside it.
        assert_eq!(
            one_paragraph("*see https://x.example/*a/b now*"),
            [Inline::Emphasis(vec![
                text("see "),
                Inline::Link {
                    href: "https://x.example/*a/b".into(),
                    children: vec![text("https://x.example/*a/b")],
                },
                text(" now"),
            ])]
        );
    }

    #[test]
    fn crafted_text_costs_little() {
        // Each of these once took a pass over the rest of the text per
        // character; now each character is looked at a few times.
        let addresses = "!https://\\".repeat(100) + &")".repeat(1000);
        let ticks: String = (1..=60).map(|n| "`".repeat(n % 44 + 1) + "x").collect();
        for typed in [addresses, ticks, "[".repeat(2000), "*a ".repeat(600)] {
            let shown = plain(&parse(&typed));
            assert!(shown.len() <= typed.len());
        }
    }

    #[test]
    fn plain_text_keeps_the_words() {
        assert_eq!(
            plain(&parse("**Hi** [you](https://x.example)\n> `q`")),
            "Hi you\nq"
        );
    }
}
