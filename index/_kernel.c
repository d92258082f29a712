/* The searcher's loops over passages in C: a query's candidates with what re-ranking needs
 * of them (`candidates`), plain BM25's top k by MaxScore or by blocked sums (`top`), the k
 * best of any scores (`top_k`), the match of passages within their document
 * (`within_document`) and two small helpers (`or_at`, `take`).
 * See index/kernel.py, the only caller, which checks types; this file checks bounds again,
 * so that a bad id raises instead of reading or writing outside an array.  Arrays come in
 * through the buffer protocol (C-contiguous, native byte order); no numpy headers needed.
 *
 * The arithmetic is numpy's, operation for operation and in the same order (the build turns
 * off floating-point contraction), so scores are bit for bit those of the numpy expressions
 * quoted in the comments. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "candidates reads its marks a word at a time, little-endian"
#endif

#define AHEAD 128  /* entries to prefetch ahead in take */

/* or_at(target, positions, bit): target[positions] |= bit, for an int64 target. */
static PyObject *or_at(PyObject *self, PyObject *args) {
    Py_buffer target, positions;
    unsigned long long bit;
    if (!PyArg_ParseTuple(args, "w*y*K", &target, &positions, &bit))
        return NULL;
    Py_ssize_t size = target.len / 8, n = positions.len / 4, bad = -1;
    uint64_t *out = target.buf;
    const int32_t *at = positions.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t p = (uint32_t)at[i];
        if (p >= (uint64_t)size) {
            bad = i;
            break;
        }
        out[p] |= bit;
    }
    if (bad >= 0)
        PyErr_Format(PyExc_IndexError, "or_at: position %d out of range", (int)at[bad]);
    PyBuffer_Release(&target);
    PyBuffer_Release(&positions);
    return bad >= 0 ? NULL : Py_NewRef(Py_None);
}

/* -- the candidates of a query, a block of passage ids at a time ---------------------------- */

#define BLOCK 32768  /* passage ids per block: its scratch (9 bytes an id) stays in the cache */

typedef struct {
    const int32_t *ids, *inside;
    const double *contributions;
    Py_ssize_t length, at, inside_length, inside_at;
    double multiplier;
    uint64_t bit;
} Term;

/* candidates(terms, inside_weight, named, candidate_bit, passage_doc, doc_meta_bits, doc_text_bits,
 *            meta_score, no_document, scratch_scores, scratch_bits, scratch_marks,
 *            out_ids, out_text, out_bits, out_docs, out_doc_bits, out_base) -> count
 *
 * terms: a tuple of (ids int32 ascending, contributions float64, multiplier, bit, inside int32
 * ascending positions in ids).  For each term, in order:
 *   added = contributions * multiplier
 *   added[inside] = contributions[inside] * inside_weight * multiplier
 *   scores[ids] += added;  bits[ids] |= bit
 * then bits[named] |= candidate_bit (named: int64 ascending ids), and every id with a bit set
 * is a candidate, in id order:
 *   text = scores[ids];  docs = passage_doc[ids]
 *   bits = (bits[ids] & ~candidate_bit) | doc_meta_bits[docs]
 *   doc_bits = doc_text_bits[docs] | doc_meta_bits[docs], except for the candidates of
 *              no_document, which take the OR of their text bits over their run of consecutive
 *              such candidates (ranking.per_document_or)
 *   base = text + meta_score[docs]
 * One block of BLOCK ids at a time, through the scratch arrays (BLOCK float64, uint64, uint8;
 * all zero, and left so), so that the scattered adds and reads hit the cache.  The out_ arrays
 * (int64, float64, int64, int32, int64, float64) need room for every candidate. */
