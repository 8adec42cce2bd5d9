// The steps the cross-browser suite takes on a harness page, over W3C WebDriver: open the game as a user, wait for
// the page, click, type and press keys the way a user does (WebDriver's input actions, not synthetic DOM events),
// and run axe-core inside the page. Selectors, view names and inputs come from tests/support/raven-ui.mjs.
import { By, Key } from "selenium-webdriver";
import { gameUrl } from "../support/harness.mjs";
import { AXE_SOURCE, axeInPage, FAMILIAR_ROOTS, PANEL, RAVEN, tabId, VIEWS, viewId, WCAG_TAGS } from "../support/raven-ui.mjs";

/** As long as Playwright waits by default in the Chromium suite: the machine may be busy. */
const WAIT_MS = 30_000;

/** Key names as the Chromium suite writes them, for WebDriver. */
export const KEYS = { Tab: Key.TAB, Enter: Key.ENTER, Escape: Key.ESCAPE, ArrowRight: Key.ARROW_RIGHT, ArrowLeft: Key.ARROW_LEFT };

export class HarnessPage {
  /** @param {import("selenium-webdriver").WebDriver} driver */
  constructor(driver, harness) {
    this.driver = driver;
    this.harness = harness;
    /** How axe got into the page the last time: "executeScript" or "script tag" (reported by the suite). */
    this.axeInjection = null;
  }

  /** Runs `fn(arg)` in the page and resolves with its (awaited) result. */
  evaluate(fn, arg) {
    return this.driver.executeScript(`return (${fn}).apply(null, arguments)`, arg ?? null);
  }

