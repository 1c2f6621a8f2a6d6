// Building DOM from data with text nodes only: text from anyone stays text.

export const labels = JSON.parse(document.getElementById("labels").textContent);
export const channels = JSON.parse(document.getElementById("channels").textContent);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

export function label(key, fallback) {
  return labels[key] ?? fallback ?? key;
}

// A catalogue text with {name} placeholders filled in.
export function fill(key, params) {
  return label(key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

export function channelName(key) {
  return key ? channels[key] ?? key : "–";
}
