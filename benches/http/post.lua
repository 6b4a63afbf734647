-- wrk: every request is `POST` with an empty body and the user-id header, as a SignalR client's
-- negotiate is (the user id is set by App Service Authentication in front of a function).
wrk.method = "POST"
wrk.body = ""
wrk.headers["x-ms-client-principal-id"] = "user-1"
