"""Text people typed, shown as they typed it inside elements that render Markdown.

Streamlit renders Markdown in st.markdown, st.write, st.caption, st.success / info / warning /
error, toasts and every widget label; a stored note or title with `![](https://…)` would make
each later viewer's browser fetch that address. Every character Markdown or Streamlit's own
directives (:red[…], $math$) act on gets a backslash, which CommonMark shows as the character
itself. Dots, dashes, colons and @ stay as they are: alone they fetch nothing and format nothing
mid-line, and e-mail addresses and dates read as typed in AppTest and the browser alike.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be escaped; these can open a link, image, tag or format
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#!|~$])")


def plain(text: object) -> str:
    """`text` escaped so that Markdown shows it verbatim (never a link, image or format)."""
    return _MARKUP.sub(r"\\\1", str(text))
