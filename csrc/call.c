/* The call mechanism: URL -> request -> transfer -> handler -> trace. */
#include "client_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "errors_int.h"
#include "value_int.h"
#include "ssh_int.h"
#include "gates_int.h"
#include "loop_int.h"

/* libcurl's upload buffer for streamed request bodies (its default is 64 KiB) */
#define DK_UPLOAD_BUFFER (512L << 10)

/* 1 if s is "." or "..": sent as they are (both bytes are unreserved),
 * libcurl and the engine's router resolve them as dot segments, so the
 * request would reach another route (GET /networks/. is the network list).
 * Inside a longer parameter a '/' is escaped, so no segment is formed. */
static int is_dot_segment(const char *s)
{
	return !strcmp(s, ".") || !strcmp(s, "..");
}

int dk__call_begin(dk_call *k, dk_client *c, const char *method, const char *op,
	int versioned, const char *path, ...)
{
	va_list ap;
	const char *p, *arg;
	int num;

	memset(k, 0, sizeof(*k));
	k->c = c;
	k->method = method;
	k->op = op;
	k->total_ms = -1;
	if (!c)
		return dk__err(DK_EINVAL, 0, 0, "%s: client is NULL", op);
	if (versioned) {
		num = dk__client_version_num(c);
		if (num < 0)
			return num;
		k->vnum = num;
		if ((num = dk__gate_check(dk__gate_find(op, DK_GATE_OP, ""), num, c->version)))
			return num;
	}
	if (dkbuf_puts(&k->url, c->base))
		goto nomem;
	if (versioned && dkbuf_printf(&k->url, "/v%s", c->version))
		goto nomem;
	va_start(ap, path);
	for (p = path; *p; p++) {
		if (p[0] == '{' && p[1] == '}') {
			arg = va_arg(ap, const char *);
			if (!arg || !*arg) {
				va_end(ap);
				dkbuf_dispose(&k->url);
				return dk__err(DK_EINVAL, 0, 0, "%s: a path parameter is empty", op);
			}
			if (is_dot_segment(arg)) {
				va_end(ap);
				dkbuf_dispose(&k->url);
				return dk__err(DK_EINVAL, 0, 0,
					"%s: '%s' is not a valid id or name (a dot path segment)",
					op, arg);
			}
			if (dkbuf_put_escaped(&k->url, arg, strlen(arg))) {
				va_end(ap);
				goto nomem;
			}
			p++;
		} else if (dkbuf_putc(&k->url, *p)) {
			va_end(ap);
			goto nomem;
		}
	}
	va_end(ap);
	pthread_mutex_lock(&c->lock);
	k->trace = c->trace;
	k->trace_ud = c->trace_ud;
	k->trace_cap = c->trace_cap;
	k->hdrs = dk__hdrset_get(c);
	pthread_mutex_unlock(&c->lock);
	return 0;
nomem:
	dkbuf_dispose(&k->url);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

/* --- version gates (gates_int.h) ------------------------------------------ */

static int gate_cmp(const char *op, int kind, const char *name, const dk_gate *g)
{
	int d = strcmp(op, g->op);

	if (d)
		return d;
	if (kind != g->kind)
		return kind < g->kind ? -1 : 1;
	return name ? strcmp(name, g->name) : 0;
}

void dk__gate_range(const char *op, int kind, size_t *first, size_t *n)
{
	size_t lo = 0, hi = dk__gates_len, mid, end;

	/* the first row not below (op, kind) */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (gate_cmp(op, kind, NULL, &dk__gates[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < dk__gates_len && !gate_cmp(op, kind, NULL, &dk__gates[end]); end++)
		;
	*first = lo;
	*n = end - lo;
}

const dk_gate *dk__gate_find(const char *op, int kind, const char *name)
{
	size_t lo = 0, hi = dk__gates_len, mid;
	char low[64];
	size_t i;
	int d;

	if (!op || !name)
		return NULL;
	if (kind == DK_GATE_HEADER) {
		for (i = 0; name[i] && i < sizeof(low) - 1; i++)
			low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
		if (name[i])
			return NULL; /* longer than any gated header */
		low[i] = '\0';
		name = low;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = gate_cmp(op, kind, name, &dk__gates[mid]);
		if (!d)
			return &dk__gates[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int gate_allows(const dk_gate *g, int num)
{
	return !g || (num >= g->since && (!g->until || num <= g->until));
}

int dk__gate_check(const dk_gate *g, int num, const char *version)
{
	char what[160];

	if (gate_allows(g, num))
		return 0;
	switch (g->kind) {
	case DK_GATE_OP:
		snprintf(what, sizeof(what), "this operation");
		break;
	case DK_GATE_QUERY:
		snprintf(what, sizeof(what), "the '%s' query parameter", g->name);
		break;
	case DK_GATE_HEADER:
		snprintf(what, sizeof(what), "the '%s' header", g->name);
		break;
	default:
		snprintf(what, sizeof(what), "the body field '%s'", g->name);
		break;
	}
	if (num < g->since)
		return dk__err(DK_EVERSION, 0, 0,
			"%s: %s requires API version %d.%d or newer; this client uses API %s",
			g->op, what, g->since / 1000, g->since % 1000, version);
	return dk__err(DK_EVERSION, 0, 0,
		"%s: %s was removed after API version %d.%d; this client uses API %s",
		g->op, what, g->until / 1000, g->until % 1000, version);
}

/* path: "A.B", "A[].B", "A.*.B" */
static int has_field(json_object *o, const char *path)
{
	const char *end;
	char seg[128];
	size_t n, i, len;
	json_object *v;

	while (*path == '.')
		path++;
	if (!*path)
		return o && !json_object_is_type(o, json_type_null);
	if (!strncmp(path, "[]", 2)) {
		if (!json_object_is_type(o, json_type_array))
			return 0;
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			if (has_field(json_object_array_get_idx(o, i), path + 2))
				return 1;
		return 0;
	}
	if (!json_object_is_type(o, json_type_object))
		return 0;
	for (end = path; *end && *end != '.' && *end != '['; end++)
		;
	n = (size_t)(end - path);
	if (n == 1 && *path == '*') {
		json_object_object_foreach(o, key, val) {
			(void)key;
			if (has_field(val, end))
				return 1;
		}
		return 0;
	}
	if (n >= sizeof(seg))
		return 0;
	memcpy(seg, path, n);
	seg[n] = '\0';
	if (json_object_object_get_ex(o, seg, &v))
		return has_field(v, end);
	/* the engine (Go's encoding/json) also takes a member whose name differs
	 * only in case ("CPURealtimePeriod", as docker-py spells it) */
	{
		json_object_object_foreach(o, key, val) {
			if (!strcasecmp(key, seg) && has_field(val, end))
				return 1;
		}
	}
	return 0;
}

int dk__gate_has_field(void *o, const char *path)
{
	return has_field((json_object *)o, path);
}

/* Refuse a JSON body member the client's API version lacks (or lost). */
static int body_gates(dk_call *k)
{
	size_t first, n, i;
	json_tokener *tok;
	json_object *root;
	int rc = 0, any = 0;

	if (!k->vnum || !k->has_body || !k->body_len || k->body_read)
		return 0;
	dk__gate_range(k->op, DK_GATE_FIELD, &first, &n);
	for (i = first; i < first + n && !any; i++)
		any = !gate_allows(&dk__gates[i], k->vnum);
	if (!any)
		return 0; /* every field of this operation is fine at this version */
	tok = json_tokener_new();
	if (!tok)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	root = json_tokener_parse_ex(tok, k->body, (int)k->body_len);
	json_tokener_free(tok);
	if (!root)
		return 0; /* not JSON: the engine will say so */
	for (i = first; i < first + n && !rc; i++)
		if (has_field(root, dk__gates[i].name))
			rc = dk__gate_check(&dk__gates[i], k->vnum, k->c->version);
	json_object_put(root);
	return rc;
}

int dk__call_ready(dk_call *k)
{
	int rc = body_gates(k);

	if (rc)
		k->trace = NULL; /* nothing was sent: nothing to trace */
	return rc;
}

static int query_sep(dk_call *k, const char *name)
{
	int rc;

	if (k->vnum &&
	    (rc = dk__gate_check(dk__gate_find(k->op, DK_GATE_QUERY, name), k->vnum, k->c->version)))
		return rc;
	if (dkbuf_putc(&k->url, k->nquery++ ? '&' : '?') ||
	    dkbuf_put_escaped(&k->url, name, strlen(name)) ||
	    dkbuf_putc(&k->url, '='))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk__call_query_str(dk_call *k, const char *name, const char *value)
{
	if (!value)
		return 0;
	int rc;

	if ((rc = query_sep(k, name)))
		return rc;
	if (dkbuf_put_escaped(&k->url, value, strlen(value)))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk__call_query_bool(dk_call *k, const char *name, int value)
{
	int rc;

	if (value < 0)
		return 0;
	if ((rc = query_sep(k, name)))
		return rc;
	if (dkbuf_puts(&k->url, value ? "1" : "0"))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk__call_query_int(dk_call *k, const char *name, int64_t value)
{
	int rc;

	if ((rc = query_sep(k, name)))
		return rc;
	if (dkbuf_printf(&k->url, "%lld", (long long)value))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk__call_require(dk_call *k, const char *since, const char *what)
{
	unsigned major = 0, minor = 0;
	int num;

	if (sscanf(since, "%u.%u", &major, &minor) != 2)
		return dk__err(DK_ERROR, 0, 0, "bad version gate '%s'", since);
	num = dk__client_version_num(k->c);
	if (num < 0)
		return num;
	if (num < (int)(major * 1000 + minor))
		return dk__err(DK_EVERSION, 0, 0,
			"%s: %s requires API version %s or newer; this client uses API %s",
			k->op, what, since, k->c->version);
	return 0;
}

int dk__call_json_body(dk_call *k, const char *json, size_t len, int secret)
{
	k->body = json ? json : "";
	k->body_len = json ? len : 0;
	k->has_body = 1;
	k->redact_body = secret;
	return 0;
}

static int header_list_init(dk_call *k, int json)
{
	struct curl_slist *it, *n;

	if (k->headers)
		return 0;
	for (it = k->hdrs ? k->hdrs->list : NULL; it; it = it->next) {
		if (!json && !strncasecmp(it->data, "Content-Type:", 13))
			continue;
		n = curl_slist_append(k->headers, it->data);
		if (!n)
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
		k->headers = n;
	}
	if (!k->headers) {
		/* keep a list even when nothing was copied */
		n = curl_slist_append(NULL, "Expect:");
		if (!n)
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
		k->headers = n;
	}
	return 0;
}

int dk__call_stream_body(dk_call *k, dk_read_fn fn, void *ud, const char *content_type)
{
	struct curl_slist *n;
	dkbuf line = DKBUF_INIT;
	int rc;

	if (!fn)
		return dk__err(DK_EINVAL, 0, 0, "%s: the body source is NULL", k->op);
	if (k->headers)
		return dk__err(DK_ERROR, 0, 0, "%s: stream body must be set before headers", k->op);
	rc = header_list_init(k, 0);
	if (rc)
		return rc;
	if (dkbuf_printf(&line, "Content-Type: %s", content_type ? content_type : "application/octet-stream"))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	n = curl_slist_append(k->headers, line.ptr);
	dkbuf_dispose(&line);
	if (!n)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	k->headers = n;
	n = curl_slist_append(k->headers, "Transfer-Encoding: chunked");
	if (!n)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	k->headers = n;
	k->body_read = fn;
	k->body_read_ud = ud;
	return 0;
}

int dk__call_header(dk_call *k, const char *name, const char *value, int secret)
{
	dkbuf line = DKBUF_INIT;
	struct curl_slist *n;

	if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n: "))
		return dk__err(DK_EINVAL, 0, 0, "%s: header %s holds a line break", k->op, name);
	if (k->vnum) {
		int rc = dk__gate_check(dk__gate_find(k->op, DK_GATE_HEADER, name), k->vnum, k->c->version);

		if (rc)
			return rc;
	}
	if (header_list_init(k, 1))
		goto nomem;
	if (dkbuf_printf(&line, "%s: %s", name, value))
		goto nomem;
	n = curl_slist_append(k->headers, line.ptr);
	dkbuf_dispose(&line);
	if (!n)
		goto nomem;
	k->headers = n;
	if (dkbuf_printf(&k->trace_headers, "%s: %s\r\n", name, secret ? "<redacted>" : value))
		goto nomem;
	return 0;
nomem:
	dkbuf_dispose(&line);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

int dk__call_accept_encoding(dk_call *k, const char *codings)
{
	if (!codings || strpbrk(codings, "\r\n"))
		return dk__err(DK_EINVAL, 0, 0, "%s: bad Accept-Encoding", k->op);
	/* a libcurl without zlib could not decode: ask for the plain answer */
	if (!(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_LIBZ))
		codings = "identity";
	k->accept_encoding = codings;
	if (dkbuf_printf(&k->trace_headers, "Accept-Encoding: %s\r\n", codings))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int64_t dk_read_fd(void *userdata, char *buf, size_t len)
{
	int fd = *(const int *)userdata;
	ssize_t r;

	do {
		r = read(fd, buf, len);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return dk__err(DK_EINVAL, 0, 0, "reading the request body: %s", strerror(errno));
	return (int64_t)r;
}

static size_t read_cb(char *buf, size_t size, size_t n, void *ud)
{
	dk_call *k = ud;
	int64_t r = k->body_read(k->body_read_ud, buf, size * n);

	if (r < 0) {
		k->body_read_err = (int)r;
		return CURL_READFUNC_ABORT;
	}
	if ((uint64_t)r > size * n) {
		k->body_read_err = dk__err(DK_EINVAL, 0, 0,
			"%s: the request body source returned more bytes than asked", k->op);
		return CURL_READFUNC_ABORT;
	}
	k->body_sent += (uint64_t)r;
	return (size_t)r;
}

static size_t write_cb(char *data, size_t size, size_t n, void *ud)
{
	dk_call *k = ud;
	size_t len = size * n;

	if (dkbuf_put(&k->resp, data, len)) {
		k->err = DK_ENOMEM;
		return 0;
	}
	return len;
}

size_t dk__header_cb(char *data, size_t size, size_t n, void *ud)
{
	dk_call *k = ud;
	size_t len = size * n;

	/* a new response (e.g. after 100 Continue) restarts the list */
	if (len > 5 && !strncmp(data, "HTTP/", 5))
		dkbuf_clear(&k->resp_headers);
	if (dkbuf_put(&k->resp_headers, data, len)) {
		k->err = DK_ENOMEM;
		return 0;
	}
	return len;
}

const char *dk__find_header(const dkbuf *h, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	const char *p = h->ptr, *end = h->ptr ? h->ptr + h->len : NULL, *eol, *v;

	while (p && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
			v = p + nl + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*len = (size_t)(eol - v);
			while (*len && (v[*len - 1] == '\r' || v[*len - 1] == ' '))
				(*len)--;
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

int dk__call_setup_handle(dk_call *k, CURL *h, int streaming)
{
	dk_client *c = k->c;
	long total = k->total_ms >= 0 ? k->total_ms : c->total_ms;

	curl_easy_setopt(h, CURLOPT_URL, k->url.ptr);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, streaming ? 0L : total);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, k->headers ? k->headers :
		k->hdrs ? k->hdrs->list : NULL);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	/* NULL: no header from libcurl and no decoding (a pooled handle may
	 * have served a call that asked for it) */
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, k->accept_encoding);
	if (k->want_headers || streaming) {
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, dk__header_cb);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
	} else {
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, NULL);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
	}
	if (!strcmp(k->method, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	} else if (!strcmp(k->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (k->body_read) {
		curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(h, CURLOPT_READDATA, k);
		/* big reads and writes for big bodies (image load, build
		 * contexts, archives): libcurl sends one upload buffer per
		 * transfer step, so its 64 KiB default costs a poll round per
		 * 64 KiB (image load ran at a third of the speed) */
		curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, DK_UPLOAD_BUFFER);
		if (!strcmp(k->method, "PUT")) {
			curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)-1);
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
		} else {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
				strcmp(k->method, "POST") ? k->method : NULL);
		}
	} else {
		if (k->has_body || !strcmp(k->method, "POST")) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)k->body_len);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, k->has_body ? k->body : "");
		} else {
			curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		}
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
			strcmp(k->method, "POST") ? k->method : NULL);
	}
	return 0;
}

int dk__curl_error(const dk_call *k, CURL *h, CURLcode cc, const char *errbuf)
{
	const char *what = k->op;
	const char *detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(cc);
	int ssh_rc = cc == CURLE_ABORTED_BY_CALLBACK ? 0 : dk__ssh_error(DK_ECONNECT, (int)cc, detail, what);

	if (ssh_rc)
		return ssh_rc; /* an ssh child failed: its own words */
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		if (k->c && k->c->unix_path) {
			/* libcurl words a unix socket failure as "localhost port 80":
			 * name the socket and the system's reason instead */
			long os_errno = 0;

			if (h)
				curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
			return dk__err(DK_ECONNECT, 0, (int)cc,
				"%s: cannot connect to the Docker engine at unix://%s: %s%s", what,
				k->c->unix_path, os_errno ? strerror((int)os_errno) : detail,
				os_errno == ENOENT || os_errno == ECONNREFUSED ? " (is dockerd running?)" : "");
		}
		{
			/* libcurl's words leave out the system's reason: add it
			 * ("Connection refused", as docker-py's text has it, which
			 * programs look for to retry a daemon that is starting) */
			long os_errno = 0;

			if (h && cc == CURLE_COULDNT_CONNECT)
				curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
			return dk__err(DK_ECONNECT, 0, (int)cc,
				"%s: cannot connect to the Docker engine at %s: %s%s%s%s", what,
				k->c ? k->c->url : "?", detail, os_errno ? " (" : "",
				os_errno ? strerror((int)os_errno) : "", os_errno ? ")" : "");
		}
	case CURLE_OPERATION_TIMEDOUT: {
		/* the engine's status when its headers had arrived (the body timed
		 * out: a wait, a slow answer), else 0 */
		long status = 0;

		if (h)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status < 100 || status >= 400)
			status = 0;
		dk__err(DK_ETIMEOUT, (int)status, (int)cc, "%s: timed out: %s", what, detail);
		/* the engine had answered: name the request whose body ran out */
		if (status && k->url.ptr)
			dk__err_set_url(k->method, k->url.ptr, k->url.len);
		return DK_ETIMEOUT;
	}
	case CURLE_ABORTED_BY_CALLBACK:
		return dk__err(DK_ECANCELED, 0, (int)cc, "%s: canceled", what);
	case CURLE_OUT_OF_MEMORY:
		return dk__err(DK_ENOMEM, 0, (int)cc, "%s: out of memory", what);
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return dk__err(DK_EPROTO, 0, (int)cc, "%s: bad answer from the engine: %s", what, detail);
	default:
		return dk__err(DK_ETRANSPORT, 0, (int)cc, "%s: connection to the engine failed: %s", what, detail);
	}
}

/* Map an error status to a code, with the daemon's `message`. */
int dk__call_status_error(dk_call *k)
{
	int code;
	long st = k->status;
	const char *msg = NULL;
	json_object *root = NULL, *m = NULL;

	if (st == 404)
		code = DK_ENOTFOUND;
	else if (st == 409)
		code = DK_ECONFLICT;
	else if (st == 401)
		code = DK_EAUTH;
	else
		code = DK_EAPI;
	if (k->resp.len && k->resp.ptr[0] == '{') {
		root = json_tokener_parse(k->resp.ptr);
		if (root && json_object_object_get_ex(root, "message", &m) &&
		    json_object_is_type(m, json_type_string))
			msg = json_object_get_string(m);
	}
	if (msg) {
		dk__err_msg(code, (int)st, 0, msg, strlen(msg));
	} else if (k->resp.len) {
		size_t n = k->resp.len;
		while (n && (k->resp.ptr[n - 1] == '\n' || k->resp.ptr[n - 1] == '\r'))
			n--;
		dk__err_msg(code, (int)st, 0, k->resp.ptr, n);
	} else {
		dk__err(code, (int)st, 0, "%s: the engine answered HTTP %ld", k->op, st);
	}
	json_object_put(root);
	dk__err_set_url(k->method, k->url.ptr, k->url.len);
	return code;
}

int dk__call_outcome(dk_call *k, CURL *h, CURLcode cc, const char *errbuf)
{
	if (k->body_read_err)
		return k->body_read_err == DK_EUSER
			? dk__err(DK_EUSER, 0, 0, "%s: the request body source failed", k->op)
			: k->body_read_err;
	if (k->err)
		return dk__err(k->err, (int)k->status, 0, "%s: out of memory reading the answer", k->op);
	if (cc != CURLE_OK)
		return dk__curl_error(k, h, cc, errbuf);
	if ((k->status >= 300 && k->status != 304) || k->status < 100)
		return dk__call_status_error(k); /* 3xx: a redirect we never follow */
	return 0;
}

void dk__call_reset_handle(const dk_call *k, CURL *h)
{
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	if (!strcmp(k->method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
	if (k->body_read) {
		curl_easy_setopt(h, CURLOPT_UPLOAD, 0L);
		/* back to the default: frees the big buffer of a pooled handle */
		curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 65536L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, NULL);
		curl_easy_setopt(h, CURLOPT_READDATA, NULL);
	}
}

int dk__call_perform(dk_call *k)
{
	CURL *h;
	CURLcode cc;
	char errbuf[CURL_ERROR_SIZE];
	int rc = 0;

	if ((rc = dk__call_ready(k)))
		return rc;
	if (dk__async_tl && (rc = dk__async_perform(k)) != DK__ASYNC_BLOCK_HERE)
		return rc; /* driven by an event loop (loop.c) */
	h = dk__client_acquire(k->c);
	if (!h)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (curl handle)");
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	dk__call_setup_handle(k, h, 0);
	k->start_us = dk__now_us();
	cc = curl_easy_perform(h);
	k->end_us = dk__now_us();
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &k->status);
	dk__call_reset_handle(k, h);
	rc = dk__call_outcome(k, h, cc, errbuf);
	if (rc && cc != CURLE_OK) {
		/* the connection may be in a bad state: do not pool it */
		curl_easy_cleanup(h);
		return rc;
	}
	dk__client_release(k->c, h);
	return rc;
}

/* --- trace and redaction ------------------------------------------------ */

static int secret_key(const char *key)
{
	return !strcasecmp(key, "password") || !strcasecmp(key, "auth") ||
	       !strcasecmp(key, "identitytoken") || !strcasecmp(key, "registrytoken") ||
	       /* swarm: secret/config content, join tokens, unlock and CA keys */
	       !strcasecmp(key, "data") || !strcasecmp(key, "jointoken") ||
	       !strcasecmp(key, "jointokens") || !strcasecmp(key, "unlockkey") ||
	       !strcasecmp(key, "signingcakey");
}

static void redact_json(json_object *o)
{
	size_t i, n;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			if (secret_key(key) && !json_object_is_type(val, json_type_null))
				json_object_object_add(o, key, json_object_new_string("<redacted>"));
			else
				redact_json(val);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			redact_json(json_object_array_get_idx(o, i));
	}
}

void dk__call_trace(dk_call *k, int code, const char *body, size_t shown,
	uint64_t total, int streamed)
{
	dk_trace t;
	json_object *req = NULL, *resp = NULL;
	const char *rb = NULL;
	size_t rblen = 0;
	int rbtrunc = 0;

	memset(&t, 0, sizeof(t));
	t.method = k->method;
	t.url = k->url.ptr;
	t.status = (int)k->status;
	t.code = code;
	t.start_us = k->start_us;
	t.end_us = k->end_us ? k->end_us : dk__now_us();
	t.request_headers = k->trace_headers.ptr ? k->trace_headers.ptr : "";
	if (k->has_body) {
		if (k->redact_body) {
			req = json_tokener_parse(k->body);
			if (req) {
				redact_json(req);
				rb = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
				rblen = strlen(rb);
			} else {
				rb = "<redacted>";
				rblen = strlen(rb);
			}
		} else {
			rb = k->body;
			rblen = k->body_len;
		}
		if (rblen > k->trace_cap) {
			rblen = k->trace_cap;
			rbtrunc = 1;
		}
	}
	t.request_body = rb;
	t.request_body_len = rblen;
	t.request_body_truncated = rbtrunc;
	if (k->redact_response && body && shown) {
		/* an answer that holds secrets: show it with them redacted */
		json_tokener *tok = json_tokener_new();
		resp = tok ? json_tokener_parse_ex(tok, body, (int)shown) : NULL;
		json_tokener_free(tok);
		if (resp) {
			redact_json(resp);
			body = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);
		} else {
			body = "<redacted>";
		}
		shown = strlen(body);
		total = shown;
	}
	t.response_body = body;
	t.response_body_len = shown > k->trace_cap ? k->trace_cap : shown;
	t.response_body_truncated = total > t.response_body_len;
	t.response_bytes = total;
	t.streamed = streamed;
	k->trace(&t, k->trace_ud);
	json_object_put(req);
	json_object_put(resp);
}

