/* libFuzzer target: the HTTP response-head parser.
 * Property: whole or cut at two points, the same outcome, status, header
 * lookups and remainder; the head is bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httphead_int.h"

struct result {
	int rc, status;
	size_t ctl, restl;
	const char *ct, *rest;
	dk_httphead p;
};

static void collect(struct result *r, const uint8_t *d, size_t n, size_t a, size_t b)
{
	size_t cuts[4] = {0, a, b, n}, i;
	int rc = 0;

	dk_httphead_init(&r->p);
	for (i = 0; i < 3 && rc >= 0; i++)
		rc = dk_httphead_feed(&r->p, (const char *)d + cuts[i], cuts[i + 1] - cuts[i]);
	r->rc = rc;
	r->status = r->p.status;
	r->ct = dk_httphead_header(&r->p, "Content-Type", &r->ctl);
	r->rest = dk_httphead_rest(&r->p, &r->restl);
	if (r->p.done && r->p.head_len > DK_HTTPHEAD_MAX + 16384)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result w, s;

	if (size < 2)
		return 0;
	size_t a = data[0], b = a + data[1];
	data += 2;
	size -= 2;
	if (a > size)
		a = size;
	if (b > size)
		b = size;
	collect(&w, data, size, size, size);
	collect(&s, data, size, a, b);
	if ((w.rc < 0) != (s.rc < 0) || (w.rc >= 0 && w.rc != s.rc))
		abort();
	if (w.rc == 1) {
		if (w.status != s.status || w.restl != s.restl ||
		    (w.restl && memcmp(w.rest, s.rest, w.restl)))
			abort();
		if ((w.ct == NULL) != (s.ct == NULL) ||
		    (w.ct && (w.ctl != s.ctl || memcmp(w.ct, s.ct, w.ctl))))
			abort();
	}
	dk_httphead_dispose(&w.p);
	dk_httphead_dispose(&s.p);
	return 0;
}
