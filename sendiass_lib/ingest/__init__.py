"""Reading, validating and loading case-management extracts (see docs/data-contract.md).

Modules: readers (files -> text cells: csv_reader and csv_layout, xlsx_reader, encodings, into a
raw_extract.RawExtract), contract (headers -> canonical columns), parse (text -> types), validate
(typing, safe stored forms, labels), checks (the reject rules and their order), load (one file, one
transaction), build (`sendiass data`), check (`sendiass check`: check_result, check_headers,
check_labels, check_appendices, check_report). This package imports nothing itself, so commands
that only need its errors start fast.
"""
