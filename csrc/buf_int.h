/* Growable byte buffer (internal). */
#ifndef DK_BUF_INT_H
#define DK_BUF_INT_H

#include <stddef.h>
#include <stdarg.h>

typedef struct dkbuf {
	char *ptr;   /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
} dkbuf;

#define DKBUF_INIT {NULL, 0, 0}

int dkbuf_grow(dkbuf *b, size_t need);          /* room for len+need+1 */
int dkbuf_put(dkbuf *b, const char *data, size_t len);
int dkbuf_puts(dkbuf *b, const char *s);
int dkbuf_putc(dkbuf *b, char c);
int dkbuf_printf(dkbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append `s` percent-escaped: only RFC 3986 unreserved bytes stay as they are. */
int dkbuf_put_escaped(dkbuf *b, const char *s, size_t len);
/* Read a whole (small) file into b: 0, 1 if it does not exist, or a
 * negative code with the error recorded (unreadable, larger than max). */
int dkbuf_read_file(dkbuf *b, const char *path, size_t max);
void dkbuf_consume(dkbuf *b, size_t n);         /* drop the first n bytes */
void dkbuf_clear(dkbuf *b);
void dkbuf_dispose(dkbuf *b);
char *dkbuf_detach(dkbuf *b, size_t *len);      /* caller frees */

#endif
