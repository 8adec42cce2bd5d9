// game.i18n, following foundryvtt.com/api/classes/foundry.helpers.Localization.html:
// localize returns the key when no translation exists; format replaces {name} placeholders;
// has(key, fallback=true). Translations come from each active package's `languages` entries for
// the chosen language, with English as the fallback dictionary. Nested objects and dotted keys
// both resolve (Foundry accepts either shape in language files).
import { getProperty, mergeObject } from "./utils.mjs";

export class Localization {
  constructor(lang = "en") {
    this.lang = lang;
    this.translations = {};
    this._fallback = {};
  }

  /** Load the language files of the given packages: [{url, manifest}] (url ends with "/"). */
  async initialize(packages) {
    for (const { url, manifest } of packages) {
      for (const entry of manifest.languages ?? []) {
        if (entry.lang !== this.lang && entry.lang !== "en") continue;
        const dict = await fetch(new URL(entry.path, url)).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status} ${entry.path}`))))
          .catch((err) => {
            console.error(`Unable to load requested localization file ${entry.path}: ${err.message}`);
            return {};
          });
        if (entry.lang === this.lang) mergeObject(this.translations, dict, { inplace: true });
        if (entry.lang === "en") mergeObject(this._fallback, dict, { inplace: true });
      }
    }
  }

  #lookup(dict, key) {
    const v = getProperty(dict, key);
    return typeof v === "string" ? v : undefined;
  }

  has(stringId, fallback = true) {
    if (!stringId) return false;
    return this.#lookup(this.translations, stringId) !== undefined || (fallback && this.#lookup(this._fallback, stringId) !== undefined);
  }

  localize(stringId) {
    return this.#lookup(this.translations, stringId) ?? this.#lookup(this._fallback, stringId) ?? stringId;
  }

  format(stringId, data = {}) {
    const str = this.localize(stringId);
    return str.replace(/{[^}]+}/g, (m) => {
      const key = m.slice(1, -1);
      return data[key] !== undefined ? String(data[key]) : m;
    });
  }
}
