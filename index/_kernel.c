/* The searcher's per-passage loops in C: adding a term's BM25 contributions into the
 * scratch arrays, and collecting the candidates out of them.  See index/kernel.py, the
 * only caller, which checks types and shapes; this file checks bounds again so that a
 * bad id raises instead of writing outside an array.  Arrays come in through the buffer
 * protocol (C-contiguous, native byte order); no numpy headers are needed.
 *
 * The arithmetic is numpy's, operation for operation and in the same order (the build
 * turns off floating-point contraction), so scores are bit for bit those of the numpy
 * expressions quoted in the comments. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "collect reads the bit arrays a word at a time, little-endian"
#endif

#define AHEAD 128  /* candidates to prefetch ahead in collect */
#define LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)

/* Load or store entry i of an unsigned integer array of `width` bytes as a uint64. */
static inline uint64_t load_bits(const void *array, int width, Py_ssize_t i) {
    switch (width) {
    case 1: return ((const uint8_t *)array)[i];
    case 2: return ((const uint16_t *)array)[i];
    case 4: return ((const uint32_t *)array)[i];
    default: return ((const uint64_t *)array)[i];
    }
}

static inline void store_bits(void *array, int width, Py_ssize_t i, uint64_t value) {
    switch (width) {
    case 1: ((uint8_t *)array)[i] = (uint8_t)value; break;
    case 2: ((uint16_t *)array)[i] = (uint16_t)value; break;
    case 4: ((uint32_t *)array)[i] = (uint32_t)value; break;
    default: ((uint64_t *)array)[i] = value; break;
    }
}

static int valid_width(Py_ssize_t width) {
    if (width == 1 || width == 2 || width == 4 || width == 8)
        return 1;
    PyErr_SetString(PyExc_ValueError, "bit arrays have 1, 2, 4 or 8 bytes an entry");
    return 0;
}

/* add_term(scores, bits, width, bit, ids, contributions, multiplier, inside, inside_weight)
 *
 *   added = contributions * multiplier
 *   added[inside] = contributions[inside] * inside_weight * multiplier
 *   scores[ids] += added;  bits[ids] |= bit
 *
 * `inside`: ascending positions in `ids`.  Returns None. */
static PyObject *add_term(PyObject *self, PyObject *args) {
    Py_buffer scores, bits, ids, contributions, inside;
    Py_ssize_t width;
    unsigned long long bit;
    double multiplier, inside_weight;
    if (!PyArg_ParseTuple(args, "w*w*nKy*y*dy*d", &scores, &bits, &width, &bit, &ids, &contributions,
                          &multiplier, &inside, &inside_weight))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t slots = scores.len / 8, n = ids.len / 4, m = inside.len / 4, next = 0, bad = -1;
    if (!valid_width(width))
        goto done;
    if (bits.len != slots * width || contributions.len != n * 8) {
        PyErr_SetString(PyExc_ValueError, "add_term: arrays of mismatched lengths");
        goto done;
    }
    double *score = scores.buf;
    const int32_t *id = ids.buf, *positions = inside.buf;
    const double *contribution = contributions.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t p = (uint32_t)id[i];
        if (p >= (uint64_t)slots) {
            bad = i;
            break;
        }
        if (i + AHEAD < n && (uint32_t)id[i + AHEAD] < (uint64_t)slots)
            __builtin_prefetch(score + id[i + AHEAD], 1);
        double added;
        if (next < m && positions[next] == i) {
            added = contribution[i] * inside_weight * multiplier;
            next++;
        } else {
            added = contribution[i] * multiplier;
        }
        score[p] += added;
        store_bits(bits.buf, (int)width, p, load_bits(bits.buf, (int)width, p) | bit);
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0)
        PyErr_Format(PyExc_IndexError, "add_term: passage id %d out of range", (int)id[bad]);
    else if (next != m)
        PyErr_SetString(PyExc_ValueError, "add_term: inside positions must be ascending positions of the list");
    else
        result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&scores);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&contributions);
    PyBuffer_Release(&inside);
    return result;
}

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

