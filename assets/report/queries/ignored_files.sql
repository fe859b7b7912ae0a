SELECT file, reason FROM ignored_files ORDER BY file
