"""Write an index file: whole (`write_full`), or update it in place (`update_in_place`).

A full write numbers every passage from 0 in a new file.  An update changes the index's
own file in one SQLite transaction: it drops the passages of dropped documents (removed,
changed, or to be tokenized again) and adds the new ones under fresh ids after the largest
id in use, so the ids of everything else, and their rows, stay as they are.  Only the
posting lists of terms that occur in dropped or added passages are rewritten; BM25's
corpus-wide numbers (N, average length, mean IDF, from the histogram of document
frequencies kept in `meta`) are recomputed, and the searcher derives the weights from them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import sqlite_utils

from .analysis import Analyzer
from .build_types import Progress, SourceDocument
from .cleaning import is_lead, reports_part_of_year, section_years
from .filestats import FileRecord, Recorded
from .filters import FILTER_FIELDS
from .metadata import looks_like_a_feature, searchable_fields, year_a_title_names
from .normalize import normalize
from .ranking import build_postings, raw_idf
from .store import (
    SCHEMA_VERSION, TOKEN_SEPARATOR, create_indexes, create_schema, decode_postings, postings_row, read_array,
    read_meta, write_array, write_meta,
)


def document_row(doc: SourceDocument, doc_id: int, first_passage: int, analyzer: Analyzer) -> dict:
    meta = doc.meta
    field_terms = doc.field_terms
    if field_terms is None:
        field_terms = analyzer.field_tokens(*searchable_fields(meta))
    return {
        "id": doc_id, "source": doc.source, "path": doc.path, "sha256": doc.sha256,
        **meta.__dict__, "first_passage": first_passage, "passages": len(doc.texts),
        "dictionary": doc.dictionary,
        "title_year": year_a_title_names(meta.title), "title_feature": int(looks_like_a_feature(meta.title)),
        "phrases": json.dumps(sorted(doc.phrases), ensure_ascii=False),
        "field_terms": json.dumps(sorted(field_terms), ensure_ascii=False),
        **{f"n_{key}": normalize(getattr(meta, key)) for key in FILTER_FIELDS},
    }


def passage_rows(doc: SourceDocument, doc_id: int, first_passage: int) -> Iterable[dict]:
    for i, text in enumerate(doc.texts):
        yield {
            "id": first_passage + i, "doc_id": doc_id, "paragraph": doc.paragraphs[i], "part": doc.parts[i],
            "text": text, "norm": doc.norms[i], "tokens": TOKEN_SEPARATOR.join(doc.tokens[i]),
        }


def corpus_meta(passages: int, slots: int, total_tokens: int, df_counts: dict[int, int]) -> dict:
    """The numbers BM25 needs besides the postings: N, average length, mean IDF over the
    terms (from `df_counts`, document frequency -> number of terms), and the counts `verify`
    checks the postings table against."""
    pairs = sorted((df, count) for df, count in df_counts.items() if count)
    dfs = np.asarray([df for df, _ in pairs], dtype=np.float64)
    counts = np.asarray([count for _, count in pairs], dtype=np.float64)
    terms = int(counts.sum())
    average_idf = float((raw_idf(dfs, passages) * counts).sum() / terms) if terms else 0.0
    return {"passages": passages, "slots": slots, "total_tokens": total_tokens,
            "avgdl": total_tokens / passages if passages else 0.0, "average_idf": average_idf,
            "terms": terms, "postings_total": int((dfs * counts).sum()), "df_counts": pairs}


def write_full(path: Path, docs: list[SourceDocument], analyzer: Analyzer, build_meta: dict, progress: Progress,
               record: FileRecord | None = None) -> None:
    """Write to `path` (a new file, not yet anyone's index) an index of `docs` (tokenized),
    passages numbered from 0, with the `record` of their files; leave it in WAL mode."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    db = sqlite_utils.Database(path)
    db.conn.execute("pragma journal_mode = off")
    db.conn.execute("pragma synchronous = off")
    create_schema(db)
    write_meta(db, {"schema_version": SCHEMA_VERSION, "complete": "0"})
    token_lists: list[list[str]] = []
    doc_rows: list[dict] = []
    passage_doc: list[int] = []
    progress("writing", 0, 3)
    firsts = []
    for doc_id, doc in enumerate(docs):
        firsts.append(len(token_lists))
        token_lists.extend(doc.tokens or [])
        passage_doc.extend([doc_id] * len(doc.texts))
        doc_rows.append(document_row(doc, doc_id, firsts[-1], analyzer))
    with db.conn:
        db["passages"].insert_all(
            (row for doc_id, doc in enumerate(docs) for row in passage_rows(doc, doc_id, firsts[doc_id])),
            batch_size=5000,
        )
        db["documents"].insert_all(doc_rows, batch_size=1000)
        db["field_terms"].insert_all(_field_rows(doc_rows), batch_size=5000)
    progress("writing", 1, 3)
    postings, _, _ = build_postings(token_lists)
    progress("writing", 2, 3)
    with db.conn:
        db["postings"].insert_all((postings_row(p.term, p.ids, p.tfs) for p in postings), batch_size=5000)
        write_array(db, "passage_doc", np.asarray(passage_doc))
        write_array(db, "passage_chars", np.fromiter((len(t) for d in docs for t in d.texts), dtype=np.int32))
        write_array(db, "passage_lead", np.fromiter((is_lead(n) for d in docs for n in d.norms), dtype=np.int8))
        write_array(db, "passage_part", np.fromiter((reports_part_of_year(n) for d in docs for n in d.norms),
                                                    dtype=np.int8))
        write_array(db, "passage_year", np.fromiter((y for d in docs for y in section_years(d.norms)), dtype=np.int16))
        lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int32, count=len(token_lists))
        write_array(db, "passage_tokens", lengths)
        create_indexes(db)
        df_counts = Counter(len(p.ids) for p in postings)
        write_meta(db, {**build_meta, **corpus_meta(len(token_lists), len(token_lists), int(lengths.sum()), df_counts),
                        "documents": len(docs)})
        (record or FileRecord()).write(db.conn, None)
        write_meta(db, {"complete": "1"})
    db.conn.execute("pragma journal_mode = wal")  # from now on updated in place, readers on snapshots
    progress("writing", 3, 3)
    db.conn.close()


