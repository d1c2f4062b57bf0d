/* libFuzzer target: gRPC message framing (proto.c) as the session reads it
 * from HTTP/2 DATA frames split anywhere.
 * Property: the input fed whole or in pieces cut at fuzzer-chosen points
 * gives the same messages and the same outcome; a message is never over
 * the cap (64 KiB here). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

static size_t run(const uint8_t *d, size_t n, size_t step, unsigned char *out, int *rc)
{
	dk_grpc_reader r;
	const unsigned char *m;
	size_t ml, pos = 0, len = 0;

	dk_grpc_reader_init(&r, 65536);
	*rc = 0;
	while (pos < n && *rc >= 0) {
		size_t k = n - pos < step ? n - pos : step;
		if (dk_grpc_reader_feed(&r, d + pos, k))
			abort();
		pos += k;
		while ((*rc = dk_grpc_reader_next(&r, &m, &ml)) == 1) {
			if (ml > 65536)
				abort();
			memcpy(out + len, &ml, sizeof(ml));
			len += sizeof(ml);
			memcpy(out + len, m, ml);
			len += ml;
		}
	}
	dk_grpc_reader_dispose(&r);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *a, *b;
	size_t la, lb, step;
	int ra, rb;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	data++;
	size--;
	a = malloc(size * 9 + 16);
	b = malloc(size * 9 + 16);
	la = run(data, size, size ? size : 1, a, &ra);
	lb = run(data, size, step, b, &rb);
	if (la != lb || memcmp(a, b, la) || (ra < 0) != (rb < 0))
		abort();
	free(a);
	free(b);
	return 0;
}
