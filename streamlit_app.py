"""Polku's router: page config, the database check, sign-in, the pages the user's role may
open, the shared sidebar, pg.run().

Runs before every page on every rerun: keep it cheap. The sidebar's municipality picker and
language switch live here, bound to the URL, so every page sees the same choice. A page that
is not passed to st.navigation cannot be opened, not even by its URL.
"""

import streamlit as st

from polku import audit
from polku.access import (
    ADMIN,
    ANALYST,
    COORDINATOR,
    DIRECTOR,
    AccessDenied,
    audit_refusals_to,
    visible_municipalities,
)
from polku.ui import auth, data, page, resources, sidebar, tasks
from polku.ui.data import municipality_names
from polku.ui.state import set_actor, t

st.set_page_config(page_title="Polku", page_icon=":material/route:", layout="wide")

# The picker sits above the language switch, but the language is read first: labels need it
picker_area = st.sidebar.container()
with st.sidebar:
    sidebar.language_switch()
page.accessibility_style()

data.begin_run()  # the data version is read afresh in every run (polku/ui/data.py)
try:
    engine = resources.engine()
    audit_refusals_to(audit.refusal_writer(engine))
    problem = resources.database_problem(engine)
    if problem is None:
        actor = auth.current_actor(engine)
except Exception as failure:  # st.stop and st.rerun are not Exceptions: they pass
    problem = resources.failure_problem(failure)
if problem is not None:
    # Always call st.navigation, so Streamlit never falls back to listing app_pages/ by itself
    st.navigation([page.not_ready_page(problem)], position="hidden").run()
    st.stop()

set_actor(actor)

EVERYONE = {ADMIN, COORDINATOR, DIRECTOR, ANALYST}
# Section -> (file, catalog key of the title, Material icon, URL path, roles that may open it)
PAGES: dict[str, list[tuple[str, str, str, str, set[str]]]] = {
    "nav.monitoring": [
        (
            "app_pages/overview.py",
            "page.overview",
            ":material/dashboard:",
            "yleiskatsaus",
            EVERYONE,
        ),
        # The work queue: things to fix, so only those who fix them (polku/work_queue.py)
        (
            "app_pages/tasks.py",
            "page.tasks",
            ":material/task_alt:",
            "tehtavat",
            {ADMIN, COORDINATOR},
        ),
        (
            "app_pages/indicators.py",
            "page.indicators",
            ":material/monitoring:",
            "mittarit",
            EVERYONE,
        ),
        (
            "app_pages/finance.py",
            "page.finance",
            ":material/euro:",
            "talous",
            EVERYONE,
        ),
        (
            "app_pages/reports.py",
            "page.reports",
            ":material/description:",
            "raportit",
            {ADMIN, ANALYST},
        ),
        (
            "app_pages/checklists.py",
            "page.checklists",
            ":material/checklist:",
            "vaihelistat",
            EVERYONE,
        ),
    ],
    "nav.data": [
        (
            "app_pages/clients.py",
            "page.clients",
            ":material/group:",
            "asiakkaat",
            {ADMIN, COORDINATOR},
        ),
        # Analysts read rows, so they see the card; polku.client_card refuses their edits
        (
            "app_pages/client_card.py",
            "page.client_card",
            ":material/badge:",
            "asiakaskortti",
            {ADMIN, COORDINATOR, ANALYST},
        ),
        (
            "app_pages/data_import.py",
            "page.import",
            ":material/upload_file:",
            "tuonti",
            {ADMIN, COORDINATOR},
        ),
        (
            "app_pages/data_export.py",
            "page.export",
            ":material/download:",
            "vienti",
            {ADMIN, COORDINATOR, ANALYST},
        ),
    ],
    "nav.admin": [
        ("app_pages/project.py", "page.project", ":material/flag:", "hanke", EVERYONE),
        ("app_pages/users.py", "page.users", ":material/manage_accounts:", "kayttajat", {ADMIN}),
        (
            "app_pages/accessibility.py",
            "page.accessibility",
            ":material/accessibility:",
            "saavutettavuus",
            EVERYONE,
        ),
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
                default=path == "app_pages/overview.py",
            )
            for path, title, icon, url_path, roles in pages
            if actor.role in roles
        ]
        for section, pages in PAGES.items()
        if any(actor.role in roles for *_, roles in pages)
    },
    # Every page a role opens stays listed: Streamlit hides pages past ten behind "View more"
    expanded=True,
)

page.document_title(navigation.title)

names = municipality_names()
with picker_area:
    sidebar.municipality_picker(
        {code: names[code] for code in visible_municipalities(actor, list(names))}
    )
with st.sidebar:
    tasks.my_settings(engine, actor)

try:
    navigation.run()
except AccessDenied as refused:
    auth.record_refusal(engine, refused)
except Exception as failure:  # the database failing mid-page: a message, not Streamlit's error
    if (problem := resources.page_failure(failure)) is None:
        raise
    page.database_failed(problem)
