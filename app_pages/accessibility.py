"""Saavutettavuus: the accessibility statement (saavutettavuusseloste) in the user's language:
conformance, the known exceptions (polku.accessibility's one list), the date of the assessment,
the feedback contact from the project file and the supervisory authority.

Open to everyone, before sign-in too (the law wants the statement public): it reads no data
of the database."""

import streamlit as st

from polku import accessibility, i18n
from polku.project import ProjectFileError
from polku.project import accessibility as contact_of_project
from polku.ui.state import lang, t

st.title(t("page.accessibility"))
st.write(t("a11y.intro"))

st.header(t("a11y.status.title"))
st.write(t("a11y.status.partial"))

st.header(t("a11y.exceptions.title"))
st.markdown(
    "\n".join(
        f"- **{t('a11y.exception.criterion', criterion=exception.criterion)}**: "
        f"{t(accessibility.exception_text_key(exception))}"
        for exception in accessibility.KNOWN_EXCEPTIONS
    )
)

st.header(t("a11y.assessed.title"))
st.write(t("a11y.assessed", date=i18n.fmt_date(accessibility.ASSESSED, lang())))

st.header(t("a11y.feedback.title"))
st.write(t("a11y.feedback"))
try:
    contact = contact_of_project()
except ProjectFileError as problem:
    st.error(str(problem), icon=":material/error:")
else:
    st.markdown(t("a11y.feedback.email", email=contact.feedback_email))
    if contact.feedback_url:
        st.markdown(t("a11y.feedback.url", url=contact.feedback_url))

st.header(t("a11y.authority.title"))
st.markdown(t("a11y.authority", url=accessibility.AUTHORITY_URL))
