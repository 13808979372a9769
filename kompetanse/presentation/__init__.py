"""Presentation: how a figure reads and looks, whatever draws it (the app, the Excel workbook, the deck).

Norwegian number and date formats, the one colour map every chart takes its colours from, the text
alternatives of the charts, and the accessibility statement.
"""