def _field_rows(doc_rows: list[dict]) -> Iterable[dict]:
    """Rows of the field_terms table: each metadata term with the documents that have it."""
    index: dict[str, list[int]] = {}
    for row in doc_rows:
        for term in json.loads(row["field_terms"]):
            index.setdefault(term, []).append(row["id"])
    for term, doc_ids in index.items():
        yield {"term": term, "docs": np.asarray(doc_ids, dtype=np.int32).tobytes()}


# -- the incremental update ------------------------------------------------------------------
def update_in_place(path: Path, drop: list[SourceDocument], add: list[SourceDocument], analyzer: Analyzer,
                    meta: dict, progress: Progress, record: FileRecord, before: Recorded) -> None:
    """Make the index at `path` one without the `drop` documents and with `add`, and with
    the `record` of its files (`before` what it had), in one transaction: all of it or,
    whatever stops it (an exception, a kill, a power cut), none of it.  Readers that have
    the index open keep their snapshot of it until they reopen."""
    progress("writing", 0, 3)
    conn = sqlite3.connect(path, isolation_level=None)  # no implicit transactions: one, by hand
    try:
        conn.execute("pragma busy_timeout = 30000")
        conn.execute("pragma synchronous = full")  # committed means on disk
        conn.execute("pragma journal_size_limit = 67108864")  # the log is cut back after a checkpoint
        conn.execute("begin immediate")
        _update(sqlite_utils.Database(conn), path, drop, add, analyzer, meta, progress)
        record.write(conn, before)
        conn.execute("commit")
    except BaseException:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("rollback")
        raise
    finally:
        conn.close()
    progress("writing", 3, 3)


def _update(db: sqlite_utils.Database, path: Path, drop: list[SourceDocument], add: list[SourceDocument],
            analyzer: Analyzer, meta: dict, progress: Progress) -> None:
    old_meta = read_meta(db)
    df_counts = Counter({df: count for df, count in json.loads(old_meta["df_counts"])})
    passage_doc = read_array(db, "passage_doc")
    chars = read_array(db, "passage_chars")
    leads = read_array(db, "passage_lead")
    parts = read_array(db, "passage_part")
    years = read_array(db, "passage_year")
    lengths = read_array(db, "passage_tokens")

    drop_ids = sorted(doc.old_id for doc in drop)
    removed_ids, removed_terms, removed_fields = _drop_documents(db, drop_ids)
    passage_doc[removed_ids] = -1
    chars[removed_ids] = 0
    leads[removed_ids] = 0
    parts[removed_ids] = 0
    years[removed_ids] = 0
    lengths[removed_ids] = 0
    progress("writing", 1, 3)

    next_doc = (db.execute("select max(id) from documents").fetchone()[0] or 0) + 1
    next_passage = len(passage_doc)
    added: dict[str, tuple[list[int], list[int]]] = {}
    doc_rows = []
    new_doc, new_chars, new_leads, new_parts, new_years, new_lengths = [], [], [], [], [], []
    for doc in add:
        doc_rows.append(document_row(doc, next_doc, next_passage, analyzer))
        _insert(db, "passages", list(passage_rows(doc, next_doc, next_passage)))
        for offset, tokens in enumerate(doc.tokens):
            for term, tf in Counter(tokens).items():
                ids, tfs = added.setdefault(term, ([], []))
                ids.append(next_passage + offset)
                tfs.append(tf)
            new_lengths.append(len(tokens))
        new_doc.extend([next_doc] * len(doc.texts))
        new_chars.extend(len(text) for text in doc.texts)
        new_leads.extend(is_lead(norm) for norm in doc.norms)
        new_parts.extend(reports_part_of_year(norm) for norm in doc.norms)
        new_years.extend(section_years(doc.norms))
        next_doc += 1
        next_passage += len(doc.texts)
    _insert(db, "documents", doc_rows)
    _update_field_terms(db, set(drop_ids), removed_fields, doc_rows)
    _update_postings(db, path, len(passage_doc), removed_ids, removed_terms, added, df_counts)
    progress("writing", 2, 3)

    passage_doc = np.concatenate([passage_doc, np.asarray(new_doc, dtype=np.int32)])
    lengths = np.concatenate([lengths, np.asarray(new_lengths, dtype=np.int32)])
    write_array(db, "passage_doc", passage_doc)
    write_array(db, "passage_chars", np.concatenate([chars, np.asarray(new_chars, dtype=np.int32)]))
    write_array(db, "passage_lead", np.concatenate([leads, np.asarray(new_leads, dtype=np.int8)]))
    write_array(db, "passage_part", np.concatenate([parts, np.asarray(new_parts, dtype=np.int8)]))
    write_array(db, "passage_year", np.concatenate([years, np.asarray(new_years, dtype=np.int16)]))
    write_array(db, "passage_tokens", lengths)
    live = int(np.count_nonzero(passage_doc >= 0))
    documents = db.execute("select count(*) from documents").fetchone()[0]
    write_meta(db, {**meta, **corpus_meta(live, len(passage_doc), int(lengths.sum()), df_counts),
                    "documents": documents, "previous_build": old_meta.get("built_at", "")})


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) in the caller's transaction."""
    if rows:
        columns = list(rows[0])
        db.conn.executemany(f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                            [[row[c] for c in columns] for row in rows])


