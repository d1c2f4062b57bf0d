/* The multiplexed-frame parser, fed inputs split at every byte. */
#include "dktest.h"

#include "clibdocker/errors.h"
#include "mux_int.h"

static size_t frame(char *out, int id, const char *data, size_t len)
{
	out[0] = (char)id;
	out[1] = out[2] = out[3] = 0;
	out[4] = (char)(len >> 24);
	out[5] = (char)(len >> 16);
	out[6] = (char)(len >> 8);
	out[7] = (char)len;
	memcpy(out + 8, data, len);
	return 8 + len;
}

static char input[4096];
static size_t input_len;
static char want[4][2048];
static size_t want_len[4];

static void build(void)
{
	static const char big[] =
		"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct { int id; const char *d; size_t n; } fr[] = {
		{1, "hello\n", 6},
		{2, "oops\n", 5},
		{1, "", 0},
		{1, big, sizeof(big) - 1},
		{2, "\0\1\2\3", 4},
		{0, "in", 2},
		{1, "x", 1},
		{3, "engine error", 12},
	};
	size_t i;

	for (i = 0; i < sizeof(fr) / sizeof(fr[0]); i++) {
		input_len += frame(input + input_len, fr[i].id, fr[i].d, fr[i].n);
		memcpy(want[fr[i].id] + want_len[fr[i].id], fr[i].d, fr[i].n);
		want_len[fr[i].id] += fr[i].n;
	}
}

/* Feed in three pieces cut at a and b; pieces of each stream must add up to
 * exactly what was sent; frames no bigger than max_piece come out whole. */
static int run_split(size_t a, size_t b, size_t max_piece, size_t *npieces)
{
	dk_mux m;
	char got[4][2048];
	size_t got_len[4] = {0, 0, 0, 0}, cuts[4] = {0, a, b, input_len}, i, n;
	const char *d;
	int id, rc, ok = 1;

	*npieces = 0;
	dk_mux_init(&m, max_piece);
	for (i = 0; i < 3; i++) {
		if (dk_mux_feed(&m, input + cuts[i], cuts[i + 1] - cuts[i]))
			ok = 0;
		while ((rc = dk_mux_next(&m, &id, &d, &n)) == 1) {
			if (id < 0 || id > 3 || n == 0 || got_len[id] + n > sizeof(got[0])) {
				ok = 0;
				break;
			}
			memcpy(got[id] + got_len[id], d, n);
			got_len[id] += n;
			(*npieces)++;
		}
		if (rc < 0)
			ok = 0;
	}
	if (dk_mux_finish(&m) != 0)
		ok = 0;
	for (i = 0; i < 4; i++)
		if (got_len[i] != want_len[i] || memcmp(got[i], want[i], want_len[i]))
			ok = 0;
	dk_mux_dispose(&m);
	return ok;
}

int main(void)
{
	size_t a, b, bad = 0, wrong_count = 0, np, i;
	dk_mux m;
	const char *d;
	size_t n;
	int id, rc;
	char buf[64];

	build();
	/* every pair of cut points covers every single and double split */
	for (a = 0; a <= input_len; a++)
		for (b = a; b <= input_len; b++) {
			if (!run_split(a, b, 0, &np))
				bad++;
			/* 7 non-empty frames, each small enough to come out whole */
			if (np != 7)
				wrong_count++;
			/* a tiny bound: the 144-byte frame comes out in pieces */
			if (!run_split(a, b, 16, &np))
				bad++;
		}
	CHECK(bad == 0);
	CHECK(wrong_count == 0);

	/* byte at a time */
	dk_mux_init(&m, 0);
	{
		size_t out = 0, pieces = 0;
		for (i = 0; i < input_len; i++) {
			CHECK(dk_mux_feed(&m, input + i, 1) == 0);
			while (dk_mux_next(&m, &id, &d, &n) == 1) {
				out += n;
				pieces++;
			}
		}
		CHECK(pieces == 7);
		CHECK(out == want_len[0] + want_len[1] + want_len[2] + want_len[3]);
		CHECK(dk_mux_finish(&m) == 0);
	}
	dk_mux_dispose(&m);

	/* a huge declared frame is handed out as it arrives, never buffered whole */
	dk_mux_init(&m, 1024);
	buf[0] = 1; buf[1] = buf[2] = buf[3] = 0;
	buf[4] = 0x7f; buf[5] = buf[6] = buf[7] = (char)0xff; /* ~2 GiB */
	CHECK(dk_mux_feed(&m, buf, 8) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == 0);
	CHECK(dk_mux_feed(&m, "abc", 3) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == 1 && id == 1 && n == 3 && !memcmp(d, "abc", 3));
	CHECK(dk_mux_pending(&m) == 0);
	CHECK(dk_mux_finish(&m) == DK_EPROTO);   /* ended inside the payload */
	dk_mux_dispose(&m);

	/* a frame that started piecewise stays piecewise: its tail is not held
	 * back waiting for bytes that may never come */
	dk_mux_init(&m, 16);
	CHECK(dk_mux_feed(&m, "\x02\0\0\0\0\0\0\x14" "0123456789", 18) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == 1 && id == 2 && n == 10);
	CHECK(dk_mux_feed(&m, "abc", 3) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == 1 && id == 2 && n == 3 && !memcmp(d, "abc", 3));
	CHECK(dk_mux_next(&m, &id, &d, &n) == 0);
	dk_mux_dispose(&m);

	/* a bad stream id or padding is a protocol error, and sticky */
	dk_mux_init(&m, 0);
	CHECK(dk_mux_feed(&m, "\x05\0\0\0\0\0\0\1x", 9) == 0);
	rc = dk_mux_next(&m, &id, &d, &n);
	CHECK(rc == DK_EPROTO);
	CHECK(strstr(dk_error_last()->message, "TTY") != NULL);
	CHECK(dk_mux_next(&m, &id, &d, &n) == DK_EPROTO);
	dk_mux_dispose(&m);
	dk_mux_init(&m, 0);
	CHECK(dk_mux_feed(&m, "\x01\0\x01\0\0\0\0\1x", 9) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == DK_EPROTO);
	dk_mux_dispose(&m);

	/* raw TTY text misread as frames is caught at the first header */
	dk_mux_init(&m, 0);
	CHECK(dk_mux_feed(&m, "hello world\n", 12) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == DK_EPROTO);
	dk_mux_dispose(&m);

	/* truncated header */
	dk_mux_init(&m, 0);
	CHECK(dk_mux_feed(&m, "\x01\0\0", 3) == 0);
	CHECK(dk_mux_next(&m, &id, &d, &n) == 0);
	CHECK(dk_mux_finish(&m) == DK_EPROTO);
	dk_mux_dispose(&m);

	/* empty input is a clean end */
	dk_mux_init(&m, 0);
	CHECK(dk_mux_finish(&m) == 0);
	dk_mux_dispose(&m);
	DKT_DONE();
}
