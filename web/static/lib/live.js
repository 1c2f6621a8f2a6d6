// The live board over its websocket (protocol 3), for every page that shows it.
//
// The server sends the board, then changes in log-position order; a change
// carries only what changed: the incident's changed header fields and its
// touched items, each whole (see README, "Live board"). They are merged into
// the incidents held here. On a lost connection it reconnects with the last
// position seen, so nothing is missed or repeated; a client too far behind
// gets a fresh board.

export const PROTOCOL = 3;

// Merge one change into the incidents (a Map of id -> doc); the doc it changed.
export function merge(incidents, change) {
  let doc = incidents.get(change.incident);
  if (!doc) {
    doc = { id: change.incident };
    incidents.set(change.incident, doc);
  }
  Object.assign(doc, change.header);
  for (const [kind, items] of Object.entries(change.items ?? {})) {
    doc[kind] = Object.assign(doc[kind] ?? {}, items); // in place: a part may hold 20,000
  }
  for (const [kind, ids] of Object.entries(change.removed ?? {})) {
    for (const id of ids) delete doc[kind]?.[id];
  }
  return doc;
}

// follow({incident, onUpdate, onState}): the board (or one incident), live.
// onUpdate(incidents, changed) gets the Map of incidents and the ids changed
// (null: a whole new board); onState(state) gets "connecting", "open" or "closed".
export function follow({ incident = null, onUpdate, onState = () => {} }) {
  const incidents = new Map();
  const live = { incidents, position: null };
  let delay = 500;

  function receive(message) {
    if (message.type === "board") {
      if (message.protocol !== PROTOCOL) throw new Error(`board protocol ${message.protocol}`);
      incidents.clear();
      for (const doc of message.incidents) incidents.set(doc.id, doc);
      live.position = message.position;
      onUpdate(incidents, null);
    } else if (message.type === "change") {
      if (live.position !== null && message.position <= live.position) return;
      merge(incidents, message);
      live.position = message.position;
      onUpdate(incidents, new Set([message.incident]));
    }
    // "resync": the server hangs up next; we reconnect from our position.
  }

  function open() {
    const params = new URLSearchParams();
    if (incident) params.set("incident", incident);
    if (live.position !== null) params.set("since", live.position);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = params.toString() ? `?${params}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/board${query}`);
    onState("connecting");
    socket.addEventListener("open", () => { delay = 500; onState("open"); });
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      onState("closed");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    });
  }

  open();
  return live;
}
