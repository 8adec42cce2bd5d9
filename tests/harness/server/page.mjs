// HTML of the harness pages. No inline script or style anywhere: everything the page runs is a
// same-origin file, so the strict CSP applies to the harness exactly as to the module under test.
import { PROFILE_NAMES, PROFILES, systemLine } from "../client/versions.mjs";

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function gamePage({ prefix, title = "Foundry Virtual Tabletop (harness)" }) {
  const h = `${prefix}/__harness`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="harness-prefix" content="${esc(prefix)}">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${h}/client/harness.css">
<script src="${h}/client/early.js"></script>
<script src="${h}/vendor/jquery.js"></script>
<script src="${h}/vendor/handlebars.js"></script>
<script type="module" src="${h}/client/boot.mjs"></script>
</head>
<body class="vtt game system-pf2e">
<canvas id="board" aria-label="Game board"></canvas>
<div id="interface">
  <div id="ui-left"><nav id="controls" aria-label="Scene controls"></nav></div>
  <div id="ui-middle"><div id="ui-top"><ol id="notifications" aria-live="polite"></ol></div><div id="ui-bottom"><nav id="hotbar" aria-label="Macro hotbar"></nav></div></div>
  <div id="ui-right"><aside id="sidebar" aria-label="Sidebar"><section id="chat" class="sidebar-tab"><ol id="chat-log" aria-label="Chat log"></ol><form id="chat-form"><textarea id="chat-message" name="content" aria-label="Chat message"></textarea></form></section></aside></div>
</div>
</body>
</html>
`;
}

export function indexPage({ prefix, users, modules }) {
  // Newest first: v14 with pf2e 8 is what current GMs run.
  const links = [...PROFILE_NAMES].reverse().map((p) => {
    const { version, pf2e, generation } = PROFILES[p];
    const world = systemLine(generation) === "pf2e8" ? "pf2e 8 (remaster) world" : "2021 pf2e world";
    const userLinks = users.map((u) => `<a href="${prefix}/game?profile=${p}&amp;user=${esc(u._id)}">${esc(u.name)}</a>`).join(" · ");
    return `<li><strong>${p}</strong> (core ${version}, pf2e ${pf2e}, ${world}): ${userLinks}</li>`;
  }).join("\n");
  const mods = modules.map((m) => `<li>${esc(m.manifest.title ?? m.manifest.id)} <code>${esc(m.url)}</code></li>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Foundry harness</title><link rel="stylesheet" href="${prefix}/__harness/client/harness.css"></head>
<body class="harness-index"><main>
<h1>Foundry harness</h1>
<p>Open the game as a user under one of the version profiles.</p>
<ul>${links}</ul>
<h2>Modules</h2><ul>${mods || "<li>none</li>"}</ul>
</main></body></html>
`;
}
