// The game canvas, as far as modules see it from outside: `canvas.ready`, `canvas.scene` and
// `canvas.tokens.placeables`, and the hooks of a draw. Foundry draws the viewed scene before `ready`
// and again on every scene change; `Canvas#draw` first tears the old scene down
// (`Hooks.callAll("canvasTearDown", canvas)`, foundryvtt.com/api/functions/hookEvents.canvasTearDown.html),
// then fires `canvasInit` and, once drawn, `Hooks.callAll("canvasReady", canvas)`
// (foundryvtt.com/api/functions/hookEvents.canvasInit.html, foundryvtt.com/api/functions/hookEvents.canvasReady.html).
// With no scene to show Foundry draws a blank canvas and `canvasReady` does not fire (guess from the hook order on
// foundryvtt.com/api/modules/hookEvents.html). Nothing is rendered: the #board element stays empty.
import { Hooks } from "./hooks.mjs";

export class Canvas {
  ready = false;
  scene = null;
  tokens = { placeables: [] };

  /** Draws `scene` ({id, name, tokens}) or, with null, no scene at all. Resolves once drawn. */
  async draw(scene) {
    if (this.ready || this.scene) {
      Hooks.callAll("canvasTearDown", this);
      this.ready = false;
      this.scene = null;
      this.tokens = { placeables: [] };
    }
    // A scene change takes at least a task in Foundry (textures load); tests see the torn-down state in between.
    await new Promise((resolve) => setTimeout(resolve));
    if (!scene) return this;
    this.scene = { id: scene.id, name: scene.name };
    this.tokens = { placeables: scene.tokens ?? [] };
    Hooks.callAll("canvasInit", this);
    this.ready = true;
    Hooks.callAll("canvasReady", this);
    return this;
  }
}

/** The harness's one scene (the world has no Scene documents of its own). */
export const HARNESS_SCENE = { id: "HarnessScene0001", name: "The Vale Road" };
