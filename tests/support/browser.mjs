// Headless Chromium for the harness and e2e tests (flags from /work/shared/docs/toolchain.md).
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Chromium whose every new context reports the deprecation warnings a module causes (see closeBrowser). */
export async function launchBrowser(options = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, ...options });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (contextOptions) => {
    const context = await newContext(contextOptions);
    await context.exposeFunction("__harnessModuleDeprecation", (entry) => void moduleDeprecations.push(entry));
    return context;
  };
  return browser;
}

/** Deprecation warnings that a module's own code caused on a page of this process (harness client/utils.mjs). */
export const moduleDeprecations = [];

/**
 * Closes the browser, then fails when a module's code caused a deprecation warning on a v13 or v14 page: Familiar
 * must run on the current cores without one (older profiles warn where Foundry did, and those are only logged).
 */
export async function closeBrowser(browser) {
  await browser?.close();
  const current = moduleDeprecations.filter(({ profile }) => /^v1[3-9]$/.test(profile ?? ""));
  moduleDeprecations.length = 0;
  if (current.length) {
    const lines = [...new Set(current.map(({ profile, message, caller }) => `${profile}: ${message} (${caller})`))];
    throw new Error(`deprecation warnings caused by the module:\n${lines.join("\n")}`);
  }
}

/**
 * A new page in its own context (own localStorage), collecting console errors and page errors.
 * Returns {page, context, consoleErrors, pageErrors}; navigates when `url` is given.
 */
export async function newPage(browser, url, { viewport = { width: 1600, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => pageErrors.push(err.message));
  if (url) await page.goto(url);
  return { page, context, consoleErrors, pageErrors };
}
