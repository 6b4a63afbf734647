//! The operations of the REST API (version 2022-06-01 of Azure/azure-signalr
//! `docs/rest-api.md`), each sent to every endpoint, as the service SDK's default message
//! router does (`DefaultMessageRouter`: broadcast, user, group and connection messages go to
//! all endpoints, and the service that holds the connection acts on it).

use futures_util::future::join_all;
use http::{Method, StatusCode};

use super::client::{Call, RestClient};
use super::{Message, RestError};

/// How the answers of several endpoints make one result.
#[derive(Clone, Copy)]
enum Merge {
    /// Every endpoint must succeed (sends, user-group changes).
    All,
    /// The connection lives on one endpoint: success when one succeeds and the others answer
    /// 404; all 404s are the 404.
    Somewhere,
}

/// Checks a name that goes into the URL path as one segment: not empty, and not `.` or `..`,
/// which URLs treat as path steps.
fn non_empty(value: &str, what: &'static str) -> Result<(), RestError> {
    match value {
        "" => Err(RestError::Empty { what }),
        "." | ".." => Err(RestError::DotName {
            what,
            name: value.to_owned(),
        }),
        _ => Ok(()),
    }
}

fn is_not_found(result: &Result<StatusCode, RestError>) -> bool {
    matches!(result, Err(e) if e.status() == Some(StatusCode::NOT_FOUND))
}

impl RestClient {
    async fn fan_out(&self, call: Call<'_>) -> Vec<Result<StatusCode, RestError>> {
        join_all(
            self.inner
                .endpoints
                .iter()
                .map(|endpoint| self.call(endpoint, &call)),
        )
        .await
    }

    async fn run(&self, call: Call<'_>, merge: Merge) -> Result<(), RestError> {
        let results = self.fan_out(call).await;
        match merge {
            Merge::All => results.into_iter().try_for_each(|r| r.map(drop)),
            Merge::Somewhere => {
                let found = results.iter().any(Result::is_ok);
                let mut not_found = None;
                for result in results {
                    match result {
                        Ok(_) => {}
                        Err(e) if e.status() == Some(StatusCode::NOT_FOUND) => {
                            not_found.get_or_insert(e);
                        }
                        Err(e) => return Err(e),
                    }
                }
                match not_found {
                    Some(e) if !found => Err(e),
                    _ => Ok(()),
                }
            }
        }
    }

    async fn exists(&self, call: Call<'_>) -> Result<bool, RestError> {
        let results = self.fan_out(call).await;
        if results.iter().any(Result::is_ok) {
            return Ok(true);
        }
        match results.into_iter().find(|r| !is_not_found(r)) {
            Some(Err(e)) => Err(e),
            _ => Ok(false),
        }
    }

    async fn send(
        &self,
        operation: &'static str,
        path: &[&str],
        excluded: &[&str],
        message: &Message,
    ) -> Result<(), RestError> {
        let query: Vec<(&str, &str)> = excluded.iter().map(|id| ("excluded", *id)).collect();
        self.run(
            Call {
                operation,
                method: Method::POST,
                path,
                query: &query,
                body: Some(message.body()),
            },
            Merge::All,
        )
        .await
    }

    /// Sends `message` to every connection of the hub (`POST /api/hubs/{hub}/:send`).
    pub async fn send_to_all(&self, message: &Message) -> Result<(), RestError> {
        self.send("send to all", &[":send"], &[], message).await
    }

    /// Sends `message` to every connection of the hub but those in `excluded` (connection ids).
    pub async fn send_to_all_except(
        &self,
        message: &Message,
        excluded: &[&str],
    ) -> Result<(), RestError> {
        self.send("send to all", &[":send"], excluded, message)
            .await
    }

    /// Sends `message` to every connection of user `user`
    /// (`POST /api/hubs/{hub}/users/{user}/:send`).
    pub async fn send_to_user(&self, user: &str, message: &Message) -> Result<(), RestError> {
        non_empty(user, "user id")?;
        self.send("send to user", &["users", user, ":send"], &[], message)
            .await
    }

    /// Sends `message` to connection `connection`
    /// (`POST /api/hubs/{hub}/connections/{id}/:send`). The service accepts it whether or not
    /// the connection exists.
    pub async fn send_to_connection(
        &self,
        connection: &str,
        message: &Message,
    ) -> Result<(), RestError> {
        non_empty(connection, "connection id")?;
        self.send(
            "send to connection",
            &["connections", connection, ":send"],
            &[],
            message,
        )
        .await
    }

    /// Sends `message` to every connection in group `group`
    /// (`POST /api/hubs/{hub}/groups/{group}/:send`).
    pub async fn send_to_group(&self, group: &str, message: &Message) -> Result<(), RestError> {
        self.send_to_group_except(group, message, &[]).await
    }

