//! One headless Chromium window on the Natter page.

use std::future::Future;
use std::time::Instant;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::PATIENCE;

/// The flags Chromium needs here: headless, as root, and quiet on a closed network.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=900,800",
];

/// What makes Chromium's pages see `prefers-color-scheme: dark`.
const DARK_ARGS: &[&str] = &["--force-dark-mode"];

/// A message as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The author line.
    pub author: String,
    /// The message text.
    pub text: String,
    /// Whether the page marks it as this window's own.
    pub own: bool,
    /// For our own messages on their way: pending or failed; while a change
    /// waits: saving or deleting; else empty.
    pub state: String,
}

/// A browser window driven through WebDriver.
pub struct Browser {
    client: Client,
}

impl Browser {
    /// Opens a new headless window on `url`.
    pub async fn open(webdriver: &str, url: &str) -> Self {
        Self::open_with(webdriver, url, false, &[]).await
    }

    /// Opens a new headless window on an https `url` whose certificate the
    /// test made itself (no authority vouches for it).
    pub async fn open_trusting_the_tests_certificate(webdriver: &str, url: &str) -> Self {
        Self::open_with(webdriver, url, true, &[]).await
    }

    /// Opens a new headless window on `url` in a browser set to a dark
    /// colour scheme, as a system in dark mode is.
    pub async fn open_dark(webdriver: &str, url: &str) -> Self {
        Self::open_with(webdriver, url, false, DARK_ARGS).await
    }

