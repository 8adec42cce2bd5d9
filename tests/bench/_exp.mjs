import { closeBrowser, launchBrowser } from "../support/browser.mjs";
import { openGame, startTestHarness } from "../support/harness.mjs";
import { STAGED_MODULE } from "../e2e/paths.mjs";
const browser = await launchBrowser();
const harness = await startTestHarness({ moduleDir: STAGED_MODULE });
try {
  const { page, context } = await openGame(browser, harness, { profile: process.env.P ?? "v13" });
  await page.locator("#familiar-raven").waitFor();
  await page.waitForTimeout(4000);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.locator("#familiar-raven").click();
  await page.locator("#familiar-panel").waitFor();
  await page.waitForTimeout(500);
  const out = await page.evaluate(async () => {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const res = [];
    for (let i = 0; i < 14; i++) {
      const tabs = [...document.querySelectorAll("#familiar-panel [data-familiar-view]")];
      const active = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
      const next = tabs[(active + 1) % tabs.length];
      const times = [];
      let run = true;
      const loop = (t) => { times.push(t); if (run) requestAnimationFrame(loop); };
      requestAnimationFrame(loop);
      await sleep(20);
      const t0 = performance.now();
      next.click();
      await sleep(300);
      run = false;
      let longest = 0;
      for (let j = 1; j < times.length; j++) longest = Math.max(longest, times[j] - times[j - 1]);
      res.push(`${next.dataset.familiarView}:${longest.toFixed(0)}`);
    }
    return res.join(" ");
  });
  console.log(out);
} finally { await closeBrowser(browser); await harness.close(); }
