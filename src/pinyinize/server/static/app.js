// The pinyinize page.  Every piece of user text goes into the page through textContent or
// text nodes, never through the HTML parser: nothing typed here can run as HTML or script.
"use strict";

const STORE = "pinyinize.readings"; // {word: "hang2 zhang3"}: the readings chosen this session
const EXTENSIONS = { inline: "txt", pinyin: "txt", ruby: "html", json: "json" };
const $ = (id) => document.getElementById(id);

let choices = loadChoices();
// Readings chosen for one occurrence: {start: {word, syllables}}, offsets in shownText.
// They belong to one text: typing clears them.
let occurrences = {};
let shownText = ""; // the text the preview was built from (offsets refer to it)
let shownPieces = []; // its pieces as drawn, readings chosen for one occurrence included
let shownPerCharacter = false;
let generation = 0; // answers to an older request are dropped
let timer = 0;

function loadChoices() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE) || "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function saveChoices() {
  try {
    sessionStorage.setItem(STORE, JSON.stringify(choices));
  } catch {
    // storage disabled: the choices still hold until the page is left
  }
  const count = Object.keys(choices).length;
  $("choices-summary").textContent = count
    ? `${count} reading${count === 1 ? "" : "s"} chosen by you (kept in this tab).`
    : "";
}

// The selection as the CLI writes it (--annotate): HSK level, characters beyond N
// thousand, polyphones (alternatives, as in the CLI), then first.
function selection() {
  const criteria = [];
  if ($("select").value !== "all") criteria.push($("select").value);
  const thousands = Number($("chars").value);
  if ($("chars").value && thousands > 0) criteria.push(`chars:${thousands}`);
  if ($("polyphones").checked) criteria.push("polyphones");
  if (criteria.length === 0) criteria.push("all");
  if ($("first").checked) criteria.push("first");
  return criteria.join(",");
}

function options() {
  return {
    text: $("text").value,
    tones: $("tones").value,
    mode: $("mode").value,
    select: selection(),
    per_character: $("per-character").checked,
    orthography: $("orthography").checked,
    numbers: $("numbers").checked,
    user_dict: { ...choices },
  };
}

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

