// Texts from the catalogue with their numbers filled in. A text that depends
// on a count has a singular form under `<key>_one` ("1 observasjon", not
// "1 observasjoner"); Intl.PluralRules says which form a number takes.

const rules = new Intl.PluralRules(document.documentElement.lang === "nb" ? "nb" : "en");
const COUNTS = ["n", "total", "m", "h"]; // the parameter a text's plural follows

export function text(texts, key, params = {}) {
  const count = COUNTS.map((name) => params[name]).find((value) => typeof value === "number");
  const one = count !== undefined && rules.select(count) === "one" ? texts[`${key}_one`] : undefined;
  const template = one ?? texts[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// A moment as the server's pages write it (Babel, reports/narrate.py): Oslo
// time, "1. des. 2026 kl. 10:07" or "1 Dec 2026, 10:07", whatever the
// browser's own time zone.
const english = document.documentElement.lang !== "nb";
const parts = new Intl.DateTimeFormat(english ? "en-GB" : "nb-NO", {
  timeZone: "Europe/Oslo", day: "numeric", month: "short", year: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

export function moment(iso) {
  if (!iso) return "";
  const p = Object.fromEntries(parts.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return english ? `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`
    : `${p.day}. ${p.month} ${p.year} kl. ${p.hour}:${p.minute}`;
}
