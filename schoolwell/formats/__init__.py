"""The site's date formats, one per language (settings.FORMAT_MODULE_PATH).

Templates name a format (`|date`, `|date:"SHORT_DATE_FORMAT"`, `|date:"SHORT_DATETIME_FORMAT"`)
and never spell one, so a date reads the same way on every page in the reader's language.
Machine formats stay ISO: `<input type="date">` values, `datetime=` attributes, query
strings. Anything not defined here (input formats, number separators) falls back to
Django's own locale formats.
"""