    async fn open_with(webdriver: &str, url: &str, any_certificate: bool, extra: &[&str]) -> Self {
        let args: Vec<&str> = CHROMIUM_ARGS.iter().chain(extra).copied().collect();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), json!({ "args": args }));
        if any_certificate {
            capabilities.insert("acceptInsecureCerts".to_owned(), json!(true));
        }
        let client = ClientBuilder::rustls()
            .expect("TLS roots load")
            .capabilities(capabilities)
            .connect(webdriver)
            .await
            .expect("a WebDriver session starts");
        client.goto(url).await.expect("the page loads");
        Browser { client }
    }

    /// The cookies the browser keeps for this page: name, `Secure`, `HttpOnly`.
    pub async fn cookies(&self) -> Vec<(String, bool, bool)> {
        self.client
            .get_all_cookies()
            .await
            .expect("cookies")
            .into_iter()
            .map(|cookie| {
                (
                    cookie.name().to_owned(),
                    cookie.secure().unwrap_or(false),
                    cookie.http_only().unwrap_or(false),
                )
            })
            .collect()
    }

    /// The status indicator's state name (connecting, open, closing, closed).
    pub async fn status(&self) -> String {
        self.script_string("return document.querySelector('.status')?.dataset.state ?? ''")
            .await
    }

    /// Waits until the status indicator shows `state`.
    pub async fn wait_for_status(&self, state: &str) {
        eventually(&format!("status {state}"), || async {
            self.status().await == state
        })
        .await;
    }

    /// Opens Settings, types a guest name and submits it, waits until the
    /// server has welcomed the window under that name, and closes Settings.
    pub async fn use_name(&self, name: &str) {
        self.click("button.me").await;
        let input = self
            .client
            .find(Locator::Css("#name-input"))
            .await
            .expect("name field");
        input.clear().await.expect("clear name");
        input.send_keys(name).await.expect("type name");
        input
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("press Enter");
        let expected = format!("You appear as {name}");
        eventually(&expected, || async {
            self.script_string("return document.querySelector('.identity')?.textContent ?? ''")
                .await
                == expected
        })
        .await;
        self.press("Escape").await;
        eventually("Settings to close", || async {
            self.count("dialog.settings[open]").await == 0
        })
        .await;
    }

    /// Presses a key where the focus is.
    pub async fn press(&self, key: &str) {
        let key = match key {
            "Escape" => Key::Escape.to_string(),
            "Enter" => Key::Enter.to_string(),
            "Tab" => Key::Tab.to_string(),
            "Down" => Key::Down.to_string(),
            "Up" => Key::Up.to_string(),
            "Delete" => Key::Delete.to_string(),
            other => other.to_owned(),
        };
        self.client
            .active_element()
            .await
            .expect("an element has the focus")
            .send_keys(&key)
            .await
            .expect("press the key");
    }

    /// The focused element's id, or its tag and classes when it has none.
    pub async fn focused(&self) -> String {
        self.script_string(
            "const e = document.activeElement; return e ? (e.id || (e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))) : ''",
        )
        .await
    }

    /// Fills the sign-in card and presses "Sign up" (or "Log in"), then
    /// waits until the page says it is signed in as `name`.
    pub async fn sign_in(&self, name: &str, password: &str, sign_up: bool) {
        self.submit_account_form(name, password, sign_up).await;
        self.wait_for_text(".me-name", name).await;
        eventually("signed in", || async {
            self.count("button.sign-in-open").await == 0
        })
        .await;
    }

    /// Fills the sign-in card (opening it, where guests chat without it)
    /// and presses "Sign up" (or "Log in").
    pub async fn submit_account_form(&self, name: &str, password: &str, sign_up: bool) {
        if self.count("#account-name").await == 0 {
            self.click("button.sign-in-open").await;
        }
        eventually("the sign-in card", || async {
            self.count("#account-name").await == 1
        })
        .await;
        for (field, value) in [("#account-name", name), ("#account-password", password)] {
            let input = self
                .client
                .find(Locator::Css(field))
                .await
                .expect("account field");
            input.clear().await.expect("clear field");
            input.send_keys(value).await.expect("type");
        }
        let button = if sign_up {
            "button.sign-up"
        } else {
            "button.log-in"
        };
        self.client
            .find(Locator::Css(button))
            .await
            .expect("account button")
            .click()
            .await
            .expect("click");
    }

    /// Opens Settings, presses "Log out" and waits until the page offers
    /// to sign in again.
    pub async fn sign_out(&self) {
        self.click("button.me").await;
        self.click("button.log-out").await;
        eventually("the way to sign in", || async {
            self.count("button.sign-in-open, .sign-in-screen").await == 1
        })
        .await;
    }

    /// Waits until the element at `selector` shows exactly `text`.
    pub async fn wait_for_text(&self, selector: &str, text: &str) {
        let script = format!("return document.querySelector({selector:?})?.textContent ?? ''");
        eventually(&format!("{selector} to show {text:?}"), || async {
            self.script_string(&script).await == text
        })
        .await;
    }

    /// Types `text` into the message box and presses Enter.
    pub async fn say(&self, text: &str) {
        self.type_message(text).await;
        self.send_typed().await;
    }

    /// Types `text` into the message box, without sending it.
    pub async fn type_message(&self, text: &str) {
        self.client
            .find(Locator::Css("#message-input"))
            .await
            .expect("message box")
            .send_keys(text)
            .await
            .expect("type message");
    }

    /// Presses Enter in the message box: sends what was typed.
    pub async fn send_typed(&self) {
        self.client
            .find(Locator::Css("#message-input"))
            .await
            .expect("message box")
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("press Enter");
    }

    /// Types `text` into the field at `selector`, without pressing Enter.
    pub async fn type_message_into(&self, selector: &str, text: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("no {selector}: {error}"))
            .send_keys(text)
            .await
            .expect("type");
    }

    /// Empties the field at `selector`.
    pub async fn clear(&self, selector: &str) {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("no {selector}: {error}"))
            .clear()
            .await
            .expect("clear");
    }

    /// Presses Shift+Enter in the message box: a new line.
    pub async fn shift_enter(&self) {
        let chord = format!("{}{}{}", Key::Shift, Key::Enter, Key::Shift);
        self.client
            .find(Locator::Css("#message-input"))
            .await
            .expect("message box")
            .send_keys(&chord)
            .await
            .expect("press Shift+Enter");
    }

    /// Presses Ctrl and `key` together where the focus is.
    pub async fn press_with_ctrl(&self, key: &str) {
        let chord = format!("{}{key}{}", Key::Control, Key::Control);
        self.client
            .active_element()
            .await
            .expect("an element has the focus")
            .send_keys(&chord)
            .await
            .expect("press the keys");
    }

    /// Types `text` into the input at `selector` and presses Enter.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let input = self
            .client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("no {selector}: {error}"));
        input.send_keys(text).await.expect("type");
        input
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("press Enter");
    }

    /// Clicks the element at `selector`, once it is there.
    pub async fn click(&self, selector: &str) {
        eventually(&format!("{selector} to be there"), || async {
            self.count(selector).await > 0
        })
        .await;
        // A drawer sliding in moves its buttons: click once nothing moves.
        eventually("the page to stop moving", || async {
            self.script_string(
                "return String(document.getAnimations().filter(a => a.playState === 'running').length)",
            )
            .await
                == "0"
        })
        .await;
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("no {selector}: {error}"))
            .click()
            .await
            .expect("click");
    }

    /// The page's URL fragment (`#/r/general`).
    pub async fn hash(&self) -> String {
        self.script_string("return location.hash").await
    }

    /// The page as it looks now, as PNG.
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client.screenshot().await.expect("a screenshot")
    }

    /// Resizes the window, as a phone's screen or a desktop's.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
    }

    /// Presses a key with Alt held, as the page's keyboard shortcuts read it.
    pub async fn press_alt(&self, key: &str) {
        self.client
            .execute(
                "window.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[0], altKey: true, bubbles: true }))",
                vec![json!(key)],
            )
            .await
            .expect("press the key");
    }

    /// The page's title.
    pub async fn title(&self) -> String {
        self.script_string("return document.title").await
    }

    /// What is in the message box now.
    pub async fn draft(&self) -> String {
        self.script_string("return document.querySelector('#message-input').value")
            .await
    }

    /// The listed messages, top (newest) first (not the "new since you
    /// left" line between them).
    pub async fn messages(&self) -> Vec<Message> {
        let listed = self
            .client
            .execute(
                "return [...document.querySelectorAll('ol.messages > li.message')].map(li => ({
                    author: li.dataset.author ?? '',
                    text: li.querySelector('.text')?.innerText ?? '',
                    own: li.classList.contains('own'),
                    state: li.dataset.state ?? '',
                }))",
                vec![],
            )
            .await
            .expect("read the list");
        listed
            .as_array()
            .expect("an array")
            .iter()
            .map(|item| Message {
                author: string(&item["author"]),
                text: string(&item["text"]),
                own: item["own"].as_bool().unwrap_or(false),
                state: string(&item["state"]),
            })
            .collect()
    }

    /// Waits until the newest message has this text, and returns it.
    pub async fn wait_for_top_message(&self, text: &str) -> Message {
        eventually(&format!("top message {text:?}"), || async {
            self.messages()
                .await
                .first()
                .is_some_and(|top| top.text == text)
        })
        .await;
        self.messages().await.remove(0)
    }

    /// Waits until the message with this text is listed in this state.
    pub async fn wait_for_state(&self, text: &str, state: &str) {
        eventually(&format!("{text:?} {state}"), || async {
            self.messages()
                .await
                .iter()
                .any(|m| m.text == text && m.state == state)
        })
        .await;
    }

    /// Reloads the page, as a person pressing F5 would.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("the page reloads");
    }

    /// Runs a script in the page.
    pub async fn run(&self, script: &str) {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs");
    }

    /// How many elements match a CSS selector.
    pub async fn count(&self, selector: &str) -> usize {
        let count = self
            .client
            .execute(
                "return document.querySelectorAll(arguments[0]).length",
                vec![json!(selector)],
            )
            .await
            .expect("count elements");
        count.as_u64().unwrap_or(0) as usize
    }

    /// The value of `window[name]`.
    pub async fn global(&self, name: &str) -> Value {
        self.client
            .execute("return window[arguments[0]]", vec![json!(name)])
            .await
            .expect("read a global")
    }

    /// Runs axe-core (its source is `axe`) on the page as it is now, against
    /// WCAG 2.1 A and AA, and returns every violation as "rule (impact): the
    /// elements", empty when there is none.
    pub async fn accessibility_violations(&self, axe: &str) -> Vec<String> {
        self.client
            .execute(&format!("{axe}\n;return true"), vec![])
            .await
            .expect("axe-core loads");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {
                     runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                     resultTypes: ['violations'],
                 }).then(
                     (result) => done(result.violations.map((v) =>
                         `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)),
                     (error) => done([`axe failed: ${error}`]),
                 );",
                vec![],
            )
            .await
            .expect("axe-core runs");
        found
            .as_array()
            .expect("a list")
            .iter()
            .map(string)
            .collect()
    }

    /// Goes to `url`, as typing it into the address bar does.
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("the page loads");
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns
    /// what it returns.
    pub async fn evaluate(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .expect("script runs")
    }

    /// Runs `script`, which calls its last argument with the result when
    /// it has one, and returns that.
    pub async fn evaluate_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .expect("script runs")
    }

    /// [`Browser::evaluate`], saying why it did not run (a page too busy to
    /// answer within the script timeout, say) instead of failing.
    pub async fn try_evaluate(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.client
            .execute(script, args)
            .await
            .map_err(|error| error.to_string())
    }

    /// [`Browser::evaluate_async`], saying why it did not finish instead of
    /// failing.
    pub async fn try_evaluate_async(
        &self,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value, String> {
        self.client
            .execute_async(script, args)
            .await
            .map_err(|error| error.to_string())
    }

    /// How long a script may run before WebDriver gives up on it.
    pub async fn set_script_timeout(&self, limit: std::time::Duration) {
        self.client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(limit),
                None,
                None,
            ))
            .await
            .expect("timeouts set");
    }

    /// Closes the window and ends the WebDriver session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    pub async fn script_string(&self, script: &str) -> String {
        string(
            &self
                .client
                .execute(script, vec![])
                .await
                .expect("script runs"),
        )
    }
}

fn string(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// Polls `check` until it holds; panics naming `what` after [`PATIENCE`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < PATIENCE, "gave up waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
