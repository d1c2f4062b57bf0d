/* Generic requests (dk_request) and the headers every request carries
 * (dk_client_set_headers), both on the one call mechanism of call.c. */
#include "client_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clibdocker/errors.h"
#include "clibdocker/request.h"
#include "errors_int.h"
#include "stream_int.h"

struct dk_response {
	int status;
	char *body;      /* NUL-terminated after len */
	size_t len;
	dkbuf head;
};

/* --- the client's headers ------------------------------------------------- */

static int name_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return !strncasecmp(line, name, n) && line[n] == ':';
}

/* A "Name: value" line: a non-empty token name, a colon, no CR/LF. */
static int line_ok(const char *line)
{
	const char *p;

	if (!line || strpbrk(line, "\r\n"))
		return 0;
	for (p = line; *p && *p != ':'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f)
			return 0;
	return p != line && *p == ':';
}

/* Framing headers a hand-written request sets itself. */
static int framing(const char *line)
{
	static const char *const names[] = {"Host", "Content-Type", "Content-Length",
		"Transfer-Encoding", "Connection", "Upgrade", "Expect", NULL};
	int i;

	for (i = 0; names[i]; i++)
		if (name_is(line, names[i]))
			return 1;
	return 0;
}

int dk__hdrset_new(dk_hdrset **out, const char *const *lines)
{
	dk_hdrset *h;
	dkbuf raw = DKBUF_INIT;
	struct curl_slist *n;
	int ct = 0, expect = 0, i;

	*out = NULL;
	for (i = 0; lines && lines[i]; i++) {
		if (!line_ok(lines[i]))
			return dk__err(DK_EINVAL, 0, 0,
				"header %d is not a \"Name: value\" line without line breaks", i);
		ct |= name_is(lines[i], "Content-Type");
		expect |= name_is(lines[i], "Expect");
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	h->refs = 1;
	if (!ct && !(h->list = curl_slist_append(NULL, "Content-Type: application/json")))
		goto nomem;
	if (!expect) {
		if (!(n = curl_slist_append(h->list, "Expect:")))
			goto nomem;
		h->list = n;
	}
	for (i = 0; lines && lines[i]; i++) {
		if (!(n = curl_slist_append(h->list, lines[i])))
			goto nomem;
		h->list = n;
		h->user_agent |= name_is(lines[i], "User-Agent");
		if (!framing(lines[i]) && dkbuf_printf(&raw, "%s\r\n", lines[i]))
			goto nomem;
	}
	h->raw = raw.ptr ? dkbuf_detach(&raw, NULL) : calloc(1, 1);
	if (!h->raw)
		goto nomem;
	*out = h;
	return 0;
nomem:
	dkbuf_dispose(&raw);
	dk__hdrset_release(h);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

dk_hdrset *dk__hdrset_get(dk_client *c)
{
	dk_hdrset *h = c->hdrs;

	if (h)
		__atomic_add_fetch(&h->refs, 1, __ATOMIC_RELAXED);
	return h;
}

void dk__hdrset_release(dk_hdrset *h)
{
	if (!h || __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	curl_slist_free_all(h->list);
	free(h->raw);
	free(h);
}

int dk_client_set_headers(dk_client *c, const char *const *lines)
{
	dk_hdrset *h, *old;
	int rc;

	if (!c)
		return dk__err(DK_EINVAL, 0, 0, "dk_client_set_headers: client is NULL");
	rc = dk__hdrset_new(&h, lines);
	if (rc)
		return rc;
	pthread_mutex_lock(&c->lock);
	old = c->hdrs;
	c->hdrs = h;
	pthread_mutex_unlock(&c->lock);
	dk__hdrset_release(old);
	return 0;
}

/* --- dk_request ----------------------------------------------------------- */

void dk_request_options_init(dk_request_options *o)
{
	dk_request_options d = DK_REQUEST_OPTIONS_INIT;

	if (o)
		*o = d;
}

static int method_ok(const char *m)
{
	return m && (!strcmp(m, "GET") || !strcmp(m, "POST") || !strcmp(m, "PUT") ||
		!strcmp(m, "DELETE") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS") ||
		!strcmp(m, "PATCH"));
}

/* A body in memory read as a streamed body (borrowed bytes). */
struct membody {
	const char *p;
	size_t left;
};

static int64_t membody_read(void *ud, char *buf, size_t len)
{
	struct membody *m = ud;
	size_t n = m->left < len ? m->left : len;

	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (int64_t)n;
}

/* Build the call for `o`: URL = base + path, body, headers. */
static int request_begin(dk_call *k, dk_client *c, const dk_request_options *o)
{
	const unsigned char *p;
	int rc, i;

	if (!c || !o)
		return dk__err(DK_EINVAL, 0, 0, "dk_request: NULL argument");
	if (o->version != DK_REQUEST_OPTIONS_VERSION)
		return dk__err(DK_EINVAL, 0, 0, "dk_request_options: unknown version %u", o->version);
	if (!method_ok(o->method))
		return dk__err(DK_EINVAL, 0, 0, "dk_request: method '%s' is not one of GET, POST, "
			"PUT, DELETE, HEAD, OPTIONS, PATCH", o->method ? o->method : "(null)");
	if (!o->path || o->path[0] != '/')
		return dk__err(DK_EINVAL, 0, 0, "dk_request: the path must start with '/'");
	for (p = (const unsigned char *)o->path; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '#')
			return dk__err(DK_EINVAL, 0, 0,
				"dk_request: the path holds a byte that must be escaped (0x%02x)", *p);
	if (o->body && o->body_read)
		return dk__err(DK_EINVAL, 0, 0, "dk_request: both a body and a body source");
	if (o->timeout_ms < -1)
		return dk__err(DK_EINVAL, 0, 0, "dk_request: timeout_ms must be >= -1");
	rc = dk__call_begin(k, c, o->method, "Request", 0, "");
	if (rc)
		return rc;
	if (dkbuf_puts(&k->url, o->path))
		return dk__call_abort(k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	k->total_ms = o->timeout_ms;
	k->want_headers = 1;
	if (o->body_read) {
		rc = dk__call_stream_body(k, o->body_read, o->body_read_ud, o->content_type);
	} else if (o->body && o->content_type && strcasecmp(o->content_type, "application/json")) {
		/* another type than the JSON default: sent from memory as a
		 * streamed body, which carries its own Content-Type */
		struct membody *m = malloc(sizeof(*m));

		if (!m) {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		} else {
			m->p = o->body;
			m->left = o->body_len;
			k->body_free = free;
			rc = dk__call_stream_body(k, membody_read, m, o->content_type);
			if (rc == 0)
				k->body_read_ud = m;
			else
				free(m);
			if (rc)
				k->body_free = NULL;
		}
	} else if (o->body) {
		rc = dk__call_json_body(k, o->body, o->body_len, 0);
	}
	for (i = 0; !rc && o->headers && o->headers[i]; i++) {
		const char *line = o->headers[i], *colon = strchr(line, ':'), *v;
		char name[128];
		size_t n;

		if (!line_ok(line) || (size_t)(colon - line) >= sizeof(name)) {
			rc = dk__err(DK_EINVAL, 0, 0, "dk_request: header %d is not a \"Name: value\" line", i);
			break;
		}
		n = (size_t)(colon - line);
		memcpy(name, line, n);
		name[n] = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		rc = dk__call_header(k, name, v, 0);
	}
	return rc ? dk__call_abort(k, rc) : 0;
}

/* A status the engine answered (not a transport failure)? */
static int answered(const dk_call *k, int rc)
{
	return k->status >= 100 && (rc == DK_ENOTFOUND || rc == DK_ECONFLICT ||
		rc == DK_EAUTH || rc == DK_EAPI) && dk_error_last()->http_status == (int)k->status;
}

int dk_request(dk_response **out, dk_client *c, const dk_request_options *o)
{
	dk_call k;
	dk_response *r = NULL;
	int rc, code;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_request: out is NULL");
	*out = NULL;
	rc = request_begin(&k, c, o);
	if (rc)
		return rc;
	code = rc = dk__call_perform(&k);
	if (rc && answered(&k, rc))
		rc = 0; /* an error status is an answer here */
	if (rc == 0 && k.trace) {
		/* traced with the status's error code, as other calls are */
		dk__call_trace(&k, code, k.resp.ptr, k.resp.len, k.resp.len, 0);
		k.trace = NULL;
	}
	if (rc == 0 && !(r = calloc(1, sizeof(*r))))
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
	if (rc == 0) {
		r->status = (int)k.status;
		r->body = k.resp.ptr ? dkbuf_detach(&k.resp, &r->len) : calloc(1, 1);
		r->head = k.resp_headers;
		memset(&k.resp_headers, 0, sizeof(k.resp_headers));
		if (!r->body) {
			dk_response_free(r);
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		} else {
			*out = r;
		}
	}
	return dk__call_finish(&k, rc);
}

int dk_request_stream(dk_stream **out, dk_client *c, const dk_request_options *o)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_request_stream: out is NULL");
	*out = NULL;
	rc = request_begin(&k, c, o);
	if (rc)
		return rc;
	k.want_headers = 0;
	return dk__stream_open(out, &k, DK_STREAM_RAW);
}

int dk_response_status(const dk_response *r)
{
	return r ? r->status : 0;
}

const char *dk_response_body(const dk_response *r, size_t *len)
{
	if (len)
		*len = r ? r->len : 0;
	return r ? r->body : NULL;
}

const char *dk_response_headers(const dk_response *r, size_t *len)
{
	if (len)
		*len = r ? r->head.len : 0;
	return r && r->head.ptr ? r->head.ptr : "";
}

const char *dk_response_header(const dk_response *r, const char *name, size_t *len)
{
	if (!r || !name || !len)
		return NULL;
	return dk__find_header(&r->head, name, len);
}

void dk_response_free(dk_response *r)
{
	if (!r)
		return;
	free(r->body);
	dkbuf_dispose(&r->head);
	free(r);
}
