/**
 * The Art view (the GM; players only when the GM allows it): a prompt prefilled from the selected token's actor or
 * the last monster built, a preset, a provider, variants, Generate and Cancel; the prompt filter's verdict before
 * anything is sent; progress (a bar here, and v13's notification progress handle); a gallery of the images that
 * passed every safety layer, each with its quality score and per-layer verdicts, and Apply to actor / Apply to
 * token / Save only / Post to chat. A discarded image is never shown: the GM sees why instead. The jobs, retries,
 * failover, checks and thresholds are the art core's (`ArtStudio`); this file moves pixels and documents. A
 * player's view sends the prompt to the GM's client (scripts/relay/art-relay.mjs) and shows the saved pictures or why not.
 */
import { MARKS, t, templatePath } from "../../core/constants.mjs";
import { inPanel, onViewDrawn } from "../panel-registry.mjs";
import { progressNotice, renderTemplate } from "../../core/compat.mjs";
import { requireWasm } from "../../core/runtime.mjs";
import { artStrictness, getSetting, SETTINGS } from "../../core/settings.mjs";
import { artChain, artStudioChain } from "../../providers/provider-chain.mjs";
import { applyPortrait, applyPrototypeToken, applySceneTokens, postArt, saveArt, sceneTokens } from "../../art/world-files.mjs";
import { createArtHost } from "../../art/host.mjs";
import { openArtProviderSettings } from "../art-provider-settings.mjs";
import { lastBuiltMonster } from "./monster.mjs";
import { artRelayStatus, cancelArtRequest, pendingArtRequest, requestArt } from "../../relay/art-relay.mjs";
import { allowedChain, artRequestMayLeave, consentPlan, ensureUserConsent, ensureWorldConsent } from "../../privacy/consent.mjs";

/** The view's presets: what the GM picks → the core's presets in one order. */
const PRESETS = {
  portrait: ["portrait"],
  token: ["token"],
  scene: ["scene"],
  portraitToken: ["portrait", "token"],
};

/** The view's state across renders: the job running, its images (blob URLs), what they are for. */
const state = {
  studio: null,
  jobId: null,
  notice: null,
  subject: null,
  actorId: null,
  images: [],
  discarded: [],
  outcome: {},
  requestId: null,
};

/** Whether this user may request art here (the GM always; players only when allowed, through the GM's client). */
export function mayUseArt() {
  return game.user.isGM || Boolean(getSetting(SETTINGS.playersMayRequestArt));
}

/** The actor the art is for: the selected token's, else the last monster built in this session. */
function sourceActor() {
  const selected = globalThis.canvas?.tokens?.controlled?.[0]?.actor;
  if (selected) return selected;
  const built = lastBuiltMonster();
  return built ? game.actors.get(built) ?? null : null;
}

/** The core's creature subject from a pf2e actor: name, level, traits, size and its description (pf2e NPCs keep it
 * as HTML in `system.details.publicNotes`, the core reads it as the rules index does; the blurb is the fallback). */
function creatureOf(actor) {
  const system = actor.system ?? {};
  const traits = system.traits?.value;
  const level = system.details?.level?.value;
  const size = system.traits?.size?.value;
  const notes = system.details?.publicNotes;
  const blurb = system.details?.blurb;
  return requireWasm().artSubjectFromCreature({
    name: actor.name,
    ...(Number.isInteger(level) ? { level } : {}),
    traits: Array.isArray(traits) ? traits.map(String) : [],
    ...(typeof size === "string" ? { size } : {}),
    ...(typeof notes === "string" && notes.trim() ? { descriptionHtml: notes } : typeof blurb === "string" && blurb.trim() ? { descriptionHtml: blurb } : {}),
  });
}

/** Actors the GM can give art to, the source actor selected. */
function actorChoices(selectedId) {
  const actors = game.actors?.filter((actor) => actor.type === "npc" || actor.type === "character") ?? [];
  return actors.map((actor) => ({ id: actor.id, name: actor.name, selected: actor.id === selectedId }));
}