/* collect(scores, bits, width, candidate_bit, passage_doc, doc_meta_bits, doc_text_bits,
 *         meta_score, no_document, out_ids, out_text, out_bits, out_docs, out_doc_bits, out_base)
 *
 * Every slot with a bit set is a candidate, in id order; its slots are reset to zero.
 *   ids = flatnonzero(bits != 0);  text = scores[ids]
 *   text_bits = bits[ids] & ~candidate_bit;  docs = passage_doc[ids]
 *   bits = text_bits | doc_meta_bits[docs]
 *   doc_bits = doc_text_bits[docs] | doc_meta_bits[docs], except for the candidates of
 *              no_document, which take the OR of text_bits over their run of consecutive
 *              such candidates (ranking.per_document_or)
 *   base = text + meta_score[docs]
 * The out_ arrays (int64, float64, int64, int32, int64, float64) must have room for every
 * candidate.  Returns their number. */
static PyObject *collect(PyObject *self, PyObject *args) {
    Py_buffer scores, bits, passage_doc, doc_meta_bits, doc_text_bits, meta_score;
    Py_buffer out_ids, out_text, out_bits, out_docs, out_doc_bits, out_base;
    Py_ssize_t width, no_document;
    unsigned long long candidate_bit;
    if (!PyArg_ParseTuple(args, "w*w*nKy*y*y*y*nw*w*w*w*w*w*", &scores, &bits, &width, &candidate_bit,
                          &passage_doc, &doc_meta_bits, &doc_text_bits, &meta_score, &no_document, &out_ids,
                          &out_text, &out_bits, &out_docs, &out_doc_bits, &out_base))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t slots = scores.len / 8, documents = meta_score.len / 8, room = out_ids.len / 8;
    Py_ssize_t count = 0, dead = 0, bad = -1, full = 0;
    if (!valid_width(width))
        goto done;
    if (bits.len != slots * width || passage_doc.len != slots * 4 || doc_meta_bits.len != documents * 8 ||
        doc_text_bits.len != documents * 8 || out_text.len != room * 8 || out_bits.len != room * 8 ||
        out_docs.len != room * 4 || out_doc_bits.len != room * 8 || out_base.len != room * 8) {
        PyErr_SetString(PyExc_ValueError, "collect: arrays of mismatched lengths");
        goto done;
    }
    double *score = scores.buf, *text = out_text.buf, *base = out_base.buf;
    const int32_t *doc_of = passage_doc.buf;
    const uint64_t *meta = doc_meta_bits.buf, *doc_text = doc_text_bits.buf;
    const double *meta_scores = meta_score.buf;
    int64_t *ids = out_ids.buf;
    uint64_t *all_bits = out_bits.buf, *doc_bits = out_doc_bits.buf;
    int32_t *docs = out_docs.buf;
    const int w = (int)width, per_word = 8 / w;
    const Py_ssize_t words = slots / per_word;
    Py_BEGIN_ALLOW_THREADS
    /* First the ids alone, a word of bits at a time; then the rest, in a loop without
     * data-dependent branches so that the processor can overlap its cache misses. */
    for (Py_ssize_t word = 0; word < words && !full; word++) {
        uint64_t packed;
        memcpy(&packed, (const char *)bits.buf + word * 8, 8);
        /* the top bit of each non-zero byte, then one entry per set bit's entry */
        uint64_t nonzero = (((packed & LOW7) + LOW7) | packed) & ~LOW7;
        while (nonzero) {
            Py_ssize_t entry = (__builtin_ctzll(nonzero) >> 3) / w;
            if (count == room) {
                full = 1;
                break;
            }
            ids[count++] = word * per_word + entry;
            if (w == 8)
                break;
            nonzero &= ~(((UINT64_C(1) << (8 * w)) - 1) << (8 * w * entry));
        }
    }
    for (Py_ssize_t p = words * per_word; p < slots && !full; p++) {  /* the tail, short of a word */
        if (!load_bits(bits.buf, w, p))
            continue;
        if (count == room) {
            full = 1;
            break;
        }
        ids[count++] = p;
    }
    for (Py_ssize_t i = 0; i < count && !full; i++) {
        Py_ssize_t p = ids[i];
        if (i + AHEAD < count) {  /* the slots are scattered over megabytes: fetch them early */
            __builtin_prefetch(score + ids[i + AHEAD], 1);
            __builtin_prefetch(doc_of + ids[i + AHEAD], 0);
        }
        uint64_t text_bits = load_bits(bits.buf, w, p) & ~(uint64_t)candidate_bit;
        int32_t d = doc_of[p];
        if ((uint32_t)d >= (uint64_t)documents) {  /* (the caller resets the scratch arrays) */
            bad = p;
            break;
        }
        double s = score[p];
        store_bits(bits.buf, w, p, 0);
        score[p] = 0.0;
        text[i] = s;
        docs[i] = d;
        all_bits[i] = text_bits | meta[d];
        base[i] = s + meta_scores[d];
        doc_bits[i] = d == no_document ? text_bits : doc_text[d] | meta[d];
        dead += d == no_document;
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0) {
        PyErr_Format(PyExc_IndexError, "collect: passage %zd has no valid document", bad);
        goto done;
    }
    if (full) {
        PyErr_SetString(PyExc_ValueError, "collect: more candidates than room for them");
        goto done;
    }
    for (Py_ssize_t i = 0; dead && i < count;) {  /* runs of no_document candidates */
        if (docs[i] != no_document) {
            i++;
            continue;
        }
        Py_ssize_t end = i;
        uint64_t run = 0;
        while (end < count && docs[end] == no_document)
            run |= doc_bits[end++];
        for (; i < end; i++)
            doc_bits[i] = run | meta[no_document];
    }
    result = PyLong_FromSsize_t(count);
done:
    PyBuffer_Release(&scores);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&passage_doc);
    PyBuffer_Release(&doc_meta_bits);
    PyBuffer_Release(&doc_text_bits);
    PyBuffer_Release(&meta_score);
    PyBuffer_Release(&out_ids);
    PyBuffer_Release(&out_text);
    PyBuffer_Release(&out_bits);
    PyBuffer_Release(&out_docs);
    PyBuffer_Release(&out_doc_bits);
    PyBuffer_Release(&out_base);
    return result;
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

