// Foundry document ids are 16 alphanumeric characters (foundry.utils.randomID's default length).
import { randomBytes } from "node:crypto";

const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomID(length = 16) {
  const bytes = randomBytes(length);
  let id = "";
  for (const b of bytes) id += CHARS[b % CHARS.length];
  return id;
}
