// Live updates: one GraphQL subscription over WebSocket (the graphql-transport-ws
// protocol) while someone is signed in. Each event is dispatched on `document` as a
// `throughline:changed` CustomEvent whose detail is the event ({id, type, nodeId,
// nodeType, at, actor: {id}, changes}); views listen and reload what it touches. A lost connection is
// opened again after a growing, jittered delay; once it is back, a
// `throughline:resync` event tells views that changes may have been missed meanwhile.
import { liveToken, onSessionChange } from "./api.js";

const PROTOCOL = "graphql-transport-ws";
const EVENTS = `subscription { events { id type nodeId nodeType at actor { id }
  changes { field before after } } }`;
const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 30_000;

let wanted = false;
let socket = null;
let failures = 0;
let retry = null;
let missed = false;

function url() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

function dispatch(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
}

async function open() {
  if (!wanted || socket) return;
  let token;
  try {
    token = await liveToken();
  } catch {
    again();
    return;
  }
  if (!wanted || socket) return;
  const ws = new WebSocket(url(), PROTOCOL);
  socket = ws;
  const send = (message) => ws.send(JSON.stringify(message));
  ws.addEventListener("open", () => {
    send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
  });
  ws.addEventListener("message", (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data.type === "connection_ack") {
      failures = 0;
      send({ id: "events", type: "subscribe", payload: { query: EVENTS } });
      if (missed) dispatch("throughline:resync", {});
      missed = false;
      document.documentElement.dataset.live = "on";
    } else if (data.type === "ping") {
      send({ type: "pong" });
    } else if (data.type === "next" && data.payload?.data?.events) {
      dispatch("throughline:changed", data.payload.data.events);
    }
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = null;
    document.documentElement.dataset.live = "off";
    missed = true;
    again();
  });
}

function again() {
  clearTimeout(retry);
  if (!wanted) return;
  const delay = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** failures);
  failures += 1;
  retry = setTimeout(open, delay / 2 + Math.random() * (delay / 2));
}

/** Listen while signed in; stop when signed out. */
export function startLive() {
  wanted = true;
  open();
}

export function stopLive() {
  wanted = false;
  clearTimeout(retry);
  const ws = socket;
  socket = null;
  missed = false;
  ws?.close(1000, "Signed out");
}

onSessionChange((kind) => {
  if (kind === "signed-in") startLive();
  else if (kind === "signed-out" || kind === "session-ended") stopLive();
});
