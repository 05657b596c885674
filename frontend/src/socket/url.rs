//! Where the client connects: `/ws` on the host that served the page.

use wasm_bindgen::JsValue;
use web_sys::Url;

/// The WebSocket URL for a page at `page_href`: `wss:` for an https page and
/// `ws:` otherwise, same host and port, path `/ws`, the display name (when
/// there is one) in `name`, encoded by the browser, and the newest message id
/// already shown (when there is one) in `since`, so the server resumes there.
///
/// Deriving it from the page makes the same build work under `trunk serve`
/// (which proxies `/ws` to the backend) and when the backend serves the files.
pub fn ws_url(page_href: &str, name: &str, since: Option<u64>) -> Result<String, JsValue> {
    let url = Url::new_with_base("/ws", page_href)?;
    let secure = url.protocol() == "https:";
    url.set_protocol(if secure { "wss:" } else { "ws:" });
    url.set_hash("");
    url.set_search("");
    if !name.is_empty() {
        url.search_params().set("name", name);
    }
    if let Some(since) = since {
        url.search_params().set("since", &since.to_string());
    }
    Ok(url.href())
}

/// [`ws_url`] for the page this code runs in.
pub fn ws_url_for_this_page(name: &str, since: Option<u64>) -> Result<String, JsValue> {
    let href = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .location()
        .href()?;
    ws_url(&href, name, since)
}
