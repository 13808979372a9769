"""The demo organisation: synthetic, deterministic data (fixed seed) with no real person in it.

The personnel and unit tree of the ALM plan's laboratory department and more (demo), and its competence plan:
competences, requirements, measures, goals and placements (demo_plan). Tests and benchmarks build on it.
"""