    /// Sends `message` to every connection in group `group` but those in `excluded`.
    pub async fn send_to_group_except(
        &self,
        group: &str,
        message: &Message,
        excluded: &[&str],
    ) -> Result<(), RestError> {
        non_empty(group, "group name")?;
        self.send(
            "send to group",
            &["groups", group, ":send"],
            excluded,
            message,
        )
        .await
    }

    async fn membership(
        &self,
        operation: &'static str,
        method: Method,
        path: &[&str],
        merge: Merge,
    ) -> Result<(), RestError> {
        self.run(
            Call {
                operation,
                method,
                path,
                query: &[],
                body: None,
            },
            merge,
        )
        .await
    }

    /// Adds connection `connection` to group `group`
    /// (`PUT /api/hubs/{hub}/groups/{group}/connections/{id}`). A connection no endpoint has is
    /// a [`RestError::Service`] with status 404.
    pub async fn add_connection_to_group(
        &self,
        group: &str,
        connection: &str,
    ) -> Result<(), RestError> {
        non_empty(group, "group name")?;
        non_empty(connection, "connection id")?;
        self.membership(
            "add connection to group",
            Method::PUT,
            &["groups", group, "connections", connection],
            Merge::Somewhere,
        )
        .await
    }

    /// Removes connection `connection` from group `group`
    /// (`DELETE /api/hubs/{hub}/groups/{group}/connections/{id}`); 404 when no endpoint has
    /// the connection in the group.
    pub async fn remove_connection_from_group(
        &self,
        group: &str,
        connection: &str,
    ) -> Result<(), RestError> {
        non_empty(group, "group name")?;
        non_empty(connection, "connection id")?;
        self.membership(
            "remove connection from group",
            Method::DELETE,
            &["groups", group, "connections", connection],
            Merge::Somewhere,
        )
        .await
    }

    /// Adds user `user` to group `group` (`PUT /api/hubs/{hub}/users/{user}/groups/{group}`):
    /// the user's connections, now and later, are in the group.
    pub async fn add_user_to_group(&self, group: &str, user: &str) -> Result<(), RestError> {
        non_empty(group, "group name")?;
        non_empty(user, "user id")?;
        self.membership(
            "add user to group",
            Method::PUT,
            &["users", user, "groups", group],
            Merge::All,
        )
        .await
    }

    /// Removes user `user` from group `group`
    /// (`DELETE /api/hubs/{hub}/users/{user}/groups/{group}`).
    pub async fn remove_user_from_group(&self, group: &str, user: &str) -> Result<(), RestError> {
        non_empty(group, "group name")?;
        non_empty(user, "user id")?;
        self.membership(
            "remove user from group",
            Method::DELETE,
            &["users", user, "groups", group],
            Merge::All,
        )
        .await
    }

    /// Closes connection `connection`, telling the client `reason` when given
    /// (`DELETE /api/hubs/{hub}/connections/{id}?reason=`).
    pub async fn close_connection(
        &self,
        connection: &str,
        reason: Option<&str>,
    ) -> Result<(), RestError> {
        non_empty(connection, "connection id")?;
        let query: Vec<(&str, &str)> = reason.map(|r| ("reason", r)).into_iter().collect();
        self.run(
            Call {
                operation: "close connection",
                method: Method::DELETE,
                path: &["connections", connection],
                query: &query,
                body: None,
            },
            Merge::Somewhere,
        )
        .await
    }

    async fn check(&self, operation: &'static str, path: &[&str]) -> Result<bool, RestError> {
        self.exists(Call {
            operation,
            method: Method::HEAD,
            path,
            query: &[],
            body: None,
        })
        .await
    }

    /// Whether connection `connection` exists on some endpoint
    /// (`HEAD /api/hubs/{hub}/connections/{id}`: 200 yes, 404 no).
    pub async fn connection_exists(&self, connection: &str) -> Result<bool, RestError> {
        non_empty(connection, "connection id")?;
        self.check("check connection", &["connections", connection])
            .await
    }

    /// Whether user `user` has a connection on some endpoint
    /// (`HEAD /api/hubs/{hub}/users/{user}`).
    pub async fn user_exists(&self, user: &str) -> Result<bool, RestError> {
        non_empty(user, "user id")?;
        self.check("check user", &["users", user]).await
    }

    /// Whether group `group` has a connection on some endpoint
    /// (`HEAD /api/hubs/{hub}/groups/{group}`).
    pub async fn group_exists(&self, group: &str) -> Result<bool, RestError> {
        non_empty(group, "group name")?;
        self.check("check group", &["groups", group]).await
    }
}
