// The gates player (ui/player.py): one run, drawn with plotly.js and stepped through in the
// browser; the step and unit it shows go back to Python as the state "at".
//
// Every label comes from Python (the catalogue); the learner's tokens are only ever set as
// textContent, or as Python's Plotly-escaped copies (header.labels) inside the chart.
// decode, fill, fmt and el come from ui/wire.js, and loadPlotly from figures/load_plotly.js,
// which ui/player.py puts before this file.

const PLAYERS = new WeakMap(); // root element → its Player (the function runs on every rerun)

class Player {
  constructor(root) {
    this.root = root;
    this.id = "";
    this.rev = -1;
    this.step = 1;
    this.unit = 1;
    this.playing = false;
    this.timer = null;
    this.sent = null;
    this.sentAt = 0;
    this.trailing = null;
    this.drawn = false;
    this.uid = "lp" + Math.random().toString(36).slice(2, 9);
  }

  // ---- data ----------------------------------------------------------------------------

  load(data) {
    const decoded = decode(data);
    if (!decoded) return;
    const { header, arrays } = decoded;
    if (header.id === this.id) return; // a rerun with the same run: nothing to do
    const first = !this.id;
    clearTimeout(this.timer); // a new run (a new sequence, model or language) starts paused
    this.playing = false;
    this.id = header.id;
    this.h = header;
    this.a = arrays;
    this.T = header.steps;
    this.H = header.units;
    const req = header.request;
    if (req.rev !== this.rev) { // Python moved the player: a link, a new sequence, a model
      this.rev = req.rev;
      this.step = req.step;
      this.unit = req.unit;
    }
    this.step = Math.min(Math.max(this.step, 1), this.T);
    this.unit = Math.min(Math.max(this.unit, 1), this.H);
    if (first) this.build();
    else this.relabel();
    this.draw();
  }

  k3(q, s, u) { // quantity q at 0-based step s and unit u, in thousandths
    const n = this.a[q][s * this.H + u];
    return this.h.gates.includes(q) ? n >> 1 : n;
  }

  k2(q, s, u) { // a gate in hundredths, as fmt(v, 2) rounds it
    const n = this.a[q][s * this.H + u];
    const k = n >> 1;
    if (Math.abs(k) % 10 === 5) return (n & 1) ? (k + 5) / 10 : (k - 5) / 10;
    return Math.round(k / 10);
  }

  before(q, s, u) { // C_{t-1} or h_{t-1} in thousandths
    return s === 0 ? this.a[q + "0"][u] : this.k3(q, s - 1, u);
  }

  values(s, u) {
    const v = {};
    for (const q of this.h.maps) v[q] = fmt(this.k3(q, s, u), 3);
    return v;
  }

  // ---- the page elements ---------------------------------------------------------------

