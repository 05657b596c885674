//! Where the client connects: `/ws` on the host that served the page.

use wasm_bindgen::JsValue;
use web_sys::Url;

/// What a connection asks the server for, in the query string.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    /// The display name to ask for; empty lets the server pick.
    pub name: &'a str,
    /// The newest message id already shown, so the server resumes after it.
    pub since: Option<u64>,
    /// The guest token from an earlier welcome, to stay the same guest.
    pub guest_token: Option<&'a str>,
}

/// The WebSocket URL for a page at `page_href`: `wss:` for an https page and
/// `ws:` otherwise, same host and port, path `/ws`, asking for presence,
/// and the query's parts (each only when there is one), encoded by the
/// browser.
///
/// Deriving it from the page makes the same build work under `trunk serve`
/// (which proxies `/ws` to the backend) and when the backend serves the files.
pub fn ws_url(page_href: &str, query: Query<'_>) -> Result<String, JsValue> {
    let Query {
        name,
        since,
        guest_token,
    } = query;
    let url = Url::new_with_base("/ws", page_href)?;
    let secure = url.protocol() == "https:";
    url.set_protocol(if secure { "wss:" } else { "ws:" });
    url.set_hash("");
    url.set_search("");
    // This page shows who is online, so it asks for presence.
    url.search_params().set("presence", "1");
    if !name.is_empty() {
        url.search_params().set("name", name);
    }
    if let Some(since) = since {
        url.search_params().set("since", &since.to_string());
    }
    if let Some(token) = guest_token {
        url.search_params().set("token", token);
    }
    Ok(url.href())
}

/// [`ws_url`] for the page this code runs in.
pub fn ws_url_for_this_page(query: Query<'_>) -> Result<String, JsValue> {
    let href = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .location()
        .href()?;
    ws_url(&href, query)
}
