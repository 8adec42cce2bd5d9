// Waits the end-to-end tests share.

/** Resolves once the module marked the raven interactive (Familiar started and drew it). */
export function ravenInteractive(page) {
  return page.waitForFunction(() => performance.getEntriesByName("familiar:raven-interactive").length > 0);
}