  /** Polls `fn(arg)` in the page until it returns something truthy. */
  async waitFor(fn, arg, { timeout = WAIT_MS, what = String(fn) } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitForSelector(selector) {
    return this.waitFor((css) => Boolean(document.querySelector(css)), selector, { what: selector });
  }

  waitForGone(selector) {
    return this.waitFor((css) => !document.querySelector(css), selector, { what: `${selector} to go` });
  }

  /**
   * Opens the game as `user` on `profile` with nothing left from an earlier test: the client's storage on the
   * harness origin (local, session, IndexedDB) is cleared first, since one browser session serves the whole file.
   */
  async openGame({ profile, user, query = {} }) {
    await this.driver.get(`${this.harness.url}/`);
    await this.evaluate(async () => {
      localStorage.clear();
      sessionStorage.clear();
      // The Ask history and the rules index cache live in IndexedDB; no game page is open to hold them now.
      const deleted = (await indexedDB.databases()).map(({ name }) => new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = resolve;
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error(`IndexedDB ${name} is still open elsewhere`));
      }));
      await Promise.all(deleted);
    });
    await this.driver.get(gameUrl(this.harness, { profile, user, query }));
    await this.waitFor(() => window.__harness && (window.__harness.fatal || window.__harness.lifecycle.includes("ready")), null, { what: "the harness to be ready" });
    const fatal = await this.evaluate(() => window.__harness.fatal);
    if (fatal) throw new Error(`harness failed to start: ${fatal}`);
    await this.waitFor(() => performance.getEntriesByName("familiar:raven-interactive").length > 0, null, { what: "the raven to be interactive" });
  }

  /** What the harness recorded going wrong on the page: console errors, uncaught errors, CSP violations. */
  problems() {
    return this.evaluate(() => ({
      consoleErrors: [...window.__harness.consoleErrors],
      pageErrors: window.__harness.pageErrors.map((error) => error.message),
      cspViolations: window.__harness.cspViolations.map((violation) => `${violation.directive} ${violation.blocked} ${violation.source ?? ""}:${violation.line ?? ""}`),
    }));
  }

  find(selector) {
    return this.driver.findElement(By.css(selector));
  }

  /** A real click (WebDriver scrolls the element into view and refuses when something else covers it). */
  async click(selector) {
    await this.find(selector).click();
  }

  /** Moves the pointer onto the element from a corner of the page, so it enters the element even when the last
   * page left the pointer resting where the element now is. */
  async hover(selector) {
    await this.driver.actions({ async: true }).move({ x: 5, y: 5 }).move({ origin: this.find(selector) }).perform();
  }

  /** Presses one key (by its Chromium-suite name, after optional "Shift+" / "Control+") on whatever has focus. */
  async press(name) {
    const parts = name.split("+");
    const key = parts.pop();
    const modifiers = parts.map((modifier) => ({ Shift: Key.SHIFT, Control: Key.CONTROL })[modifier]);
    const actions = this.driver.actions({ async: true });
    for (const modifier of modifiers) actions.keyDown(modifier);
    actions.sendKeys(KEYS[key] ?? key);
    for (const modifier of modifiers.reverse()) actions.keyUp(modifier);
    await actions.perform();
  }

  /** Types text on whatever has focus. */
  async type(text) {
    await this.driver.actions({ async: true }).sendKeys(text).perform();
  }

  /** Empties a field and types `value` into it (WebDriver focuses it first). */
  async fill(selector, value) {
    const field = this.find(selector);
    await field.clear();
    await field.sendKeys(value);
  }

  activeId() {
    return this.evaluate(() => document.activeElement?.id ?? "");
  }

  focusInPanel() {
    return this.evaluate((panel) => Boolean(document.querySelector(panel)?.contains(document.activeElement)), PANEL);
  }

  /** Whether the focused element shows a focus ring (an outline at least 2 px wide). */
  focusRingShown() {
    return this.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    });
  }

  /** Waits until the panel shows `view` (its section drawn and not hidden) with its tab selected. */
  waitForView(view) {
    return this.waitFor(
      ({ tab, section }) => document.getElementById(section)?.hidden === false && document.getElementById(tab)?.getAttribute("aria-selected") === "true",
      { tab: tabId(view), section: viewId(view) },
      { what: `the ${view} view` },
    );
  }

  /** Fills the view's fields by their names and submits its form by clicking its submit button. */
  async produceResultsByMouse(view) {
    const { inputs } = VIEWS[view];
    for (const [name, value] of Object.entries(inputs)) await this.fill(`${PANEL} [data-familiar-form="${view}"] [name="${name}"]`, value);
    await this.click(`${PANEL} [data-familiar-form="${view}"] [type="submit"]`);
    await this.waitForResults(view);
  }

  async waitForResults(view) {
    try {
      await this.waitForSelector(`${PANEL} ${VIEWS[view].results}`);
    } catch (error) {
      const shown = await this.evaluate((css) => document.querySelector(css)?.innerText ?? "(no results element)", `${PANEL} [data-familiar-results="${view}"]`);
      const fields = await this.evaluate((css) => [...document.querySelectorAll(css)].map((field) => `${field.name}=${field.value}`).join(" "), `${PANEL} [data-familiar-form="${view}"] [name]`);
      throw new Error(`${error.message}; the ${view} results show "${shown.slice(0, 300)}" for ${fields}`, { cause: error });
    }
    if (VIEWS[view].busy) await this.waitForGone(`${PANEL} ${VIEWS[view].busy}`);
  }

  /** Runs axe-core's source through the driver's executeScript; resolves with whether axe is there afterwards. */
  async injectAxeByExecuteScript() {
    try {
      await this.driver.executeScript(`${AXE_SOURCE}\n;return Boolean(window.axe);`);
    } catch {
      // The check below says whether it went in.
    }
    return this.evaluate(() => Boolean(window.axe));
  }

  /** Adds axe-core as a same-origin <script src> the harness serves, which `script-src 'self'` allows. */
  async injectAxeByScriptTag() {
    await this.evaluate((src) => {
      const script = document.createElement("script");
      script.src = src;
      document.head.append(script);
    }, `${this.harness.prefix}/__harness/vendor/axe.js`);
    await this.waitFor(() => Boolean(window.axe), null, { what: "axe-core from /__harness/vendor/axe.js" });
  }

  /**
   * axe-core's WCAG 2.1 A/AA violations on Familiar's elements. axe goes in through executeScript; should an engine
   * run that under the page's CSP so that axe is not there afterwards, it goes in by a script tag instead.
   */
  async axeViolations() {
    if (!(await this.evaluate(() => Boolean(window.axe)))) {
      if (await this.injectAxeByExecuteScript()) this.axeInjection = "executeScript";
      else {
        await this.injectAxeByScriptTag();
        this.axeInjection = "script tag";
      }
    }
    return this.evaluate(axeInPage, { roots: FAMILIAR_ROOTS, tags: WCAG_TAGS });
  }

  ravenExpanded() {
    return this.evaluate((raven) => document.querySelector(raven)?.getAttribute("aria-expanded"), RAVEN);
  }
}
