// Package loading as Foundry does it for an active module: read module.json, add a <link> for
// each `styles` entry, and import() each `esmodules` entry relative to the module's URL. A module
// that fails to load is logged and skipped; the game goes on.
import { Collection } from "./collection.mjs";
import { log } from "./log.mjs";

export async function fetchManifests(served) {
  const out = [];
  for (const { id, url } of served) {
    try {
      const res = await fetch(new URL("module.json", new URL(url, location.origin)));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      out.push({ url: new URL(url, location.origin).href, manifest: await res.json() });
    } catch (err) {
      console.error(`Failed to read the manifest of module ${id}: ${err.message}`);
    }
  }
  return out;
}

/** game.modules: a Collection of module entries {id, title, version, active, ...manifest}. */
export function buildModules(manifests, active) {
  const modules = new Collection();
  for (const { manifest } of manifests) {
    const entry = { ...manifest, active };
    modules.set(manifest.id, entry);
  }
  return modules;
}

export async function loadModuleCode(manifests) {
  for (const { url, manifest } of manifests) {
    for (const style of manifest.styles ?? []) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL(style, url).href;
      document.head.append(link);
    }
    for (const script of manifest.esmodules ?? []) {
      const href = new URL(script, url).href;
      try {
        await import(href);
        log.moduleLoad.push({ id: manifest.id, script, ok: true });
      } catch (err) {
        log.moduleLoad.push({ id: manifest.id, script, ok: false, error: err.message });
        console.error(`Failed to load module ${manifest.id} script ${script}:`, err);
      }
    }
  }
}
