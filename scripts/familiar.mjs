/**
 * Familiar's entry point. Importing the bundle starts at once (see wasm.mjs); each Foundry hook lives in its own
 * file under hooks/ and is wired here.
 */
import "./wasm.mjs";
import * as init from "./hooks/init.mjs";
import * as ready from "./hooks/ready.mjs";
import * as getSceneControlButtons from "./hooks/getSceneControlButtons.mjs";
import * as documentChanges from "./hooks/documentChanges.mjs";
import * as userConnected from "./hooks/userConnected.mjs";
import * as chatMessage from "./hooks/chatMessage.mjs";

for (const hook of [init, ready, getSceneControlButtons, documentChanges, userConnected, chatMessage]) hook.listen();
