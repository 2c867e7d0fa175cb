// Save indicator of a Common Ground capture form (anywidget ES module, no build step).
//
// Shows the save state the kernel reports (model "value"), pings the kernel every PING_MS
// through the widget's comm and shows a red NOT SAVED when no answer comes within LOST_MS.
// Every text typed into the form (fields carry a cg-field-<id> class) is kept in localStorage,
// keyed by the form's file, until the kernel confirms that its field holds exactly that text
// and the file is written. When the form is shown again (after a kernel restart and a re-run),
// kept texts are sent back and put into their fields; texts that fit no field are offered
// for copying, and so is text typed into a field the form removed meanwhile (a journey stage).
// Nothing typed is dropped silently.
//
// Two tabs on one file: the kernel numbers every value it puts into a bound text box (cg_rev,
// helpers/forms/text_fields.py). Each edit is stamped with the number of the value it was typed
// on (cg_edit_base, sent in the same message as the text), and a box does not take a new value
// from the kernel while its own edit is typed but not yet answered: the kernel merges the edit
// with the newer text and the answer to the edit brings the merged text back.

const PING_MS = 2000;
const LOST_MS = 7000;
const PREFIX = "common-ground:unsaved:";

function fieldOf(target) {
  const host = target && target.closest ? target.closest('[class*="cg-field-"]') : null;
  if (!host) return null;
  const css = Array.from(host.classList).find((c) => c.startsWith("cg-field-"));
  return css ? css.slice("cg-field-".length) : null;
}

const GUARDED = "__commonGroundGuarded";
let stamps = 0; // edits stamped in this page (makes every stamp a change, so it always travels with the text)

function has(object, key) {
  return object !== null && object !== undefined && Object.prototype.hasOwnProperty.call(object, key);
}

// Whether the box holds an edit the kernel has not answered yet: typed and not yet sent (a box
// that sends on Enter or leaving), waiting to be sent, or sent and its echo not back.
function editPending(box) {
  return (
    (box[GUARDED].typed !== undefined && box[GUARDED].typed !== box.get("value")) ||
    (box._msg_buffer !== null && box._msg_buffer !== undefined && has(box._msg_buffer, "value")) ||
    (box._expectedEchoMsgIds instanceof Map && box._expectedEchoMsgIds.has("value"))
  );
}

// Keep a box's own edit: a value the kernel sends while the edit is pending is not shown (the
// kernel merges the edit with it and answers with the merged text); a revision number never
// arrives without the value it numbers.
function guard(box) {
  if (box[GUARDED]) return;
  box[GUARDED] = { typed: undefined, shown: null };
  const apply = box.set_state.bind(box);
  box.set_state = (state) => {
    if (state && has(state, "value") && editPending(box)) {
      state = Object.assign({}, state);
      delete state.value;
      delete state.cg_rev;
    } else if (state && has(state, "cg_rev") && !has(state, "value")) {
      state = Object.assign({}, state);
      delete state.cg_rev;
    }
    const result = apply(state);
    if (state && has(state, "value")) {
      box[GUARDED].typed = undefined; // the box shows the kernel's text now (with this page's edits merged in)
      if (box[GUARDED].shown) box[GUARDED].shown(box.get("value"));
    }
    return result;
  };
}

