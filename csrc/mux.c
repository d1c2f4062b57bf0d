/* Sans-I/O parser of multiplexed stdio frames. See mux_int.h. */
#include "mux_int.h"

#include <string.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

#define DK_MUX_DEFAULT_PIECE ((size_t)256 << 10)

void dk_mux_init(dk_mux *m, size_t max_piece)
{
	memset(m, 0, sizeof(*m));
	m->max_piece = max_piece ? max_piece : DK_MUX_DEFAULT_PIECE;
}

void dk_mux_dispose(dk_mux *m)
{
	dkbuf_dispose(&m->buf);
	m->pos = 0;
}

int dk_mux_feed(dk_mux *m, const char *data, size_t len)
{
	if (m->pos) {
		dkbuf_consume(&m->buf, m->pos);
		m->pos = 0;
	}
	if (!len)
		return 0;
	if (dkbuf_put(&m->buf, data, len))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk_mux_next(dk_mux *m, int *stream_id, const char **data, size_t *len)
{
	const unsigned char *h;
	size_t avail, n;

	if (m->error)
		return m->error;
	for (;;) {
		avail = m->buf.len - m->pos;
		if (!m->in_frame) {
			if (avail < DK_MUX_HEADER)
				return 0;
			h = (const unsigned char *)m->buf.ptr + m->pos;
			if (h[0] > DK_MUX_SYSERR || h[1] || h[2] || h[3]) {
				m->error = DK_EPROTO;
				return dk__err(DK_EPROTO, 0, 0,
					"bad multiplexed stream header (%02x %02x %02x %02x): not a "
					"stdout/stderr frame (is the container a TTY?)",
					h[0], h[1], h[2], h[3]);
			}
			m->stream = h[0];
			m->left = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
				  (uint32_t)h[6] << 8 | (uint32_t)h[7];
			m->pos += DK_MUX_HEADER;
			if (m->left == 0)
				continue; /* empty frame: nothing to give */
			m->in_frame = 1;
			/* a big frame goes out piecewise to its end */
			m->piecewise = m->left > m->max_piece;
			continue;
		}
		if (!m->piecewise) {
			if (avail < m->left)
				return 0; /* a small frame comes out whole */
			n = m->left;
		} else {
			if (avail == 0)
				return 0;
			n = avail < m->left ? avail : m->left;
		}
		*stream_id = m->stream;
		*data = m->buf.ptr + m->pos;
		*len = n;
		m->pos += n;
		m->left -= (uint32_t)n;
		if (m->left == 0)
			m->in_frame = 0;
		return 1;
	}
}

int dk_mux_ready(const dk_mux *m)
{
	size_t avail = m->buf.len - m->pos;

	if (m->error)
		return 1;
	if (!m->in_frame)
		return avail >= DK_MUX_HEADER;
	return m->piecewise ? avail > 0 : avail >= m->left;
}

size_t dk_mux_pending(const dk_mux *m)
{
	return m->buf.len - m->pos;
}

int dk_mux_finish(dk_mux *m)
{
	if (m->error)
		return m->error;
	if (m->in_frame || m->buf.len > m->pos) {
		m->error = DK_EPROTO;
		return dk__err(DK_EPROTO, 0, 0,
			"the multiplexed stream ended inside a frame (%s): the output was truncated",
			m->in_frame ? "payload" : "header");
	}
	return 0;
}
