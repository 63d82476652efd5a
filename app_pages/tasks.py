"""Tehtävät: the work queue of a coordinator (their municipalities; the sidebar's municipality
narrows it) or an admin (everything): overdue and soon-due checklist items, bonus follow-ups,
clients without a status change, indicators behind and reports due, each with a link to where
it is fixed. The rules live in polku/work_queue.py; drawing helpers in polku/ui/tasks.py."""

import streamlit as st

from polku import metrics, project, work_queue
from polku.ui import data
from polku.ui import tasks as ui
from polku.ui.state import actor, lang, municipality, t

viewer = actor()
names = data.municipality_names()
code = municipality()
as_of = metrics.today()
rules = project.work_queue_rules()

st.title(t("page.tasks"))
if code:
    place = names.get(code, code)
elif viewer.role == "admin":
    place = t("tasks.scope.all")
else:
    place = ", ".join(sorted(names.get(c, c) for c in viewer.municipalities))
ui.today_caption(as_of, place)

queue = data.read(ui.queue, viewer, as_of, code, rules, lang())
ui.counts(queue.counts)
if not any(total for total, _ in queue.counts.values()):
    st.success(t("tasks.all_clear"), icon=":material/task_alt:")

about = {
    work_queue.CHECKLIST: t("tasks.about.checklist", days=rules.due_soon_days),
    work_queue.FOLLOW_UP: t("tasks.about.follow_up"),
    work_queue.STALE_CLIENT: t("tasks.about.stale_client", months=rules.stale_client_months),
    work_queue.INDICATOR: t("tasks.about.indicator"),
    work_queue.REPORT: t("tasks.about.report", days=rules.report_due_days),
}
for kind in work_queue.KINDS:
    if kind == work_queue.REPORT and viewer.role != "admin":
        continue  # the reports are the project manager's (region-wide)
    ui.kind_section(kind, queue.counts[kind][1], queue.tables[kind], about[kind])
