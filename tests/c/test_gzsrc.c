/* The gzip body source: whatever the source's read sizes and the reader's
 * buffer sizes, inflating its output gives back the source's bytes; source
 * errors pass through. */
#include "dktest.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "clibdocker/errors.h"
#include "gzsrc_int.h"

struct src {
	const unsigned char *data;
	size_t len, pos, step;
	int fail_at;          /* fail when pos reaches this (or -1) */
	int freed;
};

static int64_t src_read(void *ud, char *buf, size_t len)
{
	struct src *s = ud;
	size_t n = s->len - s->pos;

	if (s->fail_at >= 0 && s->pos >= (size_t)s->fail_at)
		return DK_EUSER;
	if (n > len)
		n = len;
	if (n > s->step)
		n = s->step;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (int64_t)n;
}

static void src_free(void *ud)
{
	((struct src *)ud)->freed++;
}

/* Compress `data` reading `step` bytes at a time from the source and `out`
 * bytes at a time from the wrapper; inflate and compare. */
static void round_trip(const unsigned char *data, size_t len, size_t step, size_t outsz)
{
	struct src s = {data, len, 0, step, -1, 0};
	dk_gzsrc *g = NULL;
	unsigned char *gz = NULL, *back = malloc(len + 1);
	size_t gzlen = 0, cap = 0;
	char *buf = malloc(outsz);
	int64_t r;
	z_stream z;

	CHECK_RC(dk__gzsrc_open(&g, src_read, &s, src_free, -1));
	while ((r = dk__gzsrc_read(g, buf, outsz)) > 0) {
		CHECK((size_t)r <= outsz);
		if (gzlen + (size_t)r > cap) {
			cap = (gzlen + (size_t)r) * 2;
			gz = realloc(gz, cap);
		}
		memcpy(gz + gzlen, buf, (size_t)r);
		gzlen += (size_t)r;
	}
	CHECK(r == 0);
	CHECK(dk__gzsrc_read(g, buf, outsz) == 0);   /* stays at the end */
	dk__gzsrc_free_v(g);
	CHECK(s.freed == 1);
	CHECK(gzlen >= 18 && gz[0] == 0x1f && gz[1] == 0x8b);   /* a gzip member */

	memset(&z, 0, sizeof(z));
	CHECK(inflateInit2(&z, 15 + 16) == Z_OK);
	z.next_in = gz;
	z.avail_in = (uInt)gzlen;
	z.next_out = back;
	z.avail_out = (uInt)len + 1;
	CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
	CHECK(z.total_out == len);
	CHECK(len == 0 || memcmp(back, data, len) == 0);
	inflateEnd(&z);
	free(gz);
	free(back);
	free(buf);
}

int main(void)
{
	size_t len = 3u << 20, i;
	unsigned char *data = malloc(len);
	unsigned x = 12345;
	const size_t steps[] = {1, 7, 4096, 65536, 1u << 20};
	const size_t outs[] = {1, 13, 8192, 1u << 20};

	/* half compressible text, half noise */
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = i < len / 2 ? (unsigned char)("build context "[i % 14]) : (unsigned char)(x >> 16);
	}
	round_trip(data, 0, 1, 1);                      /* empty source */
	round_trip(data, 100000, 1, 1);                 /* byte by byte both ways */
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		round_trip(data, len, steps[i], outs[i % (sizeof(outs) / sizeof(outs[0]))]);

	/* the source's error comes through, and the wrapper frees the source */
	{
		struct src s = {data, len, 0, 65536, 200000, 0};
		dk_gzsrc *g = NULL;
		char buf[4096];
		int64_t r;
		CHECK_RC(dk__gzsrc_open(&g, src_read, &s, src_free, 6));
		while ((r = dk__gzsrc_read(g, buf, sizeof(buf))) > 0)
			;
		CHECK(r == DK_EUSER);
		dk__gzsrc_free_v(g);
		CHECK(s.freed == 1);
	}
	free(data);
	DKT_DONE();
}
