// Templates with the real Handlebars from npm (global `Handlebars`).
// getTemplate / loadTemplates / renderTemplate follow foundryvtt.com/api/v12/functions/client.renderTemplate.html
// (paths are relative to the server root, e.g. "modules/<id>/templates/x.hbs", and resolve against
// the page's base URL, so a route prefix is honoured; absolute URLs work too). loadTemplates
// registers each template as a partial under its path (or under the keys of an object).
//
// Strict CSP: Handlebars.compile uses `new Function`, which script-src without 'unsafe-eval'
// blocks. The harness server precompiles each template and the page imports it as an ES module,
// then runs it with the runtime-only Handlebars.template(). Handlebars.compile itself still
// exists (as in Foundry) and works only when the harness runs with --no-csp.
import { escapeHTML } from "./utils.mjs";

const cache = new Map();

function templateUrl(path) {
  const url = new URL(path, document.baseURI);
  if (url.origin !== location.origin) throw new Error(`Templates must be served by the same origin: ${path}`);
  const prefix = document.querySelector('meta[name="harness-prefix"]').content;
  return `${prefix}/__harness/template.mjs?path=${encodeURIComponent(url.pathname)}`;
}

export async function getTemplate(path, id) {
  if (!cache.has(path)) {
    const loading = import(templateUrl(path)).then(
      (mod) => {
        const tpl = Handlebars.template(mod.default);
        Handlebars.registerPartial(id ?? path, tpl);
        return tpl;
      },
      (err) => {
        cache.delete(path);
        throw new Error(`Failed to load template ${path}: ${err.message}`);
      },
    );
    cache.set(path, loading);
  }
  return cache.get(path);
}

export async function loadTemplates(paths) {
  if (Array.isArray(paths)) return Promise.all(paths.map((p) => getTemplate(p)));
  return Promise.all(Object.entries(paths).map(([id, p]) => getTemplate(p, id)));
}

export async function renderTemplate(path, data = {}) {
  const template = await getTemplate(path);
  return template(data, { allowProtoMethodsByDefault: true, allowProtoPropertiesByDefault: true });
}

/**
 * A subset of Foundry's HandlebarsHelpers (foundryvtt.com/api/v9/HandlebarsHelpers.html lists
 * concat, checked, disabled, localize, selectOptions, numberFormat...; the comparison helpers eq,
 * ne, lt, gt, lte, gte, not, and, or exist too but are missing from that page).
 * `json` and `ifThen` are in Foundry's helper set (guess: seen in templates, no page found).
 */
export function registerHelpers(getI18n) {
  const H = Handlebars;
  const values = (args) => args.slice(0, -1);
  H.registerHelper({
    localize(value, options) {
      const i18n = getI18n();
      const hash = options?.hash ?? {};
      return Object.keys(hash).length ? i18n.format(value, hash) : i18n.localize(value);
    },
    concat: (...args) => new H.SafeString(values(args).join("")),
    eq: (a, b) => a === b,
    ne: (a, b) => a !== b,
    lt: (a, b) => a < b,
    gt: (a, b) => a > b,
    lte: (a, b) => a <= b,
    gte: (a, b) => a >= b,
    not: (a) => !a,
    and: (...args) => values(args).every(Boolean),
    or: (...args) => values(args).some(Boolean),
    ifThen: (criteria, ifTrue, ifFalse) => (criteria ? ifTrue : ifFalse),
    json: (obj) => JSON.stringify(obj),
    checked: (v) => (v ? "checked" : ""),
    disabled: (v) => (v ? "disabled" : ""),
    numberFormat(value, options) {
      const { decimals = 0, sign = false } = options?.hash ?? {};
      const n = Number(value).toFixed(decimals);
      return sign && Number(value) >= 0 ? `+${n}` : n;
    },
    selectOptions(choices, options) {
      const { selected = null, localize = false } = options?.hash ?? {};
      const i18n = getI18n();
      const html = Object.entries(choices ?? {}).map(([k, label]) => {
        const text = localize ? i18n.localize(label) : label;
        return `<option value="${escapeHTML(k)}"${String(k) === String(selected) ? " selected" : ""}>${escapeHTML(text)}</option>`;
      });
      return new H.SafeString(html.join(""));
    },
  });
}
