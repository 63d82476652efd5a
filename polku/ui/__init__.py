"""The only Streamlit code outside app_pages/: app state (language, municipality), the cached
engine and data loaders, the sidebar, metric cards and page helpers.

Everything else in polku/ stays free of Streamlit, so notebooks, the CLI and tests reuse it.
"""
