//! A message's formatting in a real browser: what people type becomes the
//! elements they expect, and nothing they type ever becomes markup, a
//! script, or a link anywhere but the web or mail. Browser only.
#![cfg(target_arch = "wasm32")]

use frontend::components::message_text::MessageText;
use leptos::prelude::*;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{test_root, tick};

/// Renders `text` as a message's text and returns the element holding it.
async fn rendered(text: &str) -> Element {
    let root = test_root();
    let text = text.to_owned();
    std::mem::forget(leptos::mount::mount_to(root.clone(), move || {
        view! { <div class="text"><MessageText text=text.clone()/></div> }
    }));
    tick().await;
    root.query_selector(".text").unwrap().unwrap()
}

fn all(element: &Element, selector: &str) -> Vec<Element> {
    let found = element.query_selector_all(selector).unwrap();
    (0..found.length())
        .map(|at| wasm_bindgen::JsCast::unchecked_into(found.item(at).unwrap()))
        .collect()
}

#[wasm_bindgen_test]
async fn what_people_type_becomes_what_they_expect() {
    let text = rendered(
        "**bold** *italic* ~~gone~~ `code` see https://example.com/a_b and [docs](https://docs.example/x)\n> quoted\n```\nfn main() {}\n```",
    )
    .await;
    assert_eq!(all(&text, "strong")[0].text_content().unwrap(), "bold");
    assert_eq!(all(&text, "em")[0].text_content().unwrap(), "italic");
    assert_eq!(all(&text, "del")[0].text_content().unwrap(), "gone");
    assert_eq!(all(&text, "p > code")[0].text_content().unwrap(), "code");
    assert_eq!(
        all(&text, "blockquote")[0].text_content().unwrap(),
        "quoted"
    );
    assert_eq!(
        all(&text, "pre code")[0].text_content().unwrap(),
        "fn main() {}"
    );
    let links = all(&text, "a");
    let hrefs: Vec<String> = links
        .iter()
        .map(|a| a.get_attribute("href").unwrap())
        .collect();
    assert_eq!(hrefs, ["https://example.com/a_b", "https://docs.example/x"]);
    for link in &links {
        assert_eq!(
            link.get_attribute("rel").as_deref(),
            Some("noopener noreferrer")
        );
        assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    }
    // A code block can be reached and scrolled sideways from the keyboard.
    assert_eq!(
        all(&text, "pre")[0].get_attribute("tabindex").as_deref(),
        Some("0")
    );
}

/// Payloads from the usual lists of cross-site scripting attempts, each as
/// a whole message.
const PAYLOADS: &[&str] = &[
    "<script>window.__xss = 1</script>",
    "<img src=x onerror=\"window.__xss = 1\">",
    "<svg onload=\"window.__xss = 1\"></svg>",
    "<iframe src=\"javascript:window.__xss = 1\"></iframe>",
    "[click](javascript:window.__xss=1)",
    "[click](JAVASCRIPT:window.__xss=1)",
    "[click](java\tscript:window.__xss=1)",
    "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[x](https://a.example\" onmouseover=\"window.__xss=1)",
    "**<b onmouseover=window.__xss=1>bold</b>**",
    "`<script>window.__xss = 1</script>`",
    "```\n<script>window.__xss = 1</script>\n```",
    "> <img src=x onerror=window.__xss=1>",
    "[**nested [link](javascript:alert(1))**](https://ok.example)",
    "https://a.example/<script>",
    "&lt;script&gt;window.__xss = 1&lt;/script&gt;",
];

#[wasm_bindgen_test]
async fn no_payload_becomes_markup_a_script_or_a_bad_link() {
    for payload in PAYLOADS {
        let text = rendered(payload).await;
        tick().await;
        // Only the elements formatting makes, and only text in them.
        for element in all(&text, "*") {
            let tag = element.tag_name().to_lowercase();
            assert!(
                [
                    "p",
                    "strong",
                    "em",
                    "del",
                    "code",
                    "pre",
                    "blockquote",
                    "a",
                    "br"
                ]
                .contains(&tag.as_str()),
                "{payload:?} made <{tag}>"
            );
            let names = element.get_attribute_names();
            for name in names.iter() {
                let name = name.as_string().unwrap();
                assert!(
                    ["href", "rel", "target", "title", "tabindex"].contains(&name.as_str()),
                    "{payload:?} put {name} on <{tag}>"
                );
            }
            if let Some(href) = element.get_attribute("href") {
                let lower = href.to_ascii_lowercase();
                assert!(
                    lower.starts_with("https://")
                        || lower.starts_with("http://")
                        || lower.starts_with("mailto:"),
                    "{payload:?} linked to {href}"
                );
                assert!(!href.contains('"') && !href.contains('<'), "{href}");
            }
        }
        let ran = js_sys::Reflect::get(&window(), &"__xss".into()).unwrap();
        assert!(ran.is_undefined(), "{payload:?} ran a script");
    }
}

#[wasm_bindgen_test]
async fn the_words_are_all_still_there() {
    // What a page that prints `params.value` shows and what the list shows
    // hold the same words.
    let typed = "a <b>tag</b> and *stars* and [a link](javascript:x)";
    let text = rendered(typed).await;
    let shown = text.text_content().unwrap();
    for word in ["<b>tag</b>", "stars", "[a link](javascript:x)"] {
        assert!(shown.contains(word), "{word:?} missing from {shown:?}");
    }
}
