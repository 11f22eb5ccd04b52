"""Reading, validating and loading case-management extracts (see docs/data-contract.md).

A load runs in DuckDB SQL. Modules: staging (a file's cells into the temp table raw_cells: DuckDB
reads a plain CSV itself; readers, with csv_reader, csv_layout, xlsx_reader and encodings, read the
rest into a raw_extract.RawExtract), contract (headers -> canonical columns), macros (the SQL
macros a load uses: sql_parse's parsers, privacy_sql's redaction, cell trimming), validate (typing,
safe stored forms, reasons: the working table v_work), checks (the reject rules and their order),
label_mapping (labels split and mapped onto taxonomies), load (one file, one transaction; or, for
a rebuild, a batch of files of one shape together; load_result says what a load did), batches
(which files a rebuild loads together), build (`sendiass data`), check (`sendiass check`:
check_result, check_headers, check_labels, check_appendices, check_report). parse keeps the
polars parsers the SQL ones are proven against (tests/test_sql_parse.py) and `sendiass check`
reads date formats with. This package imports nothing itself, so commands that only need its
errors start fast.
"""
