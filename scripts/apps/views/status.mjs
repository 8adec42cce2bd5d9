/**
 * The Status view (GM): the rules index, each AI provider's health and latency as this browser's health monitor
 * measured them, every health rule's value and state, and each player's questions and token use today. The
 * figures come from the bundle (`healthSnapshot`) and the relay; this file only words them.
 */
import { formatDateTime, formatPercent } from "../../core/locale-format.mjs";
import { t } from "../../core/constants.mjs";
import { requireWasm } from "../../core/runtime.mjs";
import { rulesIndexStatus } from "../../rules/rules-index.mjs";
import { listPeers } from "../../health/presence.mjs";
import { playersUsage } from "../../relay/chat-relay.mjs";

function providerHealth(provider) {
  if (provider.degraded) return t("Status.Degraded");
  return provider.lastOk ? t("Status.Healthy") : t("Status.Failing");
}

/** A rule's value and limit as the GM reads them: a run of slow answers, or a share. */
function ruleRow(rule) {
  const counted = rule.rule === "slowProvider";
  return {
    rule: rule.rule,
    label: t(`Status.RuleLabels.${rule.labelKey}`),
    value: counted ? t("Status.Streak", { count: rule.value }) : formatPercent(rule.value),
    limit: counted ? t("Status.Streak", { count: rule.limit }) : formatPercent(rule.limit),
    state: rule.state === "firing" ? t("Status.RuleFiring") : t("Status.RuleOk"),
    firing: rule.state === "firing",
  };
}

/** Players' use today; empty where this client runs no relay. */
function players() {
  try {
    return playersUsage();
  } catch {
    return [];
  }
}

export function statusContext() {
  const index = rulesIndexStatus();
  const health = requireWasm().healthSnapshot();
  return {
    index,
    stateLabel: t(`Status.States.${index.state}`),
    semanticLabel: t(`Status.SemanticStates.${index.semantic.state}`, index.semantic),
    updatedAt: index.updatedAt ? formatDateTime(index.updatedAt) : "—",
    peers: listPeers(),
    providers: health.providers.map((provider) => ({
      ...provider,
      health: providerHealth(provider),
      latency: t("Status.Milliseconds", { ms: provider.lastLatencyMs }),
    })),
    rules: health.rules.map(ruleRow),
    players: players(),
  };
}