function useActor(actor) {
  state.actorId = actor?.id ?? null;
  state.subject = actor ? creatureOf(actor) : null;
}

/** The panel's context for the view. */
export function context() {
  if (!game.user.isGM) return { art: playerContext() };
  const actor = sourceActor();
  useActor(actor);
  return {
    art: {
      prompt: actor?.name ?? "",
      actors: actorChoices(actor?.id),
      presets: Object.keys(PRESETS).map((value) => ({ value, label: `FAMILIAR.Art.Presets.${value}`, selected: value === "portraitToken" })),
      providers: artChain.loadChain().map((entry) => ({ id: entry.id, name: entry.name })),
    },
  };
}

/** Another actor picked: it becomes the art's subject, and the prompt follows unless the GM has typed one. */
export function changed(form, target) {
  if (target.name !== "actor") return;
  const previous = state.subject?.name ?? "";
  const actor = target.value ? game.actors.get(target.value) : null;
  useActor(actor);
  const prompt = form.querySelector('[name="prompt"]');
  if (!prompt.value.trim() || prompt.value.trim() === previous) prompt.value = actor?.name ?? "";
}

/** The pixels-and-codecs host the core calls back into; its classifier (the third safety layer) loads on the first
 * image it classifies, so nothing of nsfwjs loads with Foundry. */
function studioHost() {
  return createArtHost();
}

function elements(form) {
  return {
    verdict: form.querySelector("[data-familiar-art-verdict]"),
    status: form.querySelector("[data-familiar-art-status]"),
    progress: form.querySelector("[data-familiar-art-progress]"),
    bar: form.querySelector("#familiar-art-progress-bar"),
    generate: form.querySelector("[data-familiar-art-generate]"),
    cancel: form.querySelector("[data-familiar-art-cancel]"),
  };
}

function releaseImages() {
  for (const image of state.images) URL.revokeObjectURL(image.url);
  state.images = [];
  state.discarded = [];
  state.outcome = {};
}

async function drawGallery(results) {
  const actor = state.actorId ? game.actors.get(state.actorId) : null;
  results.innerHTML = await renderTemplate(templatePath("views/art-gallery.hbs"), {
    images: state.images.map((image, index) => ({ ...image, index, canApply: Boolean(actor) })),
    discarded: state.discarded,
    ...state.outcome,
  });
}

/** The core's safety layers in the report (`{promptFilter, providerFilter, imageClassifier}`), as shown per image. */
const LAYERS = { promptFilter: "prompt", providerFilter: "provider", imageClassifier: "classifier" };
const VERDICTS = { passed: "passed", blocked: "blocked", not_run: "notRun", partial: "partial" };

/** A prompt filter's refusal in the reader's language: its category (`FAMILIAR.Art.Categories.*`), else the core's
 * reason as given (a provider's or moderation's block has no category). */
function blockedText({ category, reason }) {
  return category ? t(`Art.Categories.${category}`) : String(reason ?? "");
}

/** The per-layer lines of an image's safety report: label, verdict and the core's reason or why it did not run. */
function safetyLayers(safety) {
  return Object.entries(LAYERS).map(([key, layer]) => {
    const verdict = safety?.[key] ?? {};
    return {
      label: `FAMILIAR.Art.Layers.${layer}`,
      verdict: `FAMILIAR.Art.Verdicts.${VERDICTS[verdict.verdict] ?? "notRun"}`,
      detail: verdict.reason ?? verdict.why ?? "",
    };
  });
}

function setProgress(form, pct, message) {
  const { progress, bar, status } = elements(form);
  progress.hidden = false;
  bar.value = Math.round(pct * 100);
  if (message) status.textContent = message;
  state.notice?.update(pct, message);
}

