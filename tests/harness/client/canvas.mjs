// The game canvas, as far as modules see it from outside: `canvas.ready`, `canvas.scene` (the viewed Scene
// document), `canvas.tokens` (the token layer: `placeables`, `get(id)`), `canvas.grid.size`, `canvas.dimensions`
// and `canvas.stage.pivot` (the centre of the view), and the hooks of a draw. Foundry draws the viewed scene before
// `ready` and again on every scene change; `Canvas#draw` first tears the old scene down
// (`Hooks.callAll("canvasTearDown", canvas)`, foundryvtt.com/api/functions/hookEvents.canvasTearDown.html),
// then fires `canvasInit` and, once drawn, `Hooks.callAll("canvasReady", canvas)`
// (foundryvtt.com/api/functions/hookEvents.canvasInit.html, foundryvtt.com/api/functions/hookEvents.canvasReady.html).
// With no scene to show Foundry draws a blank canvas and `canvasReady` does not fire (guess from the hook order on
// foundryvtt.com/api/modules/hookEvents.html). Nothing is rendered: the #board element stays empty. A placeable
// Token carries `document`, `actor`, `id` and `name` (foundryvtt.com/api/v10/classes/client.Token.html); the layer
// follows the scene's TokenDocuments as they are created and deleted, as Foundry draws each new one.
import { Hooks } from "./hooks.mjs";

/** The token layer of the viewed scene: one placeable per TokenDocument, looked up live. */
class TokenLayer {
  constructor(scene) {
    this.scene = scene;
    this.placeablesById = new Map();
  }
  get placeables() {
    const documents = this.scene?.tokens?.contents ?? [];
    return documents.map((document) => {
      let placeable = this.placeablesById.get(document.id);
      if (placeable?.document !== document) {
        placeable = { document, id: document.id, get name() { return document.name; }, get actor() { return document.actor; } };
        this.placeablesById.set(document.id, placeable);
      }
      return placeable;
    });
  }
  get(id) {
    return this.placeables.find((placeable) => placeable.id === id);
  }
}

export class Canvas {
  ready = false;
  scene = null;
  tokens = new TokenLayer(null);
  grid = null;
  dimensions = null;
  stage = { pivot: { x: 0, y: 0 } };

  /** Draws `scene` (a Scene document, or plain `{id, name}` for a scene the world does not hold) or, with null, no scene. */
  async draw(scene) {
    if (this.ready || this.scene) {
      Hooks.callAll("canvasTearDown", this);
      this.ready = false;
      this.scene = null;
      this.tokens = new TokenLayer(null);
      this.grid = this.dimensions = null;
    }
    // A scene change takes at least a task in Foundry (textures load); tests see the torn-down state in between.
    await new Promise((resolve) => setTimeout(resolve));
    if (!scene) return this;
    const SceneClass = CONFIG.Scene.documentClass;
    this.scene = scene instanceof SceneClass ? scene : new SceneClass({ _id: scene.id, name: scene.name, tokens: scene.tokens ?? [] });
    const size = this.scene.grid?.size ?? 100;
    this.grid = { size };
    this.dimensions = { size, width: this.scene.width, height: this.scene.height, sceneRect: { x: 0, y: 0, width: this.scene.width, height: this.scene.height } };
    this.stage = { pivot: { x: this.scene.width / 2, y: this.scene.height / 2 } };
    this.tokens = new TokenLayer(this.scene);
    Hooks.callAll("canvasInit", this);
    this.ready = true;
    Hooks.callAll("canvasReady", this);
    return this;
  }
}

/** The id of the harness's one scene (the world's `scenes`, served by the harness server). */
export const HARNESS_SCENE_ID = "HarnessScene0001";
