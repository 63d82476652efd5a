"""Polku's router: page config, the database check, the pages, the shared sidebar, pg.run().

Runs before every page on every rerun: keep it cheap. The sidebar's municipality picker and
language switch live here, bound to the URL, so every page sees the same choice.
"""

import streamlit as st

from polku.ui import page, resources, sidebar
from polku.ui.data import municipality_names
from polku.ui.state import t

st.set_page_config(page_title="Polku", page_icon=":material/route:", layout="wide")

# The picker sits above the language switch, but the language is read first: labels need it
picker_area = st.sidebar.container()
with st.sidebar:
    sidebar.language_switch()

problem = resources.database_problem(resources.engine())
if problem is not None:
    # Always call st.navigation, so Streamlit never falls back to listing pages/ by itself
    st.navigation([page.not_ready_page(problem)], position="hidden").run()
    st.stop()

# Section -> (file, catalog key of the title, Material icon, URL path); overview is the home
PAGES: dict[str, list[tuple[str, str, str, str]]] = {
    "nav.monitoring": [
        ("pages/overview.py", "page.overview", ":material/dashboard:", "yleiskatsaus"),
        ("pages/indicators.py", "page.indicators", ":material/monitoring:", "mittarit"),
        ("pages/checklists.py", "page.checklists", ":material/checklist:", "vaihelistat"),
    ],
    "nav.data": [
        ("pages/clients.py", "page.clients", ":material/group:", "asiakkaat"),
        ("pages/data_import.py", "page.import", ":material/upload_file:", "tuonti"),
        ("pages/data_export.py", "page.export", ":material/download:", "vienti"),
    ],
    "nav.admin": [
        ("pages/project.py", "page.project", ":material/flag:", "hanke"),
        ("pages/users.py", "page.users", ":material/manage_accounts:", "kayttajat"),
    ],
}

navigation = st.navigation(
    {
        t(section): [
            st.Page(
                path,
                title=t(title),
                icon=icon,
                url_path=url_path,
                help=t(f"{title}.help"),
                default=path == "pages/overview.py",
            )
            for path, title, icon, url_path in pages
        ]
        for section, pages in PAGES.items()
    }
)

with picker_area:
    sidebar.municipality_picker(municipality_names())

navigation.run()
