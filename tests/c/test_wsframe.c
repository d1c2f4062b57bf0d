/* The WebSocket codec (wsframe.c) and SHA-1 (sha1.c): test vectors, server
 * frames fed split at every byte (and every pair of places), the rules a
 * client enforces, and client frames built and masked. */
#include "dktest.h"

#include "clibdocker/errors.h"
#include "sha1_int.h"
#include "wsframe_int.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static int sha1_is(const void *data, size_t len, const char *want)
{
	unsigned char d[20];
	char h[41];

	dk__sha1(data, len, d);
	hex(d, 20, h);
	if (strcmp(h, want))
		fprintf(stderr, "sha1: got %s want %s\n", h, want);
	return !strcmp(h, want);
}

/* What a parse of a whole stream produced. */
typedef struct {
	unsigned char data[80000];
	size_t ndata;
	int text_bytes;         /* data bytes reported as text */
	int pings, pongs, closes, close_code, fins;
	char ping[130], reason[130];
	int rc;                 /* 0, or the error */
} result;

static void feed(dk_ws_parser *p, const unsigned char *in, size_t len, size_t max_data, result *r)
{
	size_t pos = 0, used;
	dk_ws_event ev;
	int rc;

	while (!r->rc && pos < len) {
		rc = dk_ws_parse(p, in + pos, len - pos, max_data, &used, &ev);
		pos += used;
		if (rc < 0) {
			r->rc = rc;
			return;
		}
		if (rc == 0) {
			if (pos != len)
				r->rc = -1000; /* must use all of it */
			return;
		}
		if (ev.type == DK_WS_EV_DATA) {
			if (ev.len == 0 || ev.len > max_data || r->ndata + ev.len > sizeof(r->data)) {
				r->rc = -1001;
				return;
			}
			memcpy(r->data + r->ndata, ev.data, ev.len);
			r->ndata += ev.len;
			if (ev.opcode == DK_WS_TEXT)
				r->text_bytes += (int)ev.len;
			r->fins += ev.fin;
		} else if (ev.type == DK_WS_EV_PING) {
			r->pings++;
			memcpy(r->ping, ev.data, ev.len);
			r->ping[ev.len] = '\0';
		} else if (ev.type == DK_WS_EV_PONG) {
			r->pongs++;
		} else if (ev.type == DK_WS_EV_CLOSE) {
			r->closes++;
			r->close_code = ev.code;
			memcpy(r->reason, ev.data, ev.len);
			r->reason[ev.len] = '\0';
		}
	}
}

/* Server frames: text "Hello"; binary "abc" + ping "hi" + continuation "de"
 * (one message in two fragments with a ping between); an empty binary
 * frame; 200 bytes (16-bit length); a pong; close 1000 "bye". */
static unsigned char small[400];
static size_t small_len;
static unsigned char small_data[300];
static size_t small_data_len;

static void build_small(void)
{
	unsigned char *p = small;
	size_t i;

	memcpy(p, "\x81\x05Hello", 7); p += 7;
	memcpy(p, "\x02\x03" "abc", 5); p += 5;
	memcpy(p, "\x89\x02hi", 4); p += 4;
	memcpy(p, "\x80\x02" "de", 4); p += 4;
	memcpy(p, "\x82\x00", 2); p += 2;
	memcpy(p, "\x82\x7e\x00\xc8", 4); p += 4;
	for (i = 0; i < 200; i++)
		*p++ = (unsigned char)(i * 7);
	memcpy(p, "\x8a\x00", 2); p += 2;
	memcpy(p, "\x88\x05\x03\xe8" "bye", 7); p += 7;
	small_len = (size_t)(p - small);
	memcpy(small_data, "Helloabcde", 10);
	for (i = 0; i < 200; i++)
		small_data[10 + i] = (unsigned char)(i * 7);
	small_data_len = 210;
}

static int small_ok(const result *r)
{
	return r->rc == 0 && r->ndata == small_data_len && !memcmp(r->data, small_data, small_data_len) &&
	       r->text_bytes == 5 && r->pings == 1 && !strcmp(r->ping, "hi") && r->pongs == 1 &&
	       r->closes == 1 && r->close_code == 1000 && !strcmp(r->reason, "bye") && r->fins == 3;
}

static int split_run(size_t a, size_t b, size_t max_data)
{
	dk_ws_parser p;
	static result r;

	memset(&r, 0, sizeof(r));
	dk_ws_parser_init(&p, 0);
	feed(&p, small, a, max_data, &r);
	feed(&p, small + a, b - a, max_data, &r);
	feed(&p, small + b, small_len - b, max_data, &r);
	return small_ok(&r) && !dk_ws_parser_mid_frame(&p);
}

