/* A sans-I/O WebSocket client codec (RFC 6455). See wsframe_int.h. */
#include "wsframe_int.h"

#include <string.h>

#include "clibdocker/errors.h"
#include "errors_int.h"
#include "sha1_int.h"

void dk_ws_parser_init(dk_ws_parser *p, uint64_t max_frame)
{
	memset(p, 0, sizeof(*p));
	p->max_frame = max_frame ? max_frame : DK_WS_MAX_FRAME;
}

int dk_ws_parser_mid_frame(const dk_ws_parser *p)
{
	return p->hlen > 0 || p->in_payload;
}

static int fail(dk_ws_parser *p, const char *why)
{
	p->error = dk__err(DK_EPROTO, 0, 0, "bad WebSocket frame from the engine: %s", why);
	return p->error;
}

/* Bytes the header needs in total, given what is gathered (>= 2). */
static size_t header_need(const dk_ws_parser *p)
{
	size_t n = 2;
	unsigned l7 = p->hdr[1] & 0x7f;

	if (l7 == 126)
		n += 2;
	else if (l7 == 127)
		n += 8;
	if (p->hdr[1] & 0x80)
		n += 4;
	return n;
}

/* The header is complete: check it and start the payload. */
static int header_done(dk_ws_parser *p)
{
	unsigned b0 = p->hdr[0], b1 = p->hdr[1], l7 = b1 & 0x7f;
	uint64_t len = l7;
	int op = (int)(b0 & 0x0f), control = op >= 8, i;

	if (b0 & 0x70)
		return fail(p, "reserved bits set (no extension was negotiated)");
	if (b1 & 0x80)
		return fail(p, "masked frame (a server must not mask)");
	if ((op > DK_WS_BINARY && op < DK_WS_CLOSE) || op > DK_WS_PONG)
		return fail(p, "unknown opcode");
	if (l7 == 126) {
		len = (uint64_t)p->hdr[2] << 8 | p->hdr[3];
		if (len < 126)
			return fail(p, "length not in its shortest form");
	} else if (l7 == 127) {
		len = 0;
		for (i = 0; i < 8; i++)
			len = len << 8 | p->hdr[2 + i];
		if (len >> 63)
			return fail(p, "64-bit length with the top bit set");
		if (len <= 0xffff)
			return fail(p, "length not in its shortest form");
	}
	if (control) {
		if (!(b0 & 0x80))
			return fail(p, "fragmented control frame");
		if (len > 125)
			return fail(p, "control frame longer than 125 bytes");
	} else if (op == DK_WS_CONT) {
		if (!p->msg_opcode)
			return fail(p, "continuation frame outside a message");
	} else if (p->msg_opcode) {
		return fail(p, "new message inside a fragmented one");
	}
	if (len > p->max_frame) {
		p->error = dk__err(DK_EPROTO, 0, 0,
			"bad WebSocket frame from the engine: %llu bytes, more than the %llu allowed",
			(unsigned long long)len, (unsigned long long)p->max_frame);
		return p->error;
	}
	p->opcode = op;
	p->fin = (b0 & 0x80) != 0;
	p->left = len;
	p->in_payload = 1;
	p->hlen = 0;
	p->ctl_len = 0;
	if (!control) {
		p->data_opcode = op == DK_WS_CONT ? p->msg_opcode : op;
		p->msg_opcode = p->fin ? 0 : p->data_opcode;
	}
	return 0;
}

/* A control frame's payload is complete: its event. */
static int control_done(dk_ws_parser *p, dk_ws_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->data = p->ctl;
	ev->len = p->ctl_len;
	if (p->opcode == DK_WS_PING) {
		ev->type = DK_WS_EV_PING;
	} else if (p->opcode == DK_WS_PONG) {
		ev->type = DK_WS_EV_PONG;
	} else {
		ev->type = DK_WS_EV_CLOSE;
		ev->code = 1005;
		if (p->ctl_len == 1)
			return fail(p, "close frame with a 1-byte payload");
		if (p->ctl_len >= 2) {
			ev->code = p->ctl[0] << 8 | p->ctl[1];
			ev->data = p->ctl + 2;
			ev->len = p->ctl_len - 2;
		}
		p->closed = 1;
	}
	return 1;
}

