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
/// | `id_token` | A template for a JWT whose claims are copied into the access token, filtered by `claim_type_list`. A `Bearer ` prefix is accepted. **Without a key argument (see [below](#verifying-the-id-token)) the token is read, not verified.** Requires `claim_type_list`, unless the token is verified. | no id token | `id_token = "{headers.authorization}"` |
/// | `claim_type_list` | The claim types copied from `id_token`, matched exactly. Requires `id_token`. | `[]` | `claim_type_list = ["name", "email"]` |
/// | `name` | The parameter that receives the value (as in Java and `function.json`). Needed for a `String` or `serde_json::Value` receiver, or to tell two receivers apart. | the parameter of type `SignalRConnectionInfo` | `name = "info"` |
/// | `request` | The parameter the templates read the request from, when several parameters could be the request. | the one request parameter | `request = "req"` |
/// | `lifetime_secs` | The access token's lifetime in seconds (an integer > 0). | `3600` | `lifetime_secs = 600` |
///
/// [`Settings`]: https://docs.rs/signalr-binding/latest/signalr_binding/trait.Settings.html
///
/// ## Verifying the id token
///
/// **Without a key argument, the binding behaves as Azure's does: the claims are copied from an
/// id token that is never checked** (no signature, expiry, issuer or audience check), so whoever
/// sends the request chooses them. Do that only behind a front end that has already checked the
/// token (such as App Service authentication). With one key argument, the token must verify
/// before any claim is copied, and a token that fails a check is a 401 answer (the body does not
/// run). These arguments build the runtime's `IdTokenVerification`:
///
/// | argument | meaning | default | example |
/// |---|---|---|---|
/// | `id_token_hmac_secret` | Verify with the HMAC secret in an app setting (HS256, HS384, HS512). | no verification | `id_token_hmac_secret = "%ID_TOKEN_SECRET%"` |
/// | `id_token_rsa_key` | Verify with the RSA public key (PEM) in an app setting (RS256, RS384, RS512, PS256, PS384, PS512). | no verification | `id_token_rsa_key = "%ID_TOKEN_RSA_KEY%"` |
/// | `id_token_ec_key` | Verify with the EC public key (P-256 or P-384, PEM) in an app setting (ES256, ES384). | no verification | `id_token_ec_key = "%ID_TOKEN_EC_KEY%"` |
/// | `id_token_jwks` | Verify with the JWKS document (`{"keys":[...]}`) in an app setting; the token's `kid` picks the key (the RSA and EC algorithms). | no verification | `id_token_jwks = "%ID_TOKEN_JWKS%"` |
/// | `id_token_algorithms` | The algorithms a token may be signed with: names from the key's list above (case-sensitive). `none` is never allowed. | every algorithm of the key's kind | `id_token_algorithms = ["RS256"]` |
/// | `id_token_issuer` | The `iss` a token must carry, compared as written. | not checked | `id_token_issuer = "https://login.example.com/"` |
/// | `id_token_audience` | The audience a token's `aud` (a string or an array) must contain, compared as written. Set it: without it a token the same key signed for another application is accepted. | not checked | `id_token_audience = "my-client-id"` |
/// | `id_token_leeway_secs` | The clock skew allowed when checking `exp` (required) and `nbf`, in seconds, at most 3600. | `60` | `id_token_leeway_secs = 30` |
///
/// - Exactly one key argument at most, and it needs `id_token`. Its value is the **name of the
///   app setting that holds the key, written `%NAME%`**, never the key itself: a key in source
///   code is readable by anyone who reads the code. The key is read from the setting at run
///   time and prepared once per distinct value; a missing or unusable key setting is a 500
///   answer that names the setting, never its value.
/// - `id_token_algorithms`, `id_token_issuer`, `id_token_audience` and `id_token_leeway_secs`
///   need a key argument.
/// - With a key argument `claim_type_list` may be left out: the binding then only requires a
///   valid id token.
///
/// ```ignore
/// #[signalr_connection_info(
///     hub_name = "chat",
///     user_id = "{headers.x-ms-client-principal-id}",
///     id_token = "{headers.authorization}",
///     claim_type_list = ["name", "email"],
///     // The identity provider's JWKS document is in the app setting ID_TOKEN_JWKS.
///     id_token_jwks = "%ID_TOKEN_JWKS%",
///     id_token_algorithms = ["RS256"],
///     id_token_issuer = "https://login.example.com/",
///     id_token_audience = "my-client-id",
/// )]
/// async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     // Reached only with a token that verified; otherwise the answer is a 401.
///     http::Response::new(serde_json::to_string(&info).unwrap())
/// }
/// ```
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
/// an invalid header name, an unclosed `%`); `id_token` without `claim_type_list` (unless the
/// token is verified) or the other way round; a template that reads the request in a handler
/// without a request parameter; no receiving parameter, or two. For verification: two key
/// arguments; a key argument without `id_token`; a key value that is not a whole `%NAME%`
/// setting reference; an unknown algorithm name (with the list), `none`, an algorithm the key
/// cannot verify, a repeated or an empty list; an empty issuer or audience, or one written as
/// a `%NAME%` setting (it would be compared as written); a leeway over 3600 seconds; and the
/// other verification arguments without a key.
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
