"""The targets at scale 10 (issue 19 "Performance: a fair floor, every role and scope, the
browser, and national scale"); the floor is a bare page drawing the same elements."""

WARM_FLOOR_RATIO = 2.0  # a page's warm rerun ≤ 2× the warm rerun of its floor
COLD_FLOOR_RATIO = 3.0  # a page's cold run ≤ 3× the cold run of its floor
WARM_SECONDS = 0.3  # no page's warm rerun above 0,3 s (on the 2-core machine)
CHART_BYTES = 100_000  # every chart spec sent to the browser
IMPORT_ROWS_PER_S = 10_000  # the 50 000-row client import
IMPORT_FLOOR_RATIO = 3.0  # ... against pandas.read_csv plus one bulk insert
PEAK_RSS_MB = 500  # the peak memory of Polku's processes
SCALE_GROWTH = 2.0  # no page more than 2× slower at scale 10 than at scale 1
BROWSER_SECONDS = 1.5  # navigation to a fully drawn page in headless Chromium
BROWSER_FLOOR_RATIO = 2.0  # ... against a bare page drawing the same elements
WARM_FLOOR_RATIO_NATIONAL = 3.0  # scale 100 (550 000 clients, PostgreSQL): warm ≤ 3× floor
