//! The formatting's unit tests: what each mark does, and that nothing
//! typed becomes markup or a bad link.

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
