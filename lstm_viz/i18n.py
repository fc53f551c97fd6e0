"""Every user-facing string, in English and Simplified Chinese.

``t(key, lang, **values)`` looks a key up and fills ``{placeholders}``. One glossary
is used everywhere (遗忘门, 输入门, 候选记忆元, 输出门, 记忆元 / 细胞状态, 隐状态, 参数量).
Values put into a template are plain text; the app never renders them as HTML.
"""

from __future__ import annotations

__all__ = ["LANGS", "t", "catalogue"]

LANGS = ("en", "zh")

_EN: dict[str, str] = {
    # ---- glossary -------------------------------------------------------------
    "gate.i": "input gate",
    "gate.f": "forget gate",
    "gate.g": "candidate C̃",
    "gate.o": "output gate",
    "state.c": "cell state C",
    "state.h": "hidden state h",
    "word.step": "step",
    "word.unit": "unit",
    "word.layer": "layer",
    "word.token": "token",
    "word.input": "input",
    # ---- input errors (lstm_viz.inputs) -----------------------------------------
    "err.empty": "The sequence is empty. Type at least one character, word or number.",
    "err.mode": "Unknown input mode “{mode}”. Choose chars, words or numbers.",
    "err.not_number": "“{token}” (step {step}) is not a number. In numbers mode type numbers "
                      "separated by commas or spaces, e.g. 0.5, 1, -2.",
    "err.not_finite": "“{token}” (step {step}) is not a finite number. Use ordinary numbers "
                      "instead of NaN or infinity.",
    "err.too_big": "{token} (step {step}) is too large: numbers must lie between −{limit} and "
                   "{limit}.",
    "err.ragged": "Step {step} has {got} numbers but step 1 has {want}. Give every step the "
                  "same number of values (e.g. 1 2; 3 4).",
    "err.too_wide": "Step {step} has {got} numbers; at most {limit} per step are allowed.",
    "err.empty_vector": "Step {step} between two semicolons is empty. Remove the extra “;” or "
                        "put numbers there.",
    "err.range": "{name} must be a whole number from {low} to {high}; got “{value}”.",
    "err.units_list": "Units must be a list of whole numbers separated by commas, e.g. "
                      "128, 64, 32, 8; “{token}” is not one.",
    "err.too_many_layers": "At most {limit} stacked layers; you gave {got}.",
    "note.truncated": "The sequence has {total} steps; only the first {limit} are shown.",
    "note.link_value": "The link asked for {name}={raw}, which cannot be used here; showing {name}={value} instead.",
    # ---- step explanation (lstm_viz.explain) --------------------------------------
    "explain.forget.high": "The forget gate is nearly open ({f}): the cell keeps almost all of "
                           "its old memory.",
    "explain.forget.mid": "The forget gate is half open ({f}): the cell keeps part of its old "
                          "memory.",
    "explain.forget.low": "The forget gate is nearly shut ({f}): the cell drops most of its old "
                          "memory.",
    "explain.input.high": "The input gate is open ({i}), so the candidate {g} is written into the "
                          "cell almost in full.",
    "explain.input.mid": "The input gate lets part ({i}) of the candidate {g} into the cell.",
    "explain.input.low": "The input gate is nearly shut ({i}): little of the candidate {g} is "
                         "written.",
    "explain.output.high": "The output gate is open ({o}): h shows the squashed cell state "
                           "tanh(C) = {tc} almost as it is.",
    "explain.output.mid": "The output gate passes part ({o}) of tanh(C) = {tc} on to h.",
    "explain.output.low": "The output gate is nearly shut ({o}): the memory stays inside, h is "
                          "close to 0.",
    "explain.cell.change": "Net effect: the cell state went from {c_prev} to {c}.",
    # ---- figures (figures/*.py) ----------------------------------------------------
    "fig.stack.title": "A stacked LSTM unrolled over time · {arch}",
    "fig.stack.subtitle": "Each row is one layer (layer 1 at the bottom), each column one time "
                          "step; a row uses the same weights at every step.<br>h<sub>t</sub> of "
                          "a layer goes up as x<sub>t</sub> of the layer above; C<sub>t</sub> "
                          "and h<sub>t</sub> go right to step t+1 of the same layer.",
    "fig.stack.units": "<b>{n}</b><br>units",
    "fig.stack.dense_box": "Dense<br><b>{n}</b>",
    "fig.stack.layer": "LSTM layer {n}",
    "fig.stack.input_row": "input",
    "fig.stack.dense_row": "dense layer",
    "fig.stack.output_row": "output",
    "fig.stack.time_step": "time_step",
    "fig.stack.batch": "batch",
    "fig.stack.whole": "the whole sequence",
    "fig.stack.or": "or {shape}",
    "fig.stack.heat_title": "Hidden state h of every layer at every step",
    "fig.stack.heat_layer": "layer {n} · {units} units",
    "fig.stack.heat_hover": "step %{x} · unit %{y} · h = %{z:.3f}",
    "fig.stack.axis_unit": "unit",
    "fig.stack.axis_step": "time step (token)",
    "fig.stack.head_title": "Output of the dense layer at every step",
    "fig.stack.head_hover": "step %{x} · %{fullData.name} = %{y:.3f}",
    "fig.params.title": "Where the {total} parameters sit · {convention}",
    "fig.params.subtitle": "Sequence length and batch size never change these numbers.",
    "fig.params.W": "W · input weights",
    "fig.params.U": "U · recurrent weights",
    "fig.params.bias": "b · biases",
    "fig.params.projection": "projection weights",
    "fig.params.dense": "dense layer",
    "fig.params.layer": "LSTM {n}<br>{x} → {h}",
    "fig.params.both": "<br>both directions",
    "fig.params.dense_bar": "dense<br>{x} → {k}",
    "fig.params.axis": "parameters",
    "fig.params.axis_layer": "LSTM layer",
    "fig.params.conv.article": "article (no biases)",
    "fig.params.conv.keras": "Keras / TensorFlow",
    "fig.params.conv.pytorch": "PyTorch",
    "fig.params.bar.article": "article<br>(no biases)",
    "fig.params.cmp_title": "One network, three counts",
    "fig.params.cmp_total": "total parameters",
    "fig.params.cmp_bias": "bias parameters of the LSTM layers",
    "fig.params.bias1": "first bias vector (b or b_ih)",
    "fig.params.bias2": "second bias vector (b_hh)",
    "fig.params.gap": "PyTorch − Keras = {gap}: exactly the second bias vector",
    "fig.common.play": "▶ Play",
    "fig.common.pause": "❚❚ Pause",
    "fig.common.hover": "step {step} · unit {unit}",
    "fig.common.unit": "unit",
    "fig.common.f": "forget gate f",
    "fig.common.i": "input gate i",
    "fig.common.g": "candidate C̃",
    "fig.common.o": "output gate o",
    "fig.common.c": "cell state C",
    "fig.common.h": "hidden state h",
    "fig.cell.title": "Inside an LSTM cell",
    "fig.cell.f": "forget gate",
    "fig.cell.i": "input gate",
    "fig.cell.g": "candidate",
    "fig.cell.o": "output gate",
    "fig.cell.c_role": "long-term memory",
    "fig.cell.h_role": "this step's output",
    "fig.gates.title": "Inside the LSTM cell · the numbers of unit {unit}",
    "fig.gates.slider": "step {step}: {token}",
    "fig.gates.colour_note": "box colour = value, on the same scale as the maps below",
    "fig.gates.maps_title": "All steps × all units · black frame: this step · dashed: unit {unit}",
    # ---- pages (app.py, pages/*.py, ui/*.py) ------------------------------------------
    "upload.layout.lstm-viz": "lstm-viz",
    "upload.layout.pytorch": "pytorch",
    "upload.layout.keras": "keras",
    # ---- the command line (lstm_viz/cli.py) ----
    "cli.description": "Tools for the lstm-viz teaching app.",
    "cli.params_help": "count the trainable parameters of stacked LSTM layers",
    "cli.input_help": "features per time step fed to the first layer (X)",
    "cli.units_help": "units of each stacked LSTM layer, bottom first, e.g. 128 64 32 8",
    "cli.dense_help": "units of a Dense output layer after the last LSTM (default: none)",
    "cli.convention_help": "how biases are counted: article (none), keras (one), pytorch (two); "
                           "default keras",
    "cli.bidirectional_help": "every LSTM layer runs both ways (counts twice, next input 2·H)",
    "cli.proj_size_help": "PyTorch proj_size: project h to this size (pytorch convention only)",
    "cli.json_help": "print JSON instead of a table",
    "cli.lang_help": "language of the table and messages: en (default) or zh",
    "cli.error": "error: {message}",
    "cli.not_integer": "{value!r} is not a whole number: use an integer such as 8",
    "cli.no_command": "choose a command: params (try: python -m lstm_viz params --help)",
    "cli.title": "LSTM parameters ({convention} convention)",
    "cli.col_layer": "Layer (type)",
    "cli.col_shape": "Output Shape",
    "cli.col_params": "Param #",
    "cli.col_formula": "Formula",
    "cli.lstm_name": "lstm{suffix} (LSTM)",
    "cli.bidirectional_name": "bidirectional{suffix} (Bidirectional)",
    "cli.dense_name": "dense (Dense)",
    "cli.total": "Total params: {total:,}",
    "cli.by_convention": "By convention: {totals}",
    "cli.convention.article": "article",
    "cli.convention.keras": "keras",
    "cli.convention.pytorch": "pytorch",
    # ---- the guided lessons (pages/7_lessons.py, lstm_viz/lessons.py) ----
    "nav.lessons": "Guided lessons",
    "nav.lessons.title": "Guided lessons: how an LSTM works",
    "nav.lessons.blurb": "Three short lessons, a few steps each: the gates one at a time, "
                         "parameters and shapes, stacked layers. The text sits beside the "
                         "picture and lights up the part it talks about.",
    "lesson.intro": "Read a step, look at the highlighted part of the picture, then press Next. "
                    "Every step has its own address: copy it to send a learner straight there.",
    "lesson.pick": "Part",
    "lesson.step": "Step {step} of {count}",
    "lesson.back": "Back",
    "lesson.next": "Next",
    "lesson.part.1": "1 · The gates, one at a time",
    "lesson.part.2": "2 · Parameters and shapes",
    "lesson.part.3": "3 · Stacked layers",
    "lesson.link.memory": "See a trained model keep track of the subject",
    "lesson.link.params": "Open the calculator with the article's stack",
    "lesson.link.stacked": "Run the article's stack on the stacked page",
    "lesson.1.1.title": "The cell state: the memory line",
    "lesson.1.1.text": "The line along the top of the cell is the **cell state** C. It is the "
                       "layer's memory, passed from one step to the next.\n\n"
                       "No weight matrix sits on this line. Only two simple operations touch "
                       "it: a **×** that can erase and a **+** that can write. So a value "
                       "stored in C can ride along for many steps almost unchanged.\n\n"
                       "What is erased and what is written is decided by **gates**: small "
                       "layers ending in a sigmoid σ, whose output runs from 0 (block "
                       "everything) to 1 (pass everything).",
    "lesson.1.2.title": "Forget gate: what to erase",
    "lesson.1.2.text": "`fₜ = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f)`\n\n"
                       "The **forget gate** reads the new input xₜ and the previous output "
                       "hₜ₋₁ and returns one number between 0 and 1 for every entry of the "
                       "old memory Cₜ₋₁.\n\n"
                       "At the **×** on the memory line the two are multiplied entry by "
                       "entry: 1 keeps an entry as it was, 0 wipes it out, 0.5 keeps half. "
                       "(W_f·xₜ + U_f·hₜ₋₁ is the same as one matrix applied to hₜ₋₁ and xₜ "
                       "joined into one vector.)",
    "lesson.1.3.title": "Input gate and candidate: what to write",
    "lesson.1.3.text": "Writing takes two layers side by side.\n\n"
                       "- The **candidate** C̃ₜ = tanh(W_g·xₜ + U_g·hₜ₋₁ + b_g) proposes new "
                       "content, each value between −1 and 1.\n"
                       "- The **input gate** iₜ = σ(W_i·xₜ + U_i·hₜ₋₁ + b_i) decides, entry "
                       "by entry, how much of each proposal is let in.\n\n"
                       "Their product iₜ ⊙ C̃ₜ is what the cell is about to add to its "
                       "memory (⊙: entry by entry).",
    "lesson.1.4.title": "Updating the memory",
    "lesson.1.4.text": "`Cₜ = fₜ ⊙ Cₜ₋₁ + iₜ ⊙ C̃ₜ`\n\n"
                       "First the × scales the old memory by the forget gate, then the + "
                       "adds what the input gate let through. The result Cₜ goes on to the "
                       "next step.\n\n"
                       "Each unit has its own entry of C and its own gate values, so one "
                       "unit can hold on to something while its neighbour overwrites. And "
                       "because the memory is updated by adding rather than by multiplying "
                       "with a matrix again and again, the learning signal can travel back "
                       "along C over many steps.",
    "lesson.1.5.title": "Output gate and the hidden state h",
    "lesson.1.5.text": "`oₜ = σ(W_o·xₜ + U_o·hₜ₋₁ + b_o),  hₜ = oₜ ⊙ tanh(Cₜ)`\n\n"
                       "The cell does not reveal everything it remembers. tanh squeezes the "
                       "memory into −1…1 and the **output gate** chooses which parts of it "
                       "to show. The result is the **hidden state** hₜ.\n\n"
                       "hₜ is the step's output: it goes up to the next layer or to a "
                       "classifier, and it comes back into this cell as hₜ₋₁ at the next "
                       "step, where all four gates read it.",
    "lesson.1.6.title": "The gates at work: who is the subject?",
    "lesson.1.6.text": "A language model reads *“Anna lost her keys, and Tom found …”* and "
                       "must pick the next pronoun. It needs to remember the subject's "
                       "gender.\n\n"
                       "- While it reads about Anna, an entry of C holds *female*, and the "
                       "forget gate keeps it (f close to 1).\n"
                       "- When a new subject, Tom, appears, the forget gate drops the old "
                       "gender (f close to 0) and the input gate writes *male* instead.\n"
                       "- When a pronoun is due, the output gate lets that entry out into h, "
                       "so the model says *his*. The output can also tell whether the subject "
                       "is one person or several, so the verb agrees.\n\n"
                       "The memory page shows a small trained model doing exactly this.",
    "lesson.2.1.title": "What goes in and what comes out",
    "lesson.2.1.text": "An LSTM layer has one size of its own, **num_units** H: the length "
                       "of h and of C. The data brings three more:\n\n"
                       "- **batch** B: how many sequences are read together;\n"
                       "- **time_step** T: how many steps each sequence has;\n"
                       "- the **input size** X: how many numbers make up one step.\n\n"
                       "At each step the layer takes xₜ of shape [B, X] and gives hₜ and Cₜ "
                       "of shape [B, H]. Over the whole sequence its output is [T, B, H], or "
                       "[B, T, H] when the batch comes first. The picture shows one layer "
                       "with X = 5 and H = 128, unrolled over a few steps.",
    "lesson.2.2.title": "One weight pair per gate, shared over time",
    "lesson.2.2.text": "Each of the four gates is a fully connected layer on hₜ₋₁ and xₜ: σ "
                       "for f, i and o, tanh for the candidate. Written out, a gate has\n\n"
                       "- **W**, shape [X, H], which reads the input xₜ;\n"
                       "- **U**, shape [H, H], which reads the previous hₜ₋₁;\n"
                       "- a bias **b** of length H.\n\n"
                       "xₜ·W + hₜ₋₁·U + b has shape [B, H]: one value per unit.\n\n"
                       "There is only **one** cell. Drawing it once per step is just a way to "
                       "show time: every step uses the same W, U and b. A longer sequence "
                       "needs no extra weights.",
    "lesson.2.3.title": "Counting the parameters",
    "lesson.2.3.text": "Four gates, each with X·H numbers in W and H·H in U, make "
                       "**4·H·(H + X)** weights.\n\n"
                       "Worked example, X = {x} and H = {h}: 4 · {h} · {hx} = **{weights}**.\n\n"
                       "The article counts only these. A real layer also has a bias per "
                       "gate, 4·H = {biases} more, so **{total}** in Keras; PyTorch keeps two "
                       "bias vectors per gate, 8·H.\n\n"
                       "Neither batch nor time_step appears in the count: the same weights "
                       "serve every sequence and every step.",
    "lesson.2.4.title": "The output layer",
    "lesson.2.4.text": "The last hₜ usually goes to a fully connected (dense) layer that "
                       "gives the answer. With K outputs it has an H·K weight matrix and K "
                       "biases: **H·K + K**.\n\n"
                       "For {k} classes after {h} units: {h} · {k} + {k} = **{dense}**.\n\n"
                       "The article's full model — 5 inputs, LSTM layers of 128, 64, 32 and "
                       "8 units, then a dense layer of 1 node — is drawn beside this text. "
                       "Open it in the calculator and change any size to see the count move.",
    "lesson.3.1.title": "Up and to the right",
    "lesson.3.1.text": "Stacked layers pass things in two directions:\n\n"
                       "- **up**: layer l's hₜ is the input xₜ of layer l + 1, at the same "
                       "step;\n"
                       "- **to the right**: each layer hands its own (hₜ, Cₜ) to itself at "
                       "step t + 1.\n\n"
                       "Only h goes up; C never leaves its layer. The top layer's h is what "
                       "the dense layer reads.",
    "lesson.3.2.title": "The shapes between the layers",
    "lesson.3.2.text": "Each layer's input size is the number of units of the layer below. "
                       "Per step, with batch B (l: the layer, 1 at the bottom):\n\n"
                       "| l | xₜ | hₜ, Cₜ | W | U |\n"
                       "|---|---|---|---|---|\n"
                       "| 1 | [B, 5] | [B, 128] | [5, 128] | [128, 128] |\n"
                       "| 2 | [B, 128] | [B, 64] | [128, 64] | [64, 64] |\n"
                       "| 3 | [B, 64] | [B, 32] | [64, 32] | [32, 32] |\n"
                       "| 4 | [B, 32] | [B, 8] | [32, 8] | [8, 8] |\n\n"
                       "Over T steps each layer outputs [T, B, H] (or [B, T, H]); the next "
                       "layer reads that whole sequence.",
    "lesson.3.3.title": "The article's stack: 5 → 128 → 64 → 32 → 8 → 1",
    "lesson.3.3.text": "Five numbers per step go into a layer of 128 units, then 64, 32 and "
                       "8; the last hₜ, of shape [B, 8], feeds a dense layer with one node, "
                       "say a forecast.\n\n"
                       "Counted as in the article (no biases in the LSTM layers, the dense "
                       "node with its bias): 4·128·133 + 4·64·192 + 4·32·96 + 4·8·40 + "
                       "8·1 + 1 = **130,825**. With one bias vector per gate as well "
                       "(Keras): **131,753**.\n\n"
                       "The stacked page runs this stack on real numbers and shows every "
                       "layer's h.",
    # ---- your own model (ui/upload.py, pages/1_gates.py, lstm_viz/upload.py) ----
    "upload.title": "Use your own model",
    "upload.intro": "Upload an LSTM's weights as one .npz file (at most 5 MB): a file saved by "
                    "this app's core, or one exported from PyTorch or Keras with these lines.",
    "upload.pytorch": "From PyTorch (an nn.LSTM, optionally with one Linear head), `model` "
                      "being your module:",
    "upload.keras": "From Keras (LSTM layers, optionally one Dense at the end), `model` being "
                    "your Sequential model:",
    "upload.file": "Weights file (.npz)",
    "upload.file.help": "Files are read as plain arrays; pickled objects are never loaded.",
    "upload.model": "Your uploaded model",
    "upload.found": "Found {kind} ({convention} layout): reads {inputs} numbers per step, "
                    "LSTM layers of {layers} units{head}.",
    "upload.head": ", then a dense layer with {n} outputs",
    "upload.ignored": "Not used (not part of the LSTM or its head): {keys}",
    "upload.kind.lstm": "one LSTM layer saved by lstm-viz",
    "upload.kind.stack": "a stacked LSTM saved by lstm-viz",
    "upload.kind.token": "a trained lstm-viz model with its vocabulary",
    "upload.kind.pytorch": "a PyTorch state_dict",
    "upload.kind.keras": "Keras get_weights() arrays",
    "upload.choose": "It is now in the model list as “{name}”.",
    "upload.kept": "Nothing else changed: your sequence, settings and earlier models are as "
                   "before.",
    "upload.detail": "Details: {detail}",
    "upload.err.too_big": "This file is too large.",
    "upload.err.npy": "This is a single .npy array, not an .npz with all the weights.",
    "upload.err.pickle": "This file holds pickled Python objects, which are never loaded for "
                         "safety. Save plain arrays with np.savez as shown above.",
    "upload.err.not_npz": "This is not an .npz file. Save the weights with np.savez as shown "
                          "above.",
    "upload.err.damaged": "This .npz file is damaged or cut off. Export it again.",
    "upload.err.nonfinite": "Some weights are NaN or infinite; a model needs finite numbers.",
    "upload.err.unknown": "No LSTM weights were recognised in this file.",
    "upload.err.reverse": "This is a bidirectional LSTM; only one direction can be shown.",
    "upload.err.model": "These weights do not fit together as an LSTM.",
    "upload.why.too_big": "the file is {size} MB, over the limit of {limit} MB; upload a smaller model",
    "upload.why.unpacked": "the file unpacks to {size} MB, over the limit of {limit} MB; upload a smaller model",
    "upload.why.npy": "this is a single .npy array, not an .npz: save every weight into one file with np.savez (see the export snippets)",
    "upload.why.pickle": "the file holds pickled Python objects (torch.save or pickle), which are never loaded; save plain arrays with np.savez",
    "upload.why.pickled_arrays": "the file holds pickled Python objects, which are never loaded; save plain numeric arrays",
    "upload.why.torch_save": "this is a torch.save file (pickles in a zip), which is never loaded; export the state_dict with np.savez as shown in the snippets",
    "upload.why.objects": "array {name} holds Python objects; save plain numbers",
    "upload.why.not_npz": "this is not an .npz file (not a zip archive); save the weights with np.savez (see the export snippets)",
    "upload.why.not_arrays": "this zip holds files that are not NumPy arrays ({files}); save the weights with np.savez (see the export snippets)",
    "upload.why.damaged": "the .npz file is damaged or truncated; export it again",
    "upload.why.dtype": "array {name} must hold numbers; it holds {dtype}",
    "upload.why.nonfinite": "array {name} contains NaN or infinity (first at index {where}); use finite numbers",
    "upload.why.empty": "the file holds no arrays. Expected an lstm-viz file, a PyTorch state_dict (weight_ih_l0, …) or Keras get_weights() saved as arr_0, arr_1, … — see the export snippets",
    "upload.why.unknown": "no LSTM weights recognised: the file holds {found}. Expected an lstm-viz file, a PyTorch state_dict (weight_ih_l0, …) or Keras get_weights() saved as arr_0, arr_1, … — see the export snippets",
    "upload.why.marker": "unknown format marker {marker} in the file; expected an lstm-viz layer, stack or token model",
    "upload.why.missing": "the file has no {names}",
    "upload.why.half_head": "the file has only half a dense head: it needs head.W and head.b",
    "upload.why.w_shape": "{name} must have shape (4H, X) with H ≥ 1 and X ≥ 1; got {got}",
    "upload.why.shape": "{name} must have shape {described} = {want}; got {got}",
    "upload.why.chain": "layer {k} takes inputs of size {x}, but layer {below} gives {h} units",
    "upload.why.head": "the Linear layer {name} must have shape (K, {H}) to read the top LSTM layer's {H} units; got {got}",
    "upload.why.heads": "several Linear layers ({names}); only one dense head on top of the LSTM can be used",
    "upload.why.reverse": "this is a bidirectional LSTM (it has _reverse weights); only one direction can be shown: export an nn.LSTM with bidirectional=False",
    "upload.why.proj": "this LSTM has a projection (proj_size > 0, weight_hr_l0), which is not supported: export an nn.LSTM with proj_size=0",
    "upload.why.gaps": "the Keras arrays are not numbered arr_0 … arr_{last} without gaps; got {names}",
    "upload.why.keras_chain": "layer {k}'s kernel arr_{p} has shape {got}: it must read the {h} units of the layer below, so expected ({h}, 4H)",
    "upload.why.keras_start": "the Keras arrays do not start with an LSTM layer: expected arr_0 kernel (X, 4H), arr_1 recurrent_kernel (H, 4H), arr_2 bias (4H,); got {got}",
    "upload.why.keras_head": "after the LSTM layers expected one Dense layer: kernel ({h}, K) and bias (K,); got {got}",
    "upload.why.core": "{detail}",
    "upload.about": "Your uploaded model: {kind}. It reads {inputs} numbers per time step; "
                    "LSTM layers: {layers}.",
    "upload.size_mismatch": "The uploaded model expects {n} numbers per time step, but the "
                            "sequence gives {got}. Choose the “numbers” reading mode and type "
                            "{n} numbers per step, steps separated by “;”, for example: {example}",
    "upload.use_example": "Use this example",
    # ---- share and export (ui/share.py) ----
    "share.present": "Presentation mode",
    "share.present.help": "For a projector: hides the sidebar and the settings, larger type. "
                          "Kept in the link as present=1.",
    "share.controls": "Settings",
    "share.link": "Link to this view",
    "share.link.help": "Everything you set is in this link, language included. The copy icon "
                       "at the right of the box copies it.",
    "share.downloads": "Downloads",
    "share.csv": "Trace as CSV",
    "share.csv.help": "One row per step and unit: i, f, g, o, c, h and the state before the step.",
    "share.npz": "Trace as .npz",
    "share.npz.help": "NumPy arrays (T steps × H units) and the tokens; "
                      "np.load(file, allow_pickle=False) reads it.",
    "share.html": "Animation as HTML",
    "share.html.help": "A standalone web page that plays the animation offline.",
    "share.png": "For a PNG of the figure, use the camera icon in the chart's top-right toolbar.",
    # ---- the why page (pages/6_why.py, figures/why.py) ----
    "nav.why": "Why it remembers",
    "nav.why.title": "Why an LSTM remembers",
    "nav.why.blurb": "Take the memory apart step by step, force a gate open or shut and see "
                     "what breaks, and watch gradients survive where a plain RNN's vanish.",
    "why.intro": "Four experiments on your own sequence that show *why* an LSTM can keep "
                 "information for many steps: what is still in its memory, what breaks when a "
                 "gate is forced, how the gradient travels back in time, and which gates act "
                 "like switches.",
    "why.model.help": "Random weights show the mechanics. A trained model shows gates that "
                      "learned to remember: try “first symbol”.",
    "why.seed.help": "The seed of the random weights. The plain RNN in view 3 uses the same seed.",
    "why.look": "**Look at** one step t and one unit: every view below follows them.",
    "why.step": "Step t",
    "why.step.help": "The step whose cell state the ledger takes apart; surgery “from step t on” "
                     "starts here.",
    "why.unit.help": "The unit that the ledger, the surgery chart and the forget-gate product "
                     "follow.",
    "why.ledger.head": "1 · The memory ledger: who wrote what is in C?",
    "why.ledger.text": "At every step the cell state is updated as Cₜ = fₜ·Cₜ₋₁ + iₜ·C̃ₜ: the "
                       "forget gate scales the old memory and the input gate writes something "
                       "new. Unrolled, Cₜ is a sum with one part per earlier step k: what step k "
                       "wrote (iₖ·C̃ₖ) times every forget gate since then. Each bar is one such "
                       "part, how much of step k's write is still in C at step t. Together they "
                       "add up exactly to Cₜ (right).",
    "why.map.text": "**The whole ledger at once.** Row t is Cₜ taken apart as above: the square "
                    "in column k is what step k wrote that is still there at step t. The framed "
                    "row is step {step}, the bars above.\n\n"
                    "Read a column downwards to see how long one write lasts: it fades at the "
                    "pace of the forget gate. A long coloured streak is a memory the unit keeps; "
                    "a square that is gone by the next row was forgotten at once.",
    "why.surgery.head": "2 · Gate surgery: force a gate and see what breaks",
    "why.surgery.text": "Hold one gate at a fixed value and run the same sequence again. Grey: "
                        "the original run; colour: the run after surgery, for the chosen unit. "
                        "Choose whether the surgery acts on this unit or on all of them, and at "
                        "every step or only from step t on (shaded).",
    "why.surgery": "Surgery",
    "why.surgery.help": "Which gate to hold at a fixed value, or knock the unit out entirely.",
    "why.surgery.f1": "forget = 1",
    "why.surgery.f0": "forget = 0",
    "why.surgery.i0": "input = 0",
    "why.surgery.o1": "output = 1",
    "why.surgery.knockout": "knock out",
    "why.surgery.f1.why": "Forget = 1: nothing is erased, so C only adds up whatever the input "
                          "gate writes. With an input gate that stays open, C keeps growing "
                          "and h saturates.",
    "why.surgery.f0.why": "Forget = 0: C is wiped at every step and holds only this step's "
                          "write i·C̃. The unit remembers nothing beyond a single step.",
    "why.surgery.i0.why": "Input = 0: nothing new is written, so C can only fade from what it "
                          "held. From the first step on it stays exactly 0.",
    "why.surgery.o1.why": "Output = 1: the memory itself is not touched at that step, but h now "
                          "shows tanh(C) in full. C changes later only because h feeds back into "
                          "the gates of the next step.",
    "why.surgery.knockout.why": "Knock-out: all four gates are 0, so the unit's C and h are 0. "
                                "With “this unit”, the others change only through the h that is "
                                "now missing.",
    "why.who": "On",
    "why.who.unit": "this unit",
    "why.who.all": "all units",
    "why.when": "At",
    "why.when.all": "every step",
    "why.when.from": "from step t on",
    "why.surgery.result": "At the last step ({steps}), unit {unit} has C = {c_before} without "
                          "surgery and {c_after} with it; h = {h_before} and {h_after}.",
    "why.grad.head": "3 · Gradients through time: does the end still feel the start?",
    "why.grad.text": "How strongly does the hidden state at the last step depend on each "
                     "earlier input? The top chart shows the size of the gradient "
                     "$\\lVert\\partial h_T/\\partial x_t\\rVert$ "
                     "for this LSTM and for a plain tanh RNN of the same size, on a log scale: "
                     "each step down the axis is ten times weaker. In a plain RNN the gradient "
                     "goes through the weights and tanh′ at every step and shrinks by a similar "
                     "factor each time, so it *vanishes*: a straight line falling to the left. "
                     "The LSTM has a second road, the cell path, on which it is multiplied only "
                     "by forget gates: $\\prod f_j$ from step t+1 to the end (bottom chart). Where f "
                     "stays close to 1, that product stays close to 1 and the gradient survives.",
    "why.grad.numbers": "From the first input to the last state ({steps} steps): LSTM {lstm}, "
                        "plain RNN {rnn}; Π f of unit {unit}: {forget}.",
    "why.grad.random": "With random weights the forget gates sit near 0.5, so Π f halves at every "
                       "step and this LSTM forgets about as fast as the RNN. Training teaches "
                       "f ≈ 1 where memory is needed: choose the model “Trained · first symbol” "
                       "above and the cell path keeps the gradient alive.",
    "why.grad.trained": "This model was trained. Units whose Π f stays high carry the gradient, "
                        "and the memory, across the whole sequence.",
    "why.sat.head": "4 · Gate saturation: which units act like switches?",
    "why.sat.text": "One dot per unit. Across the sequence, x is the share of steps on which the "
                    "gate is nearly shut (below 0.1) and y the share on which it is nearly open "
                    "(above 0.9). Dots near the corner (0, 0) are gates that stay in between; "
                    "dots high on the left are gates that are nearly always open, which for the "
                    "forget gate means a unit that holds on to its memory. No dot can lie above "
                    "the dotted line: a gate cannot be shut and open at once. This is the "
                    "picture Karpathy, Johnson and Fei-Fei (2015) drew for character-level "
                    "LSTMs. The chosen unit is ringed; open a unit on the gates page to see "
                    "its whole trace.",
    "why.sat.open": "Unit {unit} on the gates page",
    "why.sat.open.keeper": "Unit {unit}: forget gate open {share} of steps",
    "why.sat.random": "With random weights the gates hover around 0.5 and almost never saturate, "
                      "so the dots crowd at (0, 0). Choose a trained model above to see units "
                      "that have become switches.",
    "why.fig.ledger.title": "What C of unit {unit} holds at step {step} (“{token}”), split by the "
                            "step that wrote it",
    "why.fig.ledger.hover": "written at step %{x} (%{customdata})<br>still in C: %{y:.4f}",
    "why.fig.ledger.sum": "sum of bars",
    "why.fig.ledger.x": "step",
    "why.fig.ledger.y": "part of C still there",
    "why.fig.map.title": "The ledger of unit {unit}",
    "why.fig.map.hover": "C at step %{y} (%{customdata[0]})<br>written at step %{x} "
                         "(%{customdata[1]})<br>%{z:.4f}",
    "why.fig.map.x": "written at step k",
    "why.fig.map.y": "C at step t",
    "why.fig.surgery.title": "Unit {unit} with and without surgery: {what}",
    "why.fig.surgery.c": "Cell state C of unit {unit}",
    "why.fig.surgery.h": "Hidden state h of unit {unit}",
    "why.fig.surgery.p": "How sure the model stays of its original prediction",
    "why.fig.surgery.hover.x": "%{y:.3f}",
    "why.fig.surgery.hover.p": "P(%{customdata[1]}) = %{y:.0%}",
    "why.fig.surgery.before": "original",
    "why.fig.surgery.after": "after surgery ({what})",
    "why.fig.grad.top": "How much h at the last step ({T}) depends on the input of step t: "
                        "‖∂h<sub>T</sub>/∂x<sub>t</sub>‖",
    "why.fig.grad.bottom": "The cell path of unit {unit}: Π f<sub>j</sub> from step t+1 to the "
                           "end",
    "why.fig.grad.lstm": "LSTM",
    "why.fig.grad.rnn": "plain tanh RNN, same size",
    "why.fig.grad.forget": "Π f of unit {unit}",
    "why.fig.grad.hover": "%{customdata}: %{y:.2e}",
    "why.fig.grad.y": "gradient size",
    "why.fig.grad.x": "input at step t",
    "why.fig.sat.hover": "unit %{customdata}<br>nearly shut on %{x:.0%} of steps<br>nearly open "
                         "on %{y:.0%}",
    "why.fig.sat.x": "share of steps nearly shut (< {low})",
    "why.fig.sat.y": "share nearly open (> {high})",
    # ---- the training tasks and /train (pages/5_train.py, ui/training.py, figures/train.py) ----
    "task.pronoun-en.title": "Pronouns in English stories",
    "task.pronoun-en.description": "Short stories such as `John met Mary in the park and he is happy . the girls saw Tom and they are tired .` Where the next word is a pronoun, the model must say which one: he, she or they, and then is or are. The right pronoun depends on the latest *subject*, which may be many words back, behind names of the other gender.",
    "task.pronoun-en.look": "Find a unit whose cell state C turns one way after a male subject (John, the king) and the other way after a female one (Mary, the queen), and keeps that sign until the next subject. Its forget gate f should drop where a new subject appears: that is the moment the old one is forgotten.",
    "task.pronoun-zh.title": "Pronouns in Chinese stories",
    "task.pronoun-zh.description": "The same idea in Chinese, one character per step: `爸爸在公园见到了小红，他很高兴。` Where the next token is 他, 她 or 他们, the model must choose it, and only the latest subject (爸爸, not 小红) decides.",
    "task.pronoun-zh.look": "Find a unit whose C takes one sign after 小明 or 爸爸 and the other after 小红 or 妈妈, and keeps it through the sentence. Watch its forget gate at the character that settles a new subject (明 in 小明, 爸 in 爸爸).",
    "task.brackets.title": "Bracket depth",
    "task.brackets.description": "A string of brackets and the letters a and b, such as `( a ( ( b ) ) a`. After every character the model must say how deeply the brackets are nested (0 to 4). A letter changes nothing, so the model has to keep a running count.",
    "task.brackets.look": "Find a unit whose cell state C climbs with every ( and falls with every ): a counter. At a letter its input gate should let little in, so that the count stays as it was.",
    "task.first-symbol.title": "Remember the first symbol",
    "task.first-symbol.description": "A, B or C, then 3 to 18 random letters from x y z u v w, then `?`. At the `?` the model must say which symbol came first. Only that last step is graded.",
    "task.first-symbol.look": "The first symbol must be written into C at step 1 and kept unchanged through the noise: look for an input gate that is open at the first step and shut afterwards, and a forget gate that stays close to 1 all the way.",
    "train.intro": "Pick a task and a size, press **Train** and watch a small LSTM learn it. At every step it reads {batch} fresh examples, measures its mistakes (the loss) and nudges all its weights to make fewer (Adam, with backpropagation through time).",
    "train.task": "Task",
    "train.task.help": "What the model must learn. Every task needs memory: the answer depends on something read earlier.",
    "train.units": "Units (H)",
    "train.units.help": "The number of LSTM units: the length of h and C. More units learn more easily but cost more per step.",
    "train.lr": "Learning rate",
    "train.lr.help": "How big a step Adam takes each time. Too small and the loss falls slowly; too large and it jumps about.",
    "train.steps": "Steps",
    "train.steps.help": "Training steps; each one shows the model {batch} new examples.",
    "train.seed": "Seed",
    "train.seed.help": "Picks the starting weights and the training examples. The same settings always train the same model.",
    "train.asks": "What the task asks",
    "train.look": "What to look for in the gates",
    "train.button": "Train",
    "train.stop": "Stop",
    "train.estimate": "About {seconds} s of training.",
    "train.too_big": "This run is too big for a shared classroom server: {steps} steps with {units} units would take about {seconds} s, and one run may take about {limit} s. With {units} units use at most {max_steps} steps, or choose fewer units.",
    "train.starting": "Starting…",
    "train.waiting": "Other runs are training on this server; yours starts as soon as one of them finishes.",
    "train.progress": "Step {step} of {steps} · loss {loss} · accuracy {accuracy}",
    "train.done": "Trained {steps} steps in {seconds} s.",
    "train.reused": "These exact settings have been trained on this server before, so here is that result at once: the same settings always give the same model.",
    "train.stopped": "Stopped at step {step} of {steps}. The model as it was at that step is kept: you can look inside it.",
    "train.diverged": "Training blew up at step {step}: the loss became infinite. Choose a smaller learning rate.",
    "train.crashed": "The training process stopped unexpectedly (the server may be short of memory). Press Train to try again; your settings are kept.",
    "train.other_settings": "This is the result of your last run, whose settings differ from the ones above. Press Train to train with the new settings.",
    "train.result_of": "{task} · {units} units · learning rate {lr} · {steps} steps · seed {seed}",
    "train.held_out_accuracy": "Accuracy on new examples",
    "train.held_out_loss": "Loss on new examples",
    "train.held_out.help": "Measured on {n} examples the model never saw in training, at the graded steps only.",
    "train.steps_done": "Steps trained",
    "train.time": "Training time",
    "train.seconds": "{s} s",
    "train.inspect": "Look inside your model on the gates page",
    "train.fig.loss": "loss",
    "train.fig.accuracy": "accuracy",
    "train.fig.loss_title": "Loss: how wrong (lower is better)",
    "train.fig.accuracy_title": "Accuracy at the graded steps",
    "train.fig.step": "training step",
    "train.fig.batch": "each batch",
    "train.fig.smooth": "smoothed",
    "train.fig.held_out": "new examples",
    "train.fig.hover": "step {step}: {value}",
    "train.fig.empty": "Press Train to start",
    # ---- the trained models (ui/compute.py, pages/1_gates.py, pages/4_memory.py) ----
    "model.pronoun-en": "Trained · English pronouns",
    "model.pronoun-zh": "Trained · Chinese pronouns",
    "model.brackets": "Trained · bracket depth",
    "model.first-symbol": "Trained · first symbol",
    "model.trained": "Your trained model",
    "model.pronoun-en.about": "It reads short English stories word by word and predicts the "
                              "next pronoun (he, she, they) and verb (is, are), which must agree "
                              "with the latest subject.",
    "model.pronoun-zh.about": "It reads short Chinese stories character by character and "
                              "predicts the next pronoun (他, 她, 他们), which must agree with the "
                              "latest subject.",
    "model.brackets.about": "It reads brackets and the letters a and b one at a time and says "
                            "after every step how deeply the brackets are nested (0 to 4).",
    "model.first-symbol.about": "It reads A, B or C followed by random letters and, at the "
                                "final “?”, must say which of A, B, C came first.",
    "model.unknown": "The model does not know {bad}. Use only these: {allowed}",
    "model.empty": "The text is empty. Type something in the model's vocabulary.",
    "gates.model.help": "Random weights show the mechanics. A trained model shows gates that "
                        "do a job: pick one to see what it learned.",
    "gates.model.segment.words": "word by word",
    "gates.model.segment.chars": "character by character",
    "gates.model.decides": "It reads the text {segment} and has {units} units, with the token vectors "
                           "and weights it learned: there is no reading mode, size or seed "
                           "to choose.",
    "gates.model.trained_for": "**{name}.** {about}",
    "gates.model.yours": "Your own model, trained in this session.",
    "gates.model.job.gender": "💡 Unit {unit} learned to carry the gender of the current "
                              "subject: its C changes sign when a new subject appears. See "
                              "“Memory at work”.",
    "gates.model.job.depth": "💡 Unit {unit} learned to count: its C follows how deeply the "
                             "brackets are nested.",
    "gates.model.layer": "Layer",
    "gates.model.layer.help": "Which LSTM layer of the model to look at (1 is the bottom).",
    "gates.model.examples": "Stories this model can read",
    # ---- the memory page (pages/4_memory.py, lstm_viz/story.py, figures/memory.py) ----
    "memory.intro": "A small LSTM was trained on generated stories to predict the next "
                    "pronoun. To choose between he, she and they it must remember who the "
                    "story is about, and drop that memory when somebody new takes over. One of "
                    "its units became that memory. Pick a story, or write one with the model's "
                    "words, and watch that unit.",
    "memory.demo": "Model",
    "memory.demo.pronoun-en": "English · he / she / they",
    "memory.demo.pronoun-zh": "Chinese · 他 / 她 / 他们",
    "memory.segment.words": "words",
    "memory.segment.chars": "characters",
    "memory.demo.help": "Both were trained the same way: the English model reads words, the "
                        "Chinese model reads characters.",
    "memory.example": "Example stories",
    "memory.example.placeholder": "Pick a story to load it…",
    "memory.example.help": "Stories from the generator the model was trained on.",
    "memory.seq": "The story the model reads",
    "memory.seq.help": "Use only the model's own {segment}, and end every sentence with a full "
                       "stop. A sentence that starts with a name or a noun brings in a new "
                       "subject. At most {limit} steps are drawn.",
    "memory.metrics": "**Measured on {stories} fresh stories** the model never trained on",
    "memory.metrics.plain": "**Measured on fresh stories** the model never trained on",
    "memory.metric.accuracy": "Pronoun accuracy",
    "memory.metric.accuracy.help": "Where a pronoun comes next, how often the model gives the "
                                   "right one the highest probability of the three.",
    "memory.metric.agreement": "Unit {unit} tells the gender",
    "memory.metric.agreement.help": "At steps whose current subject is male or female, how "
                                    "often the sign of unit {unit}'s C says which one. Plural "
                                    "subjects are left out: they have no gender.",
    "memory.metric.forget_new": "Forget gate at a new subject",
    "memory.metric.forget_new.help": "Mean of unit {unit}'s forget gate at the steps where a "
                                     "new subject appears: low means the old subject is wiped.",
    "memory.metric.forget_else": "Forget gate elsewhere",
    "memory.metric.forget_else.help": "Mean of the same gate at every other step after the "
                                      "first subject: high means the memory is kept.",
    "memory.read": "Read each column from top to bottom. Dashed line: a new subject appears. "
                   "Background of (b): blue while the subject is male, orange while female, "
                   "grey while plural.",
    "memory.explain": "What happened, with the real numbers",
    "memory.explain.none": "No sentence of this story starts with a subject (a name or a noun "
                           "such as {example}), so the gender unit has nothing to remember.",
    "memory.open_gates": "Open this story on the gates page",
    "memory.class.m": "male",
    "memory.class.f": "female",
    "memory.class.pl": "plural",
    "memory.class.none": "neither (C = 0)",
    "memory.say.first": "At “{token}” (step {step}) the story gets its first subject: {subject} "
                        "({cls}).",
    "memory.say.new": "At “{token}” (step {step}) a new subject takes over: {subject} ({cls}) "
                      "replaces {old}.",
    "memory.say.forget.low": "The forget gate of unit {unit} drops to {f}, wiping most of the "
                             "old value {c_prev}.",
    "memory.say.forget.mid": "The forget gate of unit {unit} falls to {f}, letting go of part of "
                             "the old value {c_prev}.",
    "memory.say.forget.high": "The forget gate of unit {unit} stays at {f}, so most of the old "
                              "value {c_prev} is kept.",
    "memory.say.write": "The input gate is {i} and the candidate C̃ is {g}: C goes from {c_prev} "
                        "to {c}.",
    "memory.say.reads.right": "The unit now says “{reading}”, which is right.",
    "memory.say.reads.wrong": "The unit now says “{reading}”, but the subject is {cls}.",
    "memory.say.plural": "A plural subject has no gender to store; the agreement measured above "
                         "leaves such steps out.",
    "memory.say.choice": "Step {step} (“{token}”), followed by “{next}”: the model expects "
                         "{choice} ({odds}); C = {c}, which the unit reads as {reading}.",
    "memory.say.choice.plain": "Step {step} (“{token}”), followed by “{next}”: the model expects "
                               "{choice} ({odds}).",
    "memory.say.choice.right": "Right for {subject}.",
    "memory.say.choice.wrong": "Wrong: the subject is {subject}, so {due} was due.",
    "memory.say.no_subject": "No subject has appeared yet, so nothing can agree.",
    "memory.say.typed": "(Your story has “{next}” here, but {due} would agree with the subject.)",
    "memory.fig.probs": "(a) Which pronoun the model expects next: {colours}   (faded: no pronoun follows)",
    "memory.fig.c": "(b) Cell state C of unit {unit}: the memory of the subject's gender",
    "memory.fig.gates": "(c) The gates of unit {unit}: {colours}",
    "memory.fig.p_axis": "probability",
    "memory.fig.gate_axis": "gate value",
    "memory.fig.hover.p": "step {step} · {token}",
    "memory.fig.hover.c": "step {step} · {token}",
    "memory.fig.hover.gate": "step {step}",
    "memory.fig.sign.pos": "C > 0: {cls}",
    "memory.fig.sign.neg": "C < 0: {cls}",
    "nav.home": "Home",
    "nav.home.title": "How an LSTM remembers",
    "nav.gates": "Gates, step by step",
    "nav.gates.title": "Gates, step by step",
    "nav.gates.blurb": "Type a sentence or a series of numbers and watch every gate open and "
                       "close as the LSTM reads it, with the arithmetic of any step.",
    "nav.stacked": "Stacked LSTMs",
    "nav.stacked.title": "Stacked LSTMs",
    "nav.stacked.blurb": "Put layers on top of each other and follow h upwards and (h, C) "
                         "forwards, with the tensor shape on every arrow.",
    "nav.params": "Parameter calculator",
    "nav.params.title": "Parameter calculator",
    "nav.params.blurb": "Count the weights of any stack in the article's, Keras' and "
                        "PyTorch's way, and see why the three totals differ.",
    "nav.about": "An interactive companion to the lesson on LSTM architecture.",
    "nav.memory": "Memory at work",
    "nav.memory.title": "Memory at work: who is “he”?",
    "nav.memory.blurb": "A trained LSTM reads short stories and must pick he, she or they. "
                        "Find the unit that remembers the subject and watch it forget when a "
                        "new subject arrives.",
    "nav.train": "Train your own",
    "nav.train.title": "Train an LSTM yourself",
    "nav.train.blurb": "Pick a task, press Train and watch the loss fall; then open your "
                       "model's gates.",
    "home.lead": "A recurrent network reads a sequence one step at a time and carries a "
                 "summary of what it has seen. A plain RNN overwrites that summary at every "
                 "step, so old information fades fast. An **LSTM** adds a second, protected "
                 "memory, the **cell state C**, and three **gates** that decide at each step "
                 "what to erase, what to write and what to reveal.",
    "home.cell": "**Reading the picture**\n\n"
                 "- The line along the top is the cell state C. It passes from step to step "
                 "with only two small edits, which is why information can survive many steps.\n"
                 "- The **forget gate f** multiplies C by a number between 0 (erase) and 1 "
                 "(keep).\n"
                 "- The **input gate i** decides how much of the **candidate C̃** (proposed "
                 "new content, between −1 and 1) is added.\n"
                 "- The **output gate o** decides how much of tanh(C) leaves the cell as the "
                 "hidden state **h**, which is both this step's output and part of the next "
                 "step's input.\n\n"
                 "All four read the same thing: the previous hidden state hₜ₋₁ next to the "
                 "current input xₜ. Each is one fully connected layer with its own weights, "
                 "and the same weights are used at every step.",
    "home.explore": "Explore",
    "home.open": "Open",
    "mode.chars": "Characters",
    "mode.words": "Words",
    "mode.numbers": "Numbers",
    "model.random": "Random weights",
    "conv.article": "Article (no bias)",
    "conv.keras": "Keras / TensorFlow",
    "conv.pytorch": "PyTorch",
    "gates.intro": "Each step of the sequence becomes an input vector xₜ. Press ▶ under the "
                   "picture to watch the gates work through it, or pick a step below to see "
                   "its arithmetic.",
    "gates.seq": "Your sequence",
    "gates.seq.help": "Characters: every character is a step (Chinese and emoji too). Words: "
                      "split on spaces. Numbers: 0.5, 1, -2 for one number per step, or "
                      "1 2; 3 4 for a vector per step. Up to 500 steps are shown.",
    "gates.mode": "Read it as",
    "gates.mode.help": "How the text becomes input vectors xₜ.",
    "gates.units": "Units (H)",
    "gates.units.help": "The number of LSTM units: the length of h and C.",
    "gates.seed": "Seed",
    "gates.seed.help": "Picks the random weights and the token vectors; the same seed always "
                       "gives the same numbers.",
    "gates.model": "Model",
    "gates.examples": "Examples",
    "gates.ex.words": "A sentence",
    "gates.ex.chars": "Characters",
    "gates.ex.zh": "中文句子",
    "gates.ex.wave": "A sine wave",
    "gates.ex.vectors": "2-D vectors",
    "gates.closer": "One step up close",
    "gates.step": "Step",
    "gates.step.help": "Which time step to explain (the picture above starts here too).",
    "gates.unit": "Unit",
    "gates.unit.help": "Which unit the cell picture and the arithmetic follow.",
    "gates.arith": "**Step {step}, unit {unit}: the arithmetic with the real numbers**",
    "gates.input_at": "**What went in at step {step}**",
    "gates.embedding": "Token vectors (each token's fixed {dim} numbers)",
    "stacked.intro": "In a stack, the hidden state hₜ of one layer is the input xₜ of the "
                     "layer above, while each layer passes its own (h, C) to its next step. "
                     "The preset is the lesson's example: 5 inputs → 128 → 64 → 32 → 8 units "
                     "→ a dense layer with 1 output.",
    "stacked.article": "Load the lesson's example",
    "stacked.units": "Units per layer",
    "stacked.units.help": "Bottom layer first, separated by commas, e.g. 128, 64, 32, 8.",
    "stacked.dense": "Dense outputs",
    "stacked.dense.help": "Width of the fully connected layer on top (0 for none).",
    "stacked.time_major": "Layer output, time-major",
    "stacked.batch_first": "Layer output, batch-first",
    "stacked.shapes": "Tensor shapes (batch size 1)",
    "stacked.shapes.note": "[time_step, batch, units] is PyTorch's default layout; "
                           "[batch, time_step, units] is Keras' and PyTorch's batch_first=True.",
    "stacked.hidden": "Hidden state of every layer over time",
    "stacked.head": "Output of the dense layer at every step",
    "params.intro": "Each gate is a fully connected layer on [hₜ₋₁, xₜ], so one layer has "
                    "4·units·(units + inputs) weights, plus the biases if they are counted.",
    "params.article": "Load the lesson's example",
    "params.input": "Input size (x)",
    "params.input.help": "Numbers in each input vector xₜ, e.g. the word-vector length.",
    "params.units.help": "Units of each stacked LSTM layer, bottom first: 128, 64, 32, 8.",
    "params.dense": "Dense outputs",
    "params.dense.help": "Width of a fully connected output layer (0 for none).",
    "params.convention": "Count as",
    "params.convention.help": "The article leaves out biases; Keras has one bias vector per "
                              "layer; PyTorch (and cuDNN, ONNX) has two.",
    "params.bidirectional": "Bidirectional",
    "params.bidirectional.help": "A second LSTM reads the sequence backwards: every layer "
                                 "doubles, and the next layer's input is 2·units.",
    "params.shapes": "Tensors (shape)",
    "params.formula": "Formula",
    "params.count": "Parameters",
    "params.dense_layer": "Dense",
    "params.gap": "Keras counts {keras} and PyTorch {pytorch}. The {gap} extra are PyTorch's "
                  "second bias vector, 4 per unit: 4·{dirs}({units}).",
    "params.per_layer": "Layer by layer",
    "params.faq": "Common confusions",
    "params.faq.units.q": "Are the units the number of time steps?",
    "params.faq.units.a": "No. The units (num_units, hidden size) are the length of h and C. "
                          "The number of time steps is how long the sequence is; the same cell "
                          "with the same weights is applied at every step.",
    "params.faq.time.q": "Does a longer sequence need more parameters?",
    "params.faq.time.a": "No. The weights are shared across time, so the count does not "
                         "depend on the sequence length. Only the amount of computation grows.",
    "params.faq.batch.q": "Does the batch size change the count?",
    "params.faq.batch.a": "No. A batch runs several sequences through the same weights at once.",
    "params.faq.stack.q": "What is the input size of a stacked layer?",
    "params.faq.stack.a": "The units of the layer below it: that layer's hₜ is this layer's "
                          "xₜ. In 5 → 128 → 64 the second layer has x = 128.",
    "params.faq.bias.q": "Why do Keras and PyTorch print different totals?",
    "params.faq.bias.a": "Both compute the same gates. PyTorch stores two bias vectors per layer "
                         "(b_ih and b_hh) that are simply added, Keras stores one. The article "
                         "counts only the weight matrices.",
    # ---- limits on work, memory and numbers (issue 14) ------------------------------
    "upload.why.too_many_params": "the file holds {n} numbers ({mb} MB once read as float64), over the limit of {limit}; upload a model with fewer units or layers (one layer of H units reading X numbers has 4·H·(X + H + 1))",
    "upload.why.too_many_layers": "the model has {got} layers; at most {limit} are supported; upload a model with fewer layers",
    "limit.work": "This view is too big for a shared classroom server: {steps} steps × {units} units (all layers together) is {work} unit-steps, and one view may have at most {limit}. With {units} units use at most {max_steps} steps, or use fewer units or layers.",
    "limit.nonfinite": "The numbers overflowed: {what} is not a finite number at step {step} (unit {unit}, layer {layer}), so nothing here can be drawn or explained. The weights are too large for {dtype} arithmetic: scale them down (divide them by 10, say) and upload the file again.",
    "limit.z": "the weighted sum z = W·xₜ + U·hₜ₋₁ + b",
}

