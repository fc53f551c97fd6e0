"""Plotly figures that read a trace from ``lstm_viz``; no Streamlit in here.

>>> from figures import cell_diagram
>>> cell_diagram("zh").layout.title.text
'LSTM 单元内部'
"""

from figures.gates import cell_diagram, gates_figure
from figures.theme import GATE_COLOURS, TEMPLATE, plain

__all__ = ["GATE_COLOURS", "TEMPLATE", "cell_diagram", "gates_figure", "plain"]