/* -- plain BM25 top-k over posting lists, with MaxScore ------------------------------------ */

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

/* The k best of the sums, in place of the sums of all: MaxScore.  Lists sorted by bound,
 * the first `skippable` of them together bound below the k-th best so far (`floor`): a
 * passage found only in those cannot enter, so candidates come from the others, and the
 * skippable lists are searched only for a candidate that could still enter with them.
 * Every sum is added in the lists' own order, as `ranking.accumulate` adds, so the scores
 * are the same to the bit. */
static Py_ssize_t maxscore(List *lists, Py_ssize_t m, Py_ssize_t k, Entry *heap) {
    Py_ssize_t slots = m ? m : 1, size = 0, skippable = 0;
    List **by_bound = PyMem_Malloc(sizeof(List *) * slots);
    double *below_bound = PyMem_Malloc(sizeof(double) * (slots + 1)), *weight = PyMem_Malloc(sizeof(double) * slots);
    char *present = PyMem_Malloc(slots);
    if (!by_bound || !below_bound || !weight || !present) {
        size = -1;
        goto done;
    }
    for (Py_ssize_t j = 0; j < m; j++)
        by_bound[j] = &lists[j];
    qsort(by_bound, m, sizeof(List *), compare_bound);
    below_bound[0] = 0.0;  /* below_bound[e]: what lists by_bound[0..e) add at most, rounded up */
    for (Py_ssize_t e = 0; e < m; e++)
        below_bound[e + 1] = (below_bound[e] + by_bound[e]->bound) * (1 + 1e-12);
    for (;;) {
        if (size == k && skippable == m - 1) {  /* one list left to draw from: a tight loop over it */
            List *last = by_bound[m - 1];
            double rest = below_bound[skippable], floor = heap[0].score;
            while (last->at < last->length && (last->weights[last->at] + rest) * (1 + 1e-12) < floor)
                last->at++;
        }
        int64_t candidate = INT64_MAX;
        for (Py_ssize_t e = skippable; e < m; e++) {
            const List *list = by_bound[e];
            if (list->at < list->length && list->ids[list->at] < candidate)
                candidate = list->ids[list->at];
        }
        if (candidate == INT64_MAX)
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
        int hopeless = size == k && (known + below_bound[skippable]) * (1 + 1e-12) < heap[0].score;
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
        if (size < k) {
            heap[size] = entry;
            sift_up(heap, size++);
        } else if (below(heap[0], entry)) {
            heap[0] = entry;
            sift_down(heap, size, 0);
        } else {
            continue;
        }
        while (size == k && skippable < m && below_bound[skippable + 1] < heap[0].score)
            skippable++;
    }
done:
    PyMem_Free(by_bound);
    PyMem_Free(below_bound);
    PyMem_Free(weight);
    PyMem_Free(present);
    return size;
}

