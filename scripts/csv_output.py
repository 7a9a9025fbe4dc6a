"""A CSV file written complete or not at all, for the merging scripts.

write_csv(path, columns, rows): the rows (dicts keyed by column) under a
header, written beside the target as PATH.partial, flushed to disk, then
renamed into place; on a failure the partial file is removed and the OSError
raised, so a reader never sees half a table.
"""
import csv
import os


def write_csv(path, columns, rows):
    path = os.fspath(path)
    staging = path + ".partial"
    try:
        with open(staging, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        os.replace(staging, path)
    except OSError:
        try:
            os.remove(staging)
        except OSError:
            pass
        raise