/** Generate: the prompt filter first (nothing is sent when it blocks), then the studio's job with progress. */
export async function generate(form, results) {
  if (!game.user.isGM) return requestFromGm(form, results);
  performance.mark(MARKS.artGenerate);
  const els = elements(form);
  const data = new FormData(form);
  const text = String(data.get("prompt") ?? "").trim();
  if (!text) {
    els.verdict.textContent = t("Art.PromptMissing");
    return;
  }
  const strictness = artStrictness();
  const verdict = requireWasm().checkArtPrompt(text, strictness);
  if (!verdict.allowed) {
    els.verdict.textContent = t("Art.Blocked", { reason: blockedText(verdict) });
    els.verdict.title = verdict.reason ?? "";
    els.verdict.dataset.familiarBlocked = "true";
    return;
  }
  delete els.verdict.dataset.familiarBlocked;
  els.verdict.title = "";
  els.verdict.textContent = t("Art.PromptAllowed");
  const subject = state.subject && text === state.subject.name ? state.subject : { kind: "text", text };
  const presets = PRESETS[data.get("preset")] ?? PRESETS.portrait;
  const variants = Math.max(1, Math.min(4, Number(data.get("variants")) || 1));
  const configured = await artStudioChain(String(data.get("provider") ?? ""));
  if (!configured.length) {
    els.status.textContent = t("Art.NoProviders");
    return;
  }
  // Before the first prompt goes to an image provider the world has not decided on (consent.mjs).
  await ensureWorldConsent(configured, "art");
  const chain = allowedChain(configured, consentPlan(configured, null, "art"));
  if (!chain.length) {
    els.status.textContent = t("Art.Consent.NotSent");
    return;
  }
  releaseImages();
  await drawGallery(results);
  els.generate.disabled = true;
  els.cancel.disabled = false;
  state.notice = progressNotice(t("Art.Starting"));
  setProgress(form, 0, t("Art.Starting"));
  let report;
  try {
    state.studio = new (requireWasm().ArtStudio)(chain, { strictness }, studioHost());
    report = await state.studio.submit({ subject, presets, variants }, (event) => onEvent(form, results, event));
  } finally {
    els.generate.disabled = false;
    els.cancel.disabled = true;
    // The job is over: the studio's wasm memory goes now, not whenever the garbage collector gets to it.
    state.studio?.free();
    state.studio = null;
    state.jobId = null;
  }
  finish(form, report);
  await drawGallery(results);
  performance.mark(MARKS.artGenerated);
  return report;
}

/** The studio's events: `progress` ({finished, total, stage}), `image` ({image}), `finished` ({report}); the first
 * carries the job id Cancel needs. */
function onEvent(form, results, event) {
  if (event?.jobId !== undefined) state.jobId = event.jobId;
  if (event?.type === "progress") {
    const pct = event.total ? event.finished / event.total : 0;
    setProgress(form, pct, t("Art.Progress", { done: event.finished, total: event.total }));
  } else if (event?.type === "image") {
    const image = event.image;
    state.images.push({
      url: URL.createObjectURL(new Blob([image.webp], { type: image.mime })),
      bytes: image.webp,
      mime: image.mime,
      width: image.width,
      height: image.height,
      title: image.title,
      suffix: image.nameSuffix ?? "",
      preset: image.preset,
      presetLabel: t(`Art.Presets.${image.preset}`),
      provider: image.provider,
      score: Number(image.score?.overall ?? 0).toFixed(2),
      layers: safetyLayers(image.safety),
      savedPath: null,
    });
    drawGallery(results).catch((error) => console.error("Familiar |", error));
  }
}

/** How the job ended, for the gallery: blocked, cancelled, every provider failed; discarded images and why. */
function finish(form, report) {
  const { status } = elements(form);
  const attempts = report?.attempts ?? [];
  state.discarded = attempts.filter((attempt) => attempt.status === "discarded").map((attempt) => ({ label: attempt.provider, reason: attempt.error ?? "" }));
  if (report?.blocked) state.outcome = { blocked: report.reason ?? "" };
  else if (report?.cancelled) state.outcome = { cancelled: true };
  else if (!state.images.length) state.outcome = { failed: true, attempts };
  const message = report?.cancelled ? t("Art.Cancelled") : t("Art.Done", { count: state.images.length });
  setProgress(form, 1, message);
  status.textContent = message;
  state.notice?.done(message);
  state.notice = null;
}

