/* libFuzzer target: the WebSocket frame parser (wsframe.c).
 * Property: feeding the input whole or cut at two fuzzer-chosen points (with
 * a fuzzer-chosen cap on data pieces) gives the same payload bytes, control
 * events and outcome; data pieces are never empty nor over the cap, every
 * byte is used unless an error stops it, and a control payload is at most
 * 125 bytes. A small frame cap (4 KiB) exercises the length checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wsframe_int.h"

struct result {
	unsigned char *seq; /* event tag + bytes, in order */
	size_t len;
	int rc;
};

static void put(struct result *r, int tag, const unsigned char *p, size_t n)
{
	r->seq[r->len++] = (unsigned char)tag;
	if (n)
		memcpy(r->seq + r->len, p, n);
	r->len += n;
}

static void collect(struct result *r, const uint8_t *d, size_t n, size_t a, size_t b, size_t max_data)
{
	dk_ws_parser p;
	dk_ws_event ev;
	size_t cuts[4] = {0, a, b, n}, i, pos, used;
	int rc = 0;

	dk_ws_parser_init(&p, 4096);
	r->seq = malloc(6 * n + 16);
	r->len = 0;
	for (i = 0; i < 3 && rc >= 0; i++) {
		pos = cuts[i];
		while (rc >= 0 && pos < cuts[i + 1]) {
			rc = dk_ws_parse(&p, d + pos, cuts[i + 1] - pos, max_data, &used, &ev);
			if (used > cuts[i + 1] - pos)
				abort();
			pos += used;
			if (rc == 0 && pos != cuts[i + 1])
				abort(); /* 0 means all of it was used */
			if (rc != 1)
				continue;
			if (ev.type == DK_WS_EV_DATA) {
				if (ev.len == 0 || ev.len > max_data)
					abort();
				/* pieces depend on the cuts: compare byte by byte */
				for (size_t k = 0; k < ev.len; k++)
					put(r, 'D', ev.data + k, 1);
			} else {
				if (ev.len > 125)
					abort();
				put(r, 'A' + ev.type, ev.data, ev.len);
				if (ev.type == DK_WS_EV_CLOSE)
					put(r, 'c', (const unsigned char *)&ev.code, sizeof(ev.code));
			}
		}
	}
	r->rc = rc < 0 ? rc : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, split;
	size_t a, b, max_data;

	if (size < 3)
		return 0;
	a = data[0];
	b = a + data[1];
	max_data = 1 + data[2] % 64;
	data += 3;
	size -= 3;
	if (a > size)
		a = size;
	if (b > size)
		b = size;
	collect(&whole, data, size, size, size, 1 << 20);
	collect(&split, data, size, a, b, max_data);
	if (whole.rc != split.rc || whole.len != split.len || memcmp(whole.seq, split.seq, whole.len))
		abort();
	free(whole.seq);
	free(split.seq);
	return 0;
}
