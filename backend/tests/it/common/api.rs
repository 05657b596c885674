//! Calls to `/api/` as a browser or a program makes them.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::TestServer;

/// An `/api` answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The `code` of an error answer.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    /// The session token of a sign-up or login answer.
    pub fn token(&self) -> String {
        self.body["token"].as_str().expect("a token").to_owned()
    }

    /// The `Set-Cookie` header of the session cookie, if any (a login also
    /// sets the known-device mark).
    pub fn set_cookie(&self) -> String {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .find(|cookie| cookie.starts_with("natter_session="))
            .unwrap_or_default()
    }
}

/// Sends `method path` with a JSON `body` and optional extra headers.
pub async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let client = reqwest::Client::new();
    let mut request = client.request(method.parse().unwrap(), server.http_url(path));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// `POST /api/signup`.
pub async fn sign_up(server: &TestServer, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({ "name": name, "password": password });
    call(server, "POST", "/api/signup", Some(body), &[]).await
}

/// `POST /api/login`.
pub async fn log_in(server: &TestServer, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({ "name": name, "password": password });
    call(server, "POST", "/api/login", Some(body), &[]).await
}

/// `GET /api/me` with a bearer token.
pub async fn me(server: &TestServer, token: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    call(
        server,
        "GET",
        "/api/me",
        None,
        &[("authorization", &bearer)],
    )
    .await
}

/// The status of a WebSocket handshake with these headers and query.
pub async fn handshake_status(server: &TestServer, query: &str, headers: &[(&str, &str)]) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = server.ws_url(query).into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(
            tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected handshake failure: {other}"),
    }
}
