/* libFuzzer target: the JSON message splitter.
 * Property: feeding the input whole or cut at two fuzzer-chosen points gives
 * the same messages and the same outcome; every message is one balanced
 * value starting with { or [; memory stays within the bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonsplit_int.h"

#define MAXMSG 4096

struct result {
	char *cat;      /* messages joined by \x01 */
	size_t len;
	int rc;
};

static void collect(struct result *r, const uint8_t *d, size_t n, size_t a, size_t b)
{
	dk_jsplit s;
	const char *m;
	size_t ml, cuts[4] = {0, a, b, n}, i;
	int rc = 0;

	dk_jsplit_init(&s, MAXMSG);
	r->cat = malloc(2 * n + 1);
	r->len = 0;
	for (i = 0; i < 3 && rc >= 0; i++) {
		rc = dk_jsplit_feed(&s, (const char *)d + cuts[i], cuts[i + 1] - cuts[i]);
		while (rc >= 0 && (rc = dk_jsplit_next(&s, &m, &ml)) == 1) {
			if (ml == 0 || (m[0] != '{' && m[0] != '[') ||
			    (m[ml - 1] != '}' && m[ml - 1] != ']') || ml > MAXMSG + 1)
				abort();
			memcpy(r->cat + r->len, m, ml);
			r->len += ml;
			r->cat[r->len++] = '\x01';
		}
		if (s.buf.cap > 2 * (MAXMSG + n) + 64)
			abort(); /* unbounded growth */
	}
	if (rc >= 0)
		rc = dk_jsplit_finish(&s);
	r->rc = rc < 0 ? rc : 0;
	dk_jsplit_dispose(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, split;
	size_t a, b;

	if (size < 2)
		return 0;
	a = data[0] % size;
	b = a + (data[1] % (size - a + 1));
	if (b > size)
		b = size;
	data += 2;
	size -= 2;
	if (a > size)
		a = size;
	if (b > size)
		b = size;
	collect(&whole, data, size, size, size);
	collect(&split, data, size, a, b);
	/* the same messages up to the first error; the same outcome */
	if (whole.rc != split.rc)
		abort();
	if (whole.rc == 0 && (whole.len != split.len || memcmp(whole.cat, split.cat, whole.len)))
		abort();
	free(whole.cat);
	free(split.cat);
	return 0;
}