function render({ model, el }) {
  const started = Date.now();
  const box = document.createElement("div");
  box.className = "cg-save-state";
  const alarm = document.createElement("div");
  alarm.className = "cg-kernel-lost";
  alarm.style.cssText =
    "display:none;color:#fff;background:#c62828;font-weight:bold;padding:4px 8px;margin:2px 0";
  const keep = document.createElement("div");
  keep.className = "cg-kept";
  keep.style.cssText = "display:none;border:2px solid #c62828;padding:4px 8px;margin:2px 0";
  const keepText = document.createElement("textarea");
  keepText.readOnly = true;
  keepText.style.cssText = "width:100%;height:5em";
  const copy = document.createElement("button");
  copy.textContent = "Copy the text not saved";
  copy.className = "cg-copy-kept";
  copy.onclick = () => {
    keepText.select();
    if (navigator.clipboard) navigator.clipboard.writeText(keepText.value).catch(() => document.execCommand("copy"));
    else document.execCommand("copy");
  };
  const keepNote = document.createElement("div");
  keep.append(keepNote, keepText, copy);
  el.append(alarm, box, keep);

  let lastAnswer = Date.now();
  let lost = false;
  const key = () => PREFIX + model.get("storage_key");
  const load = () => {
    try {
      return JSON.parse(localStorage.getItem(key()) || "{}") || {};
    } catch (e) {
      return {};
    }
  };
  const store = (kept) => {
    try {
      if (Object.keys(kept).length) localStorage.setItem(key(), JSON.stringify(kept));
      else localStorage.removeItem(key());
    } catch (e) {
      /* storage full or blocked: the alarm still shows */
    }
  };

  function show() {
    box.innerHTML = model.get("value");
    const kept = load();
    const ids = Object.keys(kept);
    const stray = ids.filter((id) => kept[id].missing);
    box.style.display = lost ? "none" : ""; // the last "saved" time would mislead now
    if (lost) {
      alarm.textContent =
        "NOT SAVED \u2014 kernel not answering (restarted, stopped or busy). What you type is kept in " +
        "this browser and written to the file when you run this notebook again " +
        "(Kernel \u203a Restart Kernel and Run All Cells).";
      alarm.style.display = "block";
    } else {
      alarm.style.display = "none";
    }
    const offer = lost ? ids : stray;
    if (offer.length) {
      keepNote.textContent = lost
        ? "Typed since the kernel stopped answering (kept in this browser):"
        : "Typed but not placed in this form (typed before the kernel restarted, or in a field removed since): " +
          "copy it where it belongs.";
      keepText.value = offer.map((id) => kept[id].value).join("\n\n");
      keep.style.display = "block";
    } else {
      keep.style.display = "none";
    }
  }

  const boxes = new Map(); // field id -> widget model of a bound text box
  async function findBoxes() {
    const wanted = model.get("field_models") || {};
    for (const [id, modelId] of Object.entries(wanted)) {
      if (boxes.has(id) && boxes.get(id).model_id === modelId) continue;
      try {
        const box = await model.widget_manager.get_model(modelId);
        if (box && (model.get("field_models") || {})[id] === modelId) {
          guard(box);
          // text kept for this box becomes what it shows once the kernel answered: the kernel
          // holds the edit (merged), and the next pong confirms it when it is on disk
          box[GUARDED].shown = (value) => {
            const kept = load();
            if (kept[id] && !kept[id].missing && kept[id].value !== value) {
              kept[id].value = value;
              store(kept);
            }
          };
          boxes.set(id, box);
        }
      } catch (e) {
        /* the box was closed meanwhile */
      }
    }
  }
  model.on("change:field_models", findBoxes);
  findBoxes();

  function onInput(ev) {
    const root = el.closest(".cg-form");
    if (!root || !root.contains(ev.target)) return;
    const id = fieldOf(ev.target);
    if (!id || typeof ev.target.value !== "string") return;
    const box = boxes.get(id);
    if (box && box[GUARDED]) {
      // runs before the box's own input handler (capture phase): the stamp goes out with the text
      stamps += 1;
      box[GUARDED].typed = ev.target.value;
      // silent: a change event would make the box's view show the model's text again, dropping this keystroke
      box.set("cg_edit_base", [box.get("cg_rev") || 0, stamps], { silent: true });
    }
    const kept = load();
    kept[id] = { value: ev.target.value, t: Date.now() };
    store(kept);
    if (lost) show();
  }
  document.addEventListener("input", onInput, true);

  function ping() {
    const kept = load();
    const fields = {};
    const restore = [];
    for (const [id, entry] of Object.entries(kept)) {
      if (entry.missing) continue;
      fields[id] = entry.value;
      if (entry.t < started && !entry.placed) restore.push(id);
    }
    try {
      model.send({ type: "ping", t: Date.now(), fields, restore });
    } catch (e) {
      /* a closed comm: the answer never comes and the alarm shows */
    }
    if (Date.now() - lastAnswer > LOST_MS && !lost) {
      lost = true;
      show();
    }
  }

  model.on("msg:custom", (msg) => {
    if (!msg || msg.type !== "pong") return;
    lastAnswer = Date.now();
    const kept = load();
    for (const [id, value] of Object.entries(msg.confirmed || {})) {
      if (kept[id] && kept[id].value === value) delete kept[id]; // typed on since the ping: keep it
    }
    for (const id of msg.missing || []) if (kept[id]) kept[id].missing = true;
    for (const [id, value] of Object.entries(msg.placed || {})) {
      if (kept[id]) {
        kept[id].placed = true;
        kept[id].value = value;
      }
    }
    store(kept);
    if (lost) lost = false;
    show();
  });
  model.on("change:value", show);
  show();
  const timer = setInterval(ping, PING_MS);
  setTimeout(ping, 200);
  return () => {
    clearInterval(timer);
    document.removeEventListener("input", onInput, true);
  };
}

export default { render };
