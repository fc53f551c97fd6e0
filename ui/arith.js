// The step's arithmetic (ui/arith.py): the six lines and four sentences of the step the
// player shows, for the unit whose numbers Python sent, filled in here at every step.
//
// The player (ui/player.js) says where it is with the window event "lstm-viz-at" and in
// window.__lstmVizAt ({run, step, unit, hPrev}: hPrev is h_{t-1} of every unit, from its data). Lines are lstm_viz.explain.LINES: "{k}" the k-th
// number of the line, "{k:p}" in parentheses when negative, "{k:r}" "=" (1) or "≈" (0).
// Everything is set as textContent: the learner's tokens are never read as HTML.

const PANELS = new WeakMap();

class Panel {
  constructor(root) {
    this.root = root;
    this.id = "";
    this.onAt = (e) => this.follow(e.detail);
    window.addEventListener("lstm-viz-at", this.onAt);
    this.heading = el("p", { className: "ar-heading" });
    this.lines = el("pre", { className: "ar-formulas" });
    this.rounding = el("p", { className: "ar-note" });
    this.says = el("ul", { className: "ar-says" });
    this.inputHeading = el("p", { className: "ar-heading" });
    this.token = el("pre", { className: "ar-token" });
    this.inputs = el("pre", { className: "ar-inputs" });
    this.missing = el("p", { className: "ar-note ar-missing" });
    this.left = el("div", { className: "ar-left" }, this.heading, this.lines, this.rounding, this.says, this.missing);
    this.right = el("div", { className: "ar-right" }, this.inputHeading, this.token, this.inputs);
    root.replaceChildren(el("div", { className: "ar-box" }, this.left, this.right));
  }

  load(data) {
    const decoded = decode(data);
    if (!decoded || decoded.header.id === this.id) return;
    this.id = decoded.header.id;
    this.h = decoded.header;
    this.a = decoded.arrays;
    this.offsets = [];
    let at = 0;
    for (const w of this.h.widths) { this.offsets.push(at); at += w; }
    this.width = at;
    this.rounding.textContent = this.h.text.rounding;
    this.follow(window.__lstmVizAt);
  }

  // The player's step and unit: drawn at once when they are this run's and this unit's.
  follow(at) {
    if (!this.h || !at || at.run !== this.h.run) return;
    const step = Math.min(Math.max(at.step, 1), this.h.steps);
    this.root.dataset.waiting = String(at.unit !== this.h.unit);
    if (at.unit !== this.h.unit) { // the new unit's numbers are on their way from Python
      this.heading.textContent = fill(this.h.text.loading, { unit: at.unit });
      return;
    }
    this.draw(step, at.hPrev);
  }

  numbers(s, line) { // the numbers of line `line` at 0-based step s
    const start = s * this.width + this.offsets[line];
    return Array.from(this.a.lines.subarray(start, start + this.h.widths[line]));
  }

  line(s, k) {
    const n = this.numbers(s, k), d = this.h.digits;
    return this.h.lines[k].replace(/\{(\d+)(?::([pr]))?\}/g, (all, i, spec) =>
      spec === "r" ? (n[i] ? "=" : "≈") : fmt(n[i], d, spec === "p"));
  }

  sentences(s) { // text/explain.py's sentences, from the same numbers
    const h = this.h, d = h.digits, g = h.gate_lines, last = h.lines.length - 1;
    const value = (q) => this.numbers(s, g[q])[5]; // a gate line's value
    const level = (k) => (k >= h.high ? "high" : k <= h.low ? "low" : "mid");
    const cell = this.numbers(s, last - 1), hidden = this.numbers(s, last);
    const shown = { f: value("f"), i: value("i"), g: value("g"), o: value("o"),
      tc: hidden[3], c_prev: cell[1], c: cell[7] };
    const text = {};
    for (const [name, k] of Object.entries(shown)) text[name] = fmt(k, d);
    const out = Object.entries(h.says_gate).map(([say, q]) => fill(h.says[say][level(shown[q])], text));
    out.push(fill(h.change, text));
    return out;
  }

  vector(name, s) {
    const a = this.a[name], n = a.length / this.h.steps;
    return Array.from(a.subarray(s * n, (s + 1) * n), (k) => fmt(k, 3)).join(", ");
  }

  draw(step, hPrev) {
    const s = step - 1, tx = this.h.text;
    this.root.dataset.step = String(step); // what the panel shows (tests)
    this.root.dataset.unit = String(this.h.unit);
    this.heading.textContent = fill(tx.heading, { step, unit: this.h.unit });
    this.inputHeading.textContent = fill(tx.input_at, { step });
    this.token.textContent = `${tx.token}: ${this.h.tokens[s]}`;
    const h = Array.from(hPrev, (k) => fmt(k, 3)).join(", "); // the player's h_{t-1}
    this.inputs.textContent = `xₜ = [${this.vector("x", s)}]\nhₜ₋₁ = [${h}]`;
    const finite = this.a.finite[s] === 1;
    this.root.dataset.finite = String(finite);
    this.missing.textContent = finite ? "" : tx.not_finite;
    if (!finite) {
      this.lines.textContent = "";
      this.says.replaceChildren();
      return;
    }
    this.lines.textContent = this.h.lines.map((_, k) => this.line(s, k)).join("\n");
    this.says.replaceChildren(...this.sentences(s).map((t) => el("li", { text: t })));
  }

  stop() { window.removeEventListener("lstm-viz-at", this.onAt); PANELS.delete(this.root); }
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".lstm-arith") || parentElement;
  let panel = PANELS.get(root);
  if (!panel) {
    panel = new Panel(root);
    PANELS.set(root, panel);
  }
  panel.load(data);
  return () => panel.stop();
}
