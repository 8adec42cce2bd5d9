// In-page probes for the raven benchmark (tests/bench/raven.mjs). `installProbes` is serialised by playwright's
// addInitScript and runs before the game page's own scripts (through DevTools, outside the page's CSP), so it must
// be self-contained. It reads time only from `performance`: when the raven and each panel view first appear, the
// next paint after that, the last click, and requestAnimationFrame timestamps; it puts its helpers on
// `window.__ravenBench`. Each of those moments is also a `performance.mark` ("bench:…"), which a DevTools trace
// records with the main thread's CPU clock.
export function installProbes() {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  /** The time of the first paint after now: rAF runs just before the frame, a posted message just after it. The
   * channel is closed once it has served: an open port's `onmessage` listener, one for each view drawn, outlived the
   * first forced GC after it became garbage, so the memory bench's samples counted them as the page's listeners
   * (`JSEventListeners` 158 instead of 56 after 100 cycles; tests/bench/listener-census.mjs). */
  const nextPaint = () =>
    new Promise((resolve) => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve(performance.now());
        };
        channel.port2.postMessage(0);
      });
    });
  const until = (condition) =>
    new Promise((resolve) => {
      const check = () => (condition() ? resolve() : requestAnimationFrame(check));
      check();
    });
  const raven = () => document.getElementById("familiar-raven");
  const shownView = () => document.querySelector("#familiar-panel .familiar-panel__view:not([hidden])")?.id ?? null;

  const probe = { ready: null, readyPainted: null, ravenPainted: null, view: null, viewPainted: 0, lastClick: 0 };
  window.__ravenBench = probe;
  // The first paint after `ready` with or without Familiar: a `ready` listener of our own, registered as soon as
  // the harness defines `Hooks` (before any module loads, so it runs first).
  let hooks;
  Object.defineProperty(window, "Hooks", {
    configurable: true,
    get: () => hooks,
    set(value) {
      hooks = value;
      value.once("ready", () => {
        probe.ready = performance.now();
        performance.mark("bench:ready");
        nextPaint().then((time) => {
          probe.readyPainted = time;
          performance.mark("bench:ready-painted");
        });
      });
    },
  });
  addEventListener("click", (event) => {
    probe.lastClick = event.timeStamp;
    performance.mark("bench:click");
  }, true);
  // The raven's arrival and each view shown; a kept view shown again changes only its `hidden` attribute.
  new MutationObserver(() => {
    if (probe.ravenPainted === null && raven()) {
      probe.ravenPainted = 0;
      nextPaint().then((time) => {
        probe.ravenPainted = time;
        performance.mark("bench:raven-painted");
      });
    }
    const view = shownView();
    if (view === probe.view) return;
    probe.view = view;
    if (view) nextPaint().then((time) => {
      if (probe.view !== view) return;
      probe.viewPainted = time;
      performance.mark("bench:view-painted");
    });
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });

  /** Work to run while frames are counted, by name (functions cannot cross from Node). */
  const WORK = {
    idle: async () => {},
    // The panel opens and closes in turn, a click every 250 ms.
    toggle: async (ms) => {
      for (let at = 0; at + 250 <= ms; at += 250) {
        raven().click();
        await sleep(250);
      }
    },
    // Every tab in turn, one every 250 ms (the panel must be open).
    switch: async (ms) => {
      const tabs = () => [...document.querySelectorAll("#familiar-panel [data-familiar-view]")];
      for (let at = 0, i = 0; at + 250 <= ms; at += 250, i++) {
        const list = tabs();
        list[(i + 1) % list.length]?.click();
        await sleep(250);
      }
    },
  };

  /** requestAnimationFrame timestamps (ms) over `ms` while the named work runs; the bench makes them figures.
   * The span is marked ("bench:frames-start" / "-end") for the compositor's frames in a trace. */
  probe.countFrames = async (ms, work) => {
    const times = [];
    let running = true;
    const loop = (time) => {
      times.push(time);
      if (running) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    performance.mark("bench:frames-start");
    const started = performance.now();
    await WORK[work](ms);
    await sleep(Math.max(0, ms - (performance.now() - started)));
    performance.mark("bench:frames-end");
    running = false;
    return times;
  };

  /** Opens and closes the panel `cycles` times by clicking the raven, each time until it is drawn or gone. */
  probe.openCloseCycles = async (cycles) => {
    if (document.getElementById("familiar-panel")) {
      raven().click();
      await until(() => !document.getElementById("familiar-panel"));
    }
    for (let i = 0; i < cycles; i++) {
      raven().click();
      await until(shownView);
      raven().click();
      await until(() => !document.getElementById("familiar-panel"));
    }
  };

  /** The wasm bundle's linear memory in bytes (this import shares the module instance the page loaded). */
  probe.wasmMemoryBytes = async () => {
    const glue = await import(new URL("modules/pf2e-familiar/wasm/familiar_wasm.js", document.baseURI).href);
    return (await glue.default()).memory.buffer.byteLength;
  };
}
