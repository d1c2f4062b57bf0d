/* Sans-I/O splitter for concatenated JSON values. */
#include "jsonsplit_int.h"

#include <string.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

void dk_jsplit_init(dk_jsplit *s, size_t max_msg)
{
	memset(s, 0, sizeof(*s));
	s->max_msg = max_msg ? max_msg : (size_t)64 << 20;
}

void dk_jsplit_dispose(dk_jsplit *s)
{
	dkbuf_dispose(&s->buf);
}

static void compact(dk_jsplit *s)
{
	if (s->start == 0)
		return;
	dkbuf_consume(&s->buf, s->start);
	s->scan -= s->start;
	s->start = 0;
}

int dk_jsplit_feed(dk_jsplit *s, const char *data, size_t len)
{
	if (s->error)
		return s->error;
	if (s->given) {
		s->given = 0;
		s->start = s->scan;
	}
	compact(s);
	if (dkbuf_put(&s->buf, data, len))
		return s->error = dk__err(DK_ENOMEM, 0, 0, "out of memory buffering a JSON stream");
	return 0;
}

/* Scan forward; sets s->ready when [start, scan) holds one whole value. */
static int scan(dk_jsplit *s)
{
	const char *p = s->buf.ptr;
	size_t i = s->scan, n = s->buf.len;

	if (s->ready || s->error)
		return s->error;
	while (i < n) {
		char ch = p[i];
		if (s->depth == 0) {
			if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
				i++;
				s->start = i;
				continue;
			}
			if (ch != '{' && ch != '[') {
				s->scan = i;
				return s->error = dk__err(DK_EPROTO, 0, 0,
					"malformed JSON stream: unexpected byte 0x%02x between messages",
					(unsigned)(unsigned char)ch);
			}
			s->start = i;
			s->depth = 1;
			i++;
			continue;
		}
		if (s->in_str) {
			/* skip quickly to the next quote or backslash */
			if (s->esc) {
				s->esc = 0;
				i++;
				continue;
			}
			while (i < n && p[i] != '"' && p[i] != '\\')
				i++;
			if (i == n)
				break;
			if (p[i] == '\\')
				s->esc = 1;
			else
				s->in_str = 0;
			i++;
			continue;
		}
		if (ch == '"') {
			s->in_str = 1;
		} else if (ch == '{' || ch == '[') {
			s->depth++;
		} else if (ch == '}' || ch == ']') {
			if (--s->depth == 0) {
				s->scan = i + 1;
				s->ready = 1;
				return 0;
			}
		}
		i++;
	}
	s->scan = i;
	if (s->depth > 0 && s->scan - s->start > s->max_msg)
		return s->error = dk__err(DK_EPROTO, 0, 0,
			"JSON stream message exceeds %zu bytes", s->max_msg);
	return 0;
}

int dk_jsplit_has_message(dk_jsplit *s)
{
	scan(s);
	return s->ready;
}

int dk_jsplit_next(dk_jsplit *s, const char **msg, size_t *len)
{
	int rc;

	if (s->given) {
		/* the previous message was handed out: move past it */
		s->given = 0;
		s->start = s->scan;
	}
	rc = scan(s);
	if (rc)
		return rc;
	if (!s->ready)
		return 0;
	*msg = s->buf.ptr + s->start;
	*len = s->scan - s->start;
	s->ready = 0;
	s->given = 1;
	return 1;
}

size_t dk_jsplit_pending(const dk_jsplit *s)
{
	return s->buf.len - (s->given ? s->scan : s->start);
}

int dk_jsplit_finish(dk_jsplit *s)
{
	size_t i;

	if (s->error)
		return s->error;
	if (s->given) {
		s->given = 0;
		s->start = s->scan;
	}
	scan(s);
	if (s->ready)
		return 0; /* caller should have drained; treat as fine */
	for (i = s->start; i < s->buf.len; i++) {
		char ch = s->buf.ptr[i];
		if (!(ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'))
			return s->error = dk__err(DK_EPROTO, 0, 0,
				"JSON stream ended inside a message (%zu bytes unterminated)",
				s->buf.len - s->start);
	}
	return 0;
}
