//! A message's text, formatted.

use leptos::prelude::*;

use crate::markdown::{self, Block, Inline};

/// The text of a message with its formatting ([`markdown`]) shown: every
/// node becomes one element, and every word a text node, so nothing a
/// person typed is ever read as markup. Links open in a new tab without
/// telling the page they lead to where they came from.
#[component]
pub fn MessageText(
    /// The text as stored.
    text: String,
) -> impl IntoView {
    markdown::parse(&text).into_iter().map(block).collect_view()
}

fn block(block: Block) -> AnyView {
    match block {
        Block::Paragraph(nodes) => view! { <p>{inlines(nodes)}</p> }.into_any(),
        Block::Quote(nodes) => view! { <blockquote>{inlines(nodes)}</blockquote> }.into_any(),
        // A region of its own that scrolls sideways, and can be reached
        // with the keyboard to do so.
        Block::Code(code) => view! {
            <pre tabindex="0"><code>{code}</code></pre>
        }
        .into_any(),
    }
}

fn inlines(nodes: Vec<Inline>) -> Vec<AnyView> {
    nodes.into_iter().map(inline).collect()
}

fn inline(node: Inline) -> AnyView {
    match node {
        Inline::Text(text) => text.into_any(),
        Inline::Break => view! { <br/> }.into_any(),
        Inline::Strong(nodes) => view! { <strong>{inlines(nodes)}</strong> }.into_any(),
        Inline::Emphasis(nodes) => view! { <em>{inlines(nodes)}</em> }.into_any(),
        Inline::Strike(nodes) => view! { <del>{inlines(nodes)}</del> }.into_any(),
        Inline::Code(code) => view! { <code>{code}</code> }.into_any(),
        Inline::Link { href, children } => {
            // Checked again where it becomes an attribute: nothing else
            // may ever reach `href`.
            if !markdown::safe_href(&href) {
                return inlines(children).into_any();
            }
            // The address is shown on hover, so words cannot pass for
            // another one; a mail address opens the mail program, not a tab.
            let new_tab = (!href.to_ascii_lowercase().starts_with("mailto:")).then_some("_blank");
            view! {
                <a href=href.clone() title=href target=new_tab rel="noopener noreferrer">
                    {inlines(children)}
                </a>
            }
            .into_any()
        }
    }
}
