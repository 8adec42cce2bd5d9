// Foundry's Collection: a Map with array-style helpers
// (foundryvtt.com/api/classes/foundry.utils.Collection.html).
export class Collection extends Map {
  /** Iterating a Collection yields its values, not [key, value] pairs (the documented difference from Map). */
  *[Symbol.iterator]() {
    yield* this.values();
  }
  get contents() {
    return [...this.values()];
  }
  find(fn) {
    for (const v of this.values()) if (fn(v)) return v;
    return undefined;
  }
  filter(fn) {
    return this.contents.filter(fn);
  }
  map(fn) {
    return this.contents.map(fn);
  }
  some(fn) {
    return this.contents.some(fn);
  }
  reduce(fn, initial) {
    return this.contents.reduce(fn, initial);
  }
  get(key, { strict = false } = {}) {
    const v = super.get(key);
    if (strict && v === undefined) throw new Error(`The key ${key} does not exist in the ${this.constructor.name} Collection`);
    return v;
  }
  getName(name, { strict = false } = {}) {
    const v = this.find((x) => x.name === name);
    if (strict && v === undefined) throw new Error(`An entry with name ${name} does not exist in the collection`);
    return v ?? undefined;
  }
  toJSON() {
    return this.map((v) => (typeof v?.toJSON === "function" ? v.toJSON() : v));
  }
}
