"""Write an index file: whole (`write_full`), or as an updated copy of the previous one (`update_copy`).

A full write numbers every passage from 0.  An update copies the previous file, drops the
passages of dropped documents (removed, changed, or to be tokenized again) and adds the
new ones under fresh ids after the largest id in use, so the ids of everything else, and
their rows, stay as they are.  Only the posting lists of terms that occur in dropped or
added passages are rewritten; BM25's corpus-wide numbers (N, average length, mean IDF)
are recomputed, and the searcher derives the weights from them.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import sqlite_utils

from .analysis import Analyzer
from .build_types import Progress, SourceDocument
from .filters import FILTER_FIELDS
from .normalize import normalize
from .ranking import build_postings, raw_idf
from .store import (
    SCHEMA_VERSION, TOKEN_SEPARATOR, create_indexes, create_schema, postings_row, postings_totals, read_array,
    write_array, write_meta,
)


def document_row(doc: SourceDocument, doc_id: int, first_passage: int, analyzer: Analyzer) -> dict:
    meta = doc.meta
    field_terms = doc.field_terms
    if field_terms is None:
        field_terms = analyzer.field_tokens(*(getattr(meta, key) for key in FILTER_FIELDS))
    return {
        "id": doc_id, "source": doc.source, "path": doc.path, "sha256": doc.sha256,
        **meta.__dict__, "first_passage": first_passage, "passages": len(doc.texts),
        "dictionary": doc.dictionary,
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


def corpus_meta(passages: int, slots: int, total_tokens: int, dfs: np.ndarray) -> dict:
    """The numbers BM25 needs besides the postings: N, average length, mean IDF."""
    average_idf = float(raw_idf(dfs.astype(np.float64), passages).mean()) if len(dfs) else 0.0
    return {"passages": passages, "slots": slots, "total_tokens": total_tokens,
            "avgdl": total_tokens / passages if passages else 0.0, "average_idf": average_idf}


def source_hashes(db: sqlite_utils.Database) -> dict[str, str]:
    return {f"{source}/{path}": sha for source, path, sha in db.execute("select source, path, sha256 from documents")}


def write_full(path: Path, docs: list[SourceDocument], analyzer: Analyzer, build_meta: dict, progress: Progress) -> None:
    """Write to `path` an index of `docs` (tokenized), passages numbered from 0."""
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
    postings, _, stats = build_postings(token_lists)
    progress("writing", 2, 3)
    with db.conn:
        db["postings"].insert_all((postings_row(p.term, p.ids, p.tfs) for p in postings), batch_size=5000)
        write_array(db, "passage_doc", np.asarray(passage_doc))
        write_array(db, "passage_chars", np.fromiter((len(t) for d in docs for t in d.texts), dtype=np.int32))
        lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int32, count=len(token_lists))
        write_array(db, "passage_tokens", lengths)
        create_indexes(db)
        dfs = np.fromiter((len(p.ids) for p in postings), dtype=np.int64, count=len(postings))
        write_meta(db, {**build_meta, **corpus_meta(len(token_lists), len(token_lists), int(lengths.sum()), dfs),
                        "documents": len(docs), "source_hashes": source_hashes(db), **postings_totals(db)})
        write_meta(db, {"complete": "1"})
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
def update_copy(previous: Path, target: Path, drop: list[SourceDocument], add: list[SourceDocument], analyzer: Analyzer,
                meta: dict, progress: Progress) -> None:
    """Write to `target` the index at `previous` minus the `drop` documents plus `add`."""
    progress("writing", 0, 3)
    shutil.copyfile(previous, target)
    db = sqlite_utils.Database(target)
    db.conn.execute("pragma journal_mode = off")
    db.conn.execute("pragma synchronous = off")
    with db.conn:
        write_meta(db, {"complete": "0"})
        old_meta = {row["key"]: row["value"] for row in db["meta"].rows}
        passage_doc = read_array(db, "passage_doc")
        chars = read_array(db, "passage_chars")
        lengths = read_array(db, "passage_tokens")

        drop_ids = sorted(doc.old_id for doc in drop)
        removed_ids, removed_terms, removed_fields = _drop_documents(db, drop_ids)
        passage_doc[removed_ids] = -1
        chars[removed_ids] = 0
        lengths[removed_ids] = 0
        progress("writing", 1, 3)

        next_doc = (db.execute("select max(id) from documents").fetchone()[0] or 0) + 1
        next_passage = len(passage_doc)
        added: dict[str, tuple[list[int], list[int]]] = {}
        doc_rows = []
        new_doc, new_chars, new_lengths = [], [], []
        for doc in add:
            doc_rows.append(document_row(doc, next_doc, next_passage, analyzer))
            db["passages"].insert_all(passage_rows(doc, next_doc, next_passage))
            for offset, tokens in enumerate(doc.tokens):
                for term, tf in Counter(tokens).items():
                    ids, tfs = added.setdefault(term, ([], []))
                    ids.append(next_passage + offset)
                    tfs.append(tf)
                new_lengths.append(len(tokens))
            new_doc.extend([next_doc] * len(doc.texts))
            new_chars.extend(len(text) for text in doc.texts)
            next_doc += 1
            next_passage += len(doc.texts)
        db["documents"].insert_all(doc_rows)
        _update_field_terms(db, set(drop_ids), removed_fields, doc_rows)
        _update_postings(db, removed_ids, removed_terms, added)
        progress("writing", 2, 3)

        passage_doc = np.concatenate([passage_doc, np.asarray(new_doc, dtype=np.int32)])
        lengths = np.concatenate([lengths, np.asarray(new_lengths, dtype=np.int32)])
        write_array(db, "passage_doc", passage_doc)
        write_array(db, "passage_chars", np.concatenate([chars, np.asarray(new_chars, dtype=np.int32)]))
        write_array(db, "passage_tokens", lengths)
        dfs = np.fromiter((row[0] for row in db.execute("select df from postings")), dtype=np.int64)
        live = int(np.count_nonzero(passage_doc >= 0))
        documents = db.execute("select count(*) from documents").fetchone()[0]
        write_meta(db, {**meta, **corpus_meta(live, len(passage_doc), int(lengths.sum()), dfs),
                        "documents": documents, "source_hashes": source_hashes(db), **postings_totals(db),
                        "previous_build": old_meta.get("built_at", "")})
        write_meta(db, {"complete": "1"})
    progress("writing", 3, 3)
    db.conn.close()


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


def _update_postings(db: sqlite_utils.Database, removed_ids: np.ndarray, removed_terms: set[str],
                     added: dict[str, tuple[list[int], list[int]]]) -> None:
    for term in removed_terms | set(added):
        row = db.execute("select ids, tfs from postings where term = ?", [term]).fetchone()
        ids = np.frombuffer(row[0], dtype=np.int32) if row else np.zeros(0, np.int32)
        tfs = np.frombuffer(row[1], dtype=np.uint16) if row else np.zeros(0, np.uint16)
        if term in removed_terms and len(ids):
            keep = ~np.isin(ids, removed_ids, assume_unique=True)
            ids, tfs = ids[keep], tfs[keep]
        if term in added:
            new_ids, new_tfs = added[term]
            ids = np.concatenate([ids, np.asarray(new_ids, dtype=np.int32)])
            tfs = np.concatenate([tfs, np.minimum(np.asarray(new_tfs), 65535).astype(np.uint16)])
        if len(ids):
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
