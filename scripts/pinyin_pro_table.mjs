// Dump pinyin-pro's readings for scripts/audit_readings.py (which writes them, sorted and
// numbered, to scripts/data/pinyin_pro.tsv).  stdin: the characters to ask for, as one line.
// stdout: one JSON object {version, chars: {char: [marked readings, default first]},
// words: {word: "marked syllables"}} — the words are pinyin-pro's own word dictionaries
// (dict2-dict5), read from the installed package (npm ci --prefix bench).
import { readFileSync } from "node:fs";

const root = new URL("../bench/node_modules/pinyin-pro/", import.meta.url);
const { pinyin } = await import(new URL("dist/esm/index.mjs", root));
const words = {};
for (const size of [2, 3, 4, 5]) {
  const module = await import(new URL(`dist/esm/data/dict${size}.mjs`, root));
  Object.assign(words, module.default);
}
const chars = {};
for (const char of readFileSync(0, "utf8").trim()) {
  chars[char] = pinyin(char, { multiple: true, type: "array" });
}
const version = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).version;
console.log(JSON.stringify({ version, chars, words }));
