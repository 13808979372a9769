"""Storage: the DuckDB file and what lives in it beside the figures' raw rows.

The store (where the file is, its schema and migrations, running the named queries), the import history
(every import kept, one active per kind), the editable settings, the unit tree, what the active data offers
the filters (catalog), the pseudonym key kept outside the file, and backups of both.
"""
