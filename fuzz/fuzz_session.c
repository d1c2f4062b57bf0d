/* libFuzzer target: the session's HTTP/2 and gRPC side (session.c through
 * nghttp2), fed what an engine could send after the 101: the first byte
 * picks the piece size the bytes are fed in, the rest is the engine's
 * stream (the seeds are a real dockerd 20.10 build session, captured).
 * The session serves a small context directory ("context" and
 * "dockerfile") and a secret. Properties: no crash, no leak, no undefined
 * behaviour whatever the engine sends; the answer is bounded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clibdocker/client.h"
#include "clibdocker/session.h"
#include "session_int.h"

static char ctx[64];
static dk_client *client;

static void setup(void)
{
	char p[128];
	FILE *f;

	snprintf(ctx, sizeof(ctx), "/tmp/dk-fuzz-session-%d", (int)getpid());
	mkdir(ctx, 0755);
	snprintf(p, sizeof(p), "%s/Dockerfile", ctx);
	if ((f = fopen(p, "w"))) {
		fputs("FROM scratch\nCOPY hello.txt /\n", f);
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/hello.txt", ctx);
	if ((f = fopen(p, "w"))) {
		fputs("hello\n", f);
		fclose(f);
	}
	if (dk_client_new(&client, "unix:///nonexistent.sock"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dk_session *s = NULL;
	dkbuf out = DKBUF_INIT;
	size_t step, pos = 0;

	if (!client)
		setup();
	if (size < 1)
		return 0;
	step = data[0] ? data[0] : size;
	data++;
	size--;
	if (dk_session_new(&s, client, "fuzz", "k") || dk_session_add_dir(s, "context", ctx, NULL) ||
	    dk_session_add_dir(s, "dockerfile", ctx, NULL) || dk_session_add_secret(s, "s", "x", 1) ||
	    dk__session_h2_start(s))
		abort();
	while (pos < size) {
		size_t k = size - pos < step ? size - pos : step;
		if (dk__session_mem(s, data + pos, k, &out) < 0)
			break;
		pos += k;
		if (out.len > ((size_t)64 << 20))
			abort();
		dkbuf_clear(&out);
	}
	dkbuf_dispose(&out);
	dk_session_close(s);
	return 0;
}
