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
