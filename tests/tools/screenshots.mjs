// Makes the README's screenshots from the staged module running in the Foundry harness, in headless Chromium:
// the raven perched on the board, the panel on each view (Ask with the offline answer's search results, Encounter
// with generated proposals, Monster with a preview, Status, About) on v13's dark theme, Ask in v13's light theme,
// and the tablet bottom sheet. Inputs are fixed and the encounter generator's seed too, so a run shows the same
// content each time (the About view's build line changes with the commit).
//   ./www-build.sh && node tests/tools/screenshots.mjs [--out docs/screenshots]
// PNGs are squeezed with Debian's pngquant and optipng when they are installed (apt-get install pngquant optipng);
// without them the script says so and writes Chromium's PNGs as they are.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CHROMIUM_PATH, launchBrowser } from "../support/browser.mjs";
import { startTestHarness, gameUrl, USERS, REPO_ROOT } from "../support/harness.mjs";
import { PANEL, RAVEN, tabId, VIEWS, viewId } from "../support/raven-ui.mjs";
import { requireBuild, STAGED_MODULE } from "../e2e/paths.mjs";
import { CREATURES } from "../e2e/setup.mjs";

const { values } = parseArgs({ options: { out: { type: "string", default: path.join(REPO_ROOT, "docs/screenshots") } } });
const OUT = path.resolve(values.out);
const DESKTOP = { width: 1280, height: 720 };
/** Tall enough that the panel, placed when it opens and growing with its results, stays inside the page. */
const TALL = { width: 1280, height: 1300 };
const TABLET = { width: 768, height: 1024 };
/** The encounter generator draws its seed from Math.random; this fixes it for the screenshot. */
const ENCOUNTER_SEED = 20240601;

function log(message) {
  process.stderr.write(`[screenshots] ${message}\n`);
}

function which(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** Squeezes a PNG in place with pngquant (lossy palette, high quality) then optipng (lossless), when installed. */
function squeeze(file) {
  if (which("pngquant")) spawnSync("pngquant", ["--force", "--skip-if-larger", "--quality=70-95", "--strip", "--output", file, file]);
  if (which("optipng")) spawnSync("optipng", ["-quiet", "-o2", "-strip", "all", file]);
}

async function open(browser, harness, { profile = "v13", user = USERS.gm, theme = "dark", viewport = DESKTOP, scale = 1 } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale, colorScheme: theme, reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(gameUrl(harness, { profile, user, query: { theme } }));
  await page.waitForFunction(() => window.__harness?.lifecycle.includes("ready"));
  await page.waitForFunction(() => performance.getEntriesByName("familiar:raven-interactive").length > 0);
  await page.locator(RAVEN).waitFor({ state: "visible" });
  return { page, context };
}

async function openPanelOn(page, view) {
  if (!(await page.locator(PANEL).isVisible())) await page.locator(RAVEN).click();
  await page.locator(`#${tabId(view)}`).click();
  await page.locator(`#${viewId(view)}`).waitFor();
}

/** Fills the view's fields with the shared fixed inputs, submits, and waits until its results have settled. */
async function produceResults(page, view) {
  const { inputs, results, busy } = VIEWS[view];
  const form = page.locator(`${PANEL} [data-familiar-form="${view}"]`);
  for (const [name, value] of Object.entries(inputs)) await form.locator(`[name="${name}"]`).fill(value);
  if (view === "encounter") {
    await page.evaluate((seed) => {
      let state = seed;
      // mulberry32: a small fixed-seed generator in place of Math.random while the screenshot is made.
      Math.random = () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }, ENCOUNTER_SEED);
  }
  await form.locator('[type="submit"]').click();
  await page.locator(`${PANEL} ${results}`).first().waitFor();
  if (busy) await page.locator(`${PANEL} ${busy}`).waitFor({ state: "detached" });
}

/** Settles the page (no focus ring from the click, no hover pose, fonts loaded) before a shot. */
async function settle(page) {
  await page.mouse.move(5, 5);
  await page.evaluate(async () => {
    document.activeElement?.blur?.();
    await document.fonts.ready;
  });
  await page.waitForTimeout(150);
}

const written = [];
async function shoot(target, name, options = {}) {
  const file = path.join(OUT, `${name}.png`);
  await target.screenshot({ path: file, animations: "disabled", ...options });
  squeeze(file);
  written.push({ file, bytes: statSync(file).size });
  log(`${path.relative(REPO_ROOT, file)}: ${Math.round(statSync(file).size / 1024)} KB`);
}

async function main() {
  requireBuild();
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (tests/run.sh does), or set CHROMIUM_PATH`);
  mkdirSync(OUT, { recursive: true });
  if (!which("pngquant") && !which("optipng")) log("pngquant and optipng not installed: the PNGs stay as Chromium wrote them");
  const harness = await startTestHarness({ moduleDir: STAGED_MODULE, packFiles: [CREATURES.file], packsMeta: [CREATURES.meta] });
  const browser = await launchBrowser();
  try {
    // The raven perched at its default spot, with the board, sidebar and hotbar around it.
    {
      const { page, context } = await open(browser, harness);
      await settle(page);
      const raven = await page.locator(RAVEN).boundingBox();
      const width = 640;
      const height = 300;
      const x = Math.max(0, Math.min(DESKTOP.width - width, raven.x + raven.width / 2 - width / 2));
      const y = Math.max(0, Math.min(DESKTOP.height - height, raven.y + raven.height / 2 - height / 2));
      await shoot(page, "raven-perched", { clip: { x, y, width, height } });
      await context.close();
    }
    // Each view in v13's dark theme, cropped to the panel.
    {
      const { page, context } = await open(browser, harness, { viewport: TALL });
      for (const view of ["ask", "encounter", "monster", "status", "about"]) {
        await openPanelOn(page, view);
        if (VIEWS[view].inputs) await produceResults(page, view);
        await settle(page);
        await shoot(page.locator(PANEL), `panel-${view}`);
      }
      await context.close();
    }
    // Ask in v13's light theme.
    {
      const { page, context } = await open(browser, harness, { theme: "light", viewport: TALL });
      await openPanelOn(page, "ask");
      await produceResults(page, "ask");
      await settle(page);
      await shoot(page.locator(PANEL), "panel-ask-light");
      await context.close();
    }
    // The tablet: the panel as a bottom sheet across a 768 px screen, at half scale.
    {
      const { page, context } = await open(browser, harness, { viewport: TABLET, scale: 0.5 });
      await openPanelOn(page, "monster");
      await produceResults(page, "monster");
      await settle(page);
      await shoot(page, "tablet-bottom-sheet");
      await context.close();
    }
  } finally {
    await browser.close();
    await harness.close();
  }
  const total = written.reduce((sum, { bytes }) => sum + bytes, 0);
  log(`${written.length} screenshots, ${Math.round(total / 1024)} KB in all, in ${path.relative(REPO_ROOT, OUT) || OUT}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
