// pinyin-pro adapter for pinyinize's benchmark (bench/accuracy.py, bench/speed.py).
//
// Batch mode (default): stdin holds one JSON string (a sentence) per line. stdout gets one
// JSON array per sentence, one entry per code point (Python's str indexing): pinyin-pro's
// numbered reading ("le0", "lü4") or null where it gives none. The last stdout line is a JSON
// object {"meta": {...}} with the seconds spent converting (after a warm-up call, module
// load excluded), the module load seconds and pinyin-pro's version. One process serves a
// whole data set, so node's start-up is paid once and is not counted as conversion time.
//
// Speed mode (--speed TEXT_FILE LINES_FILE [REPEATS]): one JSON object with import seconds,
// first-call seconds, max RSS after the first call and after the text (KiB), and the best of
// REPEATS timed passes over LINES_FILE line by line and over TEXT_FILE as one string,
// mirroring bench/speed_probe.py, with pinyin-pro's fastest call (FAST below).  Start-up mode
// (--startup): load and make one call, then exit.
//
// Readings are normalised by the Python side (tone 0 -> 5, ü -> v), so this script stays a
// thin, faithful view of pinyin-pro's own output with its default options.

import { readFileSync } from "node:fs";

const OPTIONS = { type: "all", toneType: "num" };
const WARM_UP = "他还了书，银行行长说了算。";

async function loadPinyin() {
  const start = performance.now();
  const module = await import("pinyin-pro");
  return { pinyin: module.pinyin, seconds: (performance.now() - start) / 1000 };
}

function version() {
  const url = new URL("./node_modules/pinyin-pro/package.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

// One entry per code point of text: the reading of a Chinese character, else null.
function readingsOf(pinyin, text) {
  const out = [];
  for (const item of pinyin(text, OPTIONS)) {
    const width = [...item.origin].length;
    out.push(item.isZh && item.pinyin ? item.pinyin : null);
    for (let extra = 1; extra < width; extra += 1) out.push(null);
  }
  const expected = [...text].length;
  if (out.length !== expected) {
    throw new Error(`pinyin-pro gave ${out.length} readings for ${expected} characters`);
  }
  return out;
}

async function batch() {
  const { pinyin, seconds: loadSeconds } = await loadPinyin();
  const input = readFileSync(0, "utf8");
  const sentences = input.split("\n").filter((line) => line.length > 0).map(JSON.parse);
  readingsOf(pinyin, WARM_UP);
  const start = performance.now();
  const results = sentences.map((sentence) => readingsOf(pinyin, sentence));
  const seconds = (performance.now() - start) / 1000;
  const lines = results.map((readings) => JSON.stringify(readings));
  lines.push(JSON.stringify({ meta: { seconds, load_seconds: loadSeconds, version: version() } }));
  process.stdout.write(`${lines.join("\n")}\n`);
}

// The fastest of `repeats` timed runs of work(), in seconds.
function bestOf(repeats, work) {
  let best = Infinity;
  for (let pass = 0; pass < repeats; pass += 1) {
    const start = performance.now();
    work();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

// Its fastest documented call (a plain array of readings, no per-character objects): what
// a user who wants speed calls.  2.6x faster than the `type: "all"` call batch mode needs.
const FAST = { type: "array" };

async function speed(file, linesFile, repeats) {
  const { pinyin, seconds: importSeconds } = await loadPinyin();
  const firstStart = performance.now();
  pinyin(WARM_UP, FAST);
  const firstCallSeconds = (performance.now() - firstStart) / 1000;
  const maxRssKib = process.resourceUsage().maxRSS;
  const text = readFileSync(file, "utf8");
  const lines = readFileSync(linesFile, "utf8").split("\n");
  const linesSeconds = bestOf(repeats, () => lines.map((line) => pinyin(line, FAST)));
  const textSeconds = bestOf(repeats, () => pinyin(text, FAST));
  const result = {
    import_s: importSeconds,
    first_call_s: firstCallSeconds,
    max_rss_kib: maxRssKib,
    text_chars: [...text].length,
    text_s: textSeconds,
    rss_after_text_kib: process.resourceUsage().maxRSS,
    lines_chars: [...lines.join("\n")].length,
    lines_s: linesSeconds,
    version: version(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Load and make the first call, then exit: bench/speed.py times this whole process.
async function startUp() {
  const { pinyin } = await loadPinyin();
  pinyin(WARM_UP, FAST);
}

const args = process.argv.slice(2);
if (args[0] === "--speed") {
  await speed(args[1], args[2], Number(args[3] ?? 1));
} else if (args[0] === "--startup") {
  await startUp();
} else {
  await batch();
}