/* top(ids_lists, weights_lists, bounds, k, out_ids, out_scores) -> count
 *
 * The k best passages by the sum of their weights over the lists (int32 ascending ids, float64
 * weights > 0, each list's largest weight in `bounds`; a list may come twice), as
 * ranking.top_k(accumulated sums, k) but unordered: out_ids (int64) and out_scores (float64)
 * have room for k. */
static PyObject *top(PyObject *self, PyObject *args) {
    PyObject *id_lists, *weight_lists, *bounds;
    Py_ssize_t k;
    Py_buffer out_ids, out_scores;
    if (!PyArg_ParseTuple(args, "O!O!O!nw*w*", &PyTuple_Type, &id_lists, &PyTuple_Type, &weight_lists, &PyTuple_Type,
                          &bounds, &k, &out_ids, &out_scores))
        return NULL;
    Py_ssize_t m = PyTuple_GET_SIZE(id_lists), opened = 0, count = -1;
    Py_buffer *buffers = PyMem_Calloc(2 * (m ? m : 1), sizeof(Py_buffer));
    List *lists = PyMem_Calloc(m ? m : 1, sizeof(List));
    Entry *heap = PyMem_Malloc(sizeof(Entry) * (k > 0 ? k : 1));
    if (!buffers || !lists || !heap) {
        PyErr_NoMemory();
        goto done;
    }
    if (PyTuple_GET_SIZE(weight_lists) != m || PyTuple_GET_SIZE(bounds) != m || k < 1 || out_ids.len < k * 8 || out_scores.len < k * 8) {
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
    count = maxscore(lists, m, k, heap);
    Py_END_ALLOW_THREADS
    if (count < 0) {
        PyErr_NoMemory();
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
    PyBuffer_Release(&out_ids);
    PyBuffer_Release(&out_scores);
    return count < 0 ? NULL : PyLong_FromSsize_t(count);
}

static PyMethodDef methods[] = {
    {"add_term", add_term, METH_VARARGS, "Add one term's contributions and bit into the scratch arrays."},
    {"or_at", or_at, METH_VARARGS, "target[positions] |= bit."},
    {"collect", collect, METH_VARARGS, "The candidates out of the scratch arrays, which are reset."},
    {"take", take, METH_VARARGS, "out = values[ids]."},
    {"top", top, METH_VARARGS, "The k best passages by the sum of their weights over posting lists."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", "The searcher's C loops (index/kernel.py).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
