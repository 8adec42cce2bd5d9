// FilePicker's static file operations (source "data" only), following
// foundryvtt.com/api/v12/classes/client.FilePicker.html: createDirectory(source, target),
// upload(source, path, file, body, {notify}), browse(source, target). Files land in the harness
// world's data directory and are served back from {prefix}/<path>. v13 exposes the class as
// foundry.applications.apps.FilePicker.implementation; earlier versions as the global FilePicker.
export function makeFilePicker(prefix) {
  const call = async (action, target, init = {}, extra = {}) => {
    const q = new URLSearchParams({ action, target, user: game.userId, ...extra });
    const res = await fetch(`${prefix}/__harness/files?${q}`, init);
    const body = await res.json();
    if (!res.ok) throw new Error(body.error ?? `FilePicker ${action} failed`);
    return body;
  };
  return class FilePicker {
    static async browse(source, target = "", options = {}) {
      return call("browse", target);
    }
    static async createDirectory(source, target, options = {}) {
      return call("createDirectory", target);
    }
    static async upload(source, path, file, body = {}, { notify = true } = {}) {
      if (!(file instanceof Blob)) throw new Error("FilePicker.upload needs a File or Blob");
      const name = file.name ?? "upload.bin";
      try {
        const result = await call("upload", path, { method: "POST", body: file, headers: { "content-type": "application/octet-stream" } }, { name });
        if (notify) ui.notifications?.info(result.message);
        return result;
      } catch (err) {
        if (notify) ui.notifications?.error(err.message);
        return false;
      }
    }
  };
}
