// Yes/No confirmation dialogs, as far as modules use them: v1's `Dialog.confirm({title, content})`
// (foundryvtt.com/api/v12/classes/client.Dialog.html#confirm) and, from v12, `foundry.applications.api.DialogV2.confirm(
// {window: {title}, content})` (foundryvtt.com/api/classes/foundry.applications.api.DialogV2.html#confirm); both resolve
// true for Yes and false for No or a close. The window is a plain element with the two buttons (Foundry labels them
// "Yes" and "No"); its look is not Foundry's.
let nextId = 1;

function confirmWindow({ title, content }) {
  return new Promise((resolve) => {
    const id = `harness-dialog-${nextId++}`;
    const element = document.createElement("div");
    element.className = "app window-app dialog harness-dialog";
    element.id = id;
    element.setAttribute("role", "dialog");
    element.setAttribute("aria-modal", "true");
    element.setAttribute("aria-labelledby", `${id}-title`);
    const heading = document.createElement("h4");
    heading.className = "window-title";
    heading.id = `${id}-title`;
    heading.textContent = String(title ?? "");
    const body = document.createElement("div");
    body.className = "dialog-content";
    // Modules pass HTML content, as to Foundry's dialogs.
    body.innerHTML = String(content ?? "");
    const buttons = document.createElement("div");
    buttons.className = "dialog-buttons";
    const done = (answer) => {
      element.remove();
      resolve(answer);
    };
    for (const [label, answer] of [["Yes", true], ["No", false]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.button = answer ? "yes" : "no";
      button.addEventListener("click", () => done(answer));
      buttons.append(button);
    }
    element.addEventListener("keydown", (event) => event.key === "Escape" && done(false));
    element.append(heading, body, buttons);
    document.body.append(element);
    buttons.querySelector("button").focus();
  });
}

export class Dialog {
  static confirm({ title, content } = {}) {
    return confirmWindow({ title, content });
  }
}

export class DialogV2 {
  static confirm({ window: frame = {}, content } = {}) {
    return confirmWindow({ title: frame.title, content });
  }
}
