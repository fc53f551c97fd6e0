"""The app's words: catalogues (one JSON file per language) and the sentences that tell
the core's numbers.

Layers: pages → ui → figures → text → lstm_viz. This package reads the core and nothing
above it; the core never reads it.
"""
