"""Streamlit glue shared by app.py and pages/: data access with caching, the sidebar, rendering."""
