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

/* clear(scores, bits, width, ids): scores[ids] = 0; bits[ids] = 0. */
static PyObject *clear(PyObject *self, PyObject *args) {
    Py_buffer scores, bits, ids;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "w*w*ny*", &scores, &bits, &width, &ids))
        return NULL;
    Py_ssize_t slots = scores.len / 8, n = ids.len / 4, bad = -1;
    if (!valid_width(width))
        goto done;
    if (bits.len != slots * width) {
        PyErr_SetString(PyExc_ValueError, "clear: arrays of mismatched lengths");
        goto done;
    }
    double *score = scores.buf;
    const int32_t *id = ids.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t p = (uint32_t)id[i];
        if (p >= (uint64_t)slots) {
            bad = i;
            break;
        }
        if (i + AHEAD < n && (uint32_t)id[i + AHEAD] < (uint64_t)slots)
            __builtin_prefetch(score + id[i + AHEAD], 1);
        score[p] = 0.0;
        store_bits(bits.buf, (int)width, p, 0);
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0)
        PyErr_Format(PyExc_IndexError, "clear: passage id %d out of range", (int)id[bad]);
done:
    PyBuffer_Release(&scores);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&ids);
    return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
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

static PyMethodDef methods[] = {
    {"add_term", add_term, METH_VARARGS, "Add one term's contributions and bit into the scratch arrays."},
    {"clear", clear, METH_VARARGS, "scores[ids] = 0; bits[ids] = 0."},
    {"or_at", or_at, METH_VARARGS, "target[positions] |= bit."},
    {"collect", collect, METH_VARARGS, "The candidates out of the scratch arrays, which are reset."},
    {"take", take, METH_VARARGS, "out = values[ids]."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", "The searcher's C loops (index/kernel.py).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
