"""Views: everything a reader sees of a metric result, one module per domain.

Each module takes a metric result (data only) and gives its sentence(s), table(s) and figure(s) as
notebooks display them; notebooks call one view function per element. Views own the wording and the
formatting; `tables` and `charts` stay generic (they know nothing of any metric).
"""
