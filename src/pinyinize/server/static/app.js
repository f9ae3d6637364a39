// The pinyinize page.  Every piece of user text goes into the page through textContent or
// text nodes, never through the HTML parser: nothing typed here can run as HTML or script.
"use strict";

const STORE = "pinyinize.readings"; // {word: "hang2 zhang3"}: the readings chosen this session
const EXTENSIONS = { inline: "txt", pinyin: "txt", ruby: "html", json: "json" };
const $ = (id) => document.getElementById(id);

let choices = loadChoices();
let shownText = ""; // the text the preview was built from (offsets refer to it)
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

function options() {
  return {
    text: $("text").value,
    tones: $("tones").value,
    mode: $("mode").value,
    select: $("select").value,
    per_character: $("per-character").checked,
    orthography: $("orthography").checked,
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
  }
  if (output.status === "fulfilled") {
    const result = output.value.result;
    $("output").value = typeof result === "string" ? result : JSON.stringify(result, null, 2);
  } else {
    $("output").value = "";
  }
  const failed = [pieces, output].find((answer) => answer.status === "rejected");
  say(failed ? failed.reason.message : "Click a word to see its other readings.", !!failed);
}

function ruby(text, pinyin) {
  const element = document.createElement("ruby");
  const open = document.createElement("rp");
  const rt = document.createElement("rt");
  const close = document.createElement("rp");
  open.textContent = "(";
  rt.textContent = pinyin;
  close.textContent = ")";
  element.append(document.createTextNode(text), open, rt, close);
  return element;
}

function showPieces(pieces, perCharacter) {
  const preview = $("preview");
  const nodes = pieces.map((piece) => {
    if (piece.pinyin === null) return document.createTextNode(piece.text);
    const word = document.createElement("button");
    word.type = "button";
    word.className = "word";
    word.dataset.start = String(piece.start);
    word.dataset.word = piece.text;
    if (Object.hasOwn(choices, piece.text)) word.classList.add("chosen");
    const characters = Array.from(piece.text); // code points, as the server counts them
    if (perCharacter && piece.syllables.length === characters.length) {
      characters.forEach((char, i) => word.append(ruby(char, piece.syllables[i])));
    } else {
      word.append(ruby(piece.text, piece.pinyin));
    }
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
      choice.addEventListener("click", () => choose(word, candidate.readings.join(" ")));
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

function choose(word, readings) {
  choices[word] = readings;
  saveChoices();
  closePicker();
  refresh();
}

function forget(word) {
  delete choices[word];
  saveChoices();
  closePicker();
  refresh();
}

async function copy(format) {
  try {
    const answer = await api("/api/annotate", { ...options(), format });
    const text = answer.result;
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

function download() {
  const format = $("format").value;
  let content = $("output").value;
  if (!content) return say("Nothing to download yet.", true);
  if (format === "ruby") {
    content = `<!doctype html>\n<meta charset="utf-8">\n<title>pinyin</title>\n<body lang="zh">\n${content}\n</body>\n`;
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
  for (const id of ["format", "tones", "mode", "select", "per-character", "orthography"]) {
    $(id).addEventListener("change", refresh);
  }
  $("preview").addEventListener("click", (event) => {
    const word = event.target.closest(".word");
    if (word) openPicker(word);
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