/** Cancel: the running job stops; what it already made stays in the gallery. */
function cancel() {
  if (state.studio && state.jobId !== null) state.studio.cancel(state.jobId);
}

/** The image's file in the world (saved on first use, then reused). */
async function savedPath(image) {
  image.savedPath ??= await saveArt({ bytes: image.bytes, mime: image.mime, subject: image.title, suffix: image.suffix });
  return image.savedPath;
}

function targetActor() {
  return state.actorId ? game.actors.get(state.actorId) ?? null : null;
}

async function withImage(button, results, act) {
  const image = state.images[Number(button.dataset.index)];
  if (!image) return;
  performance.mark(MARKS.artSave);
  const path = await savedPath(image);
  const message = await act(image, path);
  await drawGallery(results);
  performance.mark(MARKS.artSaved);
  if (message) ui.notifications.info(message);
}

// ---- a player's requests, run on the GM's client (scripts/relay/art-relay.mjs) ----

/** The presets a player may ask for (no scene: players paint their characters and companions). */
const PLAYER_PRESETS = ["portrait", "token", "portraitToken"];

function playerContext() {
  const status = artRelayStatus();
  return {
    player: true,
    noGm: status.reason === "noGm",
    presets: PLAYER_PRESETS.map((value) => ({ value, label: `FAMILIAR.Art.Presets.${value}`, selected: value === "portrait" })),
  };
}

/** The refusal's localised text: the relay's code, with its figures. */
function refusalText(reply) {
  const error = reply.error ?? {};
  const known = ["notAllowed", "overBudget", "blocked", "discarded", "allFailed", "noProviders", "noConsent", "failed", "rateLimited", "busy", "timedOut", "noGm", "gmLeft", "noAnswer", "unknownRequest", "cancelled"];
  if (!known.includes(error.code)) return t("Art.Relay.Refused.other", { reason: reply.errorMessage ?? error.code ?? "" });
  return t(`Art.Relay.Refused.${error.code}`, {
    used: error.usedImages ?? 0,
    budget: error.budgetImages ?? 0,
    requested: error.requestedImages ?? 0,
    reason: blockedText(error),
    count: error.count ?? 0,
    seconds: Math.ceil((error.retryAfterMs ?? 0) / 1000),
  });
}

/** Request: the GM's client runs the whole job; this page shows the saved images (from the world's files) or why
 * there are none. */
async function requestFromGm(form, results) {
  const els = elements(form);
  const data = new FormData(form);
  const prompt = String(data.get("prompt") ?? "").trim();
  if (!prompt) {
    els.verdict.textContent = t("Art.PromptMissing");
    return;
  }
  const presets = PRESETS[data.get("preset")] ?? PRESETS.portrait;
  const variants = Math.max(1, Math.min(4, Number(data.get("variants")) || 1));
  // The player's own yes before their first prompt leaves for the GM's image providers (consent.mjs).
  await ensureUserConsent("art");
  if (!artRequestMayLeave()) {
    els.status.textContent = t("Art.Consent.NotSentUser");
    return;
  }
  return showRelayed(form, results, prompt, (onAccepted) => requestArt({ prompt, presets, variants }, onAccepted));
}

/** Waits for a request to the GM's client (`start(onAccepted)` sends it or resumes it, returning `requestArt`'s
 * `{requestId, done}`) and shows its pictures or its refusal. */
async function showRelayed(form, results, prompt, start) {
  const els = elements(form);
  els.generate.disabled = true;
  els.cancel.disabled = false;
  els.status.textContent = t("Art.Relay.Sent");
  results.replaceChildren();
  const request = start(() => (els.status.textContent = t("Art.Relay.Accepted")));
  state.requestId = request.requestId;
  let reply;
  try {
    reply = await request.done;
  } finally {
    state.requestId = null;
    els.generate.disabled = !game.users.activeGM;
    els.cancel.disabled = true;
  }
  const images = reply.type === "finished" ? reply.images : [];
  const message = reply.type === "finished" ? t("Art.Relay.Finished", { count: images.length }) : refusalText(reply);
  els.status.textContent = message;
  results.innerHTML = await renderTemplate(templatePath("views/art-gallery.hbs"), {
    relayed: true,
    images: images.map((image, index) => {
      const presetLabel = t(`Art.Presets.${image.preset}`);
      return { ...image, index, url: image.path, title: prompt, presetLabel, score: Number(image.score).toFixed(2), layers: safetyLayers(image.safety), savedPath: image.path };
    }),
    discardedCount: reply.discarded ?? 0,
    refused: reply.type === "refused" ? message : null,
    refusedCode: reply.type === "refused" ? reply.error?.code ?? "" : null,
  });
  return reply;
}

