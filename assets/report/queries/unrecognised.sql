SELECT file FROM unrecognised_files ORDER BY file
