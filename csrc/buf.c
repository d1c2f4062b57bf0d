/* Growable byte buffer. */
#include "buf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

int dkbuf_grow(dkbuf *b, size_t need)
{
	size_t want, ncap;
	char *p;

	if (need > (size_t)-1 - b->len - 1)
		return DK_ENOMEM;
	want = b->len + need + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap = ncap > ((size_t)-1) / 2 ? want : ncap * 2;
	p = realloc(b->ptr, ncap);
	if (!p)
		return DK_ENOMEM;
	p[b->len] = '\0';  /* a first allocation too is a (empty) string */
	b->ptr = p;
	b->cap = ncap;
	return 0;
}

int dkbuf_put(dkbuf *b, const char *data, size_t len)
{
	if (dkbuf_grow(b, len))
		return DK_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int dkbuf_puts(dkbuf *b, const char *s)
{
	return dkbuf_put(b, s, strlen(s));
}

int dkbuf_putc(dkbuf *b, char c)
{
	return dkbuf_put(b, &c, 1);
}

int dkbuf_printf(dkbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || dkbuf_grow(b, (size_t)n))
		return DK_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int dkbuf_put_escaped(dkbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	char *o;

	if (dkbuf_grow(b, len * 3))
		return DK_ENOMEM;
	o = b->ptr + b->len;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	b->len = (size_t)(o - b->ptr);
	b->ptr[b->len] = '\0';
	return 0;
}

void dkbuf_consume(dkbuf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->ptr, b->ptr + n, b->len - n);
		b->len -= n;
	}
	if (b->ptr)
		b->ptr[b->len] = '\0';
}

void dkbuf_clear(dkbuf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void dkbuf_dispose(dkbuf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *dkbuf_detach(dkbuf *b, size_t *len)
{
	char *p = b->ptr;

	if (!p) {
		p = calloc(1, 1);
		if (len)
			*len = 0;
		return p;
	}
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

int dkbuf_read_file(dkbuf *b, const char *path, size_t max)
{
	char chunk[8192];
	ssize_t r;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return dk__err(DK_EINVAL, 0, 0, "cannot read %s: %s", path, strerror(errno));
	}
	while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
		if (b->len + (size_t)r > max) {
			rc = dk__err(DK_EINVAL, 0, 0, "%s: larger than %zu bytes", path, max);
			break;
		}
		if (dkbuf_put(b, chunk, (size_t)r)) {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
			break;
		}
	}
	if (r < 0 && !rc)
		rc = dk__err(DK_EINVAL, 0, 0, "cannot read %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}
