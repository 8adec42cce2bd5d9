/**
 * The consent dialog: names the providers a question would reach and says what is sent, before anything goes
 * there (consent.mjs decides when to ask and records the answer). For the world (the GM, per provider) or for one
 * user (their own questions, which reach the providers through the GM's client).
 */
import { MODULE_ID, t, templatePath } from "../constants.mjs";
import { applicationV2 } from "../compat.mjs";

const TEMPLATE = templatePath("consent-dialog.hbs");
export const CONSENT_TEMPLATES = [TEMPLATE];
const DIALOG_ID = `${MODULE_ID}-consent`;

function dialogContext({ scope, providers }) {
  const world = scope === "world";
  const sent = ["Question", "Passages", "Conversation", "Language"].map((item) => t(`Consent.Sent.${item}${world && item === "Question" ? "World" : ""}`));
  return {
    scope,
    providers,
    intro: t(world ? "Consent.IntroWorld" : "Consent.IntroUser", { count: providers.length }),
    decline: t(world ? "Consent.DeclineWorld" : "Consent.DeclineUser"),
    sent,
  };
}

/** Wires the two buttons to `settle(true | false)`, once per rendered dialog. */
function bindDialog(root, settle) {
  const selector = "[data-familiar-consent]";
  const dialog = root?.matches?.(selector) ? root : root?.querySelector?.(selector);
  if (!dialog || dialog.dataset.familiarBound) return;
  dialog.dataset.familiarBound = "1";
  dialog.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-familiar-consent-choice]")?.dataset.familiarConsentChoice;
    if (choice) settle(choice === "agree");
  });
  dialog.querySelector('[data-familiar-consent-choice="decline"]')?.focus();
}

function defineV2({ ApplicationV2, HandlebarsApplicationMixin }) {
  class FamiliarConsentDialog extends HandlebarsApplicationMixin(ApplicationV2) {
    static DEFAULT_OPTIONS = {
      id: DIALOG_ID,
      classes: ["familiar-consent-dialog"],
      tag: "section",
      window: { title: "FAMILIAR.Consent.Title", icon: "fa-solid fa-user-shield" },
      position: { width: 480, height: "auto" },
    };

    static PARTS = { body: { template: TEMPLATE } };

    constructor(request, settle) {
      super();
      this.request = request;
      this.settle = settle;
    }

    async _prepareContext() {
      return dialogContext(this.request);
    }

    _onRender(context, options) {
      super._onRender?.(context, options);
      bindDialog(this.element, (allowed) => this.settle(allowed));
    }

    _onClose(options) {
      super._onClose?.(options);
      this.settle(null);
    }
  }
  return FamiliarConsentDialog;
}

function defineV1() {
  class FamiliarConsentDialog extends Application {
    static get defaultOptions() {
      return foundry.utils.mergeObject(super.defaultOptions, {
        id: DIALOG_ID,
        classes: ["familiar-consent-dialog"],
        template: TEMPLATE,
        title: game.i18n.localize("FAMILIAR.Consent.Title"),
        width: 480,
        height: "auto",
      });
    }

    constructor(request, settle) {
      super();
      this.request = request;
      this.settle = settle;
    }

    getData() {
      return dialogContext(this.request);
    }

    activateListeners(html) {
      super.activateListeners(html);
      bindDialog(html[0], (allowed) => this.settle(allowed));
    }

    async close(options) {
      this.settle(null);
      return super.close(options);
    }
  }
  return FamiliarConsentDialog;
}

let dialogClass = null;

function consentDialogClass() {
  if (!dialogClass) {
    const v2 = applicationV2();
    dialogClass = v2 ? defineV2(v2) : defineV1();
  }
  return dialogClass;
}

/** Shows the dialog for `{scope: "world" | "user", providers: [{name, origin}]}`; resolves true (agreed), false
 * (declined) or null (closed without a choice). */
export function askConsent(request) {
  return new Promise((resolve) => {
    let app = null;
    let settled = false;
    const settle = (allowed) => {
      if (settled) return;
      settled = true;
      resolve(allowed);
      if (allowed !== null) app?.close();
    };
    const Dialog = consentDialogClass();
    app = new Dialog(request, settle);
    Promise.resolve(app.render(true)).catch((error) => {
      console.error("Familiar | the consent dialog did not open", error);
      settle(null);
    });
  });
}
