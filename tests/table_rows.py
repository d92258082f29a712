"""Every row of every table of an index, to compare what builds leave behind."""

import sqlite3
from pathlib import Path


def table_rows(db: Path) -> dict[str, list]:
    """Every row of every table, as a reader opening the index now sees them."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
        return {table: sorted(conn.execute(f"select * from {table}").fetchall(), key=repr) for table in tables}
    finally:
        conn.close()
