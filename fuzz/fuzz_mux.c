/* libFuzzer target: the multiplexed-frame parser.
 * Property: feeding the input whole or cut at two fuzzer-chosen points gives
 * the same bytes per stream, in the same order, and the same outcome;
 * pieces are never empty and the buffer never grows beyond what was fed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mux_int.h"

struct result {
	char *seq;     /* id byte + data, consecutive pieces of one id merged */
	size_t len;
	int last_id;
	int rc;
};

static void collect(struct result *r, const uint8_t *d, size_t n, size_t a, size_t b)
{
	dk_mux m;
	const char *p;
	size_t pl, cuts[4] = {0, a, b, n}, i;
	int rc = 0, id;

	dk_mux_init(&m, 64);
	r->seq = malloc(2 * n + 2);
	r->len = 0;
	r->last_id = -1;
	for (i = 0; i < 3 && rc >= 0; i++) {
		rc = dk_mux_feed(&m, (const char *)d + cuts[i], cuts[i + 1] - cuts[i]);
		while (rc >= 0 && (rc = dk_mux_next(&m, &id, &p, &pl)) == 1) {
			if (pl == 0 || id < 0 || id > 3)
				abort();
			if (id != r->last_id)
				r->seq[r->len++] = (char)('0' + id);
			r->last_id = id;
			memcpy(r->seq + r->len, p, pl);
			r->len += pl;
		}
		if (m.buf.cap > 2 * n + 128)
			abort(); /* grew beyond the input */
	}
	if (rc >= 0)
		rc = dk_mux_finish(&m);
	r->rc = rc < 0 ? rc : 0;
	dk_mux_dispose(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, split;
	size_t a, b;

	if (size < 2)
		return 0;
	a = data[0];
	b = a + data[1];
	data += 2;
	size -= 2;
	if (a > size)
		a = size;
	if (b > size)
		b = size;
	collect(&whole, data, size, size, size);
	collect(&split, data, size, a, b);
	if (whole.rc != split.rc || whole.len != split.len || memcmp(whole.seq, split.seq, whole.len))
		abort();
	free(whole.seq);
	free(split.seq);
	return 0;
}
