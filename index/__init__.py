"""Search core: messy speech files in, exact sourced quotes out.  No Telegram here.

    from index import build_index, Searcher
    build_index([Path("seeds")], Path("data/speeches.sqlite"))
    searcher = Searcher.open("data/speeches.sqlite")     # once per process
    for hit in searcher.search("岳阳2021年目标", top=3).hits:
        print(hit.quote.text, hit.document.meta.title, hit.paragraph)
"""

from .builder import build_index
from .config import default_db_path, default_source_dir
from .errors import BuildError, IndexUnavailable, QueryError, SearchError, UnreadableSource
from .models import (
    BuildReport, Document, DocumentMeta, Hit, IndexInfo, Passage, Quote, SearchResult, SkippedFile,
)
from .query import FILTER_HELP
from .readers import SUPPORTED_SUFFIXES, read_bytes, read_source
from .searcher import Searcher

__all__ = [
    "BuildError", "BuildReport", "Document", "DocumentMeta", "FILTER_HELP", "Hit", "IndexInfo",
    "IndexUnavailable", "Passage", "QueryError", "Quote", "SUPPORTED_SUFFIXES", "SearchError",
    "SearchResult", "Searcher", "SkippedFile", "UnreadableSource", "build_index", "default_db_path",
    "default_source_dir", "read_bytes", "read_source",
]