static PyObject *candidates(PyObject *self, PyObject *args) {
    PyObject *term_tuple;
    double inside_weight;
    unsigned long long candidate_bit;
    Py_ssize_t no_document;
    Py_buffer named, passage_doc, doc_meta_bits, doc_text_bits, meta_score, scratch_scores, scratch_bits,
        scratch_marks, out_ids, out_text, out_bits, out_docs, out_doc_bits, out_base;
    if (!PyArg_ParseTuple(args, "O!dy*Ky*y*y*y*nw*w*w*w*w*w*w*w*w*", &PyTuple_Type, &term_tuple, &inside_weight,
                          &named, &candidate_bit, &passage_doc, &doc_meta_bits, &doc_text_bits, &meta_score,
                          &no_document, &scratch_scores, &scratch_bits, &scratch_marks, &out_ids, &out_text,
                          &out_bits, &out_docs, &out_doc_bits, &out_base))
        return NULL;
    Py_ssize_t m = PyTuple_GET_SIZE(term_tuple), opened = 0, count = 0, dead = 0, room = out_ids.len / 8;
    Py_ssize_t slots = passage_doc.len / 4, documents = meta_score.len / 8;
    Py_ssize_t n_named = named.len / 8, named_at = 0;
    int failed = 0, reset = 0;
    Py_buffer *buffers = PyMem_Calloc(3 * (m ? m : 1), sizeof(Py_buffer));
    Term *terms = PyMem_Calloc(m ? m : 1, sizeof(Term));
    if (!buffers || !terms) {
        PyErr_NoMemory();
        goto done;
    }
    if (doc_meta_bits.len != documents * 8 || doc_text_bits.len != documents * 8 || scratch_scores.len != BLOCK * 8 ||
        scratch_bits.len != BLOCK * 8 || scratch_marks.len != BLOCK || out_text.len != room * 8 ||
        out_bits.len != room * 8 || out_docs.len != room * 4 || out_doc_bits.len != room * 8 ||
        out_base.len != room * 8) {
        PyErr_SetString(PyExc_ValueError, "candidates: arrays of mismatched lengths");
        goto done;
    }
    for (; opened < m; opened++) {
        PyObject *item = PyTuple_GET_ITEM(term_tuple, opened);
        Term *term = &terms[opened];
        Py_buffer *b = &buffers[3 * opened];
        PyObject *ids, *contributions, *inside;
        unsigned long long bit;
        if (!PyArg_ParseTuple(item, "OOdKO", &ids, &contributions, &term->multiplier, &bit, &inside))
            goto done;
        term->bit = bit;
        if (PyObject_GetBuffer(ids, &b[0], PyBUF_SIMPLE) < 0)
            goto done;
        if (PyObject_GetBuffer(contributions, &b[1], PyBUF_SIMPLE) < 0) {
            PyBuffer_Release(&b[0]);
            goto done;
        }
        if (PyObject_GetBuffer(inside, &b[2], PyBUF_SIMPLE) < 0) {
            PyBuffer_Release(&b[0]);
            PyBuffer_Release(&b[1]);
            goto done;
        }
        term->ids = b[0].buf;
        term->contributions = b[1].buf;
        term->inside = b[2].buf;
        term->length = b[0].len / 4;
        term->inside_length = b[2].len / 4;
        if (b[1].len != term->length * 8) {
            opened++;
            PyErr_SetString(PyExc_ValueError, "candidates: ids and contributions of mismatched lengths");
            goto done;
        }
    }
    double *score = scratch_scores.buf;
    uint64_t *bits = scratch_bits.buf;
    uint8_t *marks = scratch_marks.buf;
    const int64_t *named_ids = named.buf;
    const int32_t *doc_of = passage_doc.buf;
    const uint64_t *meta = doc_meta_bits.buf, *doc_text = doc_text_bits.buf;
    const double *meta_scores = meta_score.buf;
    int64_t *ids = out_ids.buf;
    double *text = out_text.buf, *base = out_base.buf;
    uint64_t *all_bits = out_bits.buf, *doc_bits = out_doc_bits.buf;
    int32_t *docs = out_docs.buf;
    Py_BEGIN_ALLOW_THREADS
    for (;;) {
        /* the next block with anything in it */
        int64_t first = INT64_MAX;
        for (Py_ssize_t j = 0; j < m; j++)
            if (terms[j].at < terms[j].length && terms[j].ids[terms[j].at] < first)
                first = terms[j].ids[terms[j].at];
        if (named_at < n_named && named_ids[named_at] < first)
            first = named_ids[named_at];
        if (first == INT64_MAX)
            break;
        if (first < 0 || first >= slots) {
            failed = 1;  /* an id out of range */
            break;
        }
        int64_t start = first / BLOCK * BLOCK, end = start + BLOCK < slots ? start + BLOCK : slots;
        reset = 1;  /* from here until the block is collected, the scratch is in use */
        for (Py_ssize_t j = 0; j < m && !failed; j++) {
            Term *term = &terms[j];
            for (; term->at < term->length; term->at++) {
                int64_t p = term->ids[term->at];
                if (p >= end)
                    break;
                if (p < start || (term->at > 0 && term->ids[term->at - 1] >= p)) {  /* not ascending */
                    failed = 1;
                    break;
                }
                double added;
                if (term->inside_at < term->inside_length && term->inside[term->inside_at] == term->at) {
                    added = term->contributions[term->at] * inside_weight * term->multiplier;
                    term->inside_at++;
                } else {
                    added = term->contributions[term->at] * term->multiplier;
                }
                score[p - start] += added;
                bits[p - start] |= term->bit;
                marks[p - start] = 1;
            }
        }
        for (; named_at < n_named && !failed && named_ids[named_at] < end; named_at++) {
            if (named_ids[named_at] < start) {
                failed = 1;
                break;
            }
            bits[named_ids[named_at] - start] |= candidate_bit;
            marks[named_ids[named_at] - start] = 1;
        }
        if (failed)
            break;
        /* collect the block: its marked ids, a word of marks at a time */
        Py_ssize_t size = end - start;
        for (Py_ssize_t word = 0; word * 8 < size && !failed; word++) {
            uint64_t packed = 0;  /* marks are 0 or 1: a set byte is a candidate */
            if (word * 8 + 8 <= size)
                memcpy(&packed, marks + word * 8, 8);
            else
                for (Py_ssize_t i = 0; word * 8 + i < size; i++)
                    packed |= (uint64_t)marks[word * 8 + i] << (8 * i);
            for (; packed; packed &= packed - 1) {
                Py_ssize_t at = word * 8 + (__builtin_ctzll(packed) >> 3);
                int64_t p = start + at;
                int32_t d = doc_of[p];
                if (count == room || d < 0 || d >= documents) {
                    failed = 1;
                    break;
                }
                uint64_t text_bits = bits[at] & ~(uint64_t)candidate_bit;
                double s = score[at];
                score[at] = 0.0;
                bits[at] = 0;
                marks[at] = 0;
                ids[count] = p;
                text[count] = s;
                docs[count] = d;
                all_bits[count] = text_bits | meta[d];
                base[count] = s + meta_scores[d];
                doc_bits[count] = d == no_document ? text_bits : doc_text[d] | meta[d];
                dead += d == no_document;
                count++;
            }
        }
        if (failed)
            break;
        reset = 0;
    }
    for (Py_ssize_t j = 0; j < m && !failed; j++)
        failed = terms[j].inside_at != terms[j].inside_length;  /* positions not ascending, or beyond the list */
    if (failed && reset) {  /* leave the scratch all zero */
        memset(score, 0, BLOCK * 8);
        memset(bits, 0, BLOCK * 8);
        memset(marks, 0, BLOCK);
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_SetString(PyExc_ValueError, "candidates: an id out of range, ids or inside positions not ascending, "
                                          "a passage without a valid document, or more candidates than room");
        goto done;
    }
    for (Py_ssize_t i = 0; dead && i < count;) {  /* runs of no_document candidates */
        if (docs[i] != no_document) {
            i++;
            continue;
        }
        Py_ssize_t stop = i;
        uint64_t run = 0;
        while (stop < count && docs[stop] == no_document)
            run |= doc_bits[stop++];
        for (; i < stop; i++)
            doc_bits[i] = run | meta[no_document];
    }
done:
    for (Py_ssize_t j = 0; j < 3 * opened; j++)
        PyBuffer_Release(&buffers[j]);
    PyMem_Free(buffers);
    PyMem_Free(terms);
    PyBuffer_Release(&named);
    PyBuffer_Release(&passage_doc);
    PyBuffer_Release(&doc_meta_bits);
    PyBuffer_Release(&doc_text_bits);
    PyBuffer_Release(&meta_score);
    PyBuffer_Release(&scratch_scores);
    PyBuffer_Release(&scratch_bits);
    PyBuffer_Release(&scratch_marks);
    PyBuffer_Release(&out_ids);
    PyBuffer_Release(&out_text);
    PyBuffer_Release(&out_bits);
    PyBuffer_Release(&out_docs);
    PyBuffer_Release(&out_doc_bits);
    PyBuffer_Release(&out_base);
    return PyErr_Occurred() ? NULL : PyLong_FromSsize_t(count);
}

