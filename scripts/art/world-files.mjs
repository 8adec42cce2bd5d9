/**
 * Art into the world: generated images saved as files in the world's data (a folder of the module's), set as an
 * actor's portrait or its prototype token's texture (and its tokens on the current scene, when the GM wants), or
 * posted to chat. File names come from the Rust core's never-overwriting rule (`artFileName`) against the
 * folder's listing; this file only moves bytes and documents.
 */
import { filePicker } from "../core/compat.mjs";
import { MODULE_ID, t, templatePath } from "../core/constants.mjs";
import { renderTemplate } from "../core/compat.mjs";
import { wasmReady } from "../core/wasm.mjs";

/** FilePicker's source for the user data directory (https://foundryvtt.com/api/classes/foundry.applications.apps.FilePicker.html). */
const SOURCE = "data";

const EXTENSIONS = { "image/webp": "webp", "image/png": "png", "image/jpeg": "jpg" };

/** The folder art is saved in: under the world's own directory, so each world keeps its pictures. */
export function artFolder() {
  const world = game.world?.id;
  return world ? `worlds/${world}/${MODULE_ID}-art` : `${MODULE_ID}-art`;
}

export class ArtFileError extends Error {
  name = "ArtFileError";
}

/** Whether a failed createDirectory only says the folder is there (Foundry's message: "… already exists"). */
function alreadyExists(error) {
  return /exists/i.test(String(error?.message ?? error));
}

/** The last segment of a path FilePicker lists (`worlds/x/` → `x`), decoded. */
function lastSegment(path) {
  return decodeURIComponent(String(path).replace(/\/+$/, "").split("/").pop());
}

/**
 * Creates `folder` and every parent it needs. Each level's parent is browsed first and only a missing folder is
 * created (a createDirectory on an existing one is an error response the console shows); an "already exists"
 * answer (another client made it meanwhile) is tolerated.
 */
async function ensureFolder(folder) {
  const picker = filePicker();
  let parent = "";
  for (const part of folder.split("/").filter(Boolean)) {
    const path = parent ? `${parent}/${part}` : part;
    const listing = await picker.browse(SOURCE, parent, {}).catch(() => null);
    const present = (listing?.dirs ?? []).some((dir) => lastSegment(dir) === part);
    if (!present) {
      try {
        await picker.createDirectory(SOURCE, path, {});
      } catch (error) {
        if (!alreadyExists(error)) throw new ArtFileError(t("Art.Errors.Folder", { folder: path, reason: error?.message ?? String(error) }));
      }
    }
    parent = path;
  }
}

/** The file names in `folder` (without their path), or none when it does not exist yet. */
async function existingNames(folder) {
  try {
    const listing = await filePicker().browse(SOURCE, folder, {});
    return (listing?.files ?? []).map(lastSegment);
  } catch {
    return [];
  }
}

/** Folders this page has made sure of: each check is a server round trip per level, and a save is a click away
 * from the GM. Forgotten when an upload fails (the folder may have been removed since). */
const ensuredFolders = new Set();

/**
 * Saves `bytes` (a Uint8Array of `mime`) as `{slug of subject}{suffix}.{ext}` in the art folder without overwriting
 * anything there. Resolves with the saved file's path in the world's data, which Foundry documents reference.
 */
export async function saveArt({ bytes, mime = "image/webp", subject, suffix = "" }) {
  const extension = EXTENSIONS[mime];
  if (!extension) throw new ArtFileError(t("Art.Errors.Type", { mime }));
  const folder = artFolder();
  if (!ensuredFolders.has(folder)) {
    await ensureFolder(folder);
    ensuredFolders.add(folder);
  }
  const { artFileName } = await wasmReady;
  const name = artFileName(subject ?? "", suffix, extension, await existingNames(folder));
  const file = new File([bytes], name, { type: mime });
  const result = await filePicker()
    .upload(SOURCE, folder, file, {}, { notify: false })
    .catch((error) => ({ status: "error", message: error?.message ?? String(error) }));
  if (!result || result.status === "error") {
    ensuredFolders.delete(folder);
    throw new ArtFileError(t("Art.Errors.Upload", { name, reason: result?.message ?? "" }));
  }
  return result.path ?? `${folder}/${name}`;
}

/** Sets the actor's portrait (`img`). */
export function applyPortrait(actor, path) {
  return actor.update({ img: path });
}

/** Sets the actor's prototype token texture (`prototypeToken.texture.src`, the v10+ shape). */
export function applyPrototypeToken(actor, path) {
  return actor.update({ prototypeToken: { texture: { src: path } } });
}

/** The actor's token documents on the scene being viewed (none when there is no canvas). */
export function sceneTokens(actor) {
  const tokens = actor?.getActiveTokens?.(false, true) ?? [];
  return tokens.filter((token) => token && typeof token.update === "function");
}

/** Sets `texture.src` of the given token documents (the actor's tokens on the current scene). */
export function applySceneTokens(tokens, path) {
  return Promise.all(tokens.map((token) => token.update({ texture: { src: path } })));
}

/**
 * Posts the image to chat as the actor speaking, captioned with `title` (the actor's name unless given), through
 * the module's template: Handlebars escapes the caption, so a name is text, never markup.
 */
export async function postArt({ path, actor, title = actor?.name ?? "" }) {
  const content = await renderTemplate(templatePath("art-chat.hbs"), { src: path, title });
  const speaker = actor ? ChatMessage.getSpeaker({ actor }) : undefined;
  return ChatMessage.create({ content, ...(speaker ? { speaker } : {}) });
}
