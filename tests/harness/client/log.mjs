// The records tests read through window.__harness: notifications, console errors, compatibility
// warnings, CSP violations, lifecycle order.
export const log = {
  notifications: [],
  consoleErrors: [],
  pageErrors: [],
  compatibility: [],
  lifecycle: [],
  moduleLoad: [],
};

/** The page's profile feature switches (client/versions.mjs features()), set once by boot.mjs before any module
 * code runs, for the classes that behave differently per version. */
export const ClientFeatures = {};