/** The player's Art form in the open panel, with its results, or null. */
function playerArtForm() {
  const form = inPanel('[data-familiar-form="art"]');
  const results = inPanel('[data-familiar-results="art"]');
  return form && results && !game.user.isGM ? { form, results } : null;
}

/** After a reload: the request this tab was waiting for comes back into the Art view (its prompt, then the GM's
 * pictures or refusal), now if the view is showing, else when the panel next shows it. */
export function resumeArtRequest() {
  const pending = pendingArtRequest();
  if (!pending) return;
  const tryResume = () => {
    const open = playerArtForm();
    if (!open) return false;
    open.form.querySelector('[name="prompt"]').value = pending.prompt;
    showRelayed(open.form, open.results, pending.prompt, (onAccepted) => pending.resume(onAccepted)).catch((error) => console.error("Familiar |", error));
    return true;
  };
  if (tryResume()) return;
  const stopWaiting = onViewDrawn(() => {
    if (tryResume()) stopWaiting();
  });
}

/** A GM came or went: the player's open Art form says whether a request can go now (a refused one can be sent
 * again once a GM is back). */
export function artGmPresenceChanged() {
  const open = playerArtForm();
  if (!open) return;
  const noGm = !game.users.activeGM;
  open.form.querySelector("[data-familiar-art-nogm]").hidden = !noGm;
  if (state.requestId === null) elements(open.form).generate.disabled = noGm;
}

export const ACTIONS = {
  "art-cancel": () => (game.user.isGM ? cancel() : state.requestId && cancelArtRequest(state.requestId)),
  "art-providers": () => openArtProviderSettings(),
  "art-save": (button, root) => withImage(button, results(root), (image, path) => t("Art.Saved", { path })),
  "art-apply-actor": (button, root) =>
    withImage(button, results(root), async (image, path) => {
      const actor = targetActor();
      await applyPortrait(actor, path);
      return t("Art.AppliedActor", { name: actor.name });
    }),
  "art-apply-token": (button, root) =>
    withImage(button, results(root), async (image, path) => {
      const actor = targetActor();
      await applyPrototypeToken(actor, path);
      const tokens = sceneTokens(actor);
      // Tokens already on the scene keep their old texture unless the GM says so.
      if (tokens.length && (await confirmSceneTokens(actor, tokens.length))) {
        await applySceneTokens(tokens, path);
        return t("Art.AppliedSceneTokens", { name: actor.name, count: tokens.length });
      }
      return t("Art.AppliedToken", { name: actor.name });
    }),
  "art-post": (button, root) =>
    withImage(button, results(root), async (image, path) => {
      await postArt({ path, actor: targetActor(), title: targetActor()?.name ?? image.title });
      return t("Art.Posted");
    }),
};

function results(root) {
  return root.querySelector('[data-familiar-results="art"]');
}

/** Asks whether the actor's tokens on this scene get the new texture too (Foundry's Dialog where it exists). */
function confirmSceneTokens(actor, count) {
  const paragraph = document.createElement("p");
  paragraph.textContent = t("Art.AlsoSceneTokens", { name: actor.name, count });
  const content = paragraph.outerHTML;
  const v2 = globalThis.foundry?.applications?.api?.DialogV2;
  if (v2?.confirm) return v2.confirm({ window: { title: t("Art.ApplyToken") }, content });
  if (globalThis.Dialog?.confirm) return globalThis.Dialog.confirm({ title: t("Art.ApplyToken"), content });
  return Promise.resolve(false);
}
