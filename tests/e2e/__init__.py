"""Real-browser tests (headless Chromium against `streamlit run app.py`)."""
