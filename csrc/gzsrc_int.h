/* A gzip-compressing body source (internal): wraps a dk_read_fn and yields
 * its bytes deflated in the gzip format, while they are read (the source is
 * never held whole). Used for `gzip` build contexts. */
#ifndef DK_GZSRC_INT_H
#define DK_GZSRC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "clibdocker/common.h"

typedef struct dk_gzsrc dk_gzsrc;

/* Wrap `fn(ud)`; `free_ud` (may be NULL) frees `ud` with the wrapper, also
 * when this fails. `level` is zlib's 0..9, or -1 for its default. */
int dk__gzsrc_open(dk_gzsrc **out, dk_read_fn fn, void *ud, void (*free_ud)(void *), int level);
/* A dk_read_fn over the compressed bytes: > 0 bytes, 0 at the end, or a
 * negative DK_E* (the source's own error, or DK_ERROR from zlib). */
int64_t dk__gzsrc_read(void *gz, char *buf, size_t len);
/* For dk__call's body_free: frees the wrapper and its source. */
void dk__gzsrc_free_v(void *gz);

#endif
