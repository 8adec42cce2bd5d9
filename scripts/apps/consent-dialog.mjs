/**
 * The consent dialog: names the providers a request would reach and says what is sent, before anything goes
 * there (consent.mjs decides when to ask and records the answer). For the world (the GM, per provider) or for one
 * user (their own requests, which reach the providers through the GM's client), and for one purpose: rules
 * questions (`chat`) or art prompts (`art`), each with its own text (the bundle's `consentDisclosure`).
 */
import { t, templatePath } from "../core/constants.mjs";
import { applicationV2 } from "../core/compat.mjs";
import { requireWasm } from "../core/runtime.mjs";

const TEMPLATE = templatePath("consent-dialog.hbs");
export const CONSENT_TEMPLATES = [TEMPLATE];
/** `familiar-consent` for questions (as before art had one), `familiar-consent-art` for art. */
const dialogId = (purpose) => `familiar-consent${purpose === "chat" ? "" : `-${purpose}`}`;

function disclosureOf({ scope, purpose }) {
  return requireWasm().consentDisclosure({ purpose, scope });
}

function dialogContext({ scope, purpose, providers }) {
  const text = disclosureOf({ scope, purpose });
  return {
    scope,
    purpose,
    providers,
    intro: t(`Consent.${text.intro}`, { count: providers.length }),
    decline: t(`Consent.${text.decline}`),
    never: t(`Consent.${text.never}`),
    sent: text.sent.map((key) => t(`Consent.${key}`)),
  };
}

const titleOf = (request) => game.i18n.localize(`FAMILIAR.Consent.${disclosureOf(request).title}`);

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
      classes: ["familiar-consent-dialog"],
      tag: "section",
      window: { title: "FAMILIAR.Consent.Title", icon: "fa-solid fa-user-shield" },
      position: { width: 480, height: "auto" },
    };

    static PARTS = { body: { template: TEMPLATE } };

    constructor(request, settle) {
      super({ id: dialogId(request.purpose), window: { title: titleOf(request) } });
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
        classes: ["familiar-consent-dialog"],
        template: TEMPLATE,
        width: 480,
        height: "auto",
      });
    }

    constructor(request, settle) {
      super({ id: dialogId(request.purpose), title: titleOf(request) });
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

/** Shows the dialog for `{scope: "world" | "user", purpose: "chat" | "art", providers: [{name, origin}]}`; resolves true (agreed), false
 * (declined) or null (closed without a choice). */
export function askConsent({ purpose = "chat", ...rest }) {
  const request = { purpose, ...rest };
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
