"""Figures: the definitions of DESIGN.md and the figures every page and export shows.

The rules (SQL macros and the defaults of the editable rule tables), the small-group rule every figure
passes through (suppression), the key figures (metrics) and each subject's figures built on them: ages,
retirement, turnover, competence coverage, the replacement-need projection and its backtest, whether the
plan closes the gap, the overview, the unit comparison, and the occupation codes the rules group by.
"""
