//! The `#[signalr_connection_info(...)]` attribute of
//! [signalr-binding](https://docs.rs/signalr-binding).
//!
//! Use it through `signalr_binding::signalr_connection_info`: the code it generates names the
//! `signalr_binding` crate, so that crate must be a dependency of yours. The attribute is
//! documented on [`signalr_connection_info`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![doc(test(attr(deny(warnings))))]

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
/// ```rust
/// use signalr_binding::{signalr_connection_info, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
/// async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     http::Response::new(info.to_json())
/// }
///
/// // After expansion the handler is
/// // `async fn negotiate(req: http::Request<String>) -> http::Response<String>`.
/// # fn context() -> signalr_binding::BindingContext {
/// #     signalr_binding::BindingContext::new().with_settings(|name: &str| {
/// #         (name == "AzureSignalRConnectionString")
/// #             .then(|| signalr_binding::EMULATOR_CONNECTION_STRING.to_owned())
/// #     })
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let req = http::Request::builder()
///     .header("x-ms-client-principal-id", "alice")
///     .extension(context()) // the settings; without it, the process environment
///     .body(String::new())
///     .unwrap();
/// let response = negotiate(req).await;
/// let info: serde_json::Value = serde_json::from_str(response.body()).unwrap();
/// assert_eq!(info["url"], "http://localhost:8888/client/?hub=chat");
/// # }
/// ```
///
/// # Arguments
///
/// | argument | meaning | default | example |
/// |---|---|---|---|
/// | `hub_name` | **Required.** The hub the client connects to. A [template](#binding-expressions); a literal name must start with an ASCII letter and contain only ASCII letters, digits and `_` (the literal text of a templated name too). It is lower-cased in the URL and token. | (none) | `hub_name = "chat"` |
/// | `connection_string_setting` | The [setting name](#setting-names) of the Azure SignalR Service connection string. | `"AzureSignalRConnectionString"` | `connection_string_setting = "ChatSignalR"` |
/// | `user_id` | A template for the user id put in the access token (claim `asrs.s.uid`). Unset adds no user claim; a value resolving to `""` still adds one. | no user | `user_id = "{headers.x-ms-client-principal-id}"` |
/// | `id_token` | A template for a JWT whose claims are copied into the access token, filtered by `claim_type_list`. A `Bearer ` prefix is accepted. **Without a key argument (see [below](#verifying-the-id-token)) the token is read, not verified.** Requires `claim_type_list`, unless the token is verified. | no id token | `id_token = "{headers.authorization}"` |
/// | `claim_type_list` | The claim types copied from `id_token`, matched exactly. Requires `id_token`. | `[]` | `claim_type_list = ["name", "email"]` |
/// | `name` | The parameter that receives the value (as in Java and `function.json`). Needed for a `String` or `serde_json::Value` receiver, or to tell two receivers apart. | the parameter of type `SignalRConnectionInfo` | `name = "info"` |
/// | `request` | The parameter the templates read the request from, when several parameters could be the request. | the one request parameter | `request = "req"` |
/// | `lifetime_secs` | The access token's lifetime in seconds (an integer > 0). With a verified id token, the token never outlives it: `exp` is the sooner of now + this lifetime and the id token's `exp`. | `3600` | `lifetime_secs = 600` |
/// | `id_token_verified_elsewhere` | `true` lets `{id_token.CLAIM}` read an id token that this binding does not verify, because a front end already has. See [who is the user?](#who-is-the-user). | `false` | `id_token_verified_elsewhere = true` |
/// | `close_on_auth_expiry` | `true` asks the service to close the connection when the login ends: the token carries `asrs.s.coae` and `asrs.s.aeo` (the verified id token's `exp`). Needs a key argument. | `false` | `close_on_auth_expiry = true` |
/// | `router` | The path of a function or `static` implementing [`Router`], as a string: the binding reads several endpoints (`Azure:SignalR:Endpoints:*` besides its own setting) and the router chooses each request's. Not with a `SignalRNegotiation` receiver. See `docs/endpoints.md`. | Azure's default routing, one endpoint | `router = "crate::routing::by_region"` |
/// | `negotiation` | `true` gives the receiver connection info for every endpoint (Azure's `SignalRNegotiation`), for a `String` or `serde_json::Value` receiver; implied by a `SignalRNegotiation` receiver. | `false` | `negotiation = true` |
///
/// ## Setting names
///
/// `connection_string_setting` and the key arguments (`id_token_*_setting`) take the **plain name
/// of an app setting** (an environment variable on Azure Functions, or a [`Settings`] entry of a
/// `BindingContext`): `"AzureSignalRConnectionString"`, `"ID_TOKEN_JWKS"`. They name the setting;
/// they are never the value itself, which would put a secret in source code. `:` and `__` are
/// allowed (`"ConnectionStrings:Chat"`, `"Azure__SignalR"`). A compile error refuses an empty
/// name, a name with `;` or `=` (it looks like a value, such as a connection string), a name
/// written `%NAME%` (the message shows the plain form), and whitespace, control characters and
/// `{}<>%`. The error never repeats the value.
///
/// `%NAME%` is the form of the [templates](#binding-expressions) (`hub_name`, `user_id`,
/// `id_token`): there it reads the setting `NAME`, as the whole value or inside it.
///
/// [`Settings`]: https://docs.rs/signalr-binding/latest/signalr_binding/trait.Settings.html
/// [`Router`]: https://docs.rs/signalr-binding/latest/signalr_binding/trait.Router.html
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
/// | `id_token_hmac_secret_setting` | Verify with the HMAC secret in this app setting (HS256, HS384, HS512). | no verification | `id_token_hmac_secret_setting = "ID_TOKEN_SECRET"` |
/// | `id_token_rsa_key_setting` | Verify with the RSA public key (PEM) in this app setting (RS256, RS384, RS512, PS256, PS384, PS512). | no verification | `id_token_rsa_key_setting = "ID_TOKEN_RSA_KEY"` |
/// | `id_token_ec_key_setting` | Verify with the EC public key (P-256 or P-384, PEM) in this app setting (ES256, ES384). | no verification | `id_token_ec_key_setting = "ID_TOKEN_EC_KEY"` |
/// | `id_token_jwks_setting` | Verify with the JWKS document (`{"keys":[...]}`) in this app setting; the token's `kid` picks the key (the RSA and EC algorithms). | no verification | `id_token_jwks_setting = "ID_TOKEN_JWKS"` |
/// | `id_token_algorithms` | The algorithms a token may be signed with: names from the key's list above (case-sensitive). `none` is never allowed. | every algorithm of the key's kind | `id_token_algorithms = ["RS256"]` |
/// | `id_token_issuer` | The `iss` a token must carry, compared as written. | not checked | `id_token_issuer = "https://login.example.com/"` |
/// | `id_token_audience` | The audience a token's `aud` (a string or an array) must contain, compared as written. Set it: without it a token the same key signed for another application is accepted. | not checked | `id_token_audience = "my-client-id"` |
/// | `id_token_leeway_secs` | The clock skew allowed when checking `exp` (required) and `nbf`, in seconds, at most 3600. | `60` | `id_token_leeway_secs = 30` |
///
/// - Exactly one key argument at most, and it needs `id_token`. Its value is a
///   [setting name](#setting-names): the key is read from that setting at run time and prepared
///   once per distinct value; a missing or unusable key setting is a 500 answer that names the
///   setting, never its value.
/// - `id_token_algorithms`, `id_token_issuer`, `id_token_audience` and `id_token_leeway_secs`
///   need a key argument.
/// - With a key argument `claim_type_list` may be left out: the binding then only requires a
///   valid id token.
/// - Verification needs the `verify` feature of `signalr-binding` (on by default). Without it, a
///   key argument is a compile error at the argument that names the feature.
///
/// ```rust,no_run
/// use signalr_binding::{signalr_connection_info, SignalRConnectionInfo};
///
/// #[signalr_connection_info(
///     hub_name = "chat",
///     user_id = "{headers.x-ms-client-principal-id}",
///     id_token = "{headers.authorization}",
///     claim_type_list = ["name", "email"],
///     // The identity provider's JWKS document is in the app setting ID_TOKEN_JWKS.
///     id_token_jwks_setting = "ID_TOKEN_JWKS",
///     id_token_algorithms = ["RS256"],
///     id_token_issuer = "https://login.example.com/",
///     id_token_audience = "my-client-id",
/// )]
/// async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     // Reached only with a token that verified; otherwise the answer is a 401.
///     http::Response::new(info.to_json())
/// }
/// # fn main() {}
/// ```
///
/// ## Binding expressions
///
/// `hub_name`, `user_id` and `id_token` are templates, parsed at compile time (no parsing per
/// request), in the language of Azure Functions binding expressions:
///
/// | written | meaning | example |
/// |---|---|---|
/// | literal text | used as it is (any Unicode) | `"chat"` |
/// | `{headers.NAME}` or `<headers.NAME>` | the request header `NAME` (matched case-insensitively; several values joined with `,`) | `"{headers.x-ms-client-principal-id}"` |
/// | `{query.NAME}` or `<query.NAME>` | the query-string key `NAME` (matched case-sensitively; percent-decoded; the last one wins) | `"{query.userid}"` |
/// | `{id_token.CLAIM}` | the string claim `CLAIM` of the id token read by `id_token`, which a key argument verifies (or `id_token_verified_elsewhere = true`) | `"{id_token.sub}"` |
/// | `{principal.userId}`, `{principal.userDetails}`, `{principal.identityProvider}` | a field of the client principal that App Service and Static Web Apps send in `x-ms-client-principal` (base64 JSON) | `"{principal.userId}"` |
/// | `{principal.claims.TYPE}` | the claims of type `TYPE` in that principal (several joined with `,`) | `"{principal.claims.http://schemas.microsoft.com/identity/claims/objectidentifier}"` |
/// | text and expressions | concatenated | `"user-{query.id}"` |
/// | `{{` `}}` `<<` `>>` | a literal `{` `}` `<` `>` | `"{{literal}}"` |
/// | `%NAME%` | the app setting `NAME`, as the whole value or anywhere in it | `"%HUB_NAME%"`, `"%PREFIX%_chat"` |
///
/// - An expression runs from its opener to the first matching closer and does not nest; nothing
///   in it is trimmed, so whitespace inside it is an error.
/// - The source (`headers`, `query`) matches ASCII-case-insensitively (`{Headers.X}` is
///   `{headers.x}`). The name is everything after the first `.`, so `{query.user.id}` reads the
///   key `user.id`. A header name must be a valid HTTP header name.
/// - As in Azure, every `%NAME%` of a value reads a setting: each `%` opens a reference the next
///   `%` closes, and there is no escape, so a `%` without its closing `%` (`%NAME`, `100%`) and
///   `%%` are errors. A setting's value is used as literal text (Azure would read it as a
///   template). A value containing a literal `%` belongs in an app setting. Settings are read on
///   every request; a hub name of settings and text is checked and its URL built once per
///   distinct value.
/// - A header or query key missing from the request fails the binding with a 400 answer that
///   names it, and so do a missing or malformed `x-ms-client-principal` header, a principal
///   without the field or claim, and an id token without the claim (or with one that is not a
///   string).
///
/// ## Who is the user?
///
/// The user id (`user_id`) decides who a client can claim to be. Three sources, and what each
/// trusts:
///
/// | source | trusts | use it |
/// |---|---|---|
/// | `{headers.x-ms-client-principal-id}` | the platform: App Service authentication sets it and strips it from incoming requests | only behind App Service / Functions authentication; elsewhere a client sends its own |
/// | `{principal.userId}`, `{principal.claims.TYPE}` | the same platform, for the `x-ms-client-principal` header (Static Web Apps sends only this one) | only behind App Service authentication or Static Web Apps |
/// | `{id_token.CLAIM}` | the id token's signature, checked here with your key | anywhere: the token is verified before the user id is read |
///
/// `{id_token.CLAIM}` needs `id_token` and a key argument: reading a claim of a token nobody
/// verifies is a compile error, since a client would then choose its own user id. If a front
/// end (a gateway, your middleware) verifies the token before the request arrives, say so with
/// `id_token_verified_elsewhere = true`. With a verified token the access token never outlives
/// the id token (its `exp` is capped, unlike Azure's), and `close_on_auth_expiry = true` asks
/// the service to close the connection at that time.
///
/// ```rust
/// use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};
///
/// #[signalr_connection_info(
///     hub_name = "chat",
///     user_id = "{id_token.sub}",
///     id_token = "{headers.authorization}",
///     id_token_hmac_secret_setting = "ID_TOKEN_SECRET",
///     close_on_auth_expiry = true,
/// )]
/// fn negotiate(req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
///     Ok(info.access_token)
/// }
/// # let context = signalr_binding::BindingContext::new().with_settings(|name: &str| match name {
/// #     "AzureSignalRConnectionString" => Some(signalr_binding::EMULATOR_CONNECTION_STRING.to_owned()),
/// #     "ID_TOKEN_SECRET" => Some("a secret from the app settings".to_owned()),
/// #     _ => None,
/// # });
/// # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
/// # let sign = |secret: &[u8]| {
/// #     let claims = serde_json::json!({"sub": "ann", "exp": now + 600});
/// #     let key = jsonwebtoken::EncodingKey::from_secret(secret).unwrap();
/// #     jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
/// # };
/// # let with_token = |token: String| {
/// #     http::Request::builder().header("authorization", token).extension(context.clone()).body(()).unwrap()
/// # };
/// // A token signed with the secret in ID_TOKEN_SECRET gives the user id `ann`, and a
/// // connection that closes when the token expires, ten minutes from now.
/// let access_token = negotiate(&with_token(sign(b"a secret from the app settings")))?;
/// # let payload = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(access_token.split('.').nth(1).unwrap())?;
/// # let claims: serde_json::Value = serde_json::from_slice(&payload)?;
/// # assert_eq!(claims["asrs.s.uid"], "ann");
/// # assert_eq!(claims["asrs.s.aeo"], (now + 600).to_string());
/// # assert_eq!(claims["exp"], now + 600);
/// // A forged token never sets a user id: it is a 401 and the body does not run.
/// assert_eq!(negotiate(&with_token(sign(b"a guess"))).unwrap_err().status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The full comparison, and when the principal header can be trusted, is in the repository's
/// [docs/identity-of-users.md](https://github.com/signalr-binding/signalr-binding/blob/main/docs/identity-of-users.md).
///
/// The language is `signalr_binding::Template`'s, parsed by the same code at compile time here and
/// at run time for `function.json`.
///
/// # The parameters
///
/// - **The receiving parameter** is the one named by `name = "..."`, else the one whose type is
///   `SignalRConnectionInfo` or `SignalRNegotiation` (any path ending in either). It receives:
///   - `SignalRConnectionInfo`: the URL and the access token;
///   - `String`: the camelCase JSON `{"url":"...","accessToken":"..."}`, when named with `name`;
///   - `serde_json::Value`: the same JSON object, when named with `name`;
///   - `SignalRNegotiation`: connection info for every endpoint, as Azure's
///     `SignalRNegotiation` binding gives it: the binding reads the connection-string setting
///     and every `Azure:SignalR:Endpoints:<Name>[:primary|:secondary]` setting (the
///     repository's `docs/endpoints.md`). Not with the id-token verification arguments;
///   - with `negotiation = true`, a `String` or `serde_json::Value` named with `name` gets that
///     value as JSON text or a JSON object instead.
///
///   It is taken by value (not `&`), and its type must be concrete (not `impl Trait`). It is
///   removed from the signature; its pattern (`mut info`, a destructuring pattern) and attributes
///   are kept on the `let` that binds it.
/// - **The request parameter** is the one named by `request = "..."`, else the one parameter
///   whose type, after references, is a path whose last segment is `Request` or `Parts`:
///   `http::Request<B>`, `&http::Request<B>`, `axum::extract::Request`, `http::request::Parts`,
///   `&mut Parts`. Its type must implement `signalr_binding::BindingRequest`. Two such
///   parameters need `request = "..."`. A handler without one works when no template reads the
///   request (settings then come from the process environment).
/// - **Settings** (`%NAME%`, the connection string, the key settings) and the clock come from a
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
/// ```rust
/// use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat", user_id = "{query.user}")]
/// fn negotiate(parts: &http::request::Parts, info: SignalRConnectionInfo) -> Result<String, BindingError> {
///     Ok(info.url)
/// }
/// # fn context() -> signalr_binding::BindingContext {
/// #     signalr_binding::BindingContext::new().with_settings(|name: &str| {
/// #         (name == "AzureSignalRConnectionString")
/// #             .then(|| signalr_binding::EMULATOR_CONNECTION_STRING.to_owned())
/// #     })
/// # }
/// # fn parts(uri: &str) -> http::request::Parts {
/// #     http::Request::builder().uri(uri).extension(context()).body(()).unwrap().into_parts().0
/// # }
///
/// assert_eq!(
///     negotiate(&parts("/negotiate?user=alice")),
///     Ok("http://localhost:8888/client/?hub=chat".to_owned())
/// );
/// assert_eq!(
///     negotiate(&parts("/negotiate")),
///     Err(BindingError::MissingQuery { key: "user".into() })
/// );
/// ```
///
/// # What it accepts
///
/// `fn` and `async fn`; free functions and methods (`&self`, `self`); generic handlers and
/// `where` clauses; `unsafe fn`. Visibility, doc comments and other attributes are kept. A
/// `const fn` is rejected (resolving happens at run time). Several attributes may go on one
/// handler, each with its own `name`.
///
/// # Compile errors
///
/// Every mistake is a compile error at the argument, value or parameter at fault, and all of them
/// are reported at once. Each message says what is wrong and what to write instead, usually with
/// an example (``` `lifetime_secs` must be at least 1 second, found 0: write the access token's
/// lifetime in seconds, like `lifetime_secs = 3600` ```). An unknown argument lists the arguments
/// and suggests the closest one, also for the spellings of the other Azure SDKs (`hubName` and
/// `HubName` suggest `hub_name`, `connection` suggests `connection_string_setting`). A message
/// never repeats a value that may be a secret. With errors, the handler is still emitted as
/// written, so the rest of the crate type-checks and IDEs keep working.
///
/// The errors: a missing `hub_name`; an invalid literal hub name (or literal text of a templated
/// one); an unknown argument; a duplicate argument; a value of the wrong kind (`hub_name = chat`
/// suggests `"chat"`, `claim_type_list = "a, b"` suggests `["a", "b"]`); a malformed template
/// (unclosed `{` or `<`, an unknown source like `{header.x}`, an empty name, an invalid header
/// name, an unknown principal field, a `%` without its closing `%` or `%%`); an invalid
/// [setting name](#setting-names); an empty or repeated claim
/// type; `id_token` without `claim_type_list` (unless the token is verified) or the other way
/// round; a template that reads the request in a handler without a request parameter; no
/// receiving parameter, or two; a receiver by reference; a return type that cannot carry a
/// binding failure. For verification: two key arguments; a key argument without `id_token`; an
/// unknown algorithm name (with the list, and the closest name), `none`, an algorithm the key
/// cannot verify, a repeated or an empty list; an empty issuer or audience, or one written as a
/// `%NAME%` setting (it would be compared as written); a leeway over 3600 seconds; and the other
/// verification arguments without a key. For the user id: `{id_token.CLAIM}` without
/// `id_token`, in `id_token` itself, or of a token that is not verified (without
/// `id_token_verified_elsewhere = true`); `id_token_verified_elsewhere = true` with a key
/// argument, or with no template reading a claim; `close_on_auth_expiry = true` without a key
/// argument; a flag that is not `true` or `false`.
///
/// # Examples
///
/// The connection info as its JSON text or as a `serde_json::Value`, named with `name`:
///
/// ```rust
/// use signalr_binding::{signalr_connection_info, BindingError};
///
/// #[signalr_connection_info(hub_name = "chat", name = "json")]
/// fn negotiate(req: &http::Request<()>, json: String) -> Result<String, BindingError> {
///     Ok(json) // {"url":"...","accessToken":"..."}
/// }
///
/// #[signalr_connection_info(hub_name = "chat", name = "value")]
/// fn negotiate_value(req: &http::Request<()>, value: serde_json::Value) -> Result<String, BindingError> {
///     Ok(value["url"].as_str().unwrap_or_default().to_owned())
/// }
/// # fn context() -> signalr_binding::BindingContext {
/// #     signalr_binding::BindingContext::new().with_settings(|name: &str| {
/// #         (name == "AzureSignalRConnectionString")
/// #             .then(|| signalr_binding::EMULATOR_CONNECTION_STRING.to_owned())
/// #     })
/// # }
/// # let req = http::Request::builder().extension(context()).body(()).unwrap();
///
/// assert!(negotiate(&req).unwrap().starts_with(r#"{"url":"http://localhost:8888/client/?hub=chat","#));
/// assert_eq!(negotiate_value(&req).unwrap(), "http://localhost:8888/client/?hub=chat");
/// ```
///
/// Copying claims from an id token, a hub name from a setting, another connection-string
/// setting and a 10-minute token:
///
/// ```rust
/// use signalr_binding::{signalr_connection_info, SignalRConnectionInfo};
///
/// #[signalr_connection_info(
///     hub_name = "%CHAT_HUB%",
///     connection_string_setting = "ChatSignalR",
///     id_token = "{headers.authorization}",
///     claim_type_list = ["name", "email"],
///     lifetime_secs = 600,
/// )]
/// async fn negotiate(req: http::Request<String>, info: SignalRConnectionInfo) -> http::Response<String> {
///     http::Response::new(info.to_json())
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let settings = std::collections::HashMap::from([
///     ("CHAT_HUB".to_owned(), "Lobby".to_owned()),
///     ("ChatSignalR".to_owned(), signalr_binding::EMULATOR_CONNECTION_STRING.to_owned()),
/// ]);
/// // An unsigned token with the claims {"name":"Ada","email":"ada@example.com"}.
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
///              eyJuYW1lIjoiQWRhIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl";
/// let req = http::Request::builder()
///     .header("authorization", format!("Bearer {token}"))
///     .extension(signalr_binding::BindingContext::new().with_settings(settings))
///     .body(String::new())
///     .unwrap();
/// let response = negotiate(req).await;
/// let info: serde_json::Value = serde_json::from_str(response.body()).unwrap();
/// assert_eq!(info["url"], "http://localhost:8888/client/?hub=lobby");
/// # }
/// ```
///
/// A method, a generic handler and a handler with two request-like parameters:
///
/// ```rust,no_run
/// use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};
///
/// struct Api {
///     name: String,
/// }
///
/// impl Api {
///     #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
///     pub fn negotiate(&self, req: &http::Request<()>, info: SignalRConnectionInfo) -> Result<String, BindingError> {
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
///     let _ = outgoing;
///     Ok(info.url)
/// }
/// # fn main() {
/// #     let _ = (Api { name: String::new() }.negotiate(&http::Request::new(())), negotiate(http::Request::new(())), forward(&http::Request::new(()), http::Request::new(())));
/// # }
/// ```
///
/// Two hubs on one handler, each attribute with its own `name`:
///
/// ```rust,no_run
/// use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat", name = "chat")]
/// #[signalr_connection_info(hub_name = "news", name = "news")]
/// fn negotiate(req: &http::Request<()>, chat: SignalRConnectionInfo, news: SignalRConnectionInfo) -> Result<String, BindingError> {
///     Ok(format!("{} {}", chat.url, news.url))
/// }
/// # fn main() {
/// #     let _ = negotiate(&http::Request::new(()));
/// # }
/// ```
///
/// A handler whose templates never read the request needs no request parameter; it reads the
/// connection string from the process environment:
///
/// ```rust,no_run
/// use signalr_binding::{signalr_connection_info, BindingError, SignalRConnectionInfo};
///
/// #[signalr_connection_info(hub_name = "chat")]
/// fn negotiate(info: SignalRConnectionInfo) -> Result<SignalRConnectionInfo, BindingError> {
///     Ok(info)
/// }
/// # fn main() {
/// #     let _ = negotiate();
/// # }
/// ```
#[proc_macro_attribute]
pub fn signalr_connection_info(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}