int dk_ws_parse(dk_ws_parser *p, const unsigned char *in, size_t len, size_t max_data,
	size_t *used, dk_ws_event *ev)
{
	size_t pos = 0;
	int rc;

	*used = 0;
	if (p->error)
		return dk__err(p->error, 0, 0, "bad WebSocket stream from the engine (already failed)");
	if (!max_data)
		max_data = 1;
	while (pos < len || (p->in_payload && p->left == 0)) {
		if (p->closed)
			return fail(p, "data after the close frame");
		if (!p->in_payload) {
			/* gather the header byte by byte until its size is known */
			p->hdr[p->hlen++] = in[pos++];
			if (p->hlen >= 2 && p->hlen == header_need(p)) {
				rc = header_done(p);
				if (rc < 0) {
					*used = pos;
					return rc;
				}
			}
			continue;
		}
		if (p->opcode >= DK_WS_CLOSE) {
			size_t n = len - pos < p->left ? len - pos : (size_t)p->left;
			if (n)
				memcpy(p->ctl + p->ctl_len, in + pos, n);
			p->ctl_len += n;
			p->left -= n;
			pos += n;
			if (p->left == 0) {
				p->in_payload = 0;
				*used = pos;
				return control_done(p, ev);
			}
			continue;
		}
		if (p->left == 0) {
			/* an empty data frame (or the end of one): nothing to report */
			p->in_payload = 0;
			continue;
		}
		{
			size_t n = len - pos;
			if (n > p->left)
				n = (size_t)p->left;
			if (n > max_data)
				n = max_data;
			memset(ev, 0, sizeof(*ev));
			ev->type = DK_WS_EV_DATA;
			ev->data = in + pos;
			ev->len = n;
			p->left -= n;
			pos += n;
			ev->fin = p->fin && p->left == 0;
			ev->opcode = p->data_opcode;
			if (p->left == 0)
				p->in_payload = 0;
			*used = pos;
			return 1;
		}
	}
	*used = pos;
	return 0;
}

size_t dk_ws_frame_header(unsigned char out[DK_WS_HEADER_MAX], int opcode, uint64_t len,
	const unsigned char mask[4])
{
	size_t n = 2;
	int i;

	out[0] = (unsigned char)(0x80 | (opcode & 0x0f));
	if (len < 126) {
		out[1] = (unsigned char)(0x80 | len);
	} else if (len <= 0xffff) {
		out[1] = 0x80 | 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		n = 4;
	} else {
		out[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			out[2 + i] = (unsigned char)(len >> (56 - 8 * i));
		n = 10;
	}
	memcpy(out + n, mask, 4);
	return n + 4;
}

void dk_ws_mask(unsigned char *buf, size_t n, const unsigned char mask[4], uint64_t off)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] ^= mask[(off + i) & 3];
}

void dk_ws_base64(const unsigned char *in, size_t n, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*out++ = t[v >> 18];
		*out++ = t[(v >> 12) & 63];
		*out++ = t[(v >> 6) & 63];
		*out++ = t[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		*out++ = t[v >> 18];
		*out++ = t[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		*out++ = t[v >> 18];
		*out++ = t[(v >> 12) & 63];
		*out++ = t[(v >> 6) & 63];
		*out++ = '=';
	}
	*out = '\0';
}

void dk_ws_accept(const char *key, char out[29])
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char d[20];
	dk_sha1 s;

	dk__sha1_init(&s);
	dk__sha1_update(&s, key, strlen(key));
	dk__sha1_update(&s, guid, sizeof(guid) - 1);
	dk__sha1_final(&s, d);
	dk_ws_base64(d, 20, out);
}
