"""The plan: what the organisation means to do about its figures, and keeping it.

The measures and what they cost, their funding, the goals they serve, the practice placements, saving the
plan's tables edited in the app (as new imports, with undo) and the yearly versions a closed plan keeps.
"""