  build() {
    this.root.replaceChildren();
    const box = el("div", { className: "lp-box" });
    this.playButton = el("button", { type: "button", className: "lp-play", "aria-pressed": "false" });
    this.playButton.addEventListener("click", () => this.toggle());
    this.stepInput = el("input", { type: "range", className: "lp-step", id: this.uid + "-step", min: 1, step: 1 });
    this.stepInput.addEventListener("input", () => { // dragged while playing: play on from here
      this.go(Number(this.stepInput.value), this.unit, "now");
      this.restart();
    });
    this.stepOut = el("output", { className: "lp-step-out", "for": this.uid + "-step" });
    this.unitInput = el("input", { type: "number", className: "lp-unit", id: this.uid + "-unit", min: 1, step: 1, inputMode: "numeric" });
    this.unitInput.addEventListener("change", () => this.go(this.step, Number(this.unitInput.value), "now"));
    this.speedSelect = el("select", { className: "lp-speed", id: this.uid + "-speed" });
    for (const speed of this.h.speeds)
      this.speedSelect.appendChild(el("option", { value: String(speed), text: speed + "×", selected: speed === 1 }));
    this.speedSelect.addEventListener("change", () => this.restart());
    this.loopInput = el("input", { type: "checkbox", className: "lp-loop", id: this.uid + "-loop" });
    this.labels = {
      step: el("label", { htmlFor: this.uid + "-step" }),
      unit: el("label", { htmlFor: this.uid + "-unit" }),
      speed: el("label", { htmlFor: this.uid + "-speed" }),
      loop: el("label", { htmlFor: this.uid + "-loop" }),
    };
    this.controls = el("div", { className: "lp-controls", role: "group" },
      this.playButton,
      el("span", { className: "lp-field lp-field-step" }, this.labels.step, this.stepInput, this.stepOut),
      el("span", { className: "lp-field" }, this.labels.unit, this.unitInput),
      el("span", { className: "lp-field" }, this.labels.speed, this.speedSelect),
      el("span", { className: "lp-field" }, this.loopInput, this.labels.loop));
    this.live = el("p", { className: "lp-live", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.diagramDiv = el("div", { className: "lp-diagram" });
    this.mapsDiv = el("div", { className: "lp-maps" });
    this.chart = el("div", { className: "lp-chart", tabIndex: 0, role: "group", "aria-describedby": this.uid + "-summary" },
      this.diagramDiv, this.mapsDiv);
    this.chart.addEventListener("keydown", (e) => this.key(e, true));
    this.controls.addEventListener("keydown", (e) => this.key(e, false));
    this.summary = el("p", { className: "lp-summary", id: this.uid + "-summary" });
    this.message = el("p", { className: "lp-message" });
    this.tableSummary = el("summary");
    this.table = el("table", { className: "lp-values" });
    this.details = el("details", { className: "lp-table" }, this.tableSummary, this.table);
    this.details.addEventListener("toggle", () => this.fillTable());
    this.keysNote = el("p", { className: "lp-keys" });
    box.append(this.controls, this.live, this.message, this.chart, this.summary, this.details, this.keysNote);
    this.root.appendChild(box);
    // A phone's column gets the narrow figures; turning it (or resizing a window) across
    // narrow_px draws the other pair.
    new ResizeObserver(() => {
      if (this.drawn && this.fitted() !== this.fit) { this.drawn = false; this.drawChart(); }
    }).observe(this.root);
    this.relabel();
  }

  fitted() { // the figures for the player's width: header.narrow below narrow_px, else header
    const width = this.root.clientWidth;
    return this.h.narrow && width > 0 && width < this.h.narrow_px ? this.h.narrow : this.h;
  }

  relabel() { // the texts that depend on the language and the run's size
    const tx = this.h.text;
    this.controls.setAttribute("aria-label", tx.controls);
    this.labels.step.textContent = tx.step;
    this.labels.unit.textContent = tx.unit;
    this.labels.speed.textContent = tx.speed;
    this.labels.loop.textContent = tx.loop;
    this.keysNote.textContent = tx.keys;
    this.stepInput.max = this.T;
    this.unitInput.max = this.H;
    this.stepInput.disabled = this.T === 1;
    this.drawn = false; // a new run: both figures are drawn afresh
    this.shownUnit = null;
  }

  // ---- moving --------------------------------------------------------------------------

  go(step, unit, how) {
    if (!Number.isFinite(step) || !Number.isFinite(unit)) return;
    this.step = Math.min(Math.max(Math.round(step), 1), this.T);
    this.unit = Math.min(Math.max(Math.round(unit), 1), this.H);
    this.draw();
    this.sync(how === "now");
  }

  key(event, onChart) {
    const target = event.target;
    const typing = target.tagName === "SELECT" || (target.tagName === "INPUT" && target.type !== "checkbox");
    if (typing) return; // the slider, the unit box and the speed list keep their own keys
    const moves = { ArrowLeft: this.step - 1, ArrowRight: this.step + 1, Home: 1, End: this.T };
    if (event.key in moves) {
      event.preventDefault();
      this.pause();
      this.go(moves[event.key], this.unit, "now");
    } else if (onChart && (event.key === " " || event.key === "Enter")) {
      event.preventDefault();
      this.toggle();
    }
  }

  toggle() { if (this.playing) this.pause(); else this.play(); }

  interval() { return this.h.frame_ms / Number(this.speedSelect.value || 1); }

  play() {
    if (this.playing) return;
    this.playing = true;
    if (this.step >= this.T) this.go(1, this.unit, "playing"); // from the start again
    this.restart();
    this.showPlaying();
  }

  restart() { // (re)start the clock at the current step and speed
    clearTimeout(this.timer);
    if (!this.playing) return;
    this.t0 = performance.now();
    this.s0 = this.step;
    this.timer = setTimeout(() => this.tick(), this.interval());
  }

  // The step follows the clock: step s0 + n after n intervals. A frame that draws late
  // does not slow the clock; if drawing falls behind, a step is skipped, never the speed.
  tick() {
    if (!this.playing) return;
    const n = Math.floor((performance.now() - this.t0) / this.interval());
    let next = this.s0 + n;
    if (next >= this.T && !this.loopInput.checked) {
      this.go(this.T, this.unit, "playing");
      this.pause();
      return;
    }
    next = ((next - 1) % this.T) + 1;
    this.go(next, this.unit, "playing");
    const due = this.t0 + (n + 1) * this.interval();
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - performance.now()));
  }

