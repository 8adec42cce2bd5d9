/**
 * The GM's ordered AI provider chains, kept in this browser only: a client setting (localStorage) holds each
 * provider's name, format, base URL, model and its key sealed by key-store.mjs. Never a world setting: world
 * settings reach every connected client. A key this browser cannot seal lives in memory until the page closes.
 * Two chains share this code: the chat chain (the exports below) and the art chain (`artChain`).
 */
import { getSetting, setSetting, SETTINGS } from "../core/settings.mjs";
import { openKey, sealKey } from "./key-store.mjs";

export const API_FORMATS = ["openai", "anthropic"];
/** The art chain's formats (crates/art's ApiKind), each with the base URL its provider documents. */
export const ART_API_FORMATS = ["openai", "stability", "horde", "a1111", "comfyui"];
export const ART_DEFAULT_BASE_URLS = {
  openai: "https://api.openai.com/v1",
  stability: "https://api.stability.ai",
  horde: "https://aihorde.net/api",
  a1111: "http://127.0.0.1:7860",
  comfyui: "http://127.0.0.1:8188",
};

/** Keys kept for this page's life only (no IndexedDB to seal them in), by provider id (unique across chains). */
const unsealedKeys = new Map();

/** A fresh provider id (also the sealed key's binding). */
export function newProviderId() {
  return foundry.utils.randomID(16);
}

/** Whether a provider has a key: sealed in the setting or held for this page. */
export function hasKey(entry) {
  return Boolean(entry.key) || unsealedKeys.has(entry.id);
}

/** The key of one stored provider in plain text, for a request from this browser; null when it has none. */
export async function keyOf(entry) {
  if (unsealedKeys.has(entry.id)) return unsealedKeys.get(entry.id);
  return entry.key ? openKey(entry.id, entry.key) : null;
}

/** One chain kept in the client setting `setting`, its rows limited to `formats` (the first is the default). */
function providerChain(setting, formats) {
  /** Bumped by every save from this page, so a retyped key that only lives in memory still changes the signature. */
  let revision = 0;

  function cleanEntry(entry) {
    return {
      id: String(entry?.id ?? ""),
      name: String(entry?.name ?? ""),
      api: formats.includes(entry?.api) ? entry.api : formats[0],
      baseUrl: String(entry?.baseUrl ?? ""),
      model: String(entry?.model ?? ""),
      key: entry?.key?.iv && entry?.key?.data ? { iv: String(entry.key.iv), data: String(entry.key.data) } : null,
    };
  }

  /** The chain as stored, in order: `[{id, name, api, baseUrl, model, key: {iv, data} | null}]`. */
  function loadChain() {
    const stored = getSetting(setting);
    const providers = Array.isArray(stored?.providers) ? stored.providers : [];
    return providers.map(cleanEntry).filter((entry) => entry.id);
  }

  /**
   * Saves the chain. Each row is `{id, name, api, baseUrl, model, apiKey?, forgetKey?}`: a typed `apiKey` is sealed
   * and replaces the stored one, `forgetKey` drops it, otherwise the stored key stays. Resolves with
   * `{sealed: boolean}`, false when some key could only be kept for this session.
   */
  async function saveChain(rows) {
    const previous = new Map(loadChain().map((entry) => [entry.id, entry]));
    let sealedAll = true;
    const providers = [];
    for (const row of rows) {
      const entry = cleanEntry({ ...row, key: previous.get(row.id)?.key ?? null });
      if (row.forgetKey) {
        entry.key = null;
        unsealedKeys.delete(entry.id);
      }
      const typed = String(row.apiKey ?? "").trim();
      if (typed) {
        entry.key = await sealKey(entry.id, typed);
        if (entry.key) unsealedKeys.delete(entry.id);
        else {
          unsealedKeys.set(entry.id, typed);
          sealedAll = false;
        }
      }
      providers.push(entry);
    }
    for (const id of previous.keys()) if (!providers.some((entry) => entry.id === id)) unsealedKeys.delete(id);
    await setSetting(setting, { version: 1, providers });
    revision++;
    return { sealed: sealedAll };
  }

  /** The chain as `ChatSession` takes it, keys opened: `[{name, api, baseUrl, model, apiKey}]`. */
  async function sessionProviders(chain = loadChain()) {
    return Promise.all(
      chain.map(async (entry) => ({ name: entry.name, api: entry.api, baseUrl: entry.baseUrl, model: entry.model, apiKey: (await keyOf(entry)) ?? undefined })),
    );
  }

  /** Changes whenever the stored chain changes (a session built from an older chain is stale). */
  function chainSignature(chain = loadChain()) {
    return JSON.stringify([chain, revision]);
  }

  return { loadChain, saveChain, sessionProviders, chainSignature };
}

const chatChain = providerChain(SETTINGS.providerChain, API_FORMATS);
/** The chat chain: `[{id, name, api, baseUrl, model, key: {iv, data} | null}]`, in order. */
export const { loadChain, saveChain, sessionProviders, chainSignature } = chatChain;

/** The art chain (the Art view's providers), the same shape with the art formats. */
export const artChain = providerChain(SETTINGS.artProviderChain, ART_API_FORMATS);

/** The art chain as ArtStudio takes it, keys opened (on the GM's client only); `only` narrows it to one provider. */
export async function artStudioChain(only) {
  const chain = artChain.loadChain().filter((entry) => !only || entry.id === only);
  return Promise.all(
    chain.map(async (entry) => {
      const key = (await keyOf(entry)) ?? null;
      return {
        name: entry.name,
        api: entry.api,
        base_url: entry.baseUrl,
        ...(entry.model ? { model: entry.model } : {}),
        ...(key !== null ? { api_key: key } : {}),
      };
    }),
  );
}
