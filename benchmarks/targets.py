"""The targets at scale 10 (the issue "Performance benchmark at ten times the project's size")."""

WARM_FLOOR_RATIO = 2.0  # a page's warm run ≤ 2× its floor
COLD_FLOOR_RATIO = 5.0  # a page's cold run ≤ 5× its floor
CHART_BYTES = 100_000  # every chart spec sent to the browser
IMPORT_ROWS_PER_S = 10_000  # the 50 000-row client import
IMPORT_FLOOR_RATIO = 3.0  # ... against pandas.read_csv plus one bulk insert
PEAK_RSS_MB = 500  # the peak memory of Polku's processes
SCALE_GROWTH = 2.0  # no page more than 2× slower at scale 10 than at scale 1
