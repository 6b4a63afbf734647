//! The `#[signalr_connection_info(...)]` attribute of
//! [signalr-binding](https://docs.rs/signalr-binding).
//!
//! Use it through `signalr_binding::signalr_connection_info`: the code it generates names the
//! `signalr_binding` crate, so that crate must be a dependency of yours. The attribute is
//! documented on [`signalr_connection_info`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod errors;
mod expand;

use proc_macro::TokenStream;

/// Injects Azure SignalR Service connection info (client URL and access token) into a handler,
/// like the `SignalRConnectionInfo` input binding of Azure Functions.
///
/// The attribute removes the receiving parameter from the handler's signature and resolves it
/// at the top of the body, for every call, before your code runs:
///
/// ```ignore
/// use signalr_binding::{signalr_connection_info, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
/// async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     http::Response::new(serde_json::to_string(&info).unwrap())
/// }
///
/// // After expansion the handler is
/// // `async fn negotiate(req: http::Request<String>) -> http::Response<String>`.
/// ```
///
/// # Arguments
///
/// | argument | meaning | default | example |
/// |---|---|---|---|
/// | `hub_name` | **Required.** The hub the client connects to. A template (see below); a literal name must start with an ASCII letter and contain only ASCII letters, digits and `_`. It is lower-cased in the URL and token. | (none) | `hub_name = "chat"` |
/// | `connection_string_setting` | The name of the app setting (environment variable, or [`Settings`] in a `BindingContext`) that holds the Azure SignalR Service connection string. It names a setting; it is never the connection string itself. | `"AzureSignalRConnectionString"` | `connection_string_setting = "SignalRConn"` |
/// | `user_id` | A template for the user id put in the access token (claim `asrs.s.uid`). Unset adds no user claim; a value resolving to `""` still adds one. | no user | `user_id = "{headers.x-ms-client-principal-id}"` |
/// | `id_token` | A template for a JWT whose claims are copied into the access token, filtered by `claim_type_list`. A `Bearer ` prefix is accepted. The token is read, not verified. Requires `claim_type_list`. | no id token | `id_token = "{headers.authorization}"` |
/// | `claim_type_list` | The claim types copied from `id_token`, matched exactly. Requires `id_token`. | `[]` | `claim_type_list = ["name", "email"]` |
/// | `name` | The parameter that receives the value (as in Java and `function.json`). Needed for a `String` or `serde_json::Value` receiver, or to tell two receivers apart. | the parameter of type `SignalRConnectionInfo` | `name = "info"` |
/// | `request` | The parameter the templates read the request from, when several parameters could be the request. | the one request parameter | `request = "req"` |
/// | `lifetime_secs` | The access token's lifetime in seconds (an integer > 0). | `3600` | `lifetime_secs = 600` |
///
/// [`Settings`]: https://docs.rs/signalr-binding/latest/signalr_binding/trait.Settings.html
///
/// ## Templates
///
/// `hub_name`, `user_id` and `id_token` are templates, parsed at compile time (no parsing per
/// request):
///
/// | form | meaning | example |
/// |---|---|---|
/// | literal text | used as it is | `"chat"` |
/// | `{headers.NAME}` or `<headers.NAME>` | the request header `NAME` (case-insensitive; several values joined with `,`) | `"{headers.x-ms-client-principal-id}"` |
/// | `{query.NAME}` | the query parameter `NAME` (case-sensitive; percent-decoded; the last one wins) | `"{query.userid}"` |
/// | text and expressions | concatenated | `"user-{query.id}"` |
/// | `%NAME%` (whole value) | the app setting `NAME` | `"%HUB_NAME%"` |
///
/// `{{`, `}}`, `<<` and `>>` are literal brackets. A header or query key missing from the request
/// fails the binding with a 400 answer that names it.
///
/// # The parameters
///
/// - **The receiving parameter** is the one named by `name = "..."`, else the one whose type is
///   `SignalRConnectionInfo` (any path ending in `SignalRConnectionInfo`). A `String` (the
///   camelCase JSON `{"url":...,"accessToken":...}`) or a `serde_json::Value` receives it too,
///   when named with `name`. It is removed from the signature; its pattern (`mut info`) and
///   attributes are kept on the `let` that binds it.
/// - **The request parameter** is the one named by `request = "..."`, else the one parameter
///   whose type, after references, is a path whose last segment is `Request` or `Parts`:
///   `http::Request<B>`, `&http::Request<B>`, `axum::extract::Request`, `http::request::Parts`,
///   `&mut Parts`. Its type must implement `signalr_binding::BindingRequest`. Two such
///   parameters need `request = "..."`. A handler without one works when no template reads the
///   request (settings then come from the process environment).
/// - **Settings** (`%NAME%` and the connection string) and the clock come from a
///   `signalr_binding::BindingContext` in the request's extensions, when it has one, else from
///   the process environment and the system clock.
///
/// # Where a binding failure goes
///
/// When the request cannot be bound (a missing header, a missing connection string, ...) the
/// handler returns early, without running your body, through its return type's
/// `signalr_binding::FromBindingError` implementation:
///
/// - `Result<T, E>` where `E: From<BindingError>`: `Err(error.into())`;
/// - `http::Response<B>` where `B: From<String>`: the error's status (4xx when the request is at
///   fault, 500 when the deployment is) and a JSON body
///   `{"error":{"code":"missing_header","message":"...","status":400}}`;
/// - your own type, once it implements `FromBindingError`.
///
/// Any other return type (including `()`) is a compile error at the return type.
///
/// # What it accepts
///
/// `fn` and `async fn`; free functions and methods (`&self`, `self`); generic handlers and
/// `where` clauses; `unsafe fn`. Visibility, doc comments and other attributes are kept. A
/// `const fn` is rejected (resolving happens at run time).
///
/// # Compile-time checks
///
/// Every mistake is a compile error at the argument or parameter at fault, all reported at
/// once; the handler is then emitted as written so the rest of the crate still type-checks:
/// a missing `hub_name`; an invalid literal hub name; an unknown argument (with the closest
/// match: `hubName` suggests `hub_name`); a duplicate argument; a value of the wrong kind; a
/// malformed template (unclosed `{` or `<`, an unknown source like `{header.x}`, an empty name,
/// an invalid header name, an unclosed `%`); `id_token` without `claim_type_list` or the other
/// way round; a template that reads the request in a handler without a request parameter; no
/// receiving parameter, or two.
///
/// # Examples
///
/// These examples use the attribute, so they cannot run in this crate; runnable versions are in
/// the `signalr-binding` crate's documentation.
///
/// An `async fn` answering with `http::Response` (a failure becomes a JSON error response):
///
/// ```ignore
/// use signalr_binding::{signalr_connection_info, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
/// pub async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     http::Response::new(serde_json::to_string(&info).unwrap())
/// }
/// ```
///
/// A sync `fn` returning `Result` (a failure is `Err`):
///
/// ```ignore
/// use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{query.user}")]
/// fn negotiate(parts: &http::request::Parts, info: SignalRConnectionInfo) -> Result<String, BindingError> {
///     Ok(info.url)
/// }
/// ```
///
/// The connection info as its JSON text or as a `serde_json::Value`, named with `name`:
///
/// ```ignore
/// #[signalr_connection_info(hub_name = "chat", name = "json")]
/// fn negotiate(req: &http::Request<()>, json: String) -> Result<String, signalr_binding::BindingError> {
///     Ok(json) // {"url":"...","accessToken":"..."}
/// }
///
/// #[signalr_connection_info(hub_name = "chat", name = "value")]
/// fn negotiate_value(req: &http::Request<()>, value: serde_json::Value) -> Result<String, signalr_binding::BindingError> {
///     Ok(value["url"].to_string())
/// }
/// ```
///
/// Copying claims from an id token, a hub name from a setting, another connection-string
/// setting and a 10-minute token:
///
/// ```ignore
/// #[signalr_connection_info(
///     hub_name = "%CHAT_HUB%",
///     connection_string_setting = "ChatSignalR",
///     id_token = "{headers.authorization}",
///     claim_type_list = ["name", "email"],
///     lifetime_secs = 600,
/// )]
/// async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     http::Response::new(serde_json::to_string(&info).unwrap())
/// }
/// ```
///
/// A method, a generic handler and a handler with two request-like parameters:
///
/// ```ignore
/// impl Api {
///     #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
///     pub fn negotiate(&self, req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, ApiError> {
///         Ok(format!("{}: {}", self.name, info.url))
///     }
/// }
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{query.user}")]
/// async fn negotiate<B>(req: http::Request<B>, info: SignalRConnectionInfo) -> http::Response<String>
/// where
///     B: Send,
/// {
///     http::Response::new(info.url)
/// }
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}", request = "incoming")]
/// fn forward(incoming: &http::Request<()>, outgoing: http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
///     Ok(info.url)
/// }
/// ```
///
/// Two hubs on one handler, each attribute with its own `name`:
///
/// ```ignore
/// #[signalr_connection_info(hub_name = "chat", name = "chat")]
/// #[signalr_connection_info(hub_name = "news", name = "news")]
/// fn negotiate(req: &http::Request<()>, chat: SignalRConnectionInfo, news: SignalRConnectionInfo) -> Result<String, BindingError> {
///     Ok(format!("{} {}", chat.url, news.url))
/// }
/// ```
///
/// A handler whose templates never read the request needs no request parameter:
///
/// ```ignore
/// #[signalr_connection_info(hub_name = "chat")]
/// fn negotiate(info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
///     Ok(info)
/// }
/// ```
#[proc_macro_attribute]
pub fn signalr_connection_info(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}