function say(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

function schedule() {
  occurrences = {};
  clearTimeout(timer);
  timer = setTimeout(refresh, 300);
}

async function refresh() {
  const mine = ++generation;
  const request = options();
  if (!request.text.trim()) {
    $("preview").replaceChildren();
    $("output").value = "";
    closePicker();
    say("");
    return;
  }
  say("Annotating…");
  const [pieces, output] = await Promise.allSettled([
    api("/api/pieces", request),
    api("/api/annotate", { ...request, format: $("format").value }),
  ]);
  if (mine !== generation) return;
  if (pieces.status === "fulfilled") {
    shownText = request.text;
    showPieces(pieces.value.pieces, request.per_character);
  } else {
    // refused (too large, already annotated): no preview of an older text under the error
    $("preview").replaceChildren();
    closePicker();
  }
  if (output.status === "fulfilled") {
    const result = output.value.result;
    const format = $("format").value;
    $("output").value = hasOccurrenceChoices() && format in CLIENT_FORMATS
      ? CLIENT_FORMATS[format]()
      : typeof result === "string" ? result : JSON.stringify(result, null, 2);
  } else {
    $("output").value = "";
  }
  const failed = [pieces, output].find((answer) => answer.status === "rejected");
  say(failed ? failed.reason.message : "Click a word to see its other readings.", !!failed);
}

// The tone of a written syllable, 1-5, or 0 when its style does not show it (tones none).
const TONE_MARKS = { "\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4 };
const ZHUYIN_MARKS = { "ˊ": 2, "ˇ": 3, "ˋ": 4, "˙": 5 };
function toneOf(syllable, tones) {
  if (tones === "numbers" || tones === "initials-finals") return Number(syllable.slice(-1)) || 0;
  if (tones === "zhuyin") {
    const mark = Array.from(syllable).find((char) => Object.hasOwn(ZHUYIN_MARKS, char));
    return mark ? ZHUYIN_MARKS[mark] : 1;
  }
  if (tones !== "marks") return 0;
  const mark = Array.from(syllable.normalize("NFD")).find((char) => Object.hasOwn(TONE_MARKS, char));
  return mark ? TONE_MARKS[mark] : 5;
}

// (base, syllable) pairs: one per character, a merged erhua 儿 (no syllable of its own)
// joined to the character before it, as the ruby format writes them.
function pairs(text, syllables, pinyin) {
  const characters = Array.from(text); // code points, as the server counts them
  if (syllables.length !== characters.length || !syllables[0]) return [[text, pinyin]];
  const result = [];
  characters.forEach((char, i) => {
    if (syllables[i]) result.push([char, syllables[i]]);
    else result[result.length - 1][0] += char;
  });
  return result;
}

function ruby(bases, tones) {
  const element = document.createElement("ruby");
  for (const [base, syllable] of bases) {
    const open = document.createElement("rp");
    const rt = document.createElement("rt");
    const close = document.createElement("rp");
    open.textContent = "(";
    rt.textContent = syllable;
    const tone = toneOf(syllable, tones);
    if (tone) rt.className = `t${tone}`;
    close.textContent = ")";
    element.append(document.createTextNode(base), open, rt, close);
  }
  return element;
}

function showPieces(pieces, perCharacter) {
  const preview = $("preview");
  const tones = $("tones").value;
  shownPieces = [];
  shownPerCharacter = perCharacter;
  const nodes = pieces.map((original) => {
    let piece = original;
    shownPieces.push(piece);
    if (piece.pinyin === null) return document.createTextNode(piece.text);
    // A number read aloud (12.5%): one reading under its digits, nothing to choose from.
    if (piece.syllables.length === 0) return ruby([[piece.text, piece.pinyin]], tones);
    // An inline span, not a <button>: a button is an atomic inline, and the line breaker
    // may break around it anywhere, even after “ or before 。 (clreq's line-start and
    // line-end prohibitions hold only between inline text).
    const word = document.createElement("span");
    word.setAttribute("role", "button");
    word.tabIndex = 0;
    word.className = "word";
    word.dataset.start = String(piece.start);
    word.dataset.word = piece.text;
    let syllables = piece.syllables;
    const here = occurrences[piece.start];
    if (here && here.word === piece.text) {
      syllables = here.syllables;
      piece = { ...piece, pinyin: here.pinyin, syllables };
      shownPieces[shownPieces.length - 1] = piece;
      word.classList.add("chosen-here");
    } else if (Object.hasOwn(choices, piece.text)) {
      word.classList.add("chosen");
    }
    const bases = pairs(piece.text, syllables, piece.pinyin);
    if (perCharacter) bases.forEach((pair) => word.append(ruby([pair], tones)));
    else word.append(ruby(bases, tones));
    return word;
  });
  preview.replaceChildren(...nodes);
}

async function openPicker(button) {
  document.querySelectorAll(".word.active").forEach((w) => w.classList.remove("active"));
  button.classList.add("active");
  const word = button.dataset.word;
  const request = options();
  $("picker-word").textContent = word;
  $("picker-candidates").replaceChildren();
  $("picker").hidden = false;
  try {
    const answer = await api("/api/readings", {
      word,
      context: shownText,
      start: Number(button.dataset.start),
      tones: request.tones,
      mode: request.mode,
      user_dict: request.user_dict,
    });
    // the first candidate is the reading in context (in citation tones)
    const buttons = answer.candidates.map((candidate, index) => {
      const choice = document.createElement("button");
      choice.type = "button";
      choice.textContent = candidate.pinyin;
      choice.setAttribute("aria-pressed", String(index === 0));
      const start = Number(button.dataset.start);
      choice.addEventListener("click", () => choose(word, start, candidate.readings.join(" ")));
      return choice;
    });
    $("picker-candidates").replaceChildren(...buttons);
    if (!buttons.length) say(`No other readings are known for ${word}.`);
  } catch (error) {
    say(error.message, true);
  }
}

function closePicker() {
  $("picker").hidden = true;
  document.querySelectorAll(".word.active").forEach((w) => w.classList.remove("active"));
}

async function choose(word, start, readings) {
  if ($("picker-all").checked) {
    choices[word] = readings;
    saveChoices();
  } else {
    // this occurrence only: its syllables as the chosen reading writes them
    const { tones, mode } = options();
    try {
      const answer = await api("/api/pieces", {
        text: word, tones, mode, user_dict: { [word]: readings }, force: true,
      });
      const { pinyin, syllables } = answer.pieces[0];
      occurrences[start] = { word, pinyin, syllables };
    } catch (error) {
      return say(error.message, true);
    }
  }
  closePicker();
  refresh();
}

function forget(word) {
  for (const [start, here] of Object.entries(occurrences)) {
    if (here.word === word) delete occurrences[start];
  }
  delete choices[word];
  saveChoices();
  closePicker();
  refresh();
}

// With a reading chosen for one occurrence the server cannot write the result (it knows
// readings per word): inline and ruby are written here from the pieces as drawn, exactly
// as the server's renderers write them (src/pinyinize/render/inline.py and ruby.py).
function hasOccurrenceChoices() {
  return shownPieces.some((piece) => occurrences[piece.start]?.word === piece.text);
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

function rubyPairs(bases) {
  return bases.map(([base, syllable]) => `${escapeHtml(base)}<rp>(</rp><rt>${escapeHtml(syllable)}</rt><rp>)</rp>`);
}

const CLIENT_FORMATS = {
  inline: () => shownPieces.map((p) => (p.pinyin === null ? p.text : `${p.text}(${p.pinyin})`)).join(""),
  ruby: () =>
    shownPieces.map((p) => {
      if (p.pinyin === null) return escapeHtml(p.text);
      const pairsHtml = rubyPairs(pairs(p.text, p.syllables, p.pinyin));
      return shownPerCharacter
        ? pairsHtml.map((pair) => `<ruby>${pair}</ruby>`).join("")
        : `<ruby>${pairsHtml.join("")}</ruby>`;
    }).join(""),
};

// The server's whole ruby document with another fragment in its body, one <p> a line that
// is not blank, as src/pinyinize/formats/text.py writes it.
function withBody(document, fragment) {
  const start = document.indexOf("<body>\n") + "<body>\n".length;
  const end = document.lastIndexOf("</body>");
  const body = fragment.split(/(\r\n|\r|\n)/).map((part, i) =>
    i % 2 === 0 && part.replace(/[ \t\f\v]/g, "") ? `<p>${part}</p>` : part).join("");
  return document.slice(0, start) + body + document.slice(end);
}

// How the annotated text looks: size, typeface, pinyin over or under, tone colours.
function applyLook() {
  const preview = $("preview");
  preview.style.setProperty("--size", `${$("size").value}px`);
  $("size-value").textContent = `${$("size").value} px`;
  preview.classList.remove("face-serif", "face-kai");
  if ($("face").value !== "sans") preview.classList.add(`face-${$("face").value}`);
  preview.classList.toggle("pinyin-below", $("position").value === "under");
  preview.classList.toggle("tone-colours", $("tone-colours").checked);
}

// A local font is there when text set in it measures differently from each fallback.
function fontInstalled(family) {
  const context = document.createElement("canvas").getContext("2d");
  const sample = "mmmmmmmmmmlli WQ 永字八法";
  return ["monospace", "serif", "sans-serif"].every((fallback) => {
    context.font = `40px ${fallback}`;
    const plain = context.measureText(sample).width;
    context.font = `40px "${family}", ${fallback}`;
    return context.measureText(sample).width !== plain;
  });
}

const KAI_FONTS = ["KaiTi", "STKaiti", "Kaiti SC", "AR PL UKai CN", "TW-Kai", "BiauKai"];
function offerKai() {
  if (KAI_FONTS.some(fontInstalled)) return;
  const option = $("face").querySelector('option[value="kai"]');
  option.disabled = true;
  option.textContent = "楷体 Kai (not installed)";
}

async function copy(format) {
  try {
    const text = hasOccurrenceChoices()
      ? CLIENT_FORMATS[format]()
      : (await api("/api/annotate", { ...options(), format })).result;
    if (format === "ruby" && window.ClipboardItem && navigator.clipboard?.write) {
      const item = new ClipboardItem({
        "text/html": new Blob([text], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" }),
      });
      await navigator.clipboard.write([item]);
    } else if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
    } else {
      copyByHand(text); // plain http on another host is not a secure context
    }
    say(format === "ruby" ? "Copied as HTML." : "Copied as inline text.");
  } catch (error) {
    say(`Could not copy: ${error.message}`, true);
  }
}

function copyByHand(text) {
  const output = $("output");
  output.value = text;
  output.select();
  if (!document.execCommand("copy")) throw new Error("the browser refused; copy it from the box");
}

function save(content, name, type) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([content], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function download() {
  const format = $("format").value;
  let content = $("output").value;
  if (!content) return say("Nothing to download yet.", true);
  if (format === "ruby") {
    // a whole document with the ruby stylesheet, one paragraph a line, as the CLI writes it
    try {
      content = (await api("/api/annotate", { ...options(), format, fragment: false })).result;
    } catch (error) {
      return say(error.message, true);
    }
    if (hasOccurrenceChoices()) content = withBody(content, CLIENT_FORMATS.ruby());
  }
  const type = format === "ruby" ? "text/html" : format === "json" ? "application/json" : "text/plain";
  save(content, `pinyin.${EXTENSIONS[format]}`, `${type};charset=utf-8`);
}

function exportChoices() {
  const lines = Object.entries(choices).map(([word, readings]) => `${word}\t${readings}\n`);
  if (!lines.length) return say("Choose a reading first: click a word.", true);
  save(`# pinyinize user dictionary: word<TAB>pinyin\n${lines.join("")}`, "user-dict.tsv", "text/tab-separated-values;charset=utf-8");
  say(`Exported ${lines.length} reading${lines.length === 1 ? "" : "s"}.`);
}

function start() {
  $("text").addEventListener("input", schedule);
  const selectors = ["chars", "polyphones", "first"];
  for (const id of ["format", "tones", "mode", "select", "per-character", "orthography", "numbers", ...selectors]) {
    $(id).addEventListener("change", refresh);
  }
  for (const id of ["size", "face", "position", "tone-colours"]) {
    $(id).addEventListener("input", applyLook);
    $(id).addEventListener("change", applyLook);
  }
  $("print").addEventListener("click", () => window.print());
  offerKai();
  applyLook();
  $("preview").addEventListener("click", (event) => {
    const word = event.target.closest(".word");
    if (word) openPicker(word);
  });
  $("preview").addEventListener("keydown", (event) => {
    const word = event.target.closest(".word");
    if (word && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openPicker(word);
    }
  });
  $("picker-close").addEventListener("click", closePicker);
  $("picker-reset").addEventListener("click", () => forget($("picker-word").textContent));
  $("copy-html").addEventListener("click", () => copy("ruby"));
  $("copy-inline").addEventListener("click", () => copy("inline"));
  $("download").addEventListener("click", download);
  $("export").addEventListener("click", exportChoices);
  $("clear").addEventListener("click", () => {
    choices = {};
    saveChoices();
    refresh();
  });
  saveChoices();
  if ($("text").value.trim()) refresh();
}

start();
