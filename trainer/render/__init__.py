"""Textual-free drawing: bars, sparklines, heatmap cells and number words, for the CLI and
the TUI alike."""