  pause() {
    clearTimeout(this.timer);
    if (!this.playing) return;
    this.playing = false;
    this.showPlaying();
    this.sync(true);
  }

  stop() { // the component is unmounted (Streamlit calls the cleanup): no timer outlives it
    clearTimeout(this.timer);
    clearTimeout(this.trailing);
    this.playing = false;
  }

  showPlaying() {
    const tx = this.h.text;
    this.playButton.textContent = this.playing ? tx.pause : tx.play;
    this.playButton.setAttribute("aria-pressed", String(this.playing));
    this.root.dataset.playing = String(this.playing);
  }

  // Python hears the step and unit: at once on a key, click or pause; while playing, at most
  // every sync_ms (the last step of a burst is always sent).
  sync(now) {
    const at = { step: this.step, unit: this.unit, rev: this.rev };
    const same = this.sent && this.sent.step === at.step && this.sent.unit === at.unit && this.sent.rev === at.rev;
    clearTimeout(this.trailing);
    if (same) return;
    const wait = this.h.sync_ms - (performance.now() - this.sentAt);
    if (now || wait <= 0) {
      this.sent = at;
      this.sentAt = performance.now();
      this.send("at", at);
    } else {
      this.trailing = setTimeout(() => this.sync(true), wait);
    }
  }

  // ---- drawing -------------------------------------------------------------------------

  draw() {
    const s = this.step - 1, u = this.unit - 1, tx = this.h.text;
    this.stepInput.value = String(this.step);
    if (document.activeElement !== this.unitInput) this.unitInput.value = String(this.unit);
    this.stepOut.textContent = `${this.step} / ${this.T}`;
    this.showPlaying();
    const token = this.h.tokens[s];
    const v = this.values(s, u);
    this.live.textContent = fill(tx.live, { step: this.step, steps: this.T, token, unit: this.unit, ...v });
    const place = { step: this.step, steps: this.T, unit: this.unit, units: this.H };
    this.chart.setAttribute("aria-label", fill(tx.chart, place));
    this.summary.textContent = fill(tx.summary, place);
    this.tableSummary.textContent = fill(tx.table, place);
    this.root.dataset.step = String(this.step);
    this.root.dataset.unit = String(this.unit);
    if (this.details.open) this.fillTable();
    this.tell();
    this.drawChart();
  }

  // The step's arithmetic (ui/arith.js, a component of its own below) follows this step and
  // unit at once: it reads them from this event, and from window.__lstmVizAt when it mounts,
  // with h_{t-1} of every unit (thousandths), which only the player's data holds.
  tell() {
    const s = this.step - 1;
    const hPrev = Array.from({ length: this.H }, (_, u) => this.before("h", s, u));
    const at = { run: this.h.run, step: this.step, unit: this.unit, hPrev };
    window.__lstmVizAt = at;
    window.dispatchEvent(new CustomEvent("lstm-viz-at", { detail: at }));
  }

  // One redraw at a time, always of the latest step and unit: steps that come while
  // plotly.js is busy are folded into the next redraw.
  async drawChart() {
    if (this.busy) { this.pending = true; return; }
    this.busy = true;
    try {
      do {
        this.pending = false;
        await this.redraw(this.step - 1, this.unit - 1);
      } while (this.pending);
    } finally {
      this.busy = false;
    }
  }

