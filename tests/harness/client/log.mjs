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
