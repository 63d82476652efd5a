"""Vaihelistat: the phase checklists. A municipality picked: its work-package-1 phases with
gates, edited in tables and saved explicitly, its operating model and services, its history and
an Excel file for its steering group. The whole region: the municipalities × phases matrix,
the region's own checklist (work package 2) and the deadlines across the municipalities.

The parts are drawn by polku.ui.checklist_editor, checklist_forms and checklist_views."""

import streamlit as st

from polku import metrics
from polku.access import Permission
from polku.ui import checklist_editor, checklist_forms, checklist_views, data, feedback, resources
from polku.ui.state import actor, lang, municipality, t

place = checklist_editor.Place(
    viewer=actor(),
    code=municipality(),
    engine=resources.engine(),
    language=lang(),
    names=data.municipality_names(),
    today=metrics.today(),
)
code = place.code

st.title(t("page.checklists"))
plan = data.work_plan()
package = plan[plan["scope"] == ("municipality" if code else "region")].iloc[0]
work_package = place.localized(package, "work_package_name")
if code:
    place_name = place.names.get(code, code)
    st.caption(t("checklists.caption.municipality", place=place_name, work_package=work_package))
else:
    st.caption(t("checklists.caption.region", work_package=work_package))
feedback.show_flash(checklist_editor.FLASH_KEY)

if code is None:
    checklist_views.matrix_section(place)
    st.header(t("checklists.region.wp2"))
editable = place.viewer.may(Permission.EDIT, code)
checklist, shown = checklist_editor.checklist_section(place, editable)
if editable:
    checklist_editor.save_area(place, shown)
    locked = bool(checklist_editor.pending_edits(place, shown))
    checklist_forms.own_items_section(place, checklist.items, checklist.phases, locked)
checklist_views.export_button(place)
if code is None:
    checklist_views.deadlines_section(place)
else:
    checklist_forms.setup_section(place, editable)
checklist_views.history_section(place, checklist.items, checklist.phases)