  async redraw(s, u) {
    let Plotly;
    try {
      if (!window.Plotly) this.message.textContent = this.h.text.loading;
      Plotly = await loadPlotly(this.h.plotly);
      this.message.textContent = "";
    } catch (err) {
      this.message.textContent = this.h.text.failed;
      return;
    }
    if (!this.drawn) {
      // The first drawing is made at the step and unit already: two newPlot calls and no
      // animate or relayout after them (those took 0.2-0.4 s more before the first chart).
      this.drawn = true;
      this.fit = this.fitted();
      this.shownUnit = null; // the dashed rows and the note are set for unit u below
      const at = this.shown(s, u);
      const narrow = this.fit === this.h.narrow;
      this.root.dataset.fit = narrow ? "narrow" : "wide"; // (tests)
      // On a phone the toolbar would cover the titles it sits on; its zoom has no room there.
      // (Named either way: plotly.js keeps a div's old config keys through newPlot.)
      const bar = narrow ? false : (this.h.config.displayModeBar ?? "hover");
      const config = { ...this.h.config, responsive: true, displayModeBar: bar };
      const diagram = JSON.parse(JSON.stringify(this.fit.diagram));
      const maps = this.mapsFigure(this.fit);
      at.points.forEach((update, k) => { // what animate would set, set before the drawing
        const trace = diagram.data[at.traces[k]];
        const marker = update.marker && { ...trace.marker, ...update.marker };
        Object.assign(trace, update, marker ? { marker } : {});
      });
      if (this.fit.title) diagram.layout.title = { ...(diagram.layout.title || {}), text: at.title };
      Object.assign(maps.layout, this.mapsMoves(maps.layout, s, u));
      const fresh = !this.mapsDiv._fullLayout; // else react: plotly.js redraws what differs
      const plot = fresh ? Plotly.newPlot : Plotly.react;
      // A new run whose diagram differs from the one drawn only in what a step sets (a new
      // sequence of the same model, say) is stepped to, as a step is: 10-20 ms, not 40-50.
      const drawing = JSON.stringify([bare(diagram.data, at), diagram.layout, config]);
      if (!fresh && drawing === this.drawing) await this.stepDiagram(Plotly, at);
      else await plot(this.diagramDiv, diagram.data, diagram.layout, config);
      this.drawing = drawing;
      await plot(this.mapsDiv, maps.data, maps.layout, config);
      if (fresh) this.mapsDiv.on("plotly_click", (e) => {
        const p = e && e.points && e.points[0];
        if (p && p.data && p.data.type === "heatmap") { this.pause(); this.go(p.x, p.y, "now"); }
      });
      this.shownUnit = u;
    } else {
      const at = this.shown(s, u);
      await this.stepDiagram(Plotly, at);
      if (this.shownUnit !== u && this.fit.title) // a projector's diagram has none
        await Plotly.relayout(this.diagramDiv, { "title.text": at.title });
      await Plotly.relayout(this.mapsDiv, this.mapsMoves(this.mapsDiv.layout, s, u));
      this.shownUnit = u;
    }
    // The toolbars stay for the mouse; the keyboard has the player's own controls and keys.
    for (const button of this.chart.querySelectorAll(".modebar-btn")) button.tabIndex = -1;
    this.root.dataset.drawn = `${s + 1}:${u + 1}`; // what the chart shows (tests)
  }

  stepDiagram(Plotly, at) {
    // plotly.js's animate without a redraw restyles only the points of these two scatter
    // traces; a restyle would plot the whole diagram again (its lines and labels too).
    return Plotly.animate(this.diagramDiv, { data: at.points, traces: at.traces },
      { mode: "immediate", transition: { duration: 0 }, frame: { duration: 0, redraw: false } });
  }

