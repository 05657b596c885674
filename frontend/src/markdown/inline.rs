//! Formatting inside one block: emphasis, code spans, links, each only
//! at word edges, read in one pass with a bounded depth.

use super::Inline;
use super::links::{bare_url_end, safe_href};

/// How deeply formatting may nest before the rest is taken as text: enough
/// for any real message, and a bound on the work a crafted one causes.
const MAX_DEPTH: usize = 6;

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
