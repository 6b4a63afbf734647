//! A client of Azure SignalR Service's data-plane REST API (feature `rest`): what a serverless
//! app uses to send to the clients that negotiated through the binding.
//!
//! ```no_run
//! # async fn run() -> Result<(), signalr_binding::rest::RestError> {
//! use signalr_binding::EnvSettings;
//! use signalr_binding::rest::{Message, RestClient};
//!
//! // The endpoints the binding uses: `AzureSignalRConnectionString` and any
//! // `Azure__SignalR__Endpoints__<Name>`, read from the environment.
//! let client = RestClient::builder("chat").settings(&EnvSettings).build()?;
//!
//! let message = Message::new("newMessage", ("alice", "hello"))?;
//! client.send_to_all(&message).await?;
//! client.send_to_user("bob", &message).await?;
//! client.add_user_to_group("team", "bob").await?;
//! client.send_to_group("team", &message).await?;
//! assert!(client.user_exists("bob").await? || true);
//! # Ok(()) }
//! ```
//!
//! # Operations
//!
//! | method | request (below `/api/hubs/{hub}`, `?api-version=2022-06-01`) |
//! | --- | --- |
//! | [`send_to_all`](RestClient::send_to_all), [`send_to_all_except`](RestClient::send_to_all_except) | `POST /:send[?excluded=ID...]` |
//! | [`send_to_user`](RestClient::send_to_user) | `POST /users/{user}/:send` |
//! | [`send_to_connection`](RestClient::send_to_connection) | `POST /connections/{id}/:send` |
//! | [`send_to_group`](RestClient::send_to_group), [`send_to_group_except`](RestClient::send_to_group_except) | `POST /groups/{group}/:send[?excluded=ID...]` |
//! | [`add_connection_to_group`](RestClient::add_connection_to_group), [`remove_connection_from_group`](RestClient::remove_connection_from_group) | `PUT`, `DELETE /groups/{group}/connections/{id}` |
//! | [`add_user_to_group`](RestClient::add_user_to_group), [`remove_user_from_group`](RestClient::remove_user_from_group) | `PUT`, `DELETE /users/{user}/groups/{group}` |
//! | [`close_connection`](RestClient::close_connection) | `DELETE /connections/{id}[?reason=...]` |
//! | [`connection_exists`](RestClient::connection_exists), [`user_exists`](RestClient::user_exists), [`group_exists`](RestClient::group_exists) | `HEAD /connections/{id}`, `/users/{user}`, `/groups/{group}` |
//!
//! Path segments (user ids, group names, connection ids) are percent-encoded.
//!
//! # Several endpoints
//!
//! Every operation goes to every endpoint, online or not, as the service SDK's default
//! message router does (Azure/azure-signalr `DefaultMessageRouter`) and so Azure's output
//! binding: a broadcast reaches the clients of every service. A send or a user-group change
//! succeeds when every endpoint accepts it. A connection lives on one service, so adding or
//! removing a connection and closing it succeed when one endpoint does and the others answer
//! 404; an existence check is true when any endpoint says so.
//!
//! # Tokens
//!
//! Each request carries its own token (HS256, `aud` = the request URL without its query and
//! port, `exp` = now + [`DEFAULT_REST_TOKEN_LIFETIME`]), minted by the same code as the
//! binding's client tokens and signed with the endpoint's `AccessKey`, or with feature
//! `identity` the key its Microsoft Entra identity fetched (with its `kid`, shared with the
//! bindings of the same endpoint; without the feature such an endpoint fails with
//! [`RestError::IdentityAuthNotSupported`]). Tokens are never logged and never in an error.
//!
//! # HTTP
//!
//! Requests go through `reqwest` with rustls (Azure's endpoints are HTTPS), HTTP/1.1, a
//! connection pool shared by clones of the client, and a timeout per request
//! ([`RestClientBuilder::timeout`], default [`DEFAULT_TIMEOUT`]). Nothing is retried:
//! [`RestError::is_transient`] and [`RestError::Service`]'s `retry_after` say when a retry may
//! help. The guide is `docs/sending.md`.

mod client;
mod error;
mod message;
mod operations;
mod signing;
#[cfg(test)]
mod tests;

pub use client::{
    API_VERSION, DEFAULT_REST_TOKEN_LIFETIME, DEFAULT_TIMEOUT, RestClient, RestClientBuilder,
};
pub use error::RestError;
pub use message::Message;
