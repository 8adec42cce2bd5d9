// Headless Chromium for the harness and e2e tests (flags from /work/shared/docs/toolchain.md).
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launchBrowser(options = {}) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, ...options });
}

export async function closeBrowser(browser) {
  await browser?.close();
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