/* take(values, ids, out): out = values[ids], float64 values, int64 ids (`out` as long as `ids`). */
static PyObject *take(PyObject *self, PyObject *args) {
    Py_buffer values, ids, out;
    if (!PyArg_ParseTuple(args, "y*y*w*", &values, &ids, &out))
        return NULL;
    Py_ssize_t size = values.len / 8, n = ids.len / 8, bad = -1;
    const double *value = values.buf;
    const int64_t *id = ids.buf;
    double *taken = out.buf;
    if (out.len != ids.len) {
        PyErr_SetString(PyExc_ValueError, "take: out must be as long as ids");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((uint64_t)id[i] >= (uint64_t)size) {
            bad = i;
            break;
        }
        if (i + AHEAD < n && (uint64_t)id[i + AHEAD] < (uint64_t)size)
            __builtin_prefetch(value + id[i + AHEAD], 0);
        taken[i] = value[id[i]];
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0)
        PyErr_Format(PyExc_IndexError, "take: index %lld out of range", (long long)id[bad]);
done:
    PyBuffer_Release(&values);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&out);
    return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
}

/* -- plain BM25 top-k over posting lists: MaxScore, or blocked sums ----------------------- */

typedef struct {
    double score;
    int64_t id;
} Entry;

/* Whether a ranks below b: a lower score, or the same score and a higher id. */
static inline int below(Entry a, Entry b) { return a.score < b.score || (a.score == b.score && a.id > b.id); }

