"""Reading, validating and loading case-management extracts (see docs/data-contract.md).

Modules: readers (files -> text cells), contract (headers -> canonical columns), parse (text ->
types), validate (typing, safe stored forms, labels), checks (the reject rules and their order),
load (one file, one transaction), build (`sendiass data`). This package imports nothing itself, so
commands that only need its errors start fast.
"""