void dk__call_dispose(dk_call *k)
{
	dkbuf_dispose(&k->url);
	dkbuf_dispose(&k->resp);
	dkbuf_dispose(&k->resp_headers);
	dkbuf_dispose(&k->trace_headers);
	dkbuf_dispose(&k->body_owned);
	curl_slist_free_all(k->headers);
	k->headers = NULL;
	dk__hdrset_release(k->hdrs);
	k->hdrs = NULL;
	if (k->body_free) {
		k->body_free(k->body_read_ud);
		k->body_free = NULL;
		k->body_read_ud = NULL;
	}
}

int dk__call_finish(dk_call *k, int rc)
{
	if (k->trace) {
		/* keep the caller's error record intact across the hook */
		dk__err_saved saved;
		dk__err_save(&saved);
		dk__call_trace(k, rc, k->resp.ptr, k->resp.len, k->resp.len, 0);
		if (rc)
			dk__err_restore(&saved);
	}
	dk__call_dispose(k);
	return rc;
}

int dk__call_abort(dk_call *k, int rc)
{
	dk__call_dispose(k);
	return rc;
}

int dk__call_value(dk_call *k, dk_value **out)
{
	int rc;
	char *body;
	size_t len;

	if (!out)
		return dk__call_abort(k, dk__err(DK_EINVAL, 0, 0, "%s: out is NULL", k->op));
	*out = NULL;
	rc = dk__call_perform(k);
	if (rc == 0) {
		if (k->trace) {
			dk__call_trace(k, 0, k->resp.ptr, k->resp.len, k->resp.len, 0);
			k->trace = NULL;
		}
		body = dkbuf_detach(&k->resp, &len);
		*out = body ? dk__value_take(body, len) : NULL;
		if (!*out)
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	return dk__call_finish(k, rc);
}

int dk__call_void(dk_call *k)
{
	return dk__call_finish(k, dk__call_perform(k));
}
