// What the gates page's two components (ui/player.js, ui/arith.js) share: Python puts this
// file before each of them (ui/player.py, ui/arith.py). The payload's layout is in
// ui/player.py's docstring; numbers travel as integers in units of their last digit.

const TYPES = { int8: Int8Array, int16: Int16Array, int32: Int32Array };

function bytesOf(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data && data.buffer instanceof ArrayBuffer)
    return new Uint8Array(data.buffer, data.byteOffset || 0, data.byteLength);
  return null;
}

function decode(data) {
  const bytes = bytesOf(data);
  if (!bytes) return null;
  const own = bytes.slice(); // an aligned buffer of our own
  if (new TextDecoder().decode(own.subarray(0, 8)) !== "LSTMVIZ1") return null;
  const n = new DataView(own.buffer).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(own.subarray(12, 12 + n)));
  const start = 12 + n;
  const arrays = {};
  for (const a of header.arrays)
    arrays[a.name] = new TYPES[a.dtype](own.buffer, start + a.offset, a.length);
  return { header, arrays };
}

// "{name}" fields of a catalogue string, filled in one pass (a value is never read again).
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

// k in units of 10^-d, as lstm_viz.explain.fmt writes it: a real minus sign, never "−0.00";
// a negative in parentheses when paren (inside a sum or a product).
function fmt(k, d, paren = false) {
  const digits = String(Math.abs(k)).padStart(d + 1, "0");
  const text = digits.slice(0, -d) + "." + digits.slice(-d);
  if (k >= 0) return text;
  return paren ? `(−${text})` : `−${text}`;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("aria-") || name === "role" || name === "for") node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) node.appendChild(child);
  return node;
}
