//! Many rooms at once: accounts in their own rooms, every room busy, each
//! message reaching only its room. Natter only (the peers have no rooms).
//!
//! Room `r` has one account, which signs up and creates the room over the
//! HTTP API, and `clients_per_room` connections of it; the first is the
//! room's sender. Clients 0..rooms are the senders (client `r` sends to room
//! `r`), so the fleet's "first clients send" rule holds; the rest are spread
//! over the rooms in turn. Every receiver checks its room's sender's
//! sequence, so a message from another room, a loss or a duplicate shows.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::{Context, Result, bail};
use futures_util::future::try_join_all;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use super::load::{LoadResult, LoadSpec, drive};
use crate::client::source_address;
use crate::fleet::{Fleet, Member};
use crate::servers::{Kind, Programs, Server};

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RoomsSpec {
    /// How many rooms (and accounts, and senders).
    pub rooms: usize,
    /// Connections in each room, its sender included.
    pub clients_per_room: usize,
    /// How long the senders send, as fast as their windows allow.
    pub seconds: f64,
    /// Messages a sender may have in flight.
    pub window: usize,
}

/// Runs `spec` against a fresh natter.
pub async fn run(programs: &Programs, spec: RoomsSpec) -> Result<LoadResult> {
    let server = Server::start(Kind::Natter, programs)?;
    // Accounts sign up from the source addresses in turn, within the
    // per-address sign-up budget.
    let tokens = try_join_all((0..spec.rooms).map(|room| {
        let addr = server.addr;
        async move { account_with_room(addr, room).await }
    }))
    .await?;
    let clients = spec.rooms * spec.clients_per_room;
    let room_of = |index: usize| {
        if index < spec.rooms {
            index
        } else {
            (index - spec.rooms) % spec.rooms
        }
    };
    let mut fleet = Fleet::new(spec.rooms, spec.window);
    fleet
        .grow_as(&server, clients, |index| Member {
            bearer: Some(tokens[room_of(index)].clone()),
            hears: Some(room_of(index) as u32),
            query: "",
        })
        .await?;
    let rooms: Vec<Option<String>> = (0..spec.rooms).map(|r| Some(room_name(r))).collect();
    let load = LoadSpec {
        clients,
        senders: spec.rooms,
        rate: None,
        seconds: spec.seconds,
        window: spec.window,
    };
    drive(&[&server], fleet, load, &rooms, spec.clients_per_room).await
}

fn room_name(room: usize) -> String {
    format!("room-{room}")
}

/// Signs up the account of room `room`, creates the room, and returns the
/// account's session token.
async fn account_with_room(addr: SocketAddr, room: usize) -> Result<String> {
    let source = source_address(room);
    let signup = serde_json::json!({
        "name": format!("bench-{room}"),
        "password": "benchmark password",
    });
    let (status, body) = post(addr, source, "/api/signup", &signup, None).await?;
    if status != 201 {
        bail!("sign-up answered {status}: {body}");
    }
    let answer: serde_json::Value = serde_json::from_str(&body)?;
    let token = answer["token"]
        .as_str()
        .context("a sign-up answer has a token")?
        .to_owned();
    let create = serde_json::json!({ "name": room_name(room) });
    let (status, body) = post(addr, source, "/api/rooms", &create, Some(&token)).await?;
    if status != 201 {
        bail!("creating a room answered {status}: {body}");
    }
    Ok(token)
}

/// One `POST` with a JSON body from `source`, on its own connection:
/// the status and the body.
async fn post(
    addr: SocketAddr,
    source: Ipv4Addr,
    path: &str,
    body: &serde_json::Value,
    bearer: Option<&str>,
) -> Result<(u16, String)> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    let mut stream = socket.connect(addr).await?;
    let body = body.to_string();
    let authorization = bearer.map_or(String::new(), |token| {
        format!("Authorization: Bearer {token}\r\n")
    });
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n{authorization}\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("not an HTTP answer: {answer:?}"))?;
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_owned();
    Ok((status, body))
}
