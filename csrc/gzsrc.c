/* gzip body source: deflate while the request body is read (see gzsrc_int.h). */
#include "gzsrc_int.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

#define DK_GZ_IN ((size_t)64 << 10)

struct dk_gzsrc {
	dk_read_fn fn;
	void *ud;
	void (*free_ud)(void *);
	z_stream z;
	int z_ready;
	int in_eof;      /* the source said 0 */
	int done;        /* Z_STREAM_END given */
	char in[DK_GZ_IN];
};

int dk__gzsrc_open(dk_gzsrc **out, dk_read_fn fn, void *ud, void (*free_ud)(void *), int level)
{
	dk_gzsrc *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g) {
		if (free_ud)
			free_ud(ud);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	g->fn = fn;
	g->ud = ud;
	g->free_ud = free_ud;
	/* windowBits 15 + 16: a gzip header and trailer around the deflate data */
	if (deflateInit2(&g->z, level < 0 || level > 9 ? Z_DEFAULT_COMPRESSION : level,
		Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		dk__gzsrc_free_v(g);
		return dk__err(DK_ENOMEM, 0, 0, "gzip: cannot initialise zlib");
	}
	g->z_ready = 1;
	*out = g;
	return 0;
}

int64_t dk__gzsrc_read(void *gz, char *buf, size_t len)
{
	dk_gzsrc *g = gz;
	int64_t r;
	int zr;

	if (g->done || len == 0)
		return 0;
	if (len > (size_t)UINT32_MAX / 2)
		len = (size_t)UINT32_MAX / 2;
	g->z.next_out = (Bytef *)buf;
	g->z.avail_out = (uInt)len;
	for (;;) {
		if (g->z.avail_in == 0 && !g->in_eof) {
			r = g->fn(g->ud, g->in, sizeof(g->in));
			if (r < 0)
				return r;
			if (r == 0)
				g->in_eof = 1;
			g->z.next_in = (Bytef *)g->in;
			g->z.avail_in = (uInt)r;
		}
		zr = deflate(&g->z, g->in_eof ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			g->done = 1;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return dk__err(DK_ERROR, 0, 0, "gzip: deflate failed (%d)", zr);
		if (g->z.avail_out < len || g->done)
			return (int64_t)(len - g->z.avail_out);
		/* nothing out yet: deflate wants more input */
	}
}

void dk__gzsrc_free_v(void *gz)
{
	dk_gzsrc *g = gz;

	if (!g)
		return;
	if (g->z_ready)
		deflateEnd(&g->z);
	if (g->free_ud)
		g->free_ud(g->ud);
	free(g);
}
