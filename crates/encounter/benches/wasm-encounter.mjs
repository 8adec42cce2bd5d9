// Times the encounter exports inside the real wasm bundle under Node (the same engine family as Foundry's
// Electron/Chromium): rating 10,000 encounters through `calculateXp`, and single generations from a
// 3,000-creature `EncounterPool`. Usage (from the repository root):
//   cargo build --release -p familiar-wasm --target wasm32-unknown-unknown
//   wasm-bindgen --target nodejs --out-dir target/wasm-node target/wasm32-unknown-unknown/release/familiar_wasm.wasm
//   node crates/encounter/benches/wasm-encounter.mjs target/wasm-node/familiar_wasm.js
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);
const wasm = require(resolve(process.argv[2] ?? "target/wasm-node/familiar_wasm.js"));

// A small deterministic generator so every run rates the same encounters.
let state = 0x2545f491;
const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const int = (low, high) => low + Math.floor(random() * (high - low + 1));

const requests = Array.from({ length: 10_000 }, () => {
  const partyLevel = int(1, 20);
  return {
    partyLevel,
    partySize: int(1, 8),
    npcLevels: Array.from({ length: int(1, 8) }, () => Math.min(25, Math.max(-1, partyLevel + int(-6, 6)))),
    hazards: Array.from({ length: int(0, 2) }, () => ({ level: partyLevel, isComplex: random() < 0.5 })),
    proficiencyWithoutLevel: random() < 0.2,
  };
});

const runs = [];
for (let run = 0; run < 15; run++) {
  const started = performance.now();
  let total = 0;
  for (const request of requests) total += wasm.calculateXp(request).totalXP;
  runs.push(performance.now() - started);
  if (total <= 0) throw new Error("no XP rated");
}
runs.sort((a, b) => a - b);
console.log(`wasm: rating 10,000 encounters via calculateXp: best ${runs[0].toFixed(2)} ms, median ${runs[7].toFixed(2)} ms`);

const traits = ["undead", "beast", "humanoid", "fiend", "dragon", "construct", "aberration", "fey"];
const entries = Array.from({ length: 3_000 }, (_, n) => ({
  uuid: `Compendium.synthetic.Actor.${String(n).padStart(16, "0")}`,
  name: `Synthetic ${n}`,
  level: int(-1, 25),
  traits: [traits[int(0, traits.length - 1)]],
  rarity: ["common", "common", "uncommon", "rare"][int(0, 3)],
  kind: n % 40 === 0 ? "simpleHazard" : "creature",
}));
const pool = new wasm.EncounterPool(entries);
const threats = ["trivial", "low", "moderate", "severe", "extreme"];
const times = [];
for (let i = 0; i < 500; i++) {
  const request = {
    partyLevel: 1 + (i % 20),
    partySize: 1 + (Math.floor(i / 20) % 8),
    threat: threats[i % 5],
    allowHazards: i % 2 === 0,
    seed: i,
  };
  const started = performance.now();
  try {
    pool.generate(request);
  } catch {
    // Impossible requests (e.g. trivial for one level 1 character) are timed too.
  }
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(
  `wasm: one generation from a ${pool.size}-creature pool: mean ${mean.toFixed(3)} ms, p95 ${times[475].toFixed(3)} ms, max ${times[499].toFixed(3)} ms over 500 requests`,
);

