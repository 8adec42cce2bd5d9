// v13's colour schemes (versions.mjs, "themes"): the client setting core.uiConfig holds
// {colorScheme: {applications, interface}}, each "dark", "light" or "" (follow the browser's
// prefers-color-scheme). <body> carries theme-<applications> and #interface "themed theme-<interface>",
// so application windows without a theme of their own follow <body>. Before v13 none of this exists.
import { applyUiConfigScale, clampUiScale } from "./ui-scale.mjs";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function resolve(scheme) {
  if (scheme === "dark" || scheme === "light") return scheme;
  return matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

function apply(config) {
  const { applications = "", interface: ui = "" } = config?.colorScheme ?? {};
  document.body.classList.remove("theme-dark", "theme-light");
  document.body.classList.add(`theme-${resolve(applications)}`);
  const frame = document.getElementById("interface");
  frame?.classList.remove("theme-dark", "theme-light");
  frame?.classList.add("themed", `theme-${resolve(ui)}`);
  applyUiConfigScale(config);
}

/** Registers core.uiConfig (default: the ?theme= scheme and the ?scale= UI scale) and keeps the theme classes and
 * the scale (ui-scale.mjs) in step with it. */
export function installColorSchemes(settings, scheme, scale = 1) {
  settings.register("core", "uiConfig", {
    scope: "client",
    config: false,
    type: Object,
    default: { uiScale: clampUiScale(scale ?? 1), fontScale: 5, colorScheme: { applications: scheme, interface: scheme } },
    onChange: apply,
  });
  const current = () => settings.get("core", "uiConfig");
  apply(current());
  matchMedia(DARK_QUERY).addEventListener("change", () => apply(current()));
}
