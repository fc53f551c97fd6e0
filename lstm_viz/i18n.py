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
    "gates.model.help": "Random weights show the mechanics; trained models arrive later.",
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
    "gates.model.help": "随机权重用来演示计算机制；训练好的模型将在后续版本加入。",
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
                    "4·units·(units + inputs) 个权重；若计入偏置，还要再加上偏置项。",
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
