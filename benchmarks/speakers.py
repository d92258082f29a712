"""Who gave a year's work report, asked of the collection five ways.

    python -m benchmarks.speakers --db data/full.sqlite [--misses]

The NPC's resolution on each year's government work report names who delivered it
("听取和审议了国务院总理李克强所作的政府工作报告"); each such year is asked

    2016年的政府工作报告是谁作的        2016年政府工作报告由谁作
    2016年政府工作报告是哪位总理作的    2016年作政府工作报告的总理是谁
    2016年政府工作报告的报告人是谁

and a case is answered when the first hit names that person.  Which passage names them (the
resolution, the report, a news item of the session) is not judged.
"""

from __future__ import annotations

import re

from index import Searcher
from index.normalize import normalize

from .dev_eval import collection_benchmark

PHRASINGS = ("{year}年的政府工作报告是谁作的", "{year}年政府工作报告由谁作", "{year}年政府工作报告是哪位总理作的",
             "{year}年作政府工作报告的总理是谁", "{year}年政府工作报告的报告人是谁")
RESOLUTION = "npc_resolution_on_gwr"
# 国务院总理李克强所作, 周恩来总理代表国务院所作
_DELIVERED = re.compile(r"总理\s*([\u4e00-\u9fff]{2,3}?)(?:同志)?(?:代表国务院)?所作|([\u4e00-\u9fff]{2,3})总理(?:代表国务院)?所作")


def speakers(searcher: Searcher) -> dict[int, str]:
    """Year -> who delivered that year's work report, as the resolution on it says."""
    reader, found = searcher.reader, {}
    for doc in range(len(reader.doc_count) - 1):
        if not reader.doc_count[doc] or not reader.doc_year[doc] or reader.document(doc).meta.kind != RESOLUTION:
            continue
        first = int(reader.doc_first[doc])
        text = " ".join(row[4] for row in reader.rows(list(range(first, first + int(reader.doc_count[doc])))).values())
        if match := _DELIVERED.search(text):
            found[int(reader.doc_year[doc])] = match.group(1) or match.group(2)
    return found


def main(argv: list[str] | None = None) -> int:
    args, searcher = collection_benchmark(__doc__, argv, "list the questions not answered first")
    found = speakers(searcher)
    print(f"{len(found)} years whose work report a resolution of {args.db} attributes")
    for phrasing in PHRASINGS:
        answered, missed = 0, []
        for year, name in sorted(found.items()):
            question = phrasing.format(year=year)
            hits = searcher.search(question, top=1).hits
            if hits and name in normalize(hits[0].text):
                answered += 1
            else:
                missed.append(f"    {question} ({name}) -> {normalize(hits[0].text)[:40] if hits else 'no hit'}")
        print(f"{phrasing:32} {answered}/{len(found)}")
        if args.misses:
            print("\n".join(missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
