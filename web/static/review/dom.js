// The review page's catalogue and channel names; DOM building is the shared
// lib/dom.js (text nodes only: text from anyone stays text).

import { el, fill as fillText } from "../lib/dom.js";

export { el };

export const labels = JSON.parse(document.getElementById("labels").textContent);
export const channels = JSON.parse(document.getElementById("channels").textContent);

export function label(key, fallback) {
  return labels[key] ?? fallback ?? key;
}

// A catalogue text with {name} placeholders filled in.
export function fill(key, params) {
  return fillText(label(key), params);
}

export function channelName(key) {
  return key ? channels[key] ?? key : "–";
}
