// Start the Foundry harness in-process for a test file and open game pages in it.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startHarness } from "../harness/server.mjs";
import { newPage } from "./browser.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, "../..");
export const SHARED_PF2E = process.env.FAMILIAR_SHARED ?? path.resolve(REPO_ROOT, "../shared/pf2e");

// The demo world's users (tests/harness/world/users.json).
export const USERS = { gm: "UserGamemaster01", brannoc: "UserBrannoc00001", ysolde: "UserYsolde000001", tamsin: "UserTamsin000001" };
export const PROFILES = ["v10", "v11", "v12", "v13", "v14"];
/** The core generation of a profile name ("v14" → 14), for tests of what changed from one version on. */
export const generationOf = (profile) => Number.parseInt(String(profile).slice(1), 10);

/** Start a harness on a free port: same options as startHarness (moduleDir, routePrefix, packFiles...). */
export function startTestHarness(options = {}) {
  return startHarness({ port: 0, ...options });
}

/** The URL of a game page. `query` adds parameters such as {system: "dnd5e"} or {nomodule: "1"}. */
export function gameUrl(harness, { profile = "v13", user = USERS.gm, query = {} } = {}) {
  const q = new URLSearchParams({ profile, user, ...query });
  return `${harness.url}/game?${q}`;
}

/**
 * Open a game page and wait for window.__harness.ready. Pass `context` to reuse a browser context
 * (shared localStorage, as two tabs of one browser). Returns {page, context, consoleErrors, pageErrors}.
 */
export async function openGame(browser, harness, { profile = "v13", user = USERS.gm, query = {}, context = null } = {}) {
  let opened;
  if (context) {
    const page = await context.newPage();
    opened = { page, context, consoleErrors: [], pageErrors: [] };
    page.on("console", (m) => m.type() === "error" && opened.consoleErrors.push(m.text()));
    page.on("pageerror", (e) => opened.pageErrors.push(e.message));
  } else opened = await newPage(browser);
  await opened.page.goto(gameUrl(harness, { profile, user, query }));
  await waitReady(opened.page);
  return opened;
}

export async function waitReady(page) {
  await page.waitForFunction(() => window.__harness && (window.__harness.fatal || window.__harness.lifecycle.includes("ready")), null, { timeout: 15_000 });
  const fatal = await page.evaluate(() => window.__harness.fatal);
  if (fatal) throw new Error(`harness failed to start: ${fatal}`);
  return page.evaluate(() => window.__harness.ready);
}
