//! People with accounts, and the room calls they make.

use serde_json::{Value, json};

use super::api::{Answer, call, sign_up};
use super::{Client, TestServer};

/// Someone with an account and a session token.
pub struct Person {
    pub name: String,
    pub token: String,
}

impl Person {
    /// Signs up `name`.
    pub async fn sign_up(server: &TestServer, name: &str) -> Self {
        let answer = sign_up(server, name, "correct horse battery").await;
        assert_eq!(answer.status, 201, "{:?}", answer.body);
        Person {
            name: name.to_owned(),
            token: answer.token(),
        }
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// A WebSocket connection as this person, with an optional query (`?since=5`).
    pub async fn connect(&self, server: &TestServer, query: &str) -> Client {
        Client::connect_with_headers(server, query, &[("authorization", &self.bearer())]).await
    }

    /// `method path` with this person's session.
    pub async fn call(
        &self,
        server: &TestServer,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        call(
            server,
            method,
            path,
            body,
            &[("authorization", &self.bearer())],
        )
        .await
    }

    /// `POST /api/rooms`.
    pub async fn create_room(&self, server: &TestServer, name: &str) -> Answer {
        self.call(server, "POST", "/api/rooms", Some(json!({ "name": name })))
            .await
    }

    /// `POST /api/rooms/{room}/join`.
    pub async fn join(&self, server: &TestServer, room: &str) -> Answer {
        self.call(server, "POST", &format!("/api/rooms/{room}/join"), None)
            .await
    }

    /// `POST /api/rooms/{room}/leave`.
    pub async fn leave(&self, server: &TestServer, room: &str) -> Answer {
        self.call(server, "POST", &format!("/api/rooms/{room}/leave"), None)
            .await
    }

    /// `POST /api/dms`: the conversation with `name`.
    pub async fn open_direct(&self, server: &TestServer, name: &str) -> Answer {
        self.call(server, "POST", "/api/dms", Some(json!({ "name": name })))
            .await
    }

    /// `GET /api/rooms`: the names in the directory.
    pub async fn directory(&self, server: &TestServer) -> Vec<Value> {
        let answer = self.call(server, "GET", "/api/rooms", None).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body["rooms"].as_array().cloned().unwrap_or_default()
    }
}

impl Client {
    /// Publishes in `room`, with an optional nonce.
    pub async fn publish_in(&mut self, room: &str, value: &str, nonce: Option<&str>) {
        let mut params = json!({ "value": value, "room": room });
        if let Some(nonce) = nonce {
            params["nonce"] = nonce.into();
        }
        self.send_text(json!({ "type": "message", "params": params }).to_string())
            .await;
    }

    /// Asks for the newest page of `room`.
    pub async fn ask_history(&mut self, room: &str) {
        self.send_text(json!({ "type": "history", "params": { "room": room } }).to_string())
            .await;
    }

    /// Reports `room` read up to `id`.
    pub async fn mark_read(&mut self, room: &str, id: u64) {
        self.send_text(json!({ "type": "read", "params": { "room": room, "id": id } }).to_string())
            .await;
    }

    /// The rooms in the welcome, by key.
    pub fn welcome_rooms(&self) -> Vec<String> {
        self.welcome
            .rooms
            .iter()
            .map(|room| room.room.clone())
            .collect()
    }
}

/// Ada and Bob, both signed up: where most tests of rooms start.
pub async fn ada_and_bob(server: &TestServer) -> (Person, Person) {
    (
        Person::sign_up(server, "ada").await,
        Person::sign_up(server, "bob").await,
    )
}

/// Ada and Bob, both in `room`, which Ada created and Bob joined.
pub async fn ada_and_bob_in(server: &TestServer, room: &str) -> (Person, Person) {
    let (ada, bob) = ada_and_bob(server).await;
    assert_eq!(
        ada.create_room(server, room).await.status,
        201,
        "{room} is created"
    );
    assert_eq!(bob.join(server, room).await.status, 200, "bob joins {room}");
    (ada, bob)
}
