/* A build context as a tar stream, produced while it is read (internal).
 *
 * Walks a directory in lexical order, leaves out what .dockerignore
 * excludes (the Dockerfile and .dockerignore are always sent, as the Docker
 * CLI does), and emits ustar entries (pax headers for long names, long link
 * targets and sizes beyond 8 GiB) through dk__tarctx_read, a dk_read_fn.
 * Memory: one directory listing per level being walked plus a header; file
 * contents are read straight into the caller's buffer. */
#ifndef DK_TARCTX_INT_H
#define DK_TARCTX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dockerignore_int.h"

typedef struct dk_tarctx dk_tarctx;

/* Open a context over `dir`. `ignore` (may be NULL) is taken over and freed
 * with the context. `keep` lists relative paths always sent (may be NULL
 * or hold NULLs). */
int dk__tarctx_open(dk_tarctx **out, const char *dir, dk_ignore *ignore,
	const char *const *keep, size_t nkeep);
/* Add a regular file held in memory (copied), sent after the walk; a file
 * of the directory with the same relative name is left out. Only before
 * the first read. */
int dk__tarctx_add_mem(dk_tarctx *t, const char *name, const char *data, size_t len);
/* A dk_read_fn over the context. */
int64_t dk__tarctx_read(void *ctx, char *buf, size_t len);
void dk__tarctx_free(dk_tarctx *t);
/* For dk__call's body_free. */
void dk__tarctx_free_v(void *t);

#endif
