/**
 * Numbers and times in the user's language, through one `Intl` formatter of each kind per language. The
 * `toLocaleString(lang, options)` shorthands build a new formatter on every call, and the first one in a page also
 * loads the language's ICU data: Status's first showing spent 18 ms there (BENCHMARKS.md, Raven: frames).
 */
const formatters = new Map();

function formatter(kind, make) {
  const key = `${kind}:${game.i18n.lang}`;
  if (!formatters.has(key)) formatters.set(key, make(game.i18n.lang));
  return formatters.get(key);
}

/** A ratio as a percentage with at most one decimal: 0.125 → "12.5 %" (in English). */
export function formatPercent(ratio) {
  const number = formatter("percent", (lang) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }));
  return `${number.format(ratio * 100)} %`;
}

/** `Date#toLocaleString`'s own default fields: numeric date and time, to the second. */
const DATE_TIME = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" };

/** A moment (ms since the epoch) as the language writes a date and time, as `Date#toLocaleString` does. */
export function formatDateTime(ms) {
  const dateTime = formatter("dateTime", (lang) => new Intl.DateTimeFormat(lang, DATE_TIME));
  return dateTime.format(ms);
}

/** Builds both formatters when the page is idle, so the language's ICU data is loaded before a view needs it and
 * not in the frame that shows Status or the Ask history. */
export function prepareFormatters() {
  const prepare = () => {
    formatPercent(0);
    formatDateTime(0);
  };
  if (typeof requestIdleCallback === "function") requestIdleCallback(prepare, { timeout: 5000 });
  else setTimeout(prepare, 1000);
}
