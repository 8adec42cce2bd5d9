/** `init`: settings, template preloading, the consent dialog and the public API, before anything renders. */
import { MODULE_ID, templatePath } from "../core/constants.mjs";
import { loadTemplates, moduleEntry } from "../core/compat.mjs";
import { createApi } from "../core/api.mjs";
import { registerSettings } from "../core/settings.mjs";
import { refreshRaven } from "../apps/raven-perch.mjs";
import { VIEW_TEMPLATES } from "../apps/raven-panel.mjs";
import { PROVIDER_TEMPLATES, registerProviderMenu } from "../apps/provider-settings.mjs";
import { ART_PROVIDER_TEMPLATES, registerArtProviderMenu } from "../apps/art-provider-settings.mjs";
import { ANSWER_CARD_TEMPLATES } from "../apps/views/answer-card.mjs";
import { runtime } from "../core/runtime.mjs";
import { budgetsChanged, playersMayAskChanged, usageChanged } from "../relay/chat-relay.mjs";
import { artRelaySettingsChanged, artUsageChanged } from "../relay/art-relay.mjs";
import { askConsent, CONSENT_TEMPLATES } from "../apps/consent-dialog.mjs";
import { useConsentDialog } from "../privacy/consent.mjs";
import { PRIVACY_TEMPLATES, registerPrivacyMenu } from "../apps/privacy-settings.mjs";
import { purgeByRetention } from "../privacy/data-rights.mjs";
import { removalMarkerChanged } from "../privacy/local-data.mjs";
import { semanticSettingChanged } from "../rules/rules-index.mjs";

export function listen() {
  Hooks.once("init", () => {
    registerSettings({
      onRavenSettingChange: () => {
        if (!runtime.wasm) return;
        refreshRaven();
        playersMayAskChanged();
      },
      onBudgetsChange: () => {
        if (runtime.wasm) budgetsChanged();
      },
      onUsageChange: () => {
        if (runtime.wasm) usageChanged();
      },
      onArtRelayChange: () => {
        if (runtime.wasm) artRelaySettingsChanged();
      },
      onArtUsageChange: () => {
        if (runtime.wasm) artUsageChanged();
      },
      onSemanticChange: () => {
        if (runtime.wasm) semanticSettingChanged();
      },
      onRemovalMarkerChange: (value) => {
        if (runtime.wasm) removalMarkerChanged(value);
      },
      onRetentionChange: () => {
        if (runtime.wasm) purgeByRetention().catch((error) => console.warn("Familiar | the Ask history purge failed", error));
      },
    });
    registerProviderMenu();
    registerArtProviderMenu();
    registerPrivacyMenu();
    useConsentDialog(askConsent);
    // Views are partials of the panel: Foundry registers preloaded templates as partials under their path.
    loadTemplates([templatePath("raven-panel.hbs"), templatePath("raven.hbs"), ...VIEW_TEMPLATES, ...PROVIDER_TEMPLATES, ...ART_PROVIDER_TEMPLATES, ...CONSENT_TEMPLATES, ...PRIVACY_TEMPLATES, templatePath("art-chat.hbs"), ...ANSWER_CARD_TEMPLATES]);
    const entry = moduleEntry(MODULE_ID);
    if (entry) entry.api = createApi();
  });
}