_ZH: dict[str, str] = {
    "gate.i": "输入门",
    "gate.f": "遗忘门",
    "gate.g": "候选记忆元 C̃",
    "gate.o": "输出门",
    "state.c": "记忆元（细胞状态）C",
    "state.h": "隐状态 h",
    "word.step": "时间步",
    "word.unit": "单元",
    "word.layer": "层",
    "word.token": "词元",
    "word.input": "输入",
    "err.empty": "序列是空的。请至少输入一个字、一个词或一个数。",
    "err.mode": "未知的输入方式“{mode}”。请选择：逐字、逐词或数值。",
    "err.not_number": "“{token}”（第 {step} 步）不是数字。数值模式下请输入用逗号或空格分隔的数，"
                      "例如 0.5, 1, -2。",
    "err.not_finite": "“{token}”（第 {step} 步）不是有限的数。请不要使用 NaN 或无穷大。",
    "err.too_big": "{token}（第 {step} 步）太大了：数值必须在 −{limit} 到 {limit} 之间。",
    "err.ragged": "第 {step} 步有 {got} 个数，而第 1 步有 {want} 个。每一步的数的个数必须相同"
                  "（例如 1 2; 3 4）。",
    "err.too_wide": "第 {step} 步有 {got} 个数；每步最多 {limit} 个。",
    "err.empty_vector": "第 {step} 步（两个分号之间）是空的。请删去多余的“;”或在那里填上数。",
    "err.range": "{name} 必须是 {low} 到 {high} 之间的整数；现在是“{value}”。",
    "err.units_list": "单元数须是用逗号分隔的整数列表，例如 128, 64, 32, 8；“{token}”不是整数。",
    "err.too_many_layers": "最多堆叠 {limit} 层；现在有 {got} 层。",
    "note.truncated": "序列共有 {total} 步；只显示前 {limit} 步。",
    "note.link_value": "链接中的 {name}={raw} 在这里无法使用，已改用 {name}={value}。",
    "explain.forget.high": "遗忘门几乎全开（{f}）：旧记忆几乎全部保留。",
    "explain.forget.mid": "遗忘门半开（{f}）：旧记忆保留了一部分。",
    "explain.forget.low": "遗忘门几乎关闭（{f}）：旧记忆大部分被丢弃。",
    "explain.input.high": "输入门打开（{i}），候选值 {g} 几乎全部写入记忆元。",
    "explain.input.mid": "输入门放进了候选值 {g} 的一部分（{i}）。",
    "explain.input.low": "输入门几乎关闭（{i}）：候选值 {g} 只写入了很少一点。",
    "explain.output.high": "输出门打开（{o}）：h 几乎原样给出压缩后的记忆 tanh(C) = {tc}。",
    "explain.output.mid": "输出门把 tanh(C) = {tc} 的一部分（{o}）传给 h。",
    "explain.output.low": "输出门几乎关闭（{o}）：记忆留在细胞内部，h 接近 0。",
    "explain.cell.change": "总的效果：记忆元从 {c_prev} 变为 {c}。",
    # ---- figures (figures/*.py) ----------------------------------------------------
    "fig.stack.title": "按时间展开的多层 LSTM · {arch}",
    "fig.stack.subtitle": "每一行是一层（第 1 层在最下面），每一列是一个时间步；同一行在每个时间步"
                          "都使用同一组权重。<br>下层的 h<sub>t</sub> 向上成为上层的 x<sub>t</sub>；"
                          "C<sub>t</sub> 和 h<sub>t</sub> 向右传给同一层的第 t+1 步。",
    "fig.stack.units": "<b>{n}</b><br>个单元",
    "fig.stack.dense_box": "全连接<br><b>{n}</b>",
    "fig.stack.layer": "第 {n} 层 LSTM",
    "fig.stack.input_row": "输入",
    "fig.stack.dense_row": "全连接层",
    "fig.stack.output_row": "输出",
    "fig.stack.time_step": "时间步",
    "fig.stack.batch": "批量",
    "fig.stack.whole": "整个序列",
    "fig.stack.or": "或 {shape}",
    "fig.stack.heat_title": "各层隐状态 h 在每个时间步的取值",
    "fig.stack.heat_layer": "第 {n} 层 · {units} 个单元",
    "fig.stack.heat_hover": "第 %{x} 步 · 单元 %{y} · h = %{z:.3f}",
    "fig.stack.axis_unit": "单元",
    "fig.stack.axis_step": "时间步（词元）",
    "fig.stack.head_title": "全连接层在每个时间步的输出",
    "fig.stack.head_hover": "第 %{x} 步 · %{fullData.name} = %{y:.3f}",
    "fig.params.title": "{total} 个参数分布在哪里 · {convention}",
    "fig.params.subtitle": "序列长度和批量大小都不会改变参数量。",
    "fig.params.W": "W · 输入权重",
    "fig.params.U": "U · 循环权重",
    "fig.params.bias": "b · 偏置",
    "fig.params.projection": "投影权重",
    "fig.params.dense": "全连接层",
    "fig.params.layer": "LSTM 第 {n} 层<br>{x} → {h}",
    "fig.params.both": "<br>双向",
    "fig.params.dense_bar": "全连接层<br>{x} → {k}",
    "fig.params.axis": "参数量",
    "fig.params.axis_layer": "LSTM 层",
    "fig.params.conv.article": "原文公式（不计偏置）",
    "fig.params.conv.keras": "Keras / TensorFlow",
    "fig.params.conv.pytorch": "PyTorch",
    "fig.params.bar.article": "原文公式<br>（不计偏置）",
    "fig.params.cmp_title": "同一个网络，三种算法",
    "fig.params.cmp_total": "参数总量",
    "fig.params.cmp_bias": "LSTM 层中的偏置参数",
    "fig.params.bias1": "第一个偏置向量（b 或 b_ih）",
    "fig.params.bias2": "第二个偏置向量（b_hh）",
    "fig.params.gap": "PyTorch − Keras = {gap}：正好是第二个偏置向量",
    "fig.common.play": "▶ 播放",
    "fig.common.pause": "❚❚ 暂停",
    "fig.common.hover": "时间步 {step} · 单元 {unit}",
    "fig.common.unit": "单元",
    "fig.common.f": "遗忘门 f",
    "fig.common.i": "输入门 i",
    "fig.common.g": "候选记忆元 C̃",
    "fig.common.o": "输出门 o",
    "fig.common.c": "记忆元 C",
    "fig.common.h": "隐状态 h",
    "fig.cell.title": "LSTM 单元内部",
    "fig.cell.f": "遗忘门",
    "fig.cell.i": "输入门",
    "fig.cell.g": "候选记忆元",
    "fig.cell.o": "输出门",
    "fig.cell.c_role": "长期记忆",
    "fig.cell.h_role": "本步的输出",
    "fig.gates.title": "LSTM 单元内部 · 单元 {unit} 的数值",
    "fig.gates.slider": "第 {step} 步：{token}",
    "fig.gates.colour_note": "方框颜色表示数值，色标与下方热图相同",
    "fig.gates.maps_title": "所有时间步 × 所有单元 · 黑框：当前时间步 · 虚线：单元 {unit}",
    # ---- pages (app.py, pages/*.py, ui/*.py) ------------------------------------------
    "upload.layout.lstm-viz": "本应用的布局",
    "upload.layout.pytorch": "PyTorch 布局",
    "upload.layout.keras": "Keras 布局",
    # ---- the command line (lstm_viz/cli.py) ----
    "cli.description": "lstm-viz 教学应用的命令行工具。",
    "cli.params_help": "计算多层 LSTM 的可训练参数量",
    "cli.input_help": "第一层每个时间步输入的特征数（X）",
    "cli.units_help": "每一层 LSTM 的单元数，从最底层开始，例如 128 64 32 8",
    "cli.dense_help": "最后一层 LSTM 之后全连接输出层（Dense）的单元数（默认：无）",
    "cli.convention_help": "偏置的计数口径：article（原文，不计偏置）、keras（一个）、"
                           "pytorch（两个）；默认 keras",
    "cli.bidirectional_help": "每层 LSTM 都双向运行（参数量翻倍，下一层输入为 2·H）",
    "cli.proj_size_help": "PyTorch 的 proj_size：把 h 投影到这个大小（仅限 pytorch 口径）",
    "cli.json_help": "输出 JSON 而不是表格",
    "cli.lang_help": "表格和提示信息的语言：en（默认）或 zh",
    "cli.error": "错误：{message}",
    "cli.not_integer": "{value!r} 不是整数：请输入一个整数，例如 8",
    "cli.no_command": "请选择一个命令：params（可试试：python -m lstm_viz params --help）",
    "cli.title": "LSTM 参数量（{convention}）",
    "cli.col_layer": "层（类型）",
    "cli.col_shape": "输出形状",
    "cli.col_params": "参数量",
    "cli.col_formula": "公式",
    "cli.lstm_name": "lstm{suffix}（LSTM 层）",
    "cli.bidirectional_name": "bidirectional{suffix}（双向层）",
    "cli.dense_name": "dense（全连接层）",
    "cli.total": "参数总数：{total:,}",
    "cli.by_convention": "按口径：{totals}",
    "cli.convention.article": "原文口径",
    "cli.convention.keras": "Keras 口径",
    "cli.convention.pytorch": "PyTorch 口径",
    # ---- the guided lessons (pages/7_lessons.py, lstm_viz/lessons.py) ----
    "nav.lessons": "分步课程",
    "nav.lessons.title": "分步课程：LSTM 是怎样工作的",
    "nav.lessons.blurb": "三节短课，每节几步：逐个认识门、参数与张量形状、多层 LSTM。"
                         "讲解紧挨着图，图中会突出正在讲的部分。",
    "lesson.intro": "读完一步，看看图中突出的部分，再点“下一步”。每一步都有自己的网址，"
                    "复制下来就能让学生直接打开这一步。",
    "lesson.pick": "部分",
    "lesson.step": "第 {step} 步，共 {count} 步",
    "lesson.back": "上一步",
    "lesson.next": "下一步",
    "lesson.part.1": "1 · 逐个认识门",
    "lesson.part.2": "2 · 参数与张量形状",
    "lesson.part.3": "3 · 多层 LSTM",
    "lesson.link.memory": "看一个训练好的模型如何记住主语",
    "lesson.link.params": "用文中的网络打开参数计算器",
    "lesson.link.stacked": "在多层页面上运行文中的网络",
    "lesson.1.1.title": "记忆元：贯穿单元的记忆线",
    "lesson.1.1.text": "单元顶部那条横线就是**记忆元**（细胞状态）C，它是这一层的记忆，"
                       "从一个时间步传到下一个时间步。\n\n"
                       "这条线上没有权重矩阵，只有两个简单的运算会碰到它：一个可以擦除的 **×**，"
                       "一个可以写入的 **+**。因此存进 C 的内容可以几乎不变地保留很多步。\n\n"
                       "擦掉什么、写入什么，由**门**决定。门是以 sigmoid 函数 σ 结尾的小网络层，"
                       "输出在 0（全部挡住）到 1（全部放行）之间。",
    "lesson.1.2.title": "遗忘门：擦掉什么",
    "lesson.1.2.text": "`fₜ = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f)`\n\n"
                       "**遗忘门**读取新的输入 xₜ 和上一步的输出 hₜ₋₁，"
                       "为旧记忆 Cₜ₋₁ 的每一个分量给出一个 0 到 1 之间的数。\n\n"
                       "在记忆线上的 **×** 处，两者逐元素相乘：1 表示原样保留，0 表示完全抹去，"
                       "0.5 表示留下一半。（W_f·xₜ + U_f·hₜ₋₁ 等价于把 hₜ₋₁ 和 xₜ "
                       "拼成一个向量后乘以一个矩阵。）",
    "lesson.1.3.title": "输入门与候选记忆元：写入什么",
    "lesson.1.3.text": "写入由并排的两层共同完成。\n\n"
                       "- **候选记忆元** C̃ₜ = tanh(W_g·xₜ + U_g·hₜ₋₁ + b_g) 提出新内容，"
                       "每个值都在 −1 到 1 之间；\n"
                       "- **输入门** iₜ = σ(W_i·xₜ + U_i·hₜ₋₁ + b_i) 逐个分量决定，"
                       "每条新内容放进来多少。\n\n"
                       "两者的乘积 iₜ ⊙ C̃ₜ 就是即将加进记忆的部分（⊙ 表示逐元素相乘）。",
    "lesson.1.4.title": "更新记忆",
    "lesson.1.4.text": "`Cₜ = fₜ ⊙ Cₜ₋₁ + iₜ ⊙ C̃ₜ`\n\n"
                       "先由 × 按遗忘门缩放旧记忆，再由 + 加上输入门放进来的内容。"
                       "得到的 Cₜ 传给下一个时间步。\n\n"
                       "每个单元都有自己的那一份 C 和自己的门值，所以一个单元可以牢牢记住某件事，"
                       "而旁边的单元正在改写。又因为记忆是靠相加而不是反复乘同一个矩阵来更新的，"
                       "训练信号可以沿着 C 向前传很多步。",
    "lesson.1.5.title": "输出门与隐状态 h",
    "lesson.1.5.text": "`oₜ = σ(W_o·xₜ + U_o·hₜ₋₁ + b_o)，hₜ = oₜ ⊙ tanh(Cₜ)`\n\n"
                       "单元并不会把记住的东西全部说出来。tanh 先把记忆压到 −1…1 之间，"
                       "**输出门**再挑出要展示的部分，结果就是**隐状态** hₜ。\n\n"
                       "hₜ 是这一步的输出：它向上送往下一层或分类器，"
                       "同时在下一步作为 hₜ₋₁ 回到本单元，四个门都会读取它。",
    "lesson.1.6.title": "门在工作：主语是谁？",
    "lesson.1.6.text": "一个语言模型读到“小红丢了钥匙，小明找到了……”，要选出下一个代词，"
                       "就得记住主语的性别。\n\n"
                       "- 读到小红时，C 的某个分量存着“女性”，遗忘门让它保持（f 接近 1）；\n"
                       "- 出现新的主语小明时，遗忘门丢掉旧的性别（f 接近 0），"
                       "输入门写入“男性”；\n"
                       "- 该写代词时，输出门把这个分量放进 h，模型于是写出“他”。"
                       "输出还可以带上主语是单数还是复数，让后面的词和它搭配一致。\n\n"
                       "“记忆如何工作”页面展示了一个训练好的小模型正是这样做的。",
    "lesson.2.1.title": "输入什么，输出什么",
    "lesson.2.1.text": "LSTM 层自己只有一个尺寸：**num_units** H，即 h 和 C 的长度。"
                       "数据另外带来三个尺寸：\n\n"
                       "- **batch** B：一次同时读入多少条序列；\n"
                       "- **time_step** T：每条序列有多少个时间步；\n"
                       "- **输入维度** X：每一步有多少个数。\n\n"
                       "每一步，这一层接收形状为 [B, X] 的 xₜ，给出形状为 [B, H] 的 hₜ 和 Cₜ。"
                       "整条序列的输出是 [T, B, H]；批量维在前时是 [B, T, H]。"
                       "图中是 X = 5、H = 128 的一层，沿时间展开了几步。",
    "lesson.2.2.title": "每个门一对权重，所有时间步共享",
    "lesson.2.2.text": "四个门各是一个作用在 hₜ₋₁ 和 xₜ 上的全连接层：f、i、o 用 σ，"
                       "候选记忆元用 tanh。展开来写，每个门有\n\n"
                       "- **W**，形状 [X, H]，读取输入 xₜ；\n"
                       "- **U**，形状 [H, H]，读取上一步的 hₜ₋₁；\n"
                       "- 偏置 **b**，长度 H。\n\n"
                       "xₜ·W + hₜ₋₁·U + b 的形状是 [B, H]：每个单元一个值。\n\n"
                       "单元其实只有**一个**。每个时间步画一次，只是为了表现时间：每一步用的都是"
                       "同一组 W、U、b。序列再长，也不需要更多权重。",
    "lesson.2.3.title": "数一数参数量",
    "lesson.2.3.text": "四个门，每个门的 W 有 X·H 个数，U 有 H·H 个数，合计 "
                       "**4·H·(H + X)** 个权重。\n\n"
                       "算一个例子，X = {x}、H = {h}：4 · {h} · {hx} = **{weights}**。\n\n"
                       "原文只算了这些。实际的层每个门还有一个偏置，再多 4·H = {biases} 个，"
                       "在 Keras 中共 **{total}** 个；PyTorch 每个门有两个偏置向量，即 8·H。\n\n"
                       "batch 和 time_step 都不出现在参数量里：同一组权重服务于每条序列、每个时间步。",
    "lesson.2.4.title": "输出层",
    "lesson.2.4.text": "最后的 hₜ 通常送进一个全连接层（输出层）给出答案。有 K 个输出时，"
                       "它有一个 H·K 的权重矩阵和 K 个偏置：**H·K + K**。\n\n"
                       "{h} 个单元之后接 {k} 个类别：{h} · {k} + {k} = **{dense}**。\n\n"
                       "旁边画的是原文的完整模型：输入 5 维，四层 LSTM 分别有 128、64、32、8 "
                       "个单元，最后是一个节点的全连接层。在参数计算器里打开它，"
                       "改任何一个尺寸，看参数量如何变化。",
    "lesson.3.1.title": "向上，向右",
    "lesson.3.1.text": "多层 LSTM 里的信息沿两个方向传递：\n\n"
                       "- **向上**：第 l 层的 hₜ 就是第 l + 1 层同一时间步的输入 xₜ；\n"
                       "- **向右**：每一层把自己的 (hₜ, Cₜ) 交给本层的第 t + 1 步。\n\n"
                       "只有 h 向上传，C 从不离开它所在的层。最上面一层的 h 由全连接层读取。",
    "lesson.3.2.title": "层与层之间的形状",
    "lesson.3.2.text": "每一层的输入维度等于下面一层的单元数。每一步、批量为 B 时（l 为层号，最下面是第 1 层）：\n\n"
                       "| l | xₜ | hₜ, Cₜ | W | U |\n"
                       "|---|---|---|---|---|\n"
                       "| 1 | [B, 5] | [B, 128] | [5, 128] | [128, 128] |\n"
                       "| 2 | [B, 128] | [B, 64] | [128, 64] | [64, 64] |\n"
                       "| 3 | [B, 64] | [B, 32] | [64, 32] | [32, 32] |\n"
                       "| 4 | [B, 32] | [B, 8] | [32, 8] | [8, 8] |\n\n"
                       "经过 T 步，每一层输出 [T, B, H]（或 [B, T, H]），下一层读取这整条序列。",
    "lesson.3.3.title": "原文的例子：5 → 128 → 64 → 32 → 8 → 1",
    "lesson.3.3.text": "每步 5 个数，依次进入 128、64、32、8 个单元的四层；"
                       "最后的 hₜ 形状为 [B, 8]，送进只有一个节点的全连接层，比如输出一个预测值。\n\n"
                       "按原文的算法（LSTM 层不计偏置，输出节点带偏置）：4·128·133 + 4·64·192 + "
                       "4·32·96 + 4·8·40 + 8·1 + 1 = **130,825**。每个门再加一个偏置向量"
                       "（Keras）：**131,753**。\n\n"
                       "多层页面会用真实的数字运行这个网络，并显示每一层的 h。",
    # ---- your own model (ui/upload.py, pages/1_gates.py, lstm_viz/upload.py) ----
    "upload.title": "使用你自己的模型",
    "upload.intro": "把一个 LSTM 的权重作为一个 .npz 文件上传（最大 5 MB）：可以是本应用核心保存的文件，"
                    "也可以用下面几行代码从 PyTorch 或 Keras 导出。",
    "upload.pytorch": "从 PyTorch 导出（一个 nn.LSTM，可带一个 Linear 输出层），`model` 是你的模块：",
    "upload.keras": "从 Keras 导出（若干 LSTM 层，最后可带一个 Dense 层），`model` 是你的 Sequential 模型：",
    "upload.file": "权重文件（.npz）",
    "upload.file.help": "文件只按普通数组读取，绝不加载 pickle 对象。",
    "upload.model": "你上传的模型",
    "upload.found": "识别为{kind}（{convention}）：每个时间步读入 {inputs} 个数，"
                    "LSTM 各层单元数 {layers}{head}。",
    "upload.head": "，之后是一个有 {n} 个输出的全连接层",
    "upload.ignored": "未使用（不属于 LSTM 或其输出层）：{keys}",
    "upload.kind.lstm": "lstm-viz 保存的单层 LSTM",
    "upload.kind.stack": "lstm-viz 保存的多层（堆叠）LSTM",
    "upload.kind.token": "lstm-viz 训练好的模型（含词表）",
    "upload.kind.pytorch": "PyTorch 的 state_dict",
    "upload.kind.keras": "Keras 的 get_weights() 数组",
    "upload.choose": "它已加入模型列表，名为“{name}”。",
    "upload.kept": "其他内容都没有改变：你的序列、设置和之前的模型都还在。",
    "upload.detail": "详细信息：{detail}",
    "upload.err.too_big": "文件太大。",
    "upload.err.npy": "这是单个 .npy 数组，不是包含全部权重的 .npz 文件。",
    "upload.err.pickle": "文件里有 pickle 序列化的 Python 对象，出于安全考虑绝不加载。请按上面的方法用 "
                         "np.savez 保存普通数组。",
    "upload.err.not_npz": "这不是 .npz 文件。请按上面的方法用 np.savez 保存权重。",
    "upload.err.damaged": "这个 .npz 文件已损坏或不完整，请重新导出。",
    "upload.err.nonfinite": "有些权重是 NaN 或无穷大；模型需要有限的数。",
    "upload.err.unknown": "文件中没有识别出 LSTM 权重。",
    "upload.err.reverse": "这是双向 LSTM；这里只能展示一个方向。",
    "upload.err.model": "这些权重拼不成一个 LSTM。",
    "upload.why.too_big": "文件有 {size} MB，超过了 {limit} MB 的上限；请上传更小的模型",
    "upload.why.unpacked": "文件解压后有 {size} MB，超过了 {limit} MB 的上限；请上传更小的模型",
    "upload.why.npy": "这是单个 .npy 数组，不是 .npz：请用 np.savez 把所有权重存进同一个文件（见上面的导出代码）",
    "upload.why.pickle": "文件里是 pickle 序列化的 Python 对象（torch.save 或 pickle 生成），绝不加载；请用 np.savez 保存普通数组",
    "upload.why.pickled_arrays": "文件里有 pickle 序列化的 Python 对象，绝不加载；请保存普通的数值数组",
    "upload.why.torch_save": "这是 torch.save 生成的文件（zip 里装着 pickle），绝不加载；请按上面的代码用 np.savez 导出 state_dict",
    "upload.why.objects": "数组 {name} 里是 Python 对象；请保存普通的数",
    "upload.why.not_npz": "这不是 .npz 文件（不是 zip 压缩包）；请用 np.savez 保存权重（见上面的导出代码）",
    "upload.why.not_arrays": "这个 zip 里有不是 NumPy 数组的文件（{files}）；请用 np.savez 保存权重（见上面的导出代码）",
    "upload.why.damaged": "这个 .npz 文件已损坏或不完整；请重新导出",
    "upload.why.dtype": "数组 {name} 应当存放数值，但它的类型是 {dtype}",
    "upload.why.nonfinite": "数组 {name} 含有 NaN 或无穷大（第一个在下标 {where}）；请使用有限的数",
    "upload.why.empty": "文件里没有任何数组。应当是本应用保存的文件、PyTorch 的 state_dict（weight_ih_l0 等）或以 arr_0、arr_1 … 保存的 Keras get_weights()，见上面的导出代码",
    "upload.why.unknown": "没有识别出 LSTM 权重：文件里有 {found}。应当是本应用保存的文件、PyTorch 的 state_dict（weight_ih_l0 等）或以 arr_0、arr_1 … 保存的 Keras get_weights()，见上面的导出代码",
    "upload.why.marker": "文件的格式标记 {marker} 无法识别；应当是本应用保存的单层 LSTM、堆叠 LSTM 或训练好的模型",
    "upload.why.missing": "文件里缺少 {names}",
    "upload.why.half_head": "文件里的全连接输出层只有一半：需要 head.W 和 head.b 两个数组",
    "upload.why.w_shape": "{name} 的形状应为 (4H, X)，且 H ≥ 1、X ≥ 1；实际是 {got}",
    "upload.why.shape": "{name} 的形状应为 {described} = {want}；实际是 {got}",
    "upload.why.chain": "第 {k} 层每步读入 {x} 个数，但第 {below} 层只输出 {h} 个单元",
    "upload.why.head": "Linear 层 {name} 的形状应为 (K, {H})，才能读取最上面一层 LSTM 的 {H} 个单元；实际是 {got}",
    "upload.why.heads": "有多个 Linear 层（{names}）；LSTM 之上只能接一个全连接输出层",
    "upload.why.reverse": "这是双向 LSTM（含 _reverse 权重），这里只能展示一个方向：请导出 bidirectional=False 的 nn.LSTM",
    "upload.why.proj": "这个 LSTM 带投影（proj_size > 0，含 weight_hr_l0），暂不支持：请导出 proj_size=0 的 nn.LSTM",
    "upload.why.gaps": "Keras 数组没有按 arr_0 … arr_{last} 连续编号；实际是 {names}",
    "upload.why.keras_chain": "第 {k} 层的 kernel（arr_{p}）形状是 {got}：它要读取下面一层的 {h} 个单元，应为 ({h}, 4H)",
    "upload.why.keras_start": "Keras 数组的开头不是 LSTM 层：应为 arr_0 kernel (X, 4H)、arr_1 recurrent_kernel (H, 4H)、arr_2 bias (4H,)；实际是 {got}",
    "upload.why.keras_head": "LSTM 层之后应当只有一个 Dense 层：kernel ({h}, K) 和 bias (K,)；实际是 {got}",
    "upload.why.core": "模型检查未通过（以下为英文原文）：{detail}",
    "upload.about": "你上传的模型：{kind}。每个时间步读入 {inputs} 个数；LSTM 各层单元数：{layers}。",
    "upload.size_mismatch": "上传的模型每个时间步需要 {n} 个数，但这个序列每步给出 {got} 个。"
                            "请选择“数值”读入方式，每步输入 {n} 个数，步与步之间用“;”分隔，例如：{example}",
    "upload.use_example": "使用这个例子",
    # ---- share and export (ui/share.py) ----
    "share.present": "演示模式",
    "share.present.help": "用于投影：隐藏侧边栏和设置，字号更大。链接中记为 present=1。",
    "share.controls": "设置",
    "share.link": "本视图的链接",
    "share.link.help": "你设置的一切（包括语言）都在这个链接里。点击框右侧的复制图标即可复制。",
    "share.downloads": "下载",
    "share.csv": "轨迹（CSV）",
    "share.csv.help": "每个时间步、每个单元一行：i、f、g、o、c、h 以及该步之前的状态。",
    "share.npz": "轨迹（.npz）",
    "share.npz.help": "NumPy 数组（T 个时间步 × H 个单元）和词元；"
                      "用 np.load(file, allow_pickle=False) 读取。",
    "share.html": "动画（HTML）",
    "share.html.help": "独立的网页文件，离线也能播放动画。",
    "share.png": "如需图表的 PNG 图片，请点击图表右上角工具栏中的相机图标。",
    # ---- the why page (pages/6_why.py, figures/why.py) ----
    "nav.why": "为什么能记住",
    "nav.why.title": "LSTM 为什么能记住",
    "nav.why.blurb": "把记忆逐步拆开，强行打开或关上一个门看看会坏在哪里，再看梯度如何在普通 RNN 中消失、在 LSTM 中保留下来。",
    "why.intro": "在你自己的序列上做四个实验，看清 LSTM *为什么* 能把信息保留很多步：记忆里还剩下什么，强行固定一个门会破坏什么，梯度如何沿时间反向传播，以及哪些门像开关一样工作。",
    "why.model.help": "随机权重用来演示计算机制；训练好的模型的门学会了记忆：试试“记住第一个符号”。",
    "why.seed.help": "随机权重的种子。第 3 部分中的普通 RNN 使用同一个种子。",
    "why.look": "**观察**一个时间步 t 和一个单元：下面每个视图都跟随它们。",
    "why.step": "时间步 t",
    "why.step.help": "记忆账本要拆开哪一步的记忆元；“从第 t 步起”的手术也从这里开始。",
    "why.unit.help": "记忆账本、手术图和遗忘门连乘所跟踪的单元。",
    "why.ledger.head": "1 · 记忆账本：C 里的内容是谁写进去的？",
    "why.ledger.text": "每一步记忆元都按 Cₜ = fₜ·Cₜ₋₁ + iₜ·C̃ₜ 更新：遗忘门按比例保留旧记忆，输入门写入新内容。把它逐步展开，Cₜ 就是一个求和，每个更早的时间步 k 贡献一项：第 k 步写入的 iₖ·C̃ₖ，乘上此后所有的遗忘门。每根柱子就是这样一项，即第 k 步写入的内容到第 t 步还剩多少。所有柱子加起来恰好等于 Cₜ（右侧）。",
    "why.map.text": "**整本账一览。** 第 t 行就是像上面那样拆开的 Cₜ：第 k 列的方格表示第 k 步写入、到第 t 步仍然保留的部分。加框的一行是第 {step} 步，也就是上面的柱状图。\n\n沿一列往下读，可以看到一次写入能保留多久：它按遗忘门的速度逐渐褪去。一条长长的彩色条纹表示单元一直保存着这段记忆；到下一行就消失的方格则是立刻被遗忘了。",
    "why.surgery.head": "2 · 门控手术：强行固定一个门，看看会坏在哪里",
    "why.surgery.text": "把一个门固定为某个值，再把同一序列运行一遍。灰线是原始运行，彩色线是手术之后所选单元的运行。你可以选择手术作用于这个单元还是所有单元，作用于每一步还是只从第 t 步起（阴影部分）。",
    "why.surgery": "手术",
    "why.surgery.help": "把哪个门固定为某个值，或者把整个单元敲除。",
    "why.surgery.f1": "遗忘门 = 1",
    "why.surgery.f0": "遗忘门 = 0",
    "why.surgery.i0": "输入门 = 0",
    "why.surgery.o1": "输出门 = 1",
    "why.surgery.knockout": "敲除单元",
    "why.surgery.f1.why": "遗忘门 = 1：什么都不擦除，C 只会累加输入门写入的内容。若输入门一直开着，C 会不断增大，h 趋于饱和。",
    "why.surgery.f0.why": "遗忘门 = 0：C 每一步都被清空，只保留本步写入的 i·C̃。这个单元记不住超过一步的信息。",
    "why.surgery.i0.why": "输入门 = 0：不再写入任何新内容，C 只能从原有的值逐渐衰减。若从第一步起就这样做，它始终为 0。",
    "why.surgery.o1.why": "输出门 = 1：这一步的记忆本身不受影响，但 h 会完整地显示 tanh(C)。之后 C 的变化只是因为 h 会反馈到下一步的门。",
    "why.surgery.knockout.why": "敲除：四个门全部为 0，所以这个单元的 C 和 h 都是 0。若只敲除“这个单元”，其他单元的变化只来自缺失的 h。",
    "why.who": "作用于",
    "why.who.unit": "这个单元",
    "why.who.all": "所有单元",
    "why.when": "作用时间",
    "why.when.all": "每一步",
    "why.when.from": "从第 t 步起",
    "why.surgery.result": "在最后一步（第 {steps} 步），单元 {unit} 的 C 不做手术时为 {c_before}，做手术后为 {c_after}；h 分别为 {h_before} 和 {h_after}。",
    "why.grad.head": "3 · 沿时间的梯度：最后一步还能感受到开头吗？",
    "why.grad.text": "最后一步的隐状态在多大程度上依赖于更早的每个输入？上图以对数刻度显示梯度的大小 $\\lVert\\partial h_T/\\partial x_t\\rVert$，分别对应这个 LSTM 和一个同样大小的普通 tanh RNN：纵轴每往下一格就弱十倍。在普通 RNN 中，梯度每一步都要经过权重和 tanh′，每次都缩小差不多的倍数，于是它会*消失*：在图上是一条向左下降的直线。LSTM 还有第二条路，即记忆元通路，梯度在这条路上只会乘以遗忘门：从第 t+1 步到最后的 $\\prod f_j$（下图）。只要 f 接近 1，这个连乘就接近 1，梯度就能保留下来。",
    "why.grad.numbers": "从第一个输入到最后的状态（共 {steps} 步）：LSTM 为 {lstm}，普通 RNN 为 {rnn}；单元 {unit} 的 Π f 为 {forget}。",
    "why.grad.random": "随机权重下遗忘门大约是 0.5，Π f 每一步减半，所以这个 LSTM 遗忘得和 RNN 差不多快。训练会让需要记忆的地方 f ≈ 1：在上方选择模型“已训练 · 记住第一个符号”，就能看到记忆元通路让梯度保留下来。",
    "why.grad.trained": "这个模型是训练过的。Π f 一直较大的单元，会把梯度（以及记忆）带过整个序列。",
    "why.sat.head": "4 · 门的饱和：哪些单元像开关？",
    "why.sat.text": "每个点是一个单元。在整个序列中，横轴是门几乎关闭（低于 0.1）的时间步所占比例，纵轴是门几乎全开（高于 0.9）的比例。靠近 (0, 0) 的点表示门一直处在中间状态；靠左上方的点表示门几乎总是开着，对遗忘门来说，这就是一个牢牢保存记忆的单元。点不会出现在虚线上方：一个门不可能同时关闭又打开。这正是 Karpathy、Johnson 和 Fei-Fei（2015）为字符级 LSTM 画的图。所选单元带有黑圈；在门控页面打开一个单元，可以看到它的完整轨迹。",
    "why.sat.open": "在门控页面查看单元 {unit}",
    "why.sat.open.keeper": "单元 {unit}：遗忘门在 {share} 的时间步全开",
    "why.sat.random": "随机权重下各个门都在 0.5 附近徘徊，几乎从不饱和，所以点都挤在 (0, 0)。在上方选择一个训练好的模型，就能看到已经变成开关的单元。",
    "why.fig.ledger.title": "第 {step} 步（“{token}”）单元 {unit} 的 C 里有什么：按写入的时间步拆开",
    "why.fig.ledger.hover": "第 %{x} 步写入（%{customdata}）<br>仍在 C 中：%{y:.4f}",
    "why.fig.ledger.sum": "柱子之和",
    "why.fig.ledger.x": "时间步",
    "why.fig.ledger.y": "C 中仍保留的部分",
    "why.fig.map.title": "单元 {unit} 的记忆账本",
    "why.fig.map.hover": "第 %{y} 步的 C（%{customdata[0]}）<br>第 %{x} 步写入（%{customdata[1]}）<br>%{z:.4f}",
    "why.fig.map.x": "写入的时间步 k",
    "why.fig.map.y": "第 t 步的 C",
    "why.fig.surgery.title": "单元 {unit} 手术前后：{what}",
    "why.fig.surgery.c": "单元 {unit} 的记忆元 C",
    "why.fig.surgery.h": "单元 {unit} 的隐状态 h",
    "why.fig.surgery.p": "模型对原来预测的把握还剩多少",
    "why.fig.surgery.hover.x": "%{y:.3f}",
    "why.fig.surgery.hover.p": "“%{customdata[1]}”的概率：%{y:.0%}",
    "why.fig.surgery.before": "原始运行",
    "why.fig.surgery.after": "手术后（{what}）",
    "why.fig.grad.top": "最后一步（第 {T} 步）的 h 对第 t 步输入的依赖程度：‖∂h<sub>T</sub>/∂x<sub>t</sub>‖",
    "why.fig.grad.bottom": "单元 {unit} 的记忆元通路：从第 t+1 步到最后的 Π f<sub>j</sub>",
    "why.fig.grad.lstm": "LSTM（长短期记忆网络）",
    "why.fig.grad.rnn": "同样大小的普通 tanh RNN",
    "why.fig.grad.forget": "单元 {unit} 的 Π f",
    "why.fig.grad.hover": "%{customdata}：梯度 %{y:.2e}",
    "why.fig.grad.y": "梯度大小",
    "why.fig.grad.x": "第 t 步的输入",
    "why.fig.sat.hover": "单元 %{customdata}<br>几乎关闭：%{x:.0%} 的时间步<br>几乎全开：%{y:.0%}",
    "why.fig.sat.x": "几乎关闭的比例（< {low}）",
    "why.fig.sat.y": "几乎全开的比例（> {high}）",
    # ---- the training tasks and /train (pages/5_train.py, ui/training.py, figures/train.py) ----
    "task.pronoun-en.title": "英文故事里的代词",
    "task.pronoun-en.description": "简短的英文小故事，例如 `John met Mary in the park and he is happy . the girls saw Tom and they are tired .` 在下一个词是代词的地方，模型必须说出是 he、she 还是 they，接着是 is 还是 are。用哪个代词取决于最近的*主语*，它可能在很多个词之前，中间还隔着另一性别的名字。",
    "task.pronoun-en.look": "找一个单元：男性主语（John、the king）之后它的记忆元 C 偏向一边，女性主语（Mary、the queen）之后偏向另一边，并一直保持到下一个主语。在新主语出现的地方，它的遗忘门 f 应当变小：旧主语就在这一刻被忘掉。",
    "task.pronoun-zh.title": "中文故事里的代词",
    "task.pronoun-zh.description": "同样的任务换成中文，每一步读一个字：`爸爸在公园见到了小红，他很高兴。` 在下一个词元是 他、她 或 他们 的地方，模型必须选对，而且只由最近的主语（爸爸，而不是小红）决定。",
    "task.pronoun-zh.look": "找一个单元：读到小明或爸爸后它的 C 取一种符号，读到小红或妈妈后取相反的符号，并在整句话里保持不变。留意它的遗忘门在确定新主语的那个字（小明的“明”、爸爸的“爸”）上的变化。",
    "task.brackets.title": "括号深度",
    "task.brackets.description": "由括号和字母 a、b 组成的字符串，例如 `( a ( ( b ) ) a`。每读一个字符，模型都要说出当前括号嵌套了几层（0 到 4）。字母不改变深度，所以模型必须一直记着一个计数。",
    "task.brackets.look": "找一个单元：每读到一个 ( 它的记忆元 C 就升高，每读到一个 ) 就降低——这是一个计数器。读到字母时，它的输入门应当几乎关闭，让计数保持不变。",
    "task.first-symbol.title": "记住第一个符号",
    "task.first-symbol.description": "先是 A、B 或 C，然后是 3 到 18 个从 x y z u v w 中随机抽取的字母，最后是 `?`。读到 `?` 时，模型必须说出开头是哪个符号。只有最后这一步计分。",
    "task.first-symbol.look": "第一个符号必须在第 1 步写入 C，并在噪声中原样保持：找一个在第 1 步打开、之后关闭的输入门，以及一直接近 1 的遗忘门。",
    "train.intro": "选一个任务和模型大小，点 **训练**，看一个小 LSTM 怎样学会它。每一步它读 {batch} 个新例子，衡量自己的错误（损失），再把所有权重朝减少错误的方向调一点（Adam 优化器，随时间反向传播）。",
    "train.task": "任务",
    "train.task.help": "模型要学会什么。每个任务都需要记忆：答案取决于之前读到的内容。",
    "train.units": "单元数（H）",
    "train.units.help": "LSTM 的单元个数，也就是 h 和 C 的长度。单元越多越容易学会，但每一步更费时。",
    "train.lr": "学习率",
    "train.lr.help": "Adam 每次迈的步子有多大。太小，损失下降得慢；太大，损失会上下乱跳。",
    "train.steps": "训练步数",
    "train.steps.help": "训练多少步；每一步给模型看 {batch} 个新例子。",
    "train.seed": "随机种子",
    "train.seed.help": "决定初始权重和训练用的例子。同样的设置总是训练出同一个模型。",
    "train.asks": "任务要求",
    "train.look": "在门控里找什么",
    "train.button": "训练",
    "train.stop": "停止",
    "train.estimate": "训练约需 {seconds} 秒。",
    "train.too_big": "这次训练对共用的课堂服务器来说太大了：{units} 个单元训练 {steps} 步约需 {seconds} 秒，而一次训练最多约 {limit} 秒。用 {units} 个单元时最多训练 {max_steps} 步，或者减少单元数。",
    "train.starting": "正在开始……",
    "train.waiting": "服务器上正有其他人在训练；等其中一个结束，你的训练就会开始。",
    "train.progress": "第 {step} / {steps} 步 · 损失 {loss} · 准确率 {accuracy}",
    "train.done": "训练完成：{steps} 步，用时 {seconds} 秒。",
    "train.reused": "这组设置以前在本服务器上训练过，所以直接给出那次的结果：同样的设置总是得到同一个模型。",
    "train.stopped": "已在第 {step} / {steps} 步停止。保留了那一步的模型，你可以查看它的内部。",
    "train.diverged": "训练在第 {step} 步发散了：损失变成了无穷大。请选一个更小的学习率。",
    "train.crashed": "训练进程意外终止（服务器的内存可能不够）。请再按一次“训练”；你的设置都还在。",
    "train.other_settings": "这是你上一次训练的结果，它的设置与上面的不同。点“训练”用新设置训练。",
    "train.result_of": "{task} · {units} 个单元 · 学习率 {lr} · {steps} 步 · 种子 {seed}",
    "train.held_out_accuracy": "新例子上的准确率",
    "train.held_out_loss": "新例子上的损失",
    "train.held_out.help": "在 {n} 个训练中从未见过的例子上测得，只计需要作答的步。",
    "train.steps_done": "已训练步数",
    "train.time": "训练用时",
    "train.seconds": "{s} 秒",
    "train.inspect": "在门控页面查看你的模型内部",
    "train.fig.loss": "损失",
    "train.fig.accuracy": "准确率",
    "train.fig.loss_title": "损失：错得有多厉害（越低越好）",
    "train.fig.accuracy_title": "需作答步上的准确率",
    "train.fig.step": "训练步",
    "train.fig.batch": "每个批次",
    "train.fig.smooth": "平滑后",
    "train.fig.held_out": "新例子",
    "train.fig.hover": "第 {step} 步：{value}",
    "train.fig.empty": "点“训练”开始",
    # ---- the trained models (ui/compute.py, pages/1_gates.py, pages/4_memory.py) ----
    "model.pronoun-en": "已训练 · 英文代词",
    "model.pronoun-zh": "已训练 · 中文代词",
    "model.brackets": "已训练 · 括号深度",
    "model.first-symbol": "已训练 · 记住第一个符号",
    "model.trained": "你训练的模型",
    "model.pronoun-en.about": "它逐词阅读简短的英文小故事，预测下一个代词（he、she、they）和动词（is、are），"
                              "二者都必须与最近的主语一致。",
    "model.pronoun-zh.about": "它逐字阅读简短的中文小故事，预测下一个代词（他、她、他们），代词必须与最近的主语一致。",
    "model.brackets.about": "它一次读一个字符（括号或字母 a、b），每读一步都要说出当前括号嵌套了几层（0 到 4）。",
    "model.first-symbol.about": "它先读到 A、B 或 C，再读一串随机字母；读到最后的“?”时，必须说出开头是 A、B 还是 C。",
    "model.unknown": "模型不认识 {bad}。只能使用这些：{allowed}",
    "model.empty": "文本是空的。请用模型认识的词元输入内容。",
    "gates.model.help": "随机权重用来演示计算机制；训练好的模型的门各有分工：选一个看看它学到了什么。",
    "gates.model.segment.words": "逐词",
    "gates.model.segment.chars": "逐字",
    "gates.model.decides": "读取方式：{segment}；单元数：{units}。词元向量和权重都是它自己学到的，"
                           "所以这里没有读取方式、单元数或随机种子可选。",
    "gates.model.trained_for": "**{name}**——训练目标：{about}",
    "gates.model.yours": "你在本次会话中亲手训练的模型。",
    "gates.model.job.gender": "💡 单元 {unit} 学会了记住当前主语的性别：新主语出现时，它的 C 会变号。详见“记忆如何工作”。",
    "gates.model.job.depth": "💡 单元 {unit} 学会了计数：它的 C 随括号嵌套的层数变化。",
    "gates.model.layer": "层",
    "gates.model.layer.help": "查看模型的哪一层 LSTM（1 是最底层）。",
    "gates.model.examples": "这个模型能读的句子",
    # ---- the memory page (pages/4_memory.py, lstm_viz/story.py, figures/memory.py) ----
    "memory.intro": "一个小型 LSTM 在自动生成的小故事上训练，任务是预测下一个代词。要在“他”“她”“他们”之间做出选择，"
                    "它必须记住故事在讲谁；一旦换了新的人物做主语，又必须把旧的记忆丢掉。它的某一个单元恰好承担了这份记忆。"
                    "选一个故事，或用模型认识的词自己写一个，看看这个单元是怎样工作的。",
    "memory.demo": "模型",
    "memory.demo.pronoun-en": "英文 · he / she / they",
    "memory.demo.pronoun-zh": "中文 · 他 / 她 / 他们",
    "memory.segment.words": "单词",
    "memory.segment.chars": "汉字和标点",
    "memory.demo.help": "两个模型的训练方法相同：英文模型逐词阅读，中文模型逐字阅读。",
    "memory.example": "示例故事",
    "memory.example.placeholder": "选一个故事载入……",
    "memory.example.help": "这些故事来自训练该模型时所用的同一个生成器。",
    "memory.seq": "模型要读的故事",
    "memory.seq.help": "只能使用模型认识的{segment}，每句话以句号结尾。以人名或名词开头的句子会引入新的主语。"
                       "最多画出 {limit} 步。",
    "memory.metrics": "**在 {stories} 个新生成的故事上测得**（模型训练时从未见过）",
    "memory.metrics.plain": "**在新生成的故事上测得**（模型训练时从未见过）",
    "memory.metric.accuracy": "代词准确率",
    "memory.metric.accuracy.help": "在下一个词是代词的位置上，模型给正确代词的概率在三者中最高的比例。",
    "memory.metric.agreement": "单元 {unit} 分辨性别",
    "memory.metric.agreement.help": "在当前主语为男性或女性的时间步上，单元 {unit} 的 C 的正负号说对性别的比例。"
                                    "复数主语没有性别，不计入。",
    "memory.metric.forget_new": "新主语出现时的遗忘门",
    "memory.metric.forget_new.help": "在新主语出现的时间步上，单元 {unit} 遗忘门的平均值：越低，旧主语被擦得越干净。",
    "memory.metric.forget_else": "其他时候的遗忘门",
    "memory.metric.forget_else.help": "第一个主语之后其余所有时间步上同一个遗忘门的平均值：越高，记忆保留得越好。",
    "memory.read": "每一列从上往下读。虚线：新主语出现。(b) 的底色：主语为男性时是蓝色，女性时是橙色，复数时是灰色。",
    "memory.explain": "发生了什么（代入真实数值）",
    "memory.explain.none": "这个故事里没有以主语（人名或名词，例如 {example}）开头的句子，所以性别单元没有什么需要记住。",
    "memory.open_gates": "在“逐步看门控”页面打开这个故事",
    "memory.class.m": "男性",
    "memory.class.f": "女性",
    "memory.class.pl": "复数",
    "memory.class.none": "都不是（C = 0）",
    "memory.say.first": "读到“{token}”（第 {step} 步）时，故事有了第一个主语：{subject}（{cls}）。",
    "memory.say.new": "读到“{token}”（第 {step} 步）时，新主语{subject}（{cls}）取代了{old}。",
    "memory.say.forget.low": "单元 {unit} 的遗忘门降到 {f}，旧值 {c_prev} 大部分被擦掉。",
    "memory.say.forget.mid": "单元 {unit} 的遗忘门降到 {f}，旧值 {c_prev} 被放掉了一部分。",
    "memory.say.forget.high": "单元 {unit} 的遗忘门保持在 {f}，旧值 {c_prev} 大部分被保留。",
    "memory.say.write": "输入门为 {i}，候选记忆元 C̃ 为 {g}：C 从 {c_prev} 变为 {c}。",
    "memory.say.reads.right": "这个单元现在表示“{reading}”，是对的。",
    "memory.say.reads.wrong": "这个单元现在表示“{reading}”，但主语是{cls}。",
    "memory.say.plural": "复数主语没有性别可记；上面测得的一致率不计这样的时间步。",
    "memory.say.choice": "第 {step} 步（“{token}”），后面是“{next}”：模型预计是“{choice}”（{odds}）；"
                         "C = {c}，这个单元把它读作{reading}。",
    "memory.say.choice.plain": "第 {step} 步（“{token}”），后面是“{next}”：模型预计是“{choice}”（{odds}）。",
    "memory.say.choice.right": "对{subject}来说是正确的。",
    "memory.say.choice.wrong": "错了：主语是{subject}，应当是“{due}”。",
    "memory.say.no_subject": "还没有出现主语，无从一致。",
    "memory.say.typed": "（你的故事在这里写的是“{next}”，但与主语一致的是“{due}”。）",
    "memory.fig.probs": "(a) 模型预计下一个代词是哪个：{colours}（淡色：后面并没有代词）",
    "memory.fig.c": "(b) 单元 {unit} 的记忆元 C：记住主语的性别",
    "memory.fig.gates": "(c) 单元 {unit} 的门：{colours}",
    "memory.fig.p_axis": "概率",
    "memory.fig.gate_axis": "门的取值",
    "memory.fig.hover.p": "时间步 {step} · {token}",
    "memory.fig.hover.c": "时间步 {step} · {token}",
    "memory.fig.hover.gate": "时间步 {step}",
    "memory.fig.sign.pos": "C > 0：{cls}",
    "memory.fig.sign.neg": "C < 0：{cls}",
    "nav.home": "首页",
    "nav.home.title": "LSTM 是怎样记住信息的",
    "nav.gates": "逐步看门控",
    "nav.gates.title": "逐步看门控",
    "nav.gates.blurb": "输入一句话或一串数，看 LSTM 读它时每个门怎样开合，并查看任意一步的计算过程。",
    "nav.stacked": "多层 LSTM",
    "nav.stacked.title": "多层（堆叠）LSTM",
    "nav.stacked.blurb": "把多层 LSTM 叠起来，跟着 h 向上、(h, C) 向后传递，每个箭头上都标出张量形状。",
    "nav.params": "参数量计算器",
    "nav.params.title": "参数量计算器",
    "nav.params.blurb": "按原文、Keras 和 PyTorch 三种口径计算任意堆叠的参数量，并弄清三者为何不同。",
    "nav.about": "《LSTM 架构详解》一课的交互式配套工具。",
    "nav.memory": "记忆如何工作",
    "nav.memory.title": "记忆如何工作：“他”指的是谁？",
    "nav.memory.blurb": "一个训练好的 LSTM 读小故事，必须选出他、她还是他们。找到记住主语的那个单元，看它在新主语出现时如何遗忘。",
    "nav.train": "自己训练",
    "nav.train.title": "亲手训练一个 LSTM",
    "nav.train.blurb": "选一个任务，点“训练”，看损失一路下降；然后打开你的模型看它的门。",
    "home.lead": "循环神经网络一步一步地读取序列，并带着对已读内容的概括往下走。普通 RNN 每一步都会改写这份"
                 "概括，旧信息很快就淡去了。**LSTM** 多了一条受保护的记忆通道——**记忆元（细胞状态）C**，"
                 "以及三个**门**，每一步由它们决定擦掉什么、写入什么、对外输出什么。",
    "home.cell": "**怎样看这张图**\n\n"
                 "- 顶部的横线是记忆元 C。它从一步传到下一步，途中只做两处小修改，所以信息能跨越很多步保留下来。\n"
                 "- **遗忘门 f** 把 C 乘上一个 0（擦除）到 1（保留）之间的数。\n"
                 "- **输入门 i** 决定把多少**候选记忆元 C̃**（提议写入的新内容，取值在 −1 到 1 之间）加进来。\n"
                 "- **输出门 o** 决定 tanh(C) 有多少作为**隐状态 h** 离开细胞；h 既是这一步的输出，"
                 "也是下一步输入的一部分。\n\n"
                 "四者读的是同一份输入：上一步的隐状态 hₜ₋₁ 与当前输入 xₜ 拼在一起。"
                 "每一个都是一层有自己权重的全连接层，而且每个时间步用的都是同一套权重。",
    "home.explore": "开始探索",
    "home.open": "打开",
    "mode.chars": "逐字",
    "mode.words": "逐词",
    "mode.numbers": "数值",
    "model.random": "随机权重",
    "conv.article": "原文口径（不含偏置）",
    "conv.keras": "Keras / TensorFlow",
    "conv.pytorch": "PyTorch",
    "gates.intro": "序列的每一步都会变成一个输入向量 xₜ。点图下方的 ▶ 观看各个门逐步工作，"
                   "或在下面选一个时间步查看它的计算过程。",
    "gates.seq": "你的序列",
    "gates.seq.help": "逐字：每个字符是一步（中文和表情符号也可以）。逐词：按空格切分。"
                      "数值：0.5, 1, -2 表示每步一个数，1 2; 3 4 表示每步一个向量。最多显示 500 步。",
    "gates.mode": "读取方式",
    "gates.mode.help": "文本如何变成输入向量 xₜ。",
    "gates.units": "单元数（H）",
    "gates.units.help": "LSTM 的单元个数，也就是 h 和 C 的长度（num_units）。",
    "gates.seed": "随机种子",
    "gates.seed.help": "决定随机权重和词元向量；同一个种子总是得到同样的数。",
    "gates.model": "模型",
    "gates.examples": "示例",
    "gates.ex.words": "英文句子",
    "gates.ex.chars": "逐个字符",
    "gates.ex.zh": "中文句子",
    "gates.ex.wave": "正弦波",
    "gates.ex.vectors": "二维向量",
    "gates.closer": "放大看一步",
    "gates.step": "时间步",
    "gates.step.help": "要讲解的时间步（上面的动画也从这一步开始）。",
    "gates.unit": "单元",
    "gates.unit.help": "细胞示意图和计算过程跟踪的是哪个单元。",
    "gates.arith": "**第 {step} 步、第 {unit} 个单元：代入真实数值的计算**",
    "gates.input_at": "**第 {step} 步的输入**",
    "gates.embedding": "词元向量（每个词元固定的 {dim} 个数）",
    "stacked.intro": "在堆叠的 LSTM 中，下一层的隐状态 hₜ 就是上一层的输入 xₜ，而每一层把自己的 (h, C) "
                     "传给本层的下一个时间步。预设是课文中的例子：输入 5 维 → 128 → 64 → 32 → 8 个单元 "
                     "→ 1 个节点的全连接层。",
    "stacked.article": "载入课文中的例子",
    "stacked.units": "每层单元数",
    "stacked.units.help": "从最底层开始，用逗号分隔，例如 128, 64, 32, 8。",
    "stacked.dense": "全连接输出数",
    "stacked.dense.help": "顶部全连接层的节点数（0 表示不加）。",
    "stacked.time_major": "本层输出（时间优先）",
    "stacked.batch_first": "本层输出（批次优先）",
    "stacked.shapes": "张量形状（batch 大小为 1）",
    "stacked.shapes.note": "[time_step, batch, units] 是 PyTorch 的默认排布；"
                           "[batch, time_step, units] 是 Keras 以及 PyTorch batch_first=True 的排布。",
    "stacked.hidden": "各层隐状态随时间的变化",
    "stacked.head": "全连接层在每一步的输出",
    "params.intro": "每个门都是作用在 [hₜ₋₁, xₜ] 上的一层全连接层，所以一层 LSTM 有 "
                    "4·units·(units + 输入维度) 个权重；若计入偏置，还要再加上偏置项。",
    "params.article": "载入课文中的例子",
    "params.input": "输入维度（x）",
    "params.input.help": "每个输入向量 xₜ 中数的个数，例如词向量的维度。",
    "params.units.help": "每层 LSTM 的单元数，从最底层开始：128, 64, 32, 8。",
    "params.dense": "全连接输出数",
    "params.dense.help": "输出全连接层的节点数（0 表示不加）。",
    "params.convention": "计数口径",
    "params.convention.help": "原文不计偏置；Keras 每层一个偏置向量；PyTorch（以及 cuDNN、ONNX）每层两个。",
    "params.bidirectional": "双向",
    "params.bidirectional.help": "再用一个 LSTM 反向读序列：每层参数翻倍，下一层的输入变为 2·units。",
    "params.shapes": "张量（形状）",
    "params.formula": "公式",
    "params.count": "参数量",
    "params.dense_layer": "全连接层",
    "params.gap": "Keras 计为 {keras}，PyTorch 计为 {pytorch}。多出的 {gap} 个是 PyTorch 的第二个偏置向量，"
                  "每个单元 4 个：4·{dirs}({units})。",
    "params.per_layer": "逐层明细",
    "params.faq": "常见误区",
    "params.faq.units.q": "单元数就是时间步数吗？",
    "params.faq.units.a": "不是。单元数（num_units，隐藏层大小）是 h 和 C 的长度；时间步数是序列的长度。"
                          "每个时间步用的都是同一个细胞、同一套权重。",
    "params.faq.time.q": "序列越长，参数越多吗？",
    "params.faq.time.a": "不会。权重在时间上是共享的，参数量与序列长度无关，增加的只是计算量。",
    "params.faq.batch.q": "batch 大小会改变参数量吗？",
    "params.faq.batch.a": "不会。一个 batch 只是让多条序列同时使用同一套权重。",
    "params.faq.stack.q": "堆叠时上一层的输入维度是多少？",
    "params.faq.stack.a": "就是它下面那一层的单元数：下一层的 hₜ 就是这一层的 xₜ。"
                          "在 5 → 128 → 64 中，第二层的 x = 128。",
    "params.faq.bias.q": "为什么 Keras 和 PyTorch 打印的总数不一样？",
    "params.faq.bias.a": "两者计算的门完全相同。PyTorch 每层存两个偏置向量（b_ih 和 b_hh），"
                         "计算时直接相加；Keras 只存一个。原文只统计权重矩阵。",
    # ---- limits on work, memory and numbers (issue 14) ------------------------------
    "upload.why.too_many_params": "文件里有 {n} 个数（按 float64 读入后为 {mb} MB），超过了 {limit} 个的上限；请上传单元或层数更少的模型（一层 H 个单元、输入 X 个数时有 4·H·(X + H + 1) 个参数）",
    "upload.why.too_many_layers": "模型有 {got} 层，最多支持 {limit} 层；请上传层数更少的模型",
    "limit.work": "这个视图对共用的课堂服务器来说太大了：{steps} 步 × {units} 个单元（各层合计）共 {work} 个单元步，而一个视图最多 {limit} 个。用 {units} 个单元时最多 {max_steps} 步，或者减少单元数、层数。",
    "limit.nonfinite": "数值溢出了：第 {step} 步（第 {unit} 个单元，第 {layer} 层）的{what}不是有限的数，因此这里无法绘图或讲解。这些权重对 {dtype} 运算来说太大了：请把它们缩小（例如都除以 10）后重新上传。",
    "limit.z": "加权和 z = W·xₜ + U·hₜ₋₁ + b",
}

_CATALOGUES = {"en": _EN, "zh": _ZH}


def catalogue(lang: str) -> dict[str, str]:
    """The whole catalogue of one language (a copy)."""
    return dict(_CATALOGUES[lang])


def t(key: str, lang: str = "en", **values) -> str:
    """The text for ``key`` in ``lang`` ("en" or "zh"), with ``{name}`` fields filled.

    An unknown language falls back to English; an unknown key raises KeyError, so a
    missing translation is found by the tests, not by a learner.
    """
    text = _CATALOGUES.get(lang, _EN)[key]
    return text.format(**values) if values else text
