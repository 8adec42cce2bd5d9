// snapshotFootprint(): what a module could change outside its namespace, to compare before and
// after it loads (issue 9, "no footprint"): globals, own properties of core prototypes and of
// the harness's Foundry classes, stylesheets, registered settings, hooks and CONFIG keys.
const CORE_PROTOTYPES = ["Object", "Array", "String", "Number", "Boolean", "Function", "Promise", "Map", "Set", "Date", "RegExp", "Element", "HTMLElement", "Node", "EventTarget", "Document", "Window"];
const FOUNDRY_CLASSES = ["Application", "FormApplication", "Actor", "ChatMessage", "Hooks", "Handlebars", "jQuery"];

export function snapshotFootprint() {
  const protos = {};
  for (const name of CORE_PROTOTYPES) {
    const cls = globalThis[name];
    if (cls?.prototype) protos[name] = Object.getOwnPropertyNames(cls.prototype).sort();
  }
  for (const name of FOUNDRY_CLASSES) {
    const cls = globalThis[name];
    if (typeof cls === "function") protos[name] = [...Object.getOwnPropertyNames(cls.prototype ?? {}).map((n) => `#${n}`), ...Object.getOwnPropertyNames(cls).map((n) => `.${n}`)].sort();
  }
  const v2 = globalThis.foundry?.applications?.api?.ApplicationV2;
  if (v2) protos.ApplicationV2 = Object.getOwnPropertyNames(v2.prototype).sort();
  return {
    globals: Object.getOwnPropertyNames(globalThis).sort(),
    prototypes: protos,
    stylesheets: [...document.styleSheets].map((s) => s.href ?? `inline:${s.cssRules.length}`),
    settings: game.settings ? [...game.settings.settings.keys()].sort() : [],
    hooks: Object.fromEntries(Object.entries(globalThis.Hooks?.events ?? {}).map(([k, v]) => [k, v.length])),
    config: Object.keys(globalThis.CONFIG ?? {}).sort(),
    handlebarsHelpers: Object.keys(globalThis.Handlebars?.helpers ?? {}).sort(),
    localStorage: Object.keys(localStorage).sort(),
  };
}

/** Differences between two snapshots: {category: {added: [...], removed: [...]}} (hooks by count). */
export function diffFootprint(before, after) {
  const out = {};
  const listDiff = (a = [], b = []) => ({ added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) });
  for (const key of ["globals", "stylesheets", "settings", "config", "handlebarsHelpers", "localStorage"]) out[key] = listDiff(before[key], after[key]);
  out.prototypes = {};
  for (const name of new Set([...Object.keys(before.prototypes), ...Object.keys(after.prototypes)])) {
    const d = listDiff(before.prototypes[name], after.prototypes[name]);
    if (d.added.length || d.removed.length) out.prototypes[name] = d;
  }
  out.hooks = {};
  for (const name of new Set([...Object.keys(before.hooks), ...Object.keys(after.hooks)])) {
    const delta = (after.hooks[name] ?? 0) - (before.hooks[name] ?? 0);
    if (delta) out.hooks[name] = delta;
  }
  return out;
}
