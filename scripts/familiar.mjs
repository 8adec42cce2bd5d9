/**
 * Familiar's entry point. Importing the bundle starts at once (see core/wasm.mjs); each Foundry hook lives in its own
 * file under hooks/ and is wired here.
 */
import "./core/wasm.mjs";
import * as init from "./hooks/init.mjs";
import * as ready from "./hooks/ready.mjs";
import * as getSceneControlButtons from "./hooks/getSceneControlButtons.mjs";
import * as documentChanges from "./hooks/documentChanges.mjs";
import * as userConnected from "./hooks/userConnected.mjs";
import * as chatMessage from "./hooks/chatMessage.mjs";
import * as canvasReady from "./hooks/canvasReady.mjs";
import * as canvasTearDown from "./hooks/canvasTearDown.mjs";
import * as updateUser from "./hooks/updateUser.mjs";

const HOOKS = [init, ready, getSceneControlButtons, documentChanges, userConnected, chatMessage, canvasReady, canvasTearDown, updateUser];
for (const hook of HOOKS) hook.listen();
