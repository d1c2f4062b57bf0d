/* The HTTP response-head parser, fed inputs split at every byte. */
#include "dktest.h"

#include "clibdocker/errors.h"
#include "httphead_int.h"

static const char *ANSWER =
	"HTTP/1.1 101 UPGRADED\r\n"
	"Content-Type: application/vnd.docker.multiplexed-stream\r\n"
	"Connection: Upgrade\r\n"
	"upgrade:   tcp  \r\n"
	"\r\n"
	"\x01\0\0\0\0\0\0\2hi";
/* the head's length (ANSWER holds NULs after it) */
#define HEAD_LEN (strlen(ANSWER) - 1)

static int run_split(size_t a, size_t b)
{
	dk_httphead p;
	size_t len = HEAD_LEN + 10, cuts[4] = {0, a, b, len}, i, n;
	const char *v;
	int rc = 0, ok = 1;

	dk_httphead_init(&p);
	for (i = 0; i < 3; i++) {
		rc = dk_httphead_feed(&p, ANSWER + cuts[i], cuts[i + 1] - cuts[i]);
		if (rc < 0)
			ok = 0;
		if (rc == 0 && cuts[i + 1] >= len - 10)
			ok = 0; /* the head is complete by then */
	}
	if (rc != 1 || p.status != 101)
		ok = 0;
	v = dk_httphead_header(&p, "Upgrade", &n);
	if (!v || n != 3 || memcmp(v, "tcp", 3))
		ok = 0;
	v = dk_httphead_header(&p, "content-type", &n);
	if (!v || n != strlen("application/vnd.docker.multiplexed-stream"))
		ok = 0;
	v = dk_httphead_rest(&p, &n);
	if (n != 10 || memcmp(v, "\x01\0\0\0\0\0\0\2hi", 10))
		ok = 0;
	dk_httphead_dispose(&p);
	return ok;
}

int main(void)
{
	size_t len = HEAD_LEN + 10, a, b, bad = 0, n;
	dk_httphead p;
	char big[1024];
	int i;

	for (a = 0; a <= len; a++)
		for (b = a; b <= len; b++)
			if (!run_split(a, b))
				bad++;
	CHECK(bad == 0);

	/* bare LF line ends, an error status with a body after the head */
	dk_httphead_init(&p);
	CHECK(dk_httphead_feed(&p, "HTTP/1.0 404 Not Found\nContent-Length: 2\n\n{}", 44) == 1);
	CHECK(p.status == 404);
	CHECK(dk_httphead_header(&p, "X-Missing", &n) == NULL);
	CHECK(dk_httphead_rest(&p, &n) && n == 2);
	dk_httphead_dispose(&p);

	/* not HTTP */
	dk_httphead_init(&p);
	CHECK(dk_httphead_feed(&p, "SSH-2.0-x\r\n\r\n", 13) == DK_EPROTO);
	CHECK(dk_httphead_feed(&p, "more", 4) == DK_EPROTO);
	dk_httphead_dispose(&p);

	/* a head over the bound */
	dk_httphead_init(&p);
	memset(big, 'a', sizeof(big));
	CHECK(dk_httphead_feed(&p, "HTTP/1.1 200 OK\r\n", 17) == 0);
	for (i = 0; i < 80; i++)
		if (dk_httphead_feed(&p, big, sizeof(big)) < 0)
			break;
	CHECK(i < 80 && p.error == DK_EPROTO);
	dk_httphead_dispose(&p);
	DKT_DONE();
}
