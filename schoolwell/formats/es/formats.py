# The same shapes as the English formats, in Spanish word order.
DATE_FORMAT = r"j \d\e F \d\e Y"  # 1 de diciembre de 2026
SHORT_DATE_FORMAT = "j b Y"  # 1 dic 2026 (Spanish abbreviations are lower case)
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"  # 1 de diciembre de 2026, 14:05
SHORT_DATETIME_FORMAT = "j b Y, H:i"  # 1 dic 2026, 14:05
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \d\e F"  # 1 de diciembre
YEAR_MONTH_FORMAT = r"F \d\e Y"  # diciembre de 2026
