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
    this.plotted = false; // both figures have been plotted once (then react redraws them)
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
    // The maps' title, band names and colour bars: the page's own elements (drawLabels)
    this.labelsDiv = el("div", { className: "lp-labels", "aria-hidden": "true" });
    this.chart = el("div", { className: "lp-chart", tabIndex: 0, role: "group", "aria-describedby": this.uid + "-summary" },
      this.diagramDiv, el("div", { className: "lp-maps-box" }, this.mapsDiv, this.labelsDiv));
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
      // On a phone the toolbar would cover the titles it sits on; its zoom has no room there.
      // (Named either way: plotly.js keeps a div's old config keys through newPlot.)
      const bar = narrow ? false : (this.h.config.displayModeBar ?? "hover");
      const config = { ...this.h.config, responsive: true, displayModeBar: bar };
      // The maps' camera saves them with the names, colour bars and title beside them. The
      // same button each time: a config with a new click function makes plotly.js's react
      // 3-4 ms slower at T=40 (11 against 14.6 ms, measured in the page).
      if (this.camera?.title !== this.h.text.camera)
        this.camera = { name: "lp-save-maps", title: this.h.text.camera, icon: Plotly.Icons.camera,
          click: () => this.saveMaps(Plotly) };
      const mapsConfig = { ...config, modeBarButtonsToAdd: [this.camera],
        modeBarButtonsToRemove: [...(config.modeBarButtonsToRemove || []), "toImage"] };
      const diagram = JSON.parse(JSON.stringify(this.fit.diagram));
      const maps = this.mapsFigure(this.fit);
      at.points.forEach((update, k) => { // what animate would set, set before the drawing
        const trace = diagram.data[at.traces[k]];
        const marker = update.marker && { ...trace.marker, ...update.marker };
        Object.assign(trace, update, marker ? { marker } : {});
      });
      if (this.fit.title) diagram.layout.title = { ...(diagram.layout.title || {}), text: at.title };
      Object.assign(maps.layout, this.mapsMoves(maps.layout, s, u));
      const fresh = !this.plotted; // else react: plotly.js redraws what differs
      const plot = fresh ? Plotly.newPlot : Plotly.react;
      // A new run whose diagram differs from the one drawn only in what a step sets (a new
      // sequence of the same model, say) is stepped to, as a step is: 10-20 ms, not 40-50.
      const drawing = JSON.stringify([bare(diagram.data, at), diagram.layout, config]);
      // Both boxes keep their figure's height while plotly.js draws it again (a new screen
      // width draws a new pair), so the maps' labels never sit over text above or below.
      this.diagramDiv.style.minHeight = `${diagram.layout.height}px`;
      this.mapsDiv.style.minHeight = `${maps.layout.height}px`;
      let diagramDone = null;
      // A step of the diagram is drawn at plotly.js's next animation frame, and the maps
      // meanwhile (not awaited in turn: the page's other work kept out of the gap); a whole
      // new diagram is drawn before the maps.
      if (!fresh && drawing === this.drawing) diagramDone = this.stepDiagram(Plotly, at);
      else await plot(this.diagramDiv, diagram.data, diagram.layout, config);
      this.drawing = drawing;
      const mapsDone = plot(this.mapsDiv, maps.data, maps.layout, mapsConfig);
      this.drawLabels(maps.layout.meta, u);
      await Promise.all([diagramDone, mapsDone]);
      this.root.dataset.fit = narrow ? "narrow" : "wide"; // the pair drawn (tests)
      if (fresh) this.mapsDiv.on("plotly_click", (e) => { // a cell: its step, and its unit
        const p = e && e.points && e.points[0];         // (rows: each band's units, a gap)
        if (!p || !p.data || p.data.type !== "heatmap" || !Array.isArray(p.pointNumber)) return;
        const [row, col] = p.pointNumber, u = row % this.bandRows();
        if (u < this.H) { this.pause(); this.go(col + 1, u + 1, "now"); }
      });
      this.plotted = true;
      this.shownUnit = u;
    } else {
      const at = this.shown(s, u), retitle = this.shownUnit !== u;
      const diagramDone = this.stepDiagram(Plotly, at).then(() => retitle && this.fit.title // (a
        && Plotly.relayout(this.diagramDiv, { "title.text": at.title }));    // projector's: none)
      const mapsDone = Plotly.relayout(this.mapsDiv, this.mapsMoves(this.mapsDiv.layout, s, u));
      if (retitle) this.titleMaps(u);
      await Promise.all([diagramDone, mapsDone]);
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

  // The maps' frame at step s (the last shape) and, when the unit changes, the dashed rows of
  // unit u (the six before it): as a whole new shapes array, which plotly.js redraws alone,
  // in about 2 ms, where an edit of one shape's x0 replots the heatmap.
  mapsMoves(layout, s, u) {
    const shapes = layout.shapes.map((shape) => ({ ...shape })), frame = shapes.length - 1;
    shapes[frame].x0 = s + 0.5;
    shapes[frame].x1 = s + 1.5;
    if (this.shownUnit !== u) {
      const bands = this.h.maps.length, step = this.bandRows();
      for (let k = 0; k < bands; k++) { // band k's first unit is on row k·step
        shapes[frame - bands + k].y0 = k * step + u - 0.5;
        shapes[frame - bands + k].y1 = k * step + u + 0.5;
      }
    }
    return { shapes };
  }

  bandRows() { // rows from one band's first unit to the next band's: its units and a gap
    return this.H + this.fit.maps_figure.data[0].meta.gap;
  }

  // The maps from Python with their values filled in: one heatmap whose rows are the six
  // bands' units with `gap` empty rows between two bands (figures/gates.py, _player_maps). A
  // value v of band k is drawn at k + spread·(v − lo)/(hi − lo) of the bands' joint colour
  // scale; its hover text says the step, the unit and v as the learner reads it.
  mapsFigure(fit) {
    const fig = JSON.parse(JSON.stringify(fit.maps_figure));
    const trace = fig.data[0], { ranges, spread, hover, gap } = trace.meta, { T, H } = this;
    const z = [], text = [], empty = new Array(T).fill(null), none = new Array(T).fill("");
    this.h.maps.forEach((q, k) => {
      for (let g = 0; k > 0 && g < gap; g++) { z.push(empty); text.push(none); }
      const [lo, hi] = ranges[k], per = spread / (hi - lo), words = compile(hover[k]);
      for (let u = 0; u < H; u++) {
        const row = new Array(T), texts = new Array(T);
        for (let s = 0; s < T; s++) {
          const n = this.k3(q, s, u);
          row[s] = k + Math.min(Math.max((n / 1000 - lo) * per, 0), spread);
          texts[s] = words({ step: s + 1, unit: u + 1, value: fmt(n, 3) });
        }
        z.push(row);
        text.push(texts);
      }
    });
    trace.z = z;
    trace.text = text;
    return fig;
  }

  // Beside the maps, from Python (figures/gates.py, _map_labels): the bands' names left of
  // them, their colour bars right, and the title above, placed in pixels. Laid out by the
  // browser in well under a millisecond, where plotly.js measured them again at each new
  // run. Every text is the catalogue's or a number, set as textContent.
  drawLabels(meta, u) {
    const place = (node, css) => { node.style.cssText = css; return node; };
    const font = (t) => `font-family:${meta.family};font-size:${t.size}px;`;
    const names = meta.names.map((t) => place(
      el("div", { className: "lp-name" }, place(el("span", { text: "■" }), `color:${t.colour}`),
        el("span", { className: "lp-name-text", text: " " + t.text })),
      `${font(t)}top:${t.middle}px;right:calc(100% - ${t.right}px)`));
    const bars = meta.bars.map((b) => {
      const stops = b.scale.map(([p, colour]) => `${colour} ${100 * p}%`).join(", ");
      return place(el("div", { className: "lp-bar" }, ...b.ticks.map((tick) => el("span", { text: tick }))),
        `${font(b)}top:${b.top}px;height:${b.height}px;left:calc(100% + ${b.left}px);` +
        `width:${b.width}px;background:linear-gradient(to top, ${stops})`);
    });
    const t = meta.title;
    this.mapsMeta = meta;
    this.mapsTitle = place(el("div", { className: "lp-maps-title" }),
      `${font(t)}color:${t.colour};bottom:calc(100% - ${t.bottom}px);left:${t.left}px`);
    this.titleMaps(u);
    this.labelsDiv.replaceChildren(this.mapsTitle, ...names, ...bars);
  }

  titleMaps(u) { // the maps' title for unit u (0-based)
    this.mapsTitle.replaceChildren(...lines(fill(this.fit.maps_title, { unit: u + 1 })));
  }

  // The maps' camera: plotly.js's picture of the heatmap at the size drawn, with the labels
  // beside it painted where the page has laid them out (drawLabels), saved as a PNG; or a line
  // that says it could not be made.
  async saveMaps(Plotly) {
    try {
      this.message.textContent = "";
      await this.paintMaps(Plotly);
    } catch (err) {
      this.message.textContent = this.h.text.camera_failed;
    }
  }

  async paintMaps(Plotly) {
    const div = this.mapsDiv, options = this.h.config.toImageButtonOptions, scale = options.scale;
    const box = div.getBoundingClientRect(), width = Math.round(box.width), height = div.layout.height;
    const image = new Image();
    image.src = await Plotly.toImage(div, { format: "png", width, height, scale });
    await image.decode();
    const canvas = el("canvas", { width: width * scale, height: height * scale });
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    const at = (rect) => [rect.left - box.left, rect.top - box.top];
    this.labelsDiv.querySelectorAll(".lp-bar").forEach((bar, k) => { // its colours, bottom up
      const [x, y] = at(bar.getBoundingClientRect()), h = bar.offsetHeight;
      const gradient = ctx.createLinearGradient(0, y + h, 0, y);
      for (const [p, colour] of this.mapsMeta.bars[k].scale) gradient.addColorStop(p, colour);
      ctx.fillStyle = gradient;
      ctx.fillRect(x, y, bar.offsetWidth, h);
    });
    ctx.textBaseline = "middle";
    const texts = document.createTreeWalker(this.labelsDiv, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    while (texts.nextNode()) { // every text as the page shows it: its place, font and colour
      const node = texts.currentNode, style = getComputedStyle(node.parentElement);
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect(), [x, y] = at(rect);
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      ctx.fillStyle = style.color;
      ctx.fillText(node.textContent, x, y + rect.height / 2);
    }
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const link = el("a", { href: URL.createObjectURL(blob), download: `${options.filename}-maps.png` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
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

// A title's lines (Python breaks a narrow screen's at " · " with "<br>"), as text and <br>.
function lines(text) {
  return text.split("<br>").flatMap((line, k) => (k ? [el("br"), document.createTextNode(line)] : [document.createTextNode(line)]));
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
