/* Sans-I/O splitter for a stream of concatenated JSON values (internal).
 *
 * Feed bytes as they arrive, in chunks split anywhere; take complete
 * top-level values (objects or arrays) one at a time. Whitespace between
 * values is skipped. Memory is bounded by the largest message allowed. */
#ifndef DK_JSONSPLIT_INT_H
#define DK_JSONSPLIT_INT_H

#include <stddef.h>

#include "buf_int.h"

typedef struct dk_jsplit {
	dkbuf buf;
	size_t start;     /* start of the message being scanned (or next) */
	size_t scan;      /* next byte to scan */
	size_t max_msg;   /* bound on one message's size */
	int depth;        /* 0 between values */
	int in_str;
	int esc;
	int ready;        /* a complete message lies at [start, scan), not yet given */
	int given;        /* [start, scan) was handed out; skip it next time */
	int error;        /* sticky error code */
} dk_jsplit;

void dk_jsplit_init(dk_jsplit *s, size_t max_msg);
void dk_jsplit_dispose(dk_jsplit *s);
/* Append bytes. Invalidates pointers given by dk_jsplit_next(). */
int dk_jsplit_feed(dk_jsplit *s, const char *data, size_t len);
/* 1: the next message is at *msg, *len bytes (borrowed until the next call);
 * 0: more input needed; <0: DK_EPROTO (bad byte between values, message over
 * the bound), sticky. */
int dk_jsplit_next(dk_jsplit *s, const char **msg, size_t *len);
/* Whether a complete message is waiting (scans as needed). */
int dk_jsplit_has_message(dk_jsplit *s);
/* Bytes held that have not been returned. */
size_t dk_jsplit_pending(const dk_jsplit *s);
/* At the end of input: 0 if nothing but whitespace is left, else DK_EPROTO. */
int dk_jsplit_finish(dk_jsplit *s);

#endif
