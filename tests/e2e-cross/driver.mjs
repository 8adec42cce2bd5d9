// The browsers the cross-browser suite drives through W3C WebDriver (selenium-webdriver): Debian's Firefox ESR
// through geckodriver, and WebKitGTK (Safari's engine) through WebKitWebDriver. Playwright cannot drive a stock
// Firefox or WebKit build (it needs its own patched ones), so this suite speaks WebDriver instead.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Builder, Capabilities } from "selenium-webdriver";
import firefox from "selenium-webdriver/firefox.js";
import remote from "selenium-webdriver/remote/index.js";

export const ENGINES = ["firefox", "webkit"];

/** The engine to test: FAMILIAR_BROWSER, else a `--browser=NAME` argument, else Firefox. */
export function engineFromEnvironment(argv = process.argv) {
  const fromArgument = argv.find((argument) => argument.startsWith("--browser="))?.slice("--browser=".length);
  const engine = process.env.FAMILIAR_BROWSER ?? fromArgument ?? "firefox";
  if (!ENGINES.includes(engine)) throw new Error(`unknown browser "${engine}": one of ${ENGINES.join(", ")}`);
  return engine;
}

/** Raised when an engine cannot be had on this machine; the suite skips with its message. */
export class EngineUnavailable extends Error {}

function which(command) {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

// Selenium Manager (a binary in the package) would look drivers up online and send usage statistics; every driver
// here is given by path, so it never runs, and these make sure of it if a path were ever missing.
process.env.SE_OFFLINE = "true";
process.env.SE_AVOID_STATS = "true";

/**
 * Preferences that keep Firefox from reaching out on its own (updates, telemetry, safe browsing, captive-portal and
 * connectivity checks, remote settings, push): the machine has no network but the loopback, and every request must
 * stay there. Anything that still tries goes to a proxy on the loopback's discard port instead of the outside.
 */
const FIREFOX_PREFS = {
  "app.update.auto": false,
  "app.update.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "browser.newtabpage.enabled": false,
  "browser.newtabpage.activity-stream.feeds.system.topstories": false,
  "browser.newtabpage.activity-stream.feeds.section.topstories": false,
  "browser.ping-centre.telemetry": false,
  "browser.region.network.url": "",
  "browser.search.geoip.url": "",
  "browser.search.update": false,
  "browser.startup.homepage_override.mstone": "ignore",
  "captivedetect.canonicalURL": "",
  "datareporting.healthreport.uploadEnabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "dom.push.connection.enabled": false,
  "dom.push.serverURL": "",
  "extensions.update.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "extensions.blocklist.enabled": false,
  "geo.provider.network.url": "",
  "media.gmp-manager.updateEnabled": false,
  "media.gmp-gmpopenh264.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
  "network.predictor.enabled": false,
  "network.proxy.type": 1,
  "network.proxy.http": "127.0.0.1",
  "network.proxy.http_port": 9,
  "network.proxy.ssl": "127.0.0.1",
  "network.proxy.ssl_port": 9,
  "network.proxy.no_proxies_on": "127.0.0.1,localhost",
  "network.trr.mode": 5,
  "services.settings.server": "",
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.server": "",
  "toolkit.telemetry.unified": false,
};

async function startFirefox({ width, height }) {
  const binary = process.env.FIREFOX_PATH ?? which("firefox-esr") ?? which("firefox");
  const geckodriver = process.env.GECKODRIVER ?? which("geckodriver");
  if (!binary || !geckodriver || !existsSync(binary) || !existsSync(geckodriver)) throw new EngineUnavailable(`Firefox ${binary ? "found" : "missing"}, geckodriver ${geckodriver ? "found" : "missing"}`);
  const options = new firefox.Options().setBinary(binary).addArguments("-headless", `--width=${width}`, `--height=${height}`);
  for (const [key, value] of Object.entries(FIREFOX_PREFS)) options.setPreference(key, value);
  const service = new firefox.ServiceBuilder(geckodriver).setLoopback(true);
  return new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
}

/** Debian's webkit2gtk-driver brings MiniBrowser (the engine's own test browser) beside the engine's library. */
const MINIBROWSER_CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
  "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser",
  "/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser",
];

/**
 * A private X server for MiniBrowser, which has no headless mode and will not start without a display. Xvfb picks
 * a free display number and writes it to the pipe `-displayfd` names. Resolves with {display, stop()}.
 */
async function startXvfb({ width, height }) {
  const xvfb = which("Xvfb");
  if (!xvfb) throw new EngineUnavailable("Xvfb missing (Debian package xvfb): MiniBrowser needs a display");
  const server = spawn(xvfb, ["-displayfd", "3", "-screen", "0", `${width + 200}x${height + 200}x24`, "-nolisten", "tcp", "-noreset"], {
    stdio: ["ignore", "ignore", "ignore", "pipe"],
  });
  const display = await new Promise((resolve, reject) => {
    let text = "";
    server.stdio[3].on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) resolve(`:${text.trim()}`);
    });
    server.once("exit", (code) => reject(new Error(`Xvfb exited (${code}) before it gave a display`)));
  });
  return {
    display,
    stop: () => new Promise((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once("exit", resolve);
      server.kill();
    }),
  };
}

async function startWebKit({ width, height }) {
  const driverPath = process.env.WEBKIT_WEBDRIVER ?? which("WebKitWebDriver");
  if (!driverPath || !existsSync(driverPath)) throw new EngineUnavailable("WebKitWebDriver missing (Debian package webkit2gtk-driver)");
  const browser = process.env.WEBKIT_BROWSER ?? MINIBROWSER_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!browser) throw new EngineUnavailable(`no MiniBrowser found (looked in ${MINIBROWSER_CANDIDATES.join(", ")})`);
  const xvfb = process.env.DISPLAY ? null : await startXvfb({ width, height });
  const environment = { ...process.env, ...(xvfb ? { DISPLAY: xvfb.display } : {}) };
  const service = new remote.DriverService.Builder(driverPath).setLoopback(true).setEnvironment(environment).build();
  let driver;
  try {
    const url = await service.start();
    const capabilities = new Capabilities({
      browserName: "MiniBrowser",
      // As for Firefox: anything that would leave the machine goes to the loopback's discard port instead.
      "webkitgtk:browserOptions": { binary: browser, args: ["--automation", "--proxy=http://127.0.0.1:9", "--ignore-host=127.0.0.1", "--ignore-host=localhost"] },
    });
    driver = await new Builder().usingServer(url).withCapabilities(capabilities).build();
  } catch (error) {
    await service.kill();
    await xvfb?.stop();
    throw error;
  }
  const quit = driver.quit.bind(driver);
  driver.quit = async () => {
    try {
      await quit();
    } finally {
      await service.kill();
      await xvfb?.stop();
    }
  };
  return driver;
}

/** Starts `engine` with a window of about `width` × `height` and resolves with its selenium WebDriver. */
export async function startEngine(engine, { width = 1600, height = 900 } = {}) {
  const start = { firefox: startFirefox, webkit: startWebKit }[engine];
  const driver = await start({ width, height });
  await driver.manage().setTimeouts({ script: 30_000, pageLoad: 30_000, implicit: 0 });
  // The window holds the browser's own bars: grow it until the page itself has width × height, as in Chromium.
  const window = driver.manage().window();
  const rect = await window.getRect();
  const inner = await driver.executeScript("return [innerWidth, innerHeight]");
  await window.setRect({ width: rect.width + width - inner[0], height: rect.height + height - inner[1] });
  return driver;
}
