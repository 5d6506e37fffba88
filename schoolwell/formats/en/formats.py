# Day, month in words, year: never 01/12 (is that January or December?) for a reader of
# either language. The long forms name the month in full, the short forms abbreviate it.
DATE_FORMAT = "j F Y"  # 1 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 1 Dec 2026
DATETIME_FORMAT = "j F Y, H:i"  # 1 December 2026, 14:05
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 1 Dec 2026, 14:05
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"  # 1 December
YEAR_MONTH_FORMAT = "F Y"  # December 2026