/* The heap keeps the k best with the worst at the root. */
static void sift_down(Entry *heap, Py_ssize_t size, Py_ssize_t i) {
    for (;;) {
        Py_ssize_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < size && below(heap[l], heap[worst]))
            worst = l;
        if (r < size && below(heap[r], heap[worst]))
            worst = r;
        if (worst == i)
            return;
        Entry t = heap[i];
        heap[i] = heap[worst];
        heap[worst] = t;
        i = worst;
    }
}

static void sift_up(Entry *heap, Py_ssize_t i) {
    while (i > 0) {
        Py_ssize_t parent = (i - 1) / 2;
        if (!below(heap[i], heap[parent]))
            return;
        Entry t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
    }
}

typedef struct {
    const int32_t *ids;
    const double *weights;
    Py_ssize_t length, at, order;  /* order: its place among the lists as given */
    double bound;  /* its largest weight */
} List;

/* The first position at or after `at` whose id is >= target (galloping, then binary search). */
static Py_ssize_t seek(const List *list, Py_ssize_t at, int64_t target) {
    for (Py_ssize_t stop = at + 8 < list->length ? at + 8 : list->length; at < stop; at++)
        if (list->ids[at] >= target)  /* a dense list is usually there in a few steps */
            return at;
    Py_ssize_t step = 1, low = at, high = at;
    while (high < list->length && list->ids[high] < target) {
        low = high + 1;
        high += step;
        step *= 2;
    }
    if (high > list->length)
        high = list->length;
    while (low < high) {
        Py_ssize_t mid = low + (high - low) / 2;
        if (list->ids[mid] < target)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

static int compare_bound(const void *a, const void *b) {
    double x = (*(List *const *)a)->bound, y = (*(List *const *)b)->bound;
    return (x > y) - (x < y);
}

/* Best first: the higher score, then the lower id. */
static int compare_entries(const void *a, const void *b) {
    const Entry *x = a, *y = b;
    return below(*x, *y) - below(*y, *x);
}

/* Which way a block goes is decided by what the last block of each way took per posting
 * (measured, so the choice fits the machine and the query; the result is the same either
 * way): MaxScore while its time per posting of the essential lists, times their postings
 * left, is below summing's per posting times all the postings left.  Before any block by
 * MaxScore, its time per posting is taken to be FIRST_RATIO times summing's (a candidate of
 * MaxScore merges the lists with branches that cannot be predicted, and searches the
 * skippable ones). */
#define FIRST_RATIO 4.0

static inline double nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e9 + now.tv_nsec;
}

/* Sum every list over the ids [start, start + BLOCK), through the scratch: scores added in
 * the lists' own order, exactly as `ranking.accumulate` adds them; then the block's passages,
 * in id order, into the heap.  Returns the new heap size, or -1 for ids not ascending (the
 * scratch is left all zero either way). */
static Py_ssize_t sum_all(List *lists, Py_ssize_t m, Py_ssize_t k, Entry *heap, Py_ssize_t size, int64_t start,
                          double *score, Py_ssize_t *summed) {
    uint64_t marks[BLOCK / 64] = {0};  /* the ids with a weight, a bit each */
    int64_t end = start + BLOCK;
    for (Py_ssize_t j = 0; j < m; j++) {
        List *list = &lists[j];
        const int32_t *ids = list->ids;
        const double *weights = list->weights;
        Py_ssize_t at = list->at < list->length && ids[list->at] < start ? seek(list, list->at, start) : list->at;
        for (int64_t previous = start - 1; at < list->length && ids[at] < end; at++) {
            if (ids[at] <= previous) {
                memset(score, 0, BLOCK * 8);
                return -1;
            }
            previous = ids[at];
            if (!(at & 7)) {  /* 2 KB ahead, a cache line of weights at a time: the lists are seldom cached */
                __builtin_prefetch(weights + at + 256, 0);
                __builtin_prefetch(ids + at + 512, 0);
            }
            score[ids[at] - start] += weights[at];
            marks[(ids[at] - start) >> 6] |= (uint64_t)1 << ((ids[at] - start) & 63);
        }
        *summed += at - list->at;
        list->at = at;
    }
    for (Py_ssize_t word = 0; word < BLOCK / 64; word++)
        for (uint64_t packed = marks[word]; packed; packed &= packed - 1) {
            Py_ssize_t at = word * 64 + __builtin_ctzll(packed);
            Entry entry = {score[at], start + at};
            score[at] = 0.0;
            if (!(entry.score > 0))
                continue;
            if (size < k) {
                heap[size] = entry;
                sift_up(heap, size++);
            } else if (entry.score > heap[0].score) {  /* ids ascend: a tie cannot enter */
                heap[0] = entry;
                sift_down(heap, size, 0);
            }
        }
    return size;
}

/* The k best of the sums, in place of the sums of all, a block of BLOCK ids at a time: by
 * summing every list (`sum_all`) until the heap is full, then by MaxScore or by summing,
 * whichever is expected to take less (FIRST_RATIO): summing wins for queries of common
 * words only, MaxScore where a rarer word makes the common ones skippable.
 *
 * MaxScore: lists sorted by bound; the first `skippable` of them together bound below the
 * k-th best so far (`floor`): a passage found only in those cannot enter, so candidates come
 * from the others (the essential lists), and the skippable lists are searched only for a
 * candidate that could still enter with them.  Every sum is added in the lists' own order, as
 * `ranking.accumulate` adds, so the scores are the same to the bit. */
static Py_ssize_t best_sums(List *lists, Py_ssize_t m, Py_ssize_t k, Entry *heap, double *scratch) {
    Py_ssize_t slots = m ? m : 1, size = 0, skippable = 0;
    List **by_bound = PyMem_Malloc(sizeof(List *) * slots);
    double *below_bound = PyMem_Malloc(sizeof(double) * (slots + 1)), *weight = PyMem_Malloc(sizeof(double) * slots);
    char *present = PyMem_Malloc(slots);
    if (!by_bound || !below_bound || !weight || !present) {
        size = -1;  /* no memory */
        goto done;
    }
    for (Py_ssize_t j = 0; j < m; j++)
        by_bound[j] = &lists[j];
    qsort(by_bound, m, sizeof(List *), compare_bound);
    below_bound[0] = 0.0;  /* below_bound[e]: what lists by_bound[0..e) add at most, rounded up */
    for (Py_ssize_t e = 0; e < m; e++)
        below_bound[e + 1] = (below_bound[e] + by_bound[e]->bound) * (1 + 1e-12);
    double sum_time = 0.0, maxscore_time = 0.0;  /* ns per posting of the last block each way, 0 before */
    for (int64_t reached = 0;;) {  /* every passage below `reached` has been considered */
        int64_t start = INT64_MAX;
        Py_ssize_t left = 0, essential = 0;  /* postings left in all lists, in the essential ones */
        for (Py_ssize_t e = 0; e < m; e++) {
            List *list = by_bound[e];
            if (list->at < list->length && list->ids[list->at] < reached)  /* a skippable list lags */
                list->at = seek(list, list->at, reached);
            left += list->length - list->at;
            essential += e >= skippable ? list->length - list->at : 0;
            if (list->at < list->length && list->ids[list->at] < start && e >= skippable)
                start = list->ids[list->at];
        }
        if (start == INT64_MAX)
            break;
        int64_t end = start + BLOCK;
        double began = nanoseconds();
        double by_maxscore = (maxscore_time ? maxscore_time : FIRST_RATIO * sum_time) * essential;
        if (size < k || by_maxscore >= sum_time * left) {
            Py_ssize_t summed = 0;
            size = sum_all(lists, m, k, heap, size, start, scratch, &summed);
            sum_time = (nanoseconds() - began) / (summed ? summed : 1);
            if (size < 0) {
                size = -2;
                goto done;
            }
            reached = end;
            while (size == k && skippable < m && below_bound[skippable + 1] < heap[0].score)
                skippable++;
            continue;
        }
        Py_ssize_t first_essential = skippable, essential_after = 0;
        for (;;) {  /* MaxScore over [start, end) */
            if (skippable == m - 1) {  /* one list left to draw from: a tight loop over it */
                List *last = by_bound[m - 1];
                double rest = below_bound[skippable], floor = heap[0].score;
                while (last->at < last->length && last->ids[last->at] < end &&
                       (last->weights[last->at] + rest) * (1 + 1e-12) < floor)
                    last->at++;
            }
            int64_t candidate = INT64_MAX;
            for (Py_ssize_t e = skippable; e < m; e++) {
                const List *list = by_bound[e];
                if (list->at < list->length && list->ids[list->at] < candidate)
                    candidate = list->ids[list->at];
            }
            if (candidate >= end)
                break;
            /* What the candidate has: first from the lists it was drawn from, then from the
             * skippable ones, best bound first, while it can still enter the k best. */
            memset(present, 0, m);
            double known = 0.0;
            for (Py_ssize_t e = skippable; e < m; e++) {
                List *list = by_bound[e];
                if (list->at < list->length && list->ids[list->at] == candidate) {
                    present[list->order] = 1;
                    known += weight[list->order] = list->weights[list->at++];
                }
            }
            int hopeless = (known + below_bound[skippable]) * (1 + 1e-12) < heap[0].score;
            for (Py_ssize_t e = skippable - 1; e >= 0 && !hopeless; e--) {
                List *list = by_bound[e];
                if (list->at < list->length && list->ids[list->at] < candidate)
                    list->at = seek(list, list->at, candidate);
                if (list->at < list->length && list->ids[list->at] == candidate) {
                    present[list->order] = 1;
                    known += weight[list->order] = list->weights[list->at++];
                }
                hopeless = (known + below_bound[e]) * (1 + 1e-12) < heap[0].score;
            }
            if (hopeless)
                continue;
            double score = 0.0;
            for (Py_ssize_t j = 0; j < m; j++)
                if (present[j])
                    score += weight[j];
            if (!(score > 0))
                continue;
            Entry entry = {score, candidate};
            if (below(heap[0], entry)) {  /* the heap is full */
                heap[0] = entry;
                sift_down(heap, size, 0);
            } else {
                continue;
            }
            while (skippable < m && below_bound[skippable + 1] < heap[0].score)
                skippable++;
        }
        for (Py_ssize_t e = first_essential; e < m; e++)  /* what is left of the block's essential lists */
            essential_after += by_bound[e]->length - by_bound[e]->at;
        maxscore_time = (nanoseconds() - began) / (essential - essential_after > 0 ? essential - essential_after : 1);
        reached = end;
    }
done:
    PyMem_Free(by_bound);
    PyMem_Free(below_bound);
    PyMem_Free(weight);
    PyMem_Free(present);
    return size;
}

/* top(ids_lists, weights_lists, bounds, k, scratch, out_ids, out_scores) -> count
 *
 * The k best passages by the sum of their weights over the lists (int32 ascending ids, float64
 * weights > 0, each list's largest weight in `bounds`; a list may come twice), as
 * ranking.top_k(accumulated sums, k), best first: out_ids (int64) and out_scores (float64)
 * have room for k.  The scratch (BLOCK float64, `candidates`' scores) is all zero, and left so. */
static PyObject *top(PyObject *self, PyObject *args) {
    PyObject *id_lists, *weight_lists, *bounds;
    Py_ssize_t k;
    Py_buffer scratch, out_ids, out_scores;
    if (!PyArg_ParseTuple(args, "O!O!O!nw*w*w*", &PyTuple_Type, &id_lists, &PyTuple_Type, &weight_lists,
                          &PyTuple_Type, &bounds, &k, &scratch, &out_ids, &out_scores))
        return NULL;
    Py_ssize_t m = PyTuple_GET_SIZE(id_lists), opened = 0, count = -1;
    Py_buffer *buffers = PyMem_Calloc(2 * (m ? m : 1), sizeof(Py_buffer));
    List *lists = PyMem_Calloc(m ? m : 1, sizeof(List));
    Entry *heap = PyMem_Malloc(sizeof(Entry) * (k > 0 ? k : 1));
    if (!buffers || !lists || !heap) {
        PyErr_NoMemory();
        goto done;
    }
    if (PyTuple_GET_SIZE(weight_lists) != m || PyTuple_GET_SIZE(bounds) != m || k < 1 || out_ids.len < k * 8 ||
        out_scores.len < k * 8 || scratch.len != BLOCK * 8) {
        PyErr_SetString(PyExc_ValueError, "top: lists or room of mismatched lengths");
        goto done;
    }
    for (; opened < m; opened++) {
        Py_buffer *ids = &buffers[2 * opened], *weights = &buffers[2 * opened + 1];
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(id_lists, opened), ids, PyBUF_SIMPLE) < 0)
            goto done;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(weight_lists, opened), weights, PyBUF_SIMPLE) < 0) {
            PyBuffer_Release(ids);
            goto done;
        }
        List *list = &lists[opened];
        list->ids = ids->buf;
        list->weights = weights->buf;
        list->length = ids->len / 4;
        list->order = opened;
        if (weights->len != list->length * 8) {
            opened++;
            PyErr_SetString(PyExc_ValueError, "top: ids and weights of mismatched lengths");
            goto done;
        }
        list->bound = PyFloat_AsDouble(PyTuple_GET_ITEM(bounds, opened));
        if (list->bound == -1.0 && PyErr_Occurred()) {
            opened++;
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    count = best_sums(lists, m, k, heap, scratch.buf);
    if (count > 0)
        qsort(heap, count, sizeof(Entry), compare_entries);
    Py_END_ALLOW_THREADS
    if (count < 0) {
        if (count == -1)
            PyErr_NoMemory();
        else
            PyErr_SetString(PyExc_ValueError, "top: ids not ascending");
        count = -1;
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        ((int64_t *)out_ids.buf)[i] = heap[i].id;
        ((double *)out_scores.buf)[i] = heap[i].score;
    }
done:
    for (Py_ssize_t j = 0; j < 2 * opened; j++)
        PyBuffer_Release(&buffers[j]);
    PyMem_Free(buffers);
    PyMem_Free(lists);
    PyMem_Free(heap);
    PyBuffer_Release(&scratch);
    PyBuffer_Release(&out_ids);
    PyBuffer_Release(&out_scores);
    return count < 0 ? NULL : PyLong_FromSsize_t(count);
}

