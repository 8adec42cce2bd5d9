// Scene controls in #controls, built from the getSceneControlButtons hook:
//  v10-v12: an array of {name, title, icon, layer, visible, tools: [{name, title, icon, button,
//           toggle, visible, onClick}], activeTool} (foundryvtt.com/api/v11/interfaces/client.SceneControl.html)
//  v13:     a record keyed by name with `order` and `tools` as a record; tools take `order`,
//           `button`, `toggle`, `visible`, `onChange(event, active)`
//           (foundryvtt.com/api/functions/hookEvents.getSceneControlButtons.html,
//           foundryvtt.com/api/v14/interfaces/foundry.SceneControlTool.html).
// Every control and tool is a <button> whose accessible name is its localized title.
import { Hooks } from "./hooks.mjs";
import { escapeHTML } from "./utils.mjs";

function coreControls(shape) {
  const tokenTools = [
    { name: "select", title: "CONTROLS.BasicSelect", icon: "fas fa-expand" },
    { name: "target", title: "CONTROLS.TargetSelect", icon: "fas fa-bullseye" },
    { name: "ruler", title: "CONTROLS.BasicMeasure", icon: "fas fa-ruler" },
  ];
  const noteTools = [{ name: "select", title: "CONTROLS.NoteSelect", icon: "fas fa-expand" }];
  if (shape === "array") {
    return [
      { name: "token", title: "CONTROLS.GroupToken", layer: "tokens", icon: "fas fa-user-alt", activeTool: "select", tools: tokenTools },
      { name: "notes", title: "CONTROLS.GroupNotes", layer: "notes", icon: "fas fa-bookmark", activeTool: "select", tools: noteTools },
    ];
  }
  const rec = (tools) => Object.fromEntries(tools.map((t, i) => [t.name, { ...t, order: i }]));
  return {
    tokens: { name: "tokens", order: 0, title: "CONTROLS.GroupToken", icon: "fa-solid fa-user", activeTool: "select", tools: rec(tokenTools) },
    notes: { name: "notes", order: 1, title: "CONTROLS.GroupNotes", icon: "fa-solid fa-bookmark", activeTool: "select", tools: rec(noteTools) },
  };
}

export class SceneControls {
  constructor({ features }) {
    this._shape = features.sceneControlsShape;
    this._toolNullable = features.controlsToolNullable;
    this.element = document.getElementById("controls");
    this.controls = null;
    this.activeControl = null;
  }

  /** The controls as a list of {name, title, icon, visible, tools: [...]} whatever the shape. */
  #normalised() {
    const list = this._shape === "array" ? this.controls : Object.values(this.controls).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    return list.map((c) => ({
      ...c,
      tools: (Array.isArray(c.tools) ? c.tools : Object.values(c.tools ?? {}).sort((a, b) => (a.order ?? 0) - (b.order ?? 0))).filter((t) => t.visible !== false),
    })).filter((c) => c.visible !== false);
  }

  render(options = {}) {
    if (!this.controls || options === true || options.reset) this.initialize();
    const list = this.#normalised();
    if (!list.find((c) => c.name === this.activeControl)) this.activeControl = list[0]?.name ?? null;
    const label = (t) => escapeHTML(game.i18n.localize(t ?? ""));
    const active = list.find((c) => c.name === this.activeControl);
    this.element.innerHTML = `<ol class="main-controls" aria-label="Control groups">${list.map((c) => `<li><button type="button" class="scene-control${c.name === this.activeControl ? " active" : ""}" data-control="${escapeHTML(c.name)}" aria-label="${label(c.title)}" title="${label(c.title)}"><i class="${escapeHTML(c.icon ?? "")}" aria-hidden="true"></i></button></li>`).join("")}</ol>
<ol class="sub-controls" aria-label="Tools">${(active?.tools ?? []).map((t) => `<li><button type="button" class="control-tool${t.active || t.name === active.activeTool ? " active" : ""}${t.toggle ? " toggle" : ""}" data-tool="${escapeHTML(t.name)}" aria-label="${label(t.title)}" title="${label(t.title)}"${t.toggle ? ` aria-pressed="${Boolean(t.active)}"` : ""}><i class="${escapeHTML(t.icon ?? "")}" aria-hidden="true"></i></button></li>`).join("")}</ol>`;
    this.element.querySelectorAll("[data-control]").forEach((b) => b.addEventListener("click", (ev) => this.#onControl(ev, b.dataset.control)));
    this.element.querySelectorAll("[data-tool]").forEach((b) => b.addEventListener("click", (ev) => this.#onTool(ev, b.dataset.tool)));
    Hooks.callAll("renderSceneControls", this, this._shape === "array" ? $(this.element) : this.element, {});
    return this;
  }

  /** The active control group (SceneControls#control). */
  get control() {
    return this.controls ? this.#find(this.activeControl) ?? null : null;
  }

  /** The active tool's name: v14 types it `string | null` (a group without an active tool; foundryvtt/foundryvtt
   * issue 12966), before v14 a string (guess: the empty one where no tool is active). */
  get tool() {
    return this.control?.activeTool ?? (this._toolNullable ? null : "");
  }

  initialize() {
    this.controls = coreControls(this._shape);
    Hooks.callAll("getSceneControlButtons", this.controls);
  }

  #find(name) {
    return this.#normalised().find((c) => c.name === name);
  }

  #onControl(event, name) {
    const control = this.#find(name);
    this.activeControl = name;
    control?.onChange?.(event, true);
    this.render();
  }

  #onTool(event, name) {
    const control = this.#find(this.activeControl);
    const tool = control?.tools.find((t) => t.name === name);
    if (!tool) return;
    if (tool.toggle) tool.active = !tool.active;
    const active = tool.toggle ? tool.active : true;
    if (this._shape === "array") tool.onClick?.(tool.toggle ? active : undefined);
    else tool.onChange?.(event, active);
    const original = this._shape === "array" ? this.controls.find((c) => c.name === control.name) : Object.values(this.controls).find((c) => c.name === control.name);
    if (!tool.button && !tool.toggle && original) original.activeTool = name;
    this.render();
  }
}
