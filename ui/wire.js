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

// A catalogue string's "{name}" fields, filled in one pass (a value is never read again); a
// name not in `values` stays as it is. compile splits the string once, for many values (the
// maps' hover texts are one a cell).
function compile(template) {
  const parts = template.split(/\{(\w+)\}/); // text, name, text, name, …, text
  return (values) => {
    let out = parts[0];
    for (let k = 1; k < parts.length; k += 2)
      out += (parts[k] in values ? String(values[parts[k]]) : `{${parts[k]}}`) + parts[k + 1];
    return out;
  };
}

function fill(template, values) {
  return compile(template)(values);
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
