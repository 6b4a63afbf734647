// The chat page: negotiates through the app's /api/negotiate (the binding), connects to the
// SignalR service with the official client, shows every `newMessage` and sends with
// POST /api/messages, which the app broadcasts through the service's REST API.
"use strict";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let connection = null;

function setStatus(text) {
  $("status").textContent = text;
  $("status").dataset.state = text;
}

function show(sender, text) {
  const item = document.createElement("li");
  const name = document.createElement("b");
  name.textContent = sender;
  item.append(name, document.createTextNode(`: ${text}`));
  $("messages").append(item);
}

async function connect() {
  const user = $("user").value.trim();
  if (!user) {
    setStatus("type a name first");
    return;
  }
  if (connection) {
    await connection.stop();
  }
  // Local use only: this header names the user to the negotiate function. In production App
  // Service Authentication sets it (and strips it from what clients send).
  const headers = { "x-ms-client-principal-id": user };
  connection = new signalR.HubConnectionBuilder()
    .withUrl("/api", { headers })
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on("newMessage", (message) => show(message.sender, message.text));
  connection.onreconnecting(() => setStatus("reconnecting"));
  connection.onreconnected(() => setStatus(`connected as ${user}`));
  connection.onclose(() => setStatus("disconnected"));
  setStatus("connecting");
  try {
    await connection.start();
  } catch (error) {
    setStatus(`failed: ${error.message}`);
    return;
  }
  setStatus(`connected as ${user}`);
  $("text").disabled = false;
  $("send-button").disabled = false;
  $("text").focus();
}

async function send(event) {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) {
    return;
  }
  const answer = await fetch("/api/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "x-ms-client-principal-id": $("user").value.trim() },
    body: JSON.stringify({ text }),
  });
  const reason = await answer.text();
  if (answer.ok) {
    $("text").value = "";
  } else {
    setStatus(`send failed: ${answer.status} ${reason}`);
  }
}

$("connect").addEventListener("click", connect);
$("send").addEventListener("submit", send);
$("user").value = params.get("user") || "";
if (params.get("user")) {
  connect();
}