/* One frame, fed whole: the parser's return code. */
static int bad(const char *bytes, size_t n, uint64_t max)
{
	dk_ws_parser p;
	static result r;

	memset(&r, 0, sizeof(r));
	dk_ws_parser_init(&p, max);
	feed(&p, (const unsigned char *)bytes, n, 1 << 20, &r);
	if (r.rc < 0) {
		/* sticky: more input fails too */
		size_t used;
		dk_ws_event ev;
		if (dk_ws_parse(&p, (const unsigned char *)"\x82\x00", 2, 10, &used, &ev) >= 0)
			return -2000;
	}
	return r.rc;
}

int main(void)
{
	static unsigned char million[1000000];
	static unsigned char big[70000 + 10];
	static result r;
	dk_ws_parser p;
	dk_sha1 s;
	unsigned char d[20], hdr[DK_WS_HEADER_MAX], mask[4] = {0x37, 0xfa, 0x21, 0x3d};
	char out[64], h[41];
	size_t a, b, i, nbad = 0, n;

	/* SHA-1: FIPS 180 examples, the million 'a' fed in uneven pieces */
	CHECK(sha1_is("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
	CHECK(sha1_is("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d"));
	CHECK(sha1_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		"84983e441c3bd26ebaae4aa1f95129e5e54670f1"));
	CHECK(sha1_is("The quick brown fox jumps over the lazy dog", 43,
		"2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"));
	memset(million, 'a', sizeof(million));
	dk__sha1_init(&s);
	for (i = 0, n = 1; i < sizeof(million); i += n, n = n * 3 % 1000 + 1)
		dk__sha1_update(&s, million + i, i + n > sizeof(million) ? sizeof(million) - i : n);
	dk__sha1_final(&s, d);
	hex(d, 20, h);
	CHECK(!strcmp(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"));
	/* the padding's edge cases (values from Python's hashlib) */
	CHECK(sha1_is(million, 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"));
	CHECK(sha1_is(million, 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"));
	CHECK(sha1_is(million, 63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"));
	CHECK(sha1_is(million, 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"));
	CHECK(sha1_is(million, 65, "11655326c708d70319be2610e8a57d9a5b959d3b"));
	CHECK(sha1_is(million, 119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"));
	CHECK(sha1_is(million, 120, "f34c1488385346a55709ba056ddd08280dd4c6d6"));

	/* base64 (RFC 4648 vectors) and the RFC 6455 handshake example */
	dk_ws_base64((const unsigned char *)"", 0, out);
	CHECK(!strcmp(out, ""));
	dk_ws_base64((const unsigned char *)"f", 1, out);
	CHECK(!strcmp(out, "Zg=="));
	dk_ws_base64((const unsigned char *)"fo", 2, out);
	CHECK(!strcmp(out, "Zm8="));
	dk_ws_base64((const unsigned char *)"foo", 3, out);
	CHECK(!strcmp(out, "Zm9v"));
	dk_ws_base64((const unsigned char *)"foobar", 6, out);
	CHECK(!strcmp(out, "Zm9vYmFy"));
	dk_ws_accept("dGhlIHNhbXBsZSBub25jZQ==", out);
	CHECK(!strcmp(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

	/* a stream split at every pair of places, with tiny and large reads */
	build_small();
	for (a = 0; a <= small_len; a++)
		for (b = a; b <= small_len; b++)
			if (!split_run(a, b, b % 3 ? 1 << 20 : 1 + b % 5))
				nbad++;
	CHECK(nbad == 0);

	/* a 64-bit length, fed one byte at a time and in one piece */
	big[0] = 0x82;
	big[1] = 127;
	memcpy(big + 2, "\0\0\0\0\0\x01\x11\x70", 8); /* 70000 */
	for (i = 0; i < 70000; i++)
		big[10 + i] = (unsigned char)(i ^ (i >> 8));
	memset(&r, 0, sizeof(r));
	dk_ws_parser_init(&p, 0);
	for (i = 0; i < sizeof(big); i++) {
		feed(&p, big + i, 1, 4096, &r);
		CHECK(dk_ws_parser_mid_frame(&p) == (i + 1 < sizeof(big)));
	}
	CHECK(r.rc == 0 && r.ndata == 70000 && !memcmp(r.data, big + 10, 70000) && r.fins == 1);
	memset(&r, 0, sizeof(r));
	dk_ws_parser_init(&p, 0);
	feed(&p, big, sizeof(big), 1000, &r);
	CHECK(r.rc == 0 && r.ndata == 70000 && !memcmp(r.data, big + 10, 70000));

	/* truncated: inside the header, inside the payload */
	dk_ws_parser_init(&p, 0);
	memset(&r, 0, sizeof(r));
	feed(&p, big, 5, 100, &r);
	CHECK(r.rc == 0 && dk_ws_parser_mid_frame(&p));
	feed(&p, big + 5, 100, 100, &r);
	CHECK(r.rc == 0 && dk_ws_parser_mid_frame(&p) && r.ndata == 95);

	/* what a client refuses */
	CHECK(bad("\xc2\x01x", 3, 0) == DK_EPROTO);          /* RSV1 */
	CHECK(bad("\xa2\x01x", 3, 0) == DK_EPROTO);          /* RSV2 */
	CHECK(bad("\x92\x01x", 3, 0) == DK_EPROTO);          /* RSV3 */
	CHECK(bad("\x82\x81\1\2\3\4x", 7, 0) == DK_EPROTO);  /* masked by the server */
	CHECK(bad("\x83\x00", 2, 0) == DK_EPROTO);           /* opcode 3 */
	CHECK(bad("\x8b\x00", 2, 0) == DK_EPROTO);           /* opcode 0xB */
	CHECK(bad("\x09\x00", 2, 0) == DK_EPROTO);           /* fragmented ping */
	CHECK(bad("\x89\x7e\x00\x7e", 4, 0) == DK_EPROTO);   /* ping of 126 bytes */
	CHECK(bad("\x80\x01x", 3, 0) == DK_EPROTO);          /* continuation, no message */
	CHECK(bad("\x02\x01x\x82\x01y", 6, 0) == DK_EPROTO); /* new message inside one */
	CHECK(bad("\x82\x7e\x00\x05hello", 9, 0) == DK_EPROTO); /* 16-bit form for 5 */
	CHECK(bad("\x82\x7f\0\0\0\0\0\0\x01\0", 10, 0) == DK_EPROTO); /* 64-bit form for 256 */
	CHECK(bad("\x82\x7f\x80\0\0\0\0\0\0\0", 10, 0) == DK_EPROTO); /* top bit */
	CHECK(bad("\x82\x7f\x7f\xff\xff\xff\xff\xff\xff\xff", 10, 0) == DK_EPROTO); /* 2^63-1 > cap */
	CHECK(bad("\x82\x7e\x03\xe9", 4, 1000) == DK_EPROTO); /* 1001 > a 1000 cap */
	CHECK(bad("\x82\x7e\x03\xe8", 4, 1000) == 0);         /* 1000 is fine */
	CHECK(bad("\x88\x01x", 3, 0) == DK_EPROTO);          /* close with 1 byte */
	CHECK(bad("\x88\x00\x82\x01x", 5, 0) == DK_EPROTO);  /* data after close */
	CHECK(bad("\x88\x00", 2, 0) == 0);                   /* close, no code: 1005 */
	memset(&r, 0, sizeof(r));
	dk_ws_parser_init(&p, 0);
	feed(&p, (const unsigned char *)"\x82\x7f\x01\0\0\0\0\0\0\0", 10, 100, &r);
	CHECK(r.rc == DK_EPROTO && strstr(dk_error_last()->message, "more than"));

	/* client frames: FIN, opcode, the mask bit, the shortest length */
	CHECK(dk_ws_frame_header(hdr, DK_WS_BINARY, 5, mask) == 6);
	CHECK(hdr[0] == 0x82 && hdr[1] == 0x85 && !memcmp(hdr + 2, mask, 4));
	CHECK(dk_ws_frame_header(hdr, DK_WS_CLOSE, 125, mask) == 6 && hdr[0] == 0x88 && hdr[1] == 0xfd);
	CHECK(dk_ws_frame_header(hdr, DK_WS_BINARY, 126, mask) == 8);
	CHECK(hdr[1] == 0xfe && hdr[2] == 0 && hdr[3] == 126 && !memcmp(hdr + 4, mask, 4));
	CHECK(dk_ws_frame_header(hdr, DK_WS_BINARY, 65535, mask) == 8 && hdr[2] == 0xff && hdr[3] == 0xff);
	CHECK(dk_ws_frame_header(hdr, DK_WS_BINARY, 65536, mask) == 14);
	CHECK(hdr[1] == 0xff && !memcmp(hdr + 2, "\0\0\0\0\0\x01\0\0", 8) && !memcmp(hdr + 10, mask, 4));
	/* RFC 6455 5.7: "Hello" masked with 37 fa 21 3d */
	memcpy(out, "Hello", 5);
	dk_ws_mask((unsigned char *)out, 5, mask, 0);
	CHECK(!memcmp(out, "\x7f\x9f\x4d\x51\x58", 5));
	/* masking in pieces at any offset is the same as at once */
	memcpy(out, "Hello", 5);
	dk_ws_mask((unsigned char *)out, 2, mask, 0);
	dk_ws_mask((unsigned char *)out + 2, 3, mask, 2);
	CHECK(!memcmp(out, "\x7f\x9f\x4d\x51\x58", 5));
	DKT_DONE();
}
