// Loaded first, as a classic script, so CSP violations and errors raised while the vendor
// scripts and the module load are recorded too. boot.mjs moves these into window.__harness.
(function () {
  var early = { cspViolations: [], errors: [] };
  window.__harnessEarly = early;
  document.addEventListener("securitypolicyviolation", function (e) {
    early.cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
  });
  window.addEventListener("error", function (e) {
    early.errors.push({ kind: "error", message: String(e.message), source: e.filename, line: e.lineno });
  });
  window.addEventListener("unhandledrejection", function (e) {
    var r = e.reason;
    early.errors.push({ kind: "unhandledrejection", message: String(r && r.message ? r.message : r) });
  });
})();