def _drop_documents(db: sqlite_utils.Database, doc_ids: list[int]) -> tuple[np.ndarray, set[str], set[str]]:
    """Delete documents and their passages.

    Returns the passage ids, the terms those passages had, and the documents' metadata terms.
    """
    removed: list[int] = []
    terms: set[str] = set()
    field_terms: set[str] = set()
    for start in range(0, len(doc_ids), 500):
        chunk = doc_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for (value,) in db.execute(f"select field_terms from documents where id in ({marks})", chunk):
            field_terms.update(json.loads(value))
        for passage_id, tokens in db.execute(f"select id, tokens from passages where doc_id in ({marks})", chunk):
            removed.append(passage_id)
            if tokens:
                terms.update(tokens.split(TOKEN_SEPARATOR))
        db.execute(f"delete from passages where doc_id in ({marks})", chunk)
        db.execute(f"delete from documents where id in ({marks})", chunk)
    return np.asarray(sorted(removed), dtype=np.int32), terms, field_terms


def _update_postings(db: sqlite_utils.Database, path: Path, slots: int, removed_ids: np.ndarray,
                     removed_terms: set[str], added: dict[str, tuple[list[int], list[int]]],
                     df_counts: Counter) -> None:
    """Rewrite the posting lists of `removed_terms` and `added` terms (each checked against its
    checksum as it is read), keeping `df_counts` in step."""
    for term in removed_terms | set(added):
        row = db.execute("select ids, tfs, df, crc from postings where term = ?", [term]).fetchone()
        if row:
            ids, tfs = decode_postings(path, row, slots)
            df_counts[len(ids)] -= 1
        else:
            ids, tfs = np.zeros(0, np.int32), np.zeros(0, np.uint16)
        if term in removed_terms and len(ids):
            keep = ~np.isin(ids, removed_ids, assume_unique=True)
            ids, tfs = ids[keep], tfs[keep]
        if term in added:
            new_ids, new_tfs = added[term]
            ids = np.concatenate([ids, np.asarray(new_ids, dtype=np.int32)])
            tfs = np.concatenate([tfs, np.minimum(np.asarray(new_tfs), 65535).astype(np.uint16)])
        if len(ids):
            df_counts[len(ids)] += 1
            row = postings_row(term, ids, tfs)
            db.execute("insert or replace into postings (term, df, ids, tfs, crc) values (?, ?, ?, ?, ?)",
                       [row["term"], row["df"], row["ids"], row["tfs"], row["crc"]])
        elif row:
            db.execute("delete from postings where term = ?", [term])


def _update_field_terms(db: sqlite_utils.Database, dropped: set[int], dropped_terms: set[str],
                        doc_rows: list[dict]) -> None:
    """Keep `field_terms` (metadata term -> documents) in step with the documents table."""
    extra: dict[str, list[int]] = {}
    for row in doc_rows:
        for term in json.loads(row["field_terms"]):
            extra.setdefault(term, []).append(row["id"])
    for term in dropped_terms | set(extra):
        row = db.execute("select docs from field_terms where term = ?", [term]).fetchone()
        old = np.frombuffer(row[0], dtype=np.int32).tolist() if row else []
        ids = [i for i in old if i not in dropped] + extra.get(term, [])
        if ids:
            db.execute("insert or replace into field_terms (term, docs) values (?, ?)",
                       [term, np.asarray(ids, dtype=np.int32).tobytes()])
        elif row:
            db.execute("delete from field_terms where term = ?", [term])