/* top_k(scores, k, out) -> count: the indices (int64, into `out`, room for k) of the k highest
 * positive scores (float64), best first, equal scores in index order: ranking.top_k. */
static PyObject *top_k(PyObject *self, PyObject *args) {
    Py_buffer scores, out;
    Py_ssize_t k, size = 0;
    if (!PyArg_ParseTuple(args, "y*nw*", &scores, &k, &out))
        return NULL;
    Entry *heap = NULL;
    if (k < 1 || out.len < k * 8) {
        PyErr_SetString(PyExc_ValueError, "top_k: k must be at least 1, with room for k");
        goto done;
    }
    if (!(heap = PyMem_Malloc(sizeof(Entry) * k))) {
        PyErr_NoMemory();
        goto done;
    }
    const double *score = scores.buf;
    Py_ssize_t n = scores.len / 8;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!(score[i] > 0))
            continue;
        Entry entry = {score[i], i};
        if (size < k) {
            heap[size] = entry;
            sift_up(heap, size++);
        } else if (below(heap[0], entry)) {
            heap[0] = entry;
            sift_down(heap, size, 0);
        }
    }
    qsort(heap, size, sizeof(Entry), compare_entries);
    for (Py_ssize_t i = 0; i < size; i++)
        ((int64_t *)out.buf)[i] = heap[i].id;
    Py_END_ALLOW_THREADS
