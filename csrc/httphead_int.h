/* Sans-I/O parser of an HTTP/1.x response head (internal), for hijacked
 * connections (attach, exec start with stdin) where we speak HTTP ourselves
 * before the connection becomes a plain byte pipe.
 *
 * Feed bytes as they arrive, split anywhere; once the blank line is seen the
 * head is complete, and the bytes fed after it (the first bytes of the
 * stream, never dropped) are reported as the remainder. The head is bounded
 * (DK_HTTPHEAD_MAX); a longer one is a protocol error. */
#ifndef DK_HTTPHEAD_INT_H
#define DK_HTTPHEAD_INT_H

#include <stddef.h>

#include "buf_int.h"

#define DK_HTTPHEAD_MAX ((size_t)64 << 10)

typedef struct dk_httphead {
	dkbuf buf;         /* everything fed */
	size_t head_len;   /* bytes of the head incl. the blank line, once done */
	size_t scan;       /* where to resume looking for the blank line */
	int done;
	int status;        /* the status code, once done */
	int error;
} dk_httphead;

void dk_httphead_init(dk_httphead *p);
void dk_httphead_dispose(dk_httphead *p);
/* 1: the head is complete (more feeding is an error); 0: more input
 * needed; <0: DK_EPROTO (malformed status line, head over the bound) or
 * DK_ENOMEM, sticky. */
int dk_httphead_feed(dk_httphead *p, const char *data, size_t len);
/* The value of header `name` (case-insensitive, trimmed), or NULL. */
const char *dk_httphead_header(const dk_httphead *p, const char *name, size_t *len);
/* The bytes fed after the head (borrowed). */
const char *dk_httphead_rest(const dk_httphead *p, size_t *len);

#endif
