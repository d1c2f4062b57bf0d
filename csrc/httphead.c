/* Sans-I/O HTTP response-head parser. See httphead_int.h. */
#include "httphead_int.h"

#include <string.h>
#include <strings.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

void dk_httphead_init(dk_httphead *p)
{
	memset(p, 0, sizeof(*p));
}

void dk_httphead_dispose(dk_httphead *p)
{
	dkbuf_dispose(&p->buf);
}

static int parse_status(dk_httphead *p)
{
	const char *s = p->buf.ptr;
	int i, code = 0;

	/* "HTTP/1.x NNN reason" */
	if (p->head_len < 12 || strncmp(s, "HTTP/1.", 7) || s[8] != ' ')
		goto bad;
	for (i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		code = code * 10 + (s[i] - '0');
	}
	if (s[12] != ' ' && s[12] != '\r' && s[12] != '\n')
		goto bad;
	p->status = code;
	return 0;
bad:
	p->error = DK_EPROTO;
	return dk__err(DK_EPROTO, 0, 0, "the engine's answer does not start with an HTTP status line");
}

int dk_httphead_feed(dk_httphead *p, const char *data, size_t len)
{
	size_t i;

	if (p->error)
		return p->error;
	if (p->done) {
		/* after the head: just keep the bytes as the remainder */
		if (dkbuf_put(&p->buf, data, len))
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
		return 1;
	}
	if (dkbuf_put(&p->buf, data, len))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	/* the head ends at the first "\n\r\n" or "\n\n" */
	for (i = p->scan; i < p->buf.len; i++) {
		if (p->buf.ptr[i] != '\n' || i == 0)
			continue;
		if (p->buf.ptr[i - 1] == '\n' ||
		    (i >= 2 && p->buf.ptr[i - 1] == '\r' && p->buf.ptr[i - 2] == '\n')) {
			p->head_len = i + 1;
			p->done = 1;
			if (parse_status(p))
				return p->error;
			return 1;
		}
	}
	p->scan = p->buf.len;
	if (p->buf.len > DK_HTTPHEAD_MAX) {
		p->error = DK_EPROTO;
		return dk__err(DK_EPROTO, 0, 0, "the engine's HTTP answer head exceeds %zu bytes",
			DK_HTTPHEAD_MAX);
	}
	return 0;
}

const char *dk_httphead_header(const dk_httphead *p, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	const char *s, *end, *eol, *v;

	if (!p->done)
		return NULL;
	s = memchr(p->buf.ptr, '\n', p->head_len); /* skip the status line */
	end = p->buf.ptr + p->head_len;
	for (s = s ? s + 1 : end; s < end; s = eol + 1) {
		eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol)
			break;
		if ((size_t)(eol - s) > nl && s[nl] == ':' && !strncasecmp(s, name, nl)) {
			v = s + nl + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*len = (size_t)(eol - v);
			while (*len && (v[*len - 1] == '\r' || v[*len - 1] == ' ' || v[*len - 1] == '\t'))
				(*len)--;
			return v;
		}
	}
	return NULL;
}

const char *dk_httphead_rest(const dk_httphead *p, size_t *len)
{
	if (!p->done) {
		*len = 0;
		return NULL;
	}
	*len = p->buf.len - p->head_len;
	return p->buf.ptr + p->head_len;
}