done:
    PyMem_Free(heap);
    PyBuffer_Release(&scores);
    PyBuffer_Release(&out);
    return PyErr_Occurred() ? NULL : PyLong_FromSsize_t(size);
}

/* -- passages told apart within the document a question names ----------------------------- */

/* The first of ids[0:n] (ascending) that is at least id. */
static Py_ssize_t lower_bound(const int64_t *ids, Py_ssize_t n, int64_t id) {
    Py_ssize_t low = 0, high = n;
    while (low < high) {
        Py_ssize_t mid = low + (high - low) / 2;
        if (ids[mid] < id)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/* within_document(ids, bits, named, doc_first, doc_count, doc_meta_bits, shares, log_one, log_half,
 *                 weight, out) -> documents
 *
 * For each document of `named` (int64; one may come twice, to the same effect): its candidates
 * are the run of ids (int64 ascending) in [doc_first, doc_first + doc_count).  With
 * text = bits & ~doc_meta_bits[doc] and n = doc_count[doc], per term j (of len(shares)):
 *   df[j] = the run's candidates with bit j;  idf[j] = log_one[n] - log_half[df[j]]
 *   local = 0.0; then for j in order: local = local + idf[j] * shares[j] where bit j is set
 *   out = (1 - weight) + (weight * local) / most   (most: the run's largest local, if > 0)
 * log_one[k] = log(k + 1), log_half[k] = log(k + 0.5), for k up to the largest doc_count.
 * Other candidates' out (float64, one per candidate) are left as they are.  Looking documents
 * up by their ids, not scanning the candidates for them, reads little of the per-document
 * arrays, which the candidates' pass has pushed out of the cache. */
static PyObject *within_document(PyObject *self, PyObject *args) {
    Py_buffer ids, bits, named, first, count, meta, shares, log_one, log_half, out;
    Py_ssize_t documents = 0;
    double weight;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*y*dw*", &ids, &bits, &named, &first, &count, &meta, &shares,
                          &log_one, &log_half, &weight, &out))
        return NULL;
    Py_ssize_t n = ids.len / 8, m = named.len / 8, size = meta.len / 8, terms = shares.len / 8;
    Py_ssize_t logs = log_one.len / 8;
    const int64_t *id = ids.buf, *doc = named.buf, *doc_first = first.buf, *doc_count = count.buf;
    const uint64_t *bit = bits.buf, *doc_meta = meta.buf;
    const double *share = shares.buf, *one = log_one.buf, *half = log_half.buf;
    double *factor = out.buf;
    uint64_t asked = terms >= 64 ? ~0ULL : (1ULL << terms) - 1;
    if (bits.len != ids.len || out.len != ids.len || first.len != meta.len || count.len != meta.len
        || log_half.len != log_one.len || terms > 64) {
        PyErr_SetString(PyExc_ValueError, "within_document: arrays of mismatched lengths");
        goto done;
    }
    for (Py_ssize_t k = 0; k < m; k++) {
        int64_t d = doc[k];
        if ((uint64_t)d >= (uint64_t)size || doc_count[d] < 0 || doc_count[d] >= logs) {
            PyErr_SetString(PyExc_IndexError, "within_document: a document out of range, or longer than the logs");
            goto done;
        }
        Py_ssize_t low = lower_bound(id, n, doc_first[d]), high = lower_bound(id, n, doc_first[d] + doc_count[d]);
        if (low == high)
            continue;
        documents++;
        int64_t df[64] = {0};
        for (Py_ssize_t i = low; i < high; i++)
            for (uint64_t text = bit[i] & ~doc_meta[d] & asked; text; text &= text - 1)
                df[__builtin_ctzll(text)]++;
        double idf[64], most = 0.0;
        for (Py_ssize_t j = 0; j < terms; j++)
            idf[j] = one[doc_count[d]] - half[df[j]];
        for (Py_ssize_t i = low; i < high; i++) {  /* each local match, kept in out for now */
            double local = 0.0;
            for (uint64_t text = bit[i] & ~doc_meta[d] & asked; text; text &= text - 1) {
                int j = __builtin_ctzll(text);
                local = local + idf[j] * share[j];
            }
            factor[i] = local;
            if (local > most)
                most = local;
        }
        for (Py_ssize_t i = low; i < high; i++)
            factor[i] = most > 0 ? (1 - weight) + (weight * factor[i]) / most : 1.0;
    }
done:
    PyBuffer_Release(&ids);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&named);
    PyBuffer_Release(&first);
    PyBuffer_Release(&count);
    PyBuffer_Release(&meta);
    PyBuffer_Release(&shares);
    PyBuffer_Release(&log_one);
    PyBuffer_Release(&log_half);
    PyBuffer_Release(&out);
    return PyErr_Occurred() ? NULL : PyLong_FromSsize_t(documents);
}

static PyMethodDef methods[] = {
    {"or_at", or_at, METH_VARARGS, "target[positions] |= bit."},
    {"take", take, METH_VARARGS, "out = values[ids]."},
    {"candidates", candidates, METH_VARARGS, "The candidates of a query, with what re-ranking needs of them."},
    {"top_k", top_k, METH_VARARGS, "The indices of the k highest positive scores, best first."},
    {"top", top, METH_VARARGS, "The k best passages by the sum of their weights over posting lists."},
    {"within_document", within_document, METH_VARARGS, "Passages told apart by words rare in their document."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", "The searcher's C loops (index/kernel.py).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
