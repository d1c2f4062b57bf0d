/* The JSON message splitter, fed inputs split at every byte. */
#include "dktest.h"

#include "clibdocker/errors.h"
#include "jsonsplit_int.h"

static const char *STREAM =
	"{\"status\":\"start\",\"id\":\"abc\"}\n"
	"{\"a\":\"brace } in { string\",\"b\":[1,2,{\"c\":\"\\\"quoted\\\\\"}]}\r\n"
	"  [1,[2,[3]]]"
	"{\"utf8\":\"h\xc3\xa9llo \\u00e9\"}{\"x\":{}}\n\n";
static const char *EXPECT[] = {
	"{\"status\":\"start\",\"id\":\"abc\"}",
	"{\"a\":\"brace } in { string\",\"b\":[1,2,{\"c\":\"\\\"quoted\\\\\"}]}",
	"[1,[2,[3]]]",
	"{\"utf8\":\"h\xc3\xa9llo \\u00e9\"}",
	"{\"x\":{}}",
};
#define NEXPECT (sizeof(EXPECT) / sizeof(EXPECT[0]))

/* Feed `data` in pieces cut at a and b; collect messages. */
static int run_split(const char *data, size_t len, size_t a, size_t b)
{
	dk_jsplit s;
	const char *m;
	size_t n, got = 0, cuts[4] = {0, a, b, len}, i;
	int rc, ok = 1;

	dk_jsplit_init(&s, 0);
	for (i = 0; i < 3; i++) {
		if (dk_jsplit_feed(&s, data + cuts[i], cuts[i + 1] - cuts[i]))
			ok = 0;
		while ((rc = dk_jsplit_next(&s, &m, &n)) == 1) {
			if (got >= NEXPECT || n != strlen(EXPECT[got]) || memcmp(m, EXPECT[got], n))
				ok = 0;
			got++;
		}
		if (rc < 0)
			ok = 0;
	}
	if (dk_jsplit_finish(&s) != 0 || got != NEXPECT)
		ok = 0;
	dk_jsplit_dispose(&s);
	return ok;
}

int main(void)
{
	size_t len = strlen(STREAM), a, b, bad = 0;
	dk_jsplit s;
	const char *m;
	size_t n;
	char big[300];

	/* every pair of cut points: covers every single split and double split */
	for (a = 0; a <= len; a++)
		for (b = a; b <= len; b++)
			if (!run_split(STREAM, len, a, b))
				bad++;
	CHECK(bad == 0);

	/* byte at a time */
	dk_jsplit_init(&s, 0);
	{
		size_t i, got = 0;
		for (i = 0; i < len; i++) {
			CHECK(dk_jsplit_feed(&s, STREAM + i, 1) == 0);
			while (dk_jsplit_next(&s, &m, &n) == 1)
				got++;
		}
		CHECK(got == NEXPECT);
		CHECK(dk_jsplit_finish(&s) == 0);
	}
	dk_jsplit_dispose(&s);

	/* garbage between messages is a protocol error, and sticky */
	dk_jsplit_init(&s, 0);
	CHECK(dk_jsplit_feed(&s, "{}x{}", 5) == 0);
	CHECK(dk_jsplit_next(&s, &m, &n) == 1);
	CHECK(dk_jsplit_next(&s, &m, &n) == DK_EPROTO);
	CHECK(dk_jsplit_next(&s, &m, &n) == DK_EPROTO);
	dk_jsplit_dispose(&s);

	/* truncated message at the end */
	dk_jsplit_init(&s, 0);
	CHECK(dk_jsplit_feed(&s, "{\"a\":1}{\"b\":", 12) == 0);
	CHECK(dk_jsplit_next(&s, &m, &n) == 1);
	CHECK(dk_jsplit_next(&s, &m, &n) == 0);
	CHECK(dk_jsplit_finish(&s) == DK_EPROTO);
	dk_jsplit_dispose(&s);

	/* a message over the bound fails instead of growing without limit */
	dk_jsplit_init(&s, 100);
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[1] = '"';
	CHECK(dk_jsplit_feed(&s, big, sizeof(big)) == 0);
	CHECK(dk_jsplit_next(&s, &m, &n) == DK_EPROTO);
	dk_jsplit_dispose(&s);

	/* memory stays bounded over many messages consumed as they come */
	dk_jsplit_init(&s, 0);
	{
		int i, got = 0;
		size_t maxcap = 0;
		for (i = 0; i < 100000; i++) {
			dk_jsplit_feed(&s, "{\"Type\":\"container\",\"Action\":\"start\"}\n", 38);
			while (dk_jsplit_next(&s, &m, &n) == 1)
				got++;
			if (s.buf.cap > maxcap)
				maxcap = s.buf.cap;
		}
		CHECK(got == 100000);
		CHECK(maxcap <= 256);
	}
	dk_jsplit_dispose(&s);
	DKT_DONE();
}
