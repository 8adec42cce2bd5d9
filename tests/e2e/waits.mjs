// Waits the end-to-end tests share.

/** Resolves once the module marked the raven interactive (Familiar started and drew it). */
export function ravenInteractive(page) {
  return page.waitForFunction(() => performance.getEntriesByName("familiar:raven-interactive").length > 0);
}

/**
 * Resolves once the async `predicate(arg)` resolves truthy in the page, polled from here every `polling` ms. Not
 * `page.waitForFunction`: it takes the promise an async predicate returns for a truthy value and passes at once.
 */
export async function waitForAsync(page, predicate, arg, { timeout = 15_000, polling = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(predicate, arg)) return;
    if (Date.now() > deadline) throw new Error(`waitForAsync: not true within ${timeout} ms: ${predicate}`);
    await page.waitForTimeout(polling);
  }
}