  // What the diagram shows at step s of unit u: the gate boxes' text, colour and hover, and
  // the states' labels (updates of the traces at.traces), and its title.
  shown(s, u) {
    const gates = this.h.gates, symbols = this.h.symbols, colours = this.h.colours;
    const colour = gates.map((q) => colours[q].colours[this.k2(q, s, u) - colours[q].lo]);
    const hover = gates.map((q) => `${symbols[q]} = ${fmt(this.k3(q, s, u), 3)}`);
    return {
      traces: [this.h.traces.boxes, this.h.traces.states],
      points: [
        { text: gates.map((q) => `<b>${symbols[q]}</b><br>${fmt(this.k2(q, s, u), 2)}`),
          marker: { color: colour }, hovertext: hover },
        { text: [
          `C<sub>t−1</sub> = ${fmt(this.before("c", s, u), 3)}`, `C<sub>t</sub> = ${fmt(this.k3("c", s, u), 3)}`,
          `h<sub>t−1</sub> =${this.fit.h_sep}${fmt(this.before("h", s, u), 3)}`,
          `h<sub>t</sub> =${this.fit.h_sep}${fmt(this.k3("h", s, u), 3)}`,
          `x<sub>t</sub>: ${this.h.labels[s]}`,
        ] },
      ],
      title: this.fit.title ? fill(this.fit.title, { unit: u + 1 }) : "",
    };
  }

  // The maps' frame at step s and, when the unit changes, the dashed rows and the note that
  // name unit u: as a whole new shapes array (and annotations array), which plotly.js redraws
  // alone, in about 2 ms, where an edit of one shape's x0 or one note's text replots all six
  // heatmaps (about 100 ms at T=40, H=16).
  mapsMoves(layout, s, u) {
    const frame = this.h.frame_shape, moves = {};
    const shapes = layout.shapes.map((shape) => ({ ...shape }));
    shapes[frame].x0 = s + 0.5;
    shapes[frame].x1 = s + 1.5;
    if (this.shownUnit !== u) {
      for (let k = 0; k < frame; k++) {
        shapes[k].y0 = u + 0.5;
        shapes[k].y1 = u + 1.5;
      }
      const notes = layout.annotations.map((note) => ({ ...note }));
      notes[this.h.maps_note].text = fill(this.fit.maps_title, { unit: u + 1 });
      moves.annotations = notes;
    }
    moves.shapes = shapes;
    return moves;
  }

  mapsFigure(fit) { // the maps from Python, with their values filled in
    const fig = JSON.parse(JSON.stringify(fit.maps_figure));
    const { T, H } = this;
    this.h.maps.forEach((q, k) => {
      const z = []; // (H, T): units down, time across, as in figures/gates.py
      for (let u = 0; u < H; u++) {
        const row = new Array(T);
        for (let s = 0; s < T; s++) row[s] = this.k3(q, s, u) / 1000;
        z.push(row);
      }
      fig.data[k].z = z;
    });
    return fig;
  }

  fillTable() { // unit u at every step; built when opened, the current step marked
    if (!this.details.open) return;
    const u = this.unit - 1, tx = this.h.text, maps = this.h.maps;
    const head = el("tr", {}, el("th", { scope: "col", text: tx.step }), el("th", { scope: "col", text: tx.token }),
      ...maps.map((q) => el("th", { scope: "col", text: this.h.symbols[q] })));
    const body = el("tbody");
    for (let s = 0; s < this.T; s++) {
      const row = el("tr", {}, el("th", { scope: "row", text: String(s + 1) }), el("td", { text: this.h.tokens[s] }),
        ...maps.map((q) => el("td", { text: fmt(this.k3(q, s, u), 3) })));
      if (s === this.step - 1) row.setAttribute("aria-current", "step");
      body.appendChild(row);
    }
    this.table.replaceChildren(el("caption", { text: fill(tx.table, { unit: this.unit }) }), el("thead", {}, head), body);
  }
}

// The diagram's traces without what a step sets in them (`at` of Player.shown): two runs
// whose diagrams are the same apart from that are drawn the same way.
function bare(data, at) {
  return data.map((trace, k) => {
    const update = at.points[at.traces.indexOf(k)];
    if (!update) return trace;
    const copy = { ...trace };
    for (const [key, value] of Object.entries(update)) {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        copy[key] = { ...trace[key] };
        for (const inner of Object.keys(value)) delete copy[key][inner];
      } else {
        delete copy[key];
      }
    }
    return copy;
  });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const root = parentElement.querySelector(".lstm-player") || parentElement;
  let player = PLAYERS.get(root);
  if (!player) {
    player = new Player(root);
    PLAYERS.set(root, player);
  }
  player.send = setStateValue;
  player.load(data);
  return () => player.stop();
}
