"""Files written complete or not at all, for the merging and report scripts.

write_csv(path, columns, rows): the rows (dicts keyed by column) under a
header; write_text(path, text): a text file (the report). Each is written
beside the target as PATH.partial, flushed to disk, then renamed into place;
on a failure the partial file is removed and the OSError raised, so a reader
never sees half a file.
"""
import csv
import os


def _write_aside(path, fill):
    path = os.fspath(path)
    staging = path + ".partial"
    try:
        with open(staging, "w", newline="", encoding="utf-8") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(staging, path)
    except OSError:
        try:
            os.remove(staging)
        except OSError:
            pass
        raise


def write_csv(path, columns, rows):
    def fill(f):
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    _write_aside(path, fill)


def write_text(path, text):
    _write_aside(path, lambda f: f.write(text))
