"""Reading the member rosters clerks keep: files, headers, columns, legacy encodings."""
