//! Every form of handler gets what the runtime resolves: sync and async functions, methods
//! taking `&self`, and generic handlers.

use super::*;

#[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-ms-client-principal-id}")]
pub(crate) fn sync_handler(
    req: &http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    let _ = req;
    body_ran();
    Ok(info)
}

#[signalr_connection_info(hub_name = "chat", user_id = "{query.user}")]
async fn async_handler(
    req: http::Request<()>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, BindingError> {
    tokio::task::yield_now().await;
    let _ = req;
    Ok(info)
}

struct Api {
    prefix: &'static str,
}

impl Api {
    #[signalr_connection_info(hub_name = "chat", user_id = "<headers.x-user>")]
    fn negotiate(
        &self,
        parts: &http::request::Parts,
        info: SignalRConnectionInfo,
    ) -> Result<(String, SignalRConnectionInfo), BindingError> {
        let _ = parts;
        Ok((self.prefix.to_owned(), info))
    }

    #[signalr_connection_info(hub_name = "chat", user_id = "{headers.x-user}")]
    async fn negotiate_async(
        &self,
        parts: &mut http::request::Parts,
        info: SignalRConnectionInfo,
    ) -> Result<SignalRConnectionInfo, BindingError> {
        parts.headers.clear();
        Ok(info)
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct AppError(pub(crate) BindingError);

impl From<BindingError> for AppError {
    fn from(error: BindingError) -> Self {
        AppError(error)
    }
}

#[signalr_connection_info(hub_name = "chat", user_id = "user-{query.id}", lifetime_secs = 600)]
pub(crate) fn generic_handler<B, E>(
    req: &http::Request<B>,
    info: SignalRConnectionInfo,
) -> Result<SignalRConnectionInfo, E>
where
    E: From<BindingError>,
{
    let _ = req;
    body_ran();
    Ok(info)
}

#[test]
fn sync_handler_gets_what_the_runtime_resolves() {
    let req = request("/negotiate", &[("X-MS-Client-Principal-Id", "alice")]);
    let info = sync_handler(&req).unwrap();
    let want = expected(
        |b| b.user_id("{headers.x-ms-client-principal-id}"),
        "chat",
        &req,
    );
    assert_eq!(info, want);
    assert_eq!(info.url, "http://localhost:8888/client/?hub=chat");
    assert_eq!(claims(&info)["asrs.s.uid"], "alice");
}

#[tokio::test]
async fn async_handler_gets_what_the_runtime_resolves() {
    let req = request("/negotiate?user=bob%20smith", &[]);
    let want = expected(|b| b.user_id("{query.user}"), "chat", &req);
    let info = async_handler(req).await.unwrap();
    assert_eq!(info, want);
    assert_eq!(claims(&info)["asrs.s.uid"], "bob smith");
}

#[tokio::test]
async fn methods_get_what_the_runtime_resolves() {
    let api = Api { prefix: "api" };
    let req = request("/negotiate", &[("x-user", "carol")]);
    let want = expected(|b| b.user_id("{headers.x-user}"), "chat", &req);
    let (mut parts, ()) = req.into_parts();

    let (prefix, info) = api.negotiate(&parts).unwrap();
    assert_eq!(prefix, "api");
    assert_eq!(info, want);

    let info = api.negotiate_async(&mut parts).await.unwrap();
    assert_eq!(info, want);
    assert!(parts.headers.is_empty(), "the body ran after the binding");
}

#[test]
fn generic_handler_gets_what_the_runtime_resolves() {
    let req = request("/negotiate?id=42", &[]);
    let want = expected(
        |b| {
            b.user_id("user-{query.id}")
                .lifetime(Duration::from_secs(600))
        },
        "chat",
        &req,
    );
    let info = generic_handler::<(), AppError>(&req).unwrap();
    assert_eq!(info, want);
    let claims = claims(&info);
    assert_eq!(claims["asrs.s.uid"], "user-42");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        600
    );

    // The same handler with another body type.
    let mut req = http::Request::new(String::from("body"));
    *req.uri_mut() = "/negotiate?id=7".parse().unwrap();
    req.extensions_mut().insert(context());
    let info = generic_handler::<String, BindingError>(&req).unwrap();
    assert_eq!(claims_of(&info, "asrs.s.uid"), "user-7");
}
