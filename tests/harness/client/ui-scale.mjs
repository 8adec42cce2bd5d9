// Foundry's interface scale, which differs by version (versions.mjs, "uiScale"):
//  - v10–v12: the client setting core.fontSize (1–10, default 5); Game#scaleFonts sets the root element's font-size
//    from the ladder 8, 10, 12, 14, 16, 18, 20, 24, 28, 32 px (its doc comment on
//    foundryvtt.com/api/v12/classes/client.Game.html#scaleFonts). Only rem/em-sized things grow.
//  - v13: the client setting core.uiConfig holds uiScale (0.5–1.5, default 1) and fontScale (the same ladder);
//    Game#configureUI sets `--ui-scale` on <body> and the root font-size from fontScale
//    (foundryvtt.com/api/classes/foundry.Game.html#configureUI, foundryvtt.com/api/classes/foundry.applications.settings.menus.UIConfig.html).
//    The variable zooms the interface (#interface: controls, sidebar, hotbar) and not application windows (guess:
//    no API page says which elements use it; foundryvtt/pf2e#22230 asks core to scale applications too).
// The page's ?scale=<factor> picks the setting's value: v13 uiScale = factor; v10–v12 the Font Size step nearest
// 16 px × factor.
export const FONT_SIZES = [8, 10, 12, 14, 16, 18, 20, 24, 28, 32];
export const UI_SCALE_RANGE = { min: 0.5, max: 1.5 };

/** The Font Size step (1–10) whose size is nearest 16 px × `factor`. */
export function fontStepFor(factor) {
  const wanted = 16 * factor;
  let best = 5;
  FONT_SIZES.forEach((size, index) => {
    if (Math.abs(size - wanted) < Math.abs(FONT_SIZES[best - 1] - wanted)) best = index + 1;
  });
  return best;
}

export function clampUiScale(factor) {
  return Math.min(UI_SCALE_RANGE.max, Math.max(UI_SCALE_RANGE.min, factor));
}

function setRootFontSize(step) {
  document.documentElement.style.fontSize = `${FONT_SIZES[step - 1] ?? 16}px`;
}

/** v13: what configureUI does with uiScale and fontScale (the colour scheme is theme.mjs's part). */
export function applyUiConfigScale({ uiScale = 1, fontScale = 5 } = {}) {
  document.body.style.setProperty("--ui-scale", String(uiScale));
  setRootFontSize(fontScale);
}

/** v10–v12: registers core.fontSize (default from ?scale=) and applies it now and on change. */
export function installFontSize(settings, factor) {
  settings.register("core", "fontSize", {
    name: "SETTINGS.FontSizeN",
    hint: "SETTINGS.FontSizeL",
    scope: "client",
    config: true,
    type: Number,
    range: { min: 1, max: 10, step: 1 },
    default: fontStepFor(factor ?? 1),
    onChange: (step) => setRootFontSize(step),
  });
  setRootFontSize(settings.get("core", "fontSize"));
}
